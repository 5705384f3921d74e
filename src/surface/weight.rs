//! [`WeightPolicy`]: how much one incident counts, the same for every analysis.

use std::collections::BTreeMap;

use jiff::civil::Date;
use serde::Serialize;

use crate::error::{Error, Result};
use crate::incident::{EventKind, Incident, day_number};
use crate::precision::PrecisionPolicy;

/// How deaths raise an incident's weight.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum FatalityWeighting {
    /// Every incident counts the same.
    #[default]
    None,
    /// `1 + ln(1 + best)`: an incident with 10 deaths counts 3.4, with 100 deaths 5.6.
    LogOnePlus,
}

/// How much each incident counts in a surface, a hot-spot analysis or a site's risk, as of a
/// date. Incidents that start after the as-of date count 0. Weights multiply: fatalities ×
/// event kind × precision × temporal decay.
///
/// ```
/// use conflict_risk::surface::FatalityWeighting;
/// use conflict_risk::{EventKind, WeightPolicy, jiff::civil::date};
/// let policy = WeightPolicy::new(date(2024, 12, 31))
///     .fatalities(FatalityWeighting::LogOnePlus)
///     .kind_weight(EventKind::RiotProtest, 0.0)?
///     .half_life_days(180.0)?;
/// assert_eq!(policy.as_of(), date(2024, 12, 31));
/// # Ok::<(), conflict_risk::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct WeightPolicy {
    as_of: Date,
    fatalities: FatalityWeighting,
    kind_weights: BTreeMap<EventKind, f64>,
    precision: PrecisionPolicy,
    half_life_days: Option<f64>,
}

/// What a policy did to a set of incidents: how many it left out and why, and how many it
/// changed.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct WeightReport {
    /// Incidents with a positive weight.
    pub weighted: usize,
    /// Left out because they start after the as-of date.
    pub after_as_of: usize,
    /// Left out by the precision policy.
    pub dropped_for_precision: usize,
    /// Given weight 0 by their event kind.
    pub zero_kind_weight: usize,
    /// Down-weighted or widened for their precision.
    pub adjusted_for_precision: usize,
}

/// One incident's weight and the bandwidth scale its precision asks for.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Weighted {
    pub weight: f64,
    /// Extra km of position uncertainty (Widen), 0 otherwise.
    pub uncertainty_km: f64,
}

impl WeightPolicy {
    /// Every incident up to `as_of` counts 1: no fatality, kind, precision or time weighting.
    #[must_use]
    pub fn new(as_of: Date) -> Self {
        WeightPolicy {
            as_of,
            fatalities: FatalityWeighting::None,
            kind_weights: BTreeMap::new(),
            precision: PrecisionPolicy::Keep,
            half_life_days: None,
        }
    }

    /// Weight by deaths.
    #[must_use]
    pub fn fatalities(mut self, weighting: FatalityWeighting) -> Self {
        self.fatalities = weighting;
        self
    }

    /// Multiply incidents of `kind` by `weight` (finite, at least 0; 0 leaves them out).
    pub fn kind_weight(mut self, kind: EventKind, weight: f64) -> Result<Self> {
        if !weight.is_finite() || weight < 0.0 {
            return Err(Error::invalid(
                "kind weight",
                weight,
                "must be finite and at least 0",
            ));
        }
        self.kind_weights.insert(kind, weight);
        Ok(self)
    }

    /// Treat roughly located incidents by `precision` (`Keep`, `Drop`, `DownWeight` or
    /// `Widen`; `NeverCore` is for clustering and refused here).
    pub fn precision(mut self, precision: PrecisionPolicy) -> Result<Self> {
        self.precision = precision.for_surfaces()?;
        Ok(self)
    }

    /// Halve an incident's weight every `days` before the as-of date (measured from the middle
    /// of its date span).
    pub fn half_life_days(mut self, days: f64) -> Result<Self> {
        if !days.is_finite() || days <= 0.0 {
            return Err(Error::invalid(
                "half_life_days",
                days,
                "must be finite and above 0",
            ));
        }
        self.half_life_days = Some(days);
        Ok(self)
    }

    /// The as-of date.
    #[must_use]
    pub fn as_of(&self) -> Date {
        self.as_of
    }

    /// The half-life in days, if any.
    #[must_use]
    pub fn half_life(&self) -> Option<f64> {
        self.half_life_days
    }

    /// Whether the precision policy widens kernels.
    pub(crate) fn widens(&self) -> bool {
        self.precision == PrecisionPolicy::Widen
    }

    /// The weight of one incident for a kernel of `bandwidth_km` (0 when left out), and which
    /// rule, if any, left it out or changed it.
    pub(crate) fn weigh(&self, incident: &Incident, bandwidth_km: f64) -> (Weighted, Effect) {
        let zero = |e| {
            (
                Weighted {
                    weight: 0.0,
                    uncertainty_km: 0.0,
                },
                e,
            )
        };
        if incident.date.start > self.as_of {
            return zero(Effect::AfterAsOf);
        }
        let kind = self
            .kind_weights
            .get(&incident.kind)
            .copied()
            .unwrap_or(1.0);
        if kind == 0.0 {
            return zero(Effect::ZeroKind);
        }
        let deaths = match self.fatalities {
            FatalityWeighting::None => 1.0,
            FatalityWeighting::LogOnePlus => {
                1.0 + f64::from(incident.fatalities.best.max(0)).ln_1p()
            }
        };
        let decay = self.half_life_days.map_or(1.0, |h| {
            let mid =
                (day_number(incident.date.start) + day_number(incident.date.end)) as f64 / 2.0;
            let age = (f64::from(day_number(self.as_of)) - mid).max(0.0);
            0.5f64.powf(age / h)
        });
        let mut weight = kind * deaths * decay;
        let mut uncertainty = 0.0;
        let mut effect = Effect::None;
        match &self.precision {
            PrecisionPolicy::Keep | PrecisionPolicy::NeverCore => {}
            PrecisionPolicy::Drop => {
                if incident.geo_precision.is_coarse() {
                    return zero(Effect::DroppedPrecision);
                }
            }
            PrecisionPolicy::DownWeight(factors) => {
                if let Some(&f) = factors.get(&incident.geo_precision) {
                    if f == 0.0 {
                        return zero(Effect::DroppedPrecision);
                    }
                    if f != 1.0 {
                        weight *= f;
                        effect = Effect::Adjusted;
                    }
                }
            }
            PrecisionPolicy::Widen => match incident.geo_precision.uncertainty_km() {
                None => return zero(Effect::DroppedPrecision),
                Some(r) if r > 0.0 => {
                    let h2 = bandwidth_km * bandwidth_km;
                    weight *= h2 / (h2 + r * r);
                    uncertainty = r;
                    effect = Effect::Adjusted;
                }
                Some(_) => {}
            },
        }
        (
            Weighted {
                weight,
                uncertainty_km: uncertainty,
            },
            effect,
        )
    }

    /// Weigh every incident; the report counts what the policy did.
    pub(crate) fn weigh_all(
        &self,
        incidents: &[Incident],
        bandwidth_km: f64,
    ) -> (Vec<Weighted>, WeightReport) {
        let mut report = WeightReport::default();
        let weights = incidents
            .iter()
            .map(|i| {
                let (w, effect) = self.weigh(i, bandwidth_km);
                match effect {
                    Effect::AfterAsOf => report.after_as_of += 1,
                    Effect::ZeroKind => report.zero_kind_weight += 1,
                    Effect::DroppedPrecision => report.dropped_for_precision += 1,
                    Effect::Adjusted => report.adjusted_for_precision += 1,
                    Effect::None => {}
                }
                if w.weight > 0.0 {
                    report.weighted += 1;
                }
                w
            })
            .collect();
        (weights, report)
    }
}

/// What the policy did to one incident.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Effect {
    None,
    AfterAsOf,
    ZeroKind,
    DroppedPrecision,
    Adjusted,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::incident::GeoPrecision;
    use crate::incident::{DateSpan, Fatalities};
    use jiff::civil::date;

    fn on(day: Date) -> Incident {
        Incident::new("x", 1.0, 11.0, DateSpan::day(day))
    }

    #[test]
    fn weights_multiply_as_documented() {
        let as_of = date(2024, 12, 31);
        let policy = WeightPolicy::new(as_of)
            .fatalities(FatalityWeighting::LogOnePlus)
            .kind_weight(EventKind::Battle, 2.0)
            .expect("valid test input")
            .half_life_days(30.0)
            .expect("valid test input");
        let mut i = on(date(2024, 12, 1)); // 30 days before: half
        i.kind = EventKind::Battle;
        i.fatalities = Fatalities::best(9);
        let (w, _) = policy.weigh(&i, 25.0);
        let expected = 2.0 * (1.0 + 10f64.ln()) * 0.5;
        assert!((w.weight - expected).abs() < 1e-12, "{}", w.weight);
        // After the as-of date: left out.
        let (w, e) = policy.weigh(&on(date(2025, 1, 1)), 25.0);
        assert_eq!((w.weight, e), (0.0, Effect::AfterAsOf));
    }

    #[test]
    fn widening_keeps_mass_and_drops_country_positions() {
        let policy = WeightPolicy::new(date(2024, 12, 31))
            .precision(PrecisionPolicy::Widen)
            .expect("valid test input");
        let mut near = on(date(2024, 6, 1));
        near.geo_precision = GeoPrecision::Near;
        let (w, e) = policy.weigh(&near, 25.0);
        assert_eq!(e, Effect::Adjusted);
        assert!((w.weight - 0.5).abs() < 1e-12 && w.uncertainty_km == 25.0);
        let mut country = near.clone();
        country.geo_precision = GeoPrecision::Country;
        assert_eq!(policy.weigh(&country, 25.0).1, Effect::DroppedPrecision);
        let (_, report) = policy.weigh_all(&[near, country], 25.0);
        assert_eq!(report.weighted, 1);
        assert_eq!(report.dropped_for_precision, 1);
        assert_eq!(report.adjusted_for_precision, 1);
    }

    #[test]
    fn bad_parameters_are_errors() {
        let p = WeightPolicy::new(date(2024, 1, 1));
        assert!(p.clone().half_life_days(0.0).is_err());
        assert!(p.clone().kind_weight(EventKind::Battle, -1.0).is_err());
        let bad = BTreeMap::from([(GeoPrecision::Region, f64::NAN)]);
        assert!(p.precision(PrecisionPolicy::DownWeight(bad)).is_err());
    }
}
