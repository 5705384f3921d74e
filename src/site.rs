//! Risk at named sites (a military base, a town, a road junction) as of a date: the nearest
//! incident, exposure within rings over recent periods, the trend, the kernel risk and who
//! is active around it.

use std::collections::BTreeMap;

use arcstr::ArcStr;
use geo::Point;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::incident::{CountryCode, EventKind, GeoPrecision, Incident};
use crate::index::{DateWindow, IncidentIndex};
use crate::stats::poisson_rate_test;
use crate::surface::RiskSurface;

/// A named place: a base, a town, a road junction (WGS 84 degrees).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Site {
    /// Its name.
    pub name: String,
    /// The country it lies in, if known.
    pub country: Option<CountryCode>,
    /// Longitude, WGS 84 degrees.
    pub lon: f64,
    /// Latitude, WGS 84 degrees.
    pub lat: f64,
}

impl Site {
    /// A site; the position must be finite and in range.
    pub fn new(name: impl Into<String>, lon: f64, lat: f64) -> Result<Self> {
        crate::index::check_point(Point::new(lon, lat))?;
        Ok(Site {
            name: name.into(),
            country: None,
            lon,
            lat,
        })
    }

    /// The same site in `country`.
    #[must_use]
    pub fn in_country(self, country: CountryCode) -> Self {
        Site {
            country: Some(country),
            ..self
        }
    }

    /// The position.
    #[must_use]
    pub fn point(&self) -> Point<f64> {
        Point::new(self.lon, self.lat)
    }
}

/// The incident nearest a site. Where several lie at the same distance (events placed on one
/// town's or department's centroid), the most recent of them, and how many there are.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NearestIncident {
    /// Great-circle distance, km.
    pub distance_km: f64,
    /// First day of its date span: the latest among the incidents tied at this distance.
    pub date: Date,
    /// How precisely its location is known (a region's centroid is not a place).
    #[serde(default)]
    pub precision: GeoPrecision,
    /// Incidents at exactly this distance, this one included (1 when not tied).
    #[serde(default = "one")]
    pub tied: usize,
    /// Its primary actor, if named.
    pub actor: Option<ArcStr>,
    /// Its kind.
    pub kind: EventKind,
    /// The source's id.
    pub source_id: String,
}

/// Incidents and deaths within a radius over the days up to the as-of date.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Exposure {
    /// The radius, km.
    pub radius_km: u32,
    /// The period, days up to and including the as-of date.
    pub days: u32,
    /// Incidents whose date span overlaps the period.
    pub incidents: u64,
    /// Their deaths (best estimates).
    pub fatalities: i64,
}

/// Recent activity against the period before it.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct SiteTrend {
    /// The radius, km.
    pub radius_km: f64,
    /// Length of each period, days.
    pub days: u32,
    /// Incidents in the last `days` days.
    pub recent: u64,
    /// Incidents in the `days` days before those.
    pub previous: u64,
    /// recent / previous; `None` when previous is 0.
    pub rate_ratio: Option<f64>,
    /// Two-sided p-value of equal rates (exact conditional Poisson test).
    pub p_value: f64,
}

/// Everything the crate says about one site as of a date, made by [`SiteRisk::run`].
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SiteAssessment {
    /// The site.
    pub site: Site,
    /// The as-of date: incidents that start later are not counted.
    pub as_of: Date,
    /// The nearest incident up to the as-of date.
    pub nearest: Option<NearestIncident>,
    /// The nearest whose location is exact or near a named place
    /// ([`GeoPrecision::is_precise`]): the same as `nearest` when that one is precise.
    pub nearest_precise: Option<NearestIncident>,
    /// Exposure for every ring and period, rings inner first, periods shortest first.
    pub exposure: Vec<Exposure>,
    /// The trend.
    pub trend: SiteTrend,
    /// Kernel risk at the site (raw value) under the surface's parameters, if a surface was given.
    pub kernel_risk: Option<f64>,
    /// Percent of the surface's cells with a lower kernel risk than the site's (`None`
    /// without a surface, or for one with no cell).
    pub percentile: Option<f64>,
    /// Incidents per actor within the widest ring over the longest period, most first (an
    /// incident counts once for each actor named in it).
    pub actors: Vec<ActorCount>,
}

/// Incidents naming one actor.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActorCount {
    /// The actor's name.
    pub actor: ArcStr,
    /// Incidents naming it.
    pub incidents: u64,
}

/// What to measure at sites.
///
/// ```
/// use conflict_risk::{IncidentIndex, IncidentSet, Site, SiteRisk, brief_incidents};
/// use conflict_risk::jiff::civil::date;
/// let (set, _) = IncidentSet::validate(brief_incidents());
/// let index = IncidentIndex::new(&set);
/// let base = Site::new("Kpekakandi base area", 0.80, 10.95)?;
/// let risk = SiteRisk::default().run(&index, &base, date(2024, 12, 31), None)?;
/// assert!(risk.nearest.is_some());
/// # Ok::<(), conflict_risk::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SiteRisk {
    rings_km: Vec<u32>,
    periods_days: Vec<u32>,
    trend_radius_km: f64,
    trend_days: u32,
}

impl Default for SiteRisk {
    /// Rings of 10, 25, 50 and 100 km; periods of 30, 90 and 365 days; the trend within 50 km,
    /// last 90 days against the 90 before.
    fn default() -> Self {
        SiteRisk {
            rings_km: vec![10, 25, 50, 100],
            periods_days: vec![30, 90, 365],
            trend_radius_km: 50.0,
            trend_days: 90,
        }
    }
}

impl SiteRisk {
    /// The defaults: rings of 10, 25, 50 and 100 km; periods of 30, 90 and 365 days; the
    /// trend within 50 km, last 90 days against the 90 before.
    #[must_use]
    pub fn new() -> Self {
        SiteRisk::default()
    }

    /// Other rings (km) and periods (days), each non-empty with values above 0.
    pub fn rings(mut self, rings_km: &[u32], periods_days: &[u32]) -> Result<Self> {
        for (name, v) in [("rings_km", rings_km), ("periods_days", periods_days)] {
            if v.is_empty() || v.contains(&0) {
                return Err(Error::invalid(
                    name,
                    format!("{v:?}"),
                    "needs values above 0",
                ));
            }
        }
        self.rings_km = rings_km.to_vec();
        self.rings_km.sort_unstable();
        self.rings_km.dedup();
        self.periods_days = periods_days.to_vec();
        self.periods_days.sort_unstable();
        self.periods_days.dedup();
        Ok(self)
    }

    /// The trend's radius (km, above 0) and period (days, above 0).
    pub fn trend(mut self, radius_km: f64, days: u32) -> Result<Self> {
        if !radius_km.is_finite() || radius_km <= 0.0 || days == 0 {
            return Err(Error::invalid(
                "trend",
                format!("{radius_km} km, {days} days"),
                "needs a finite radius above 0 and at least one day",
            ));
        }
        self.trend_radius_km = radius_km;
        self.trend_days = days;
        Ok(self)
    }

    /// The trend's radius, km.
    #[must_use]
    pub fn trend_radius_km(&self) -> f64 {
        self.trend_radius_km
    }

    /// The trend's period, days.
    #[must_use]
    pub fn trend_days(&self) -> u32 {
        self.trend_days
    }

    /// Assess one site as of `as_of`; with a kernel surface (made as of the same date, else
    /// `Err`), also the kernel risk at the site and its percentile among the surface's cells.
    pub fn run(
        &self,
        index: &IncidentIndex,
        site: &Site,
        as_of: Date,
        surface: Option<&RiskSurface>,
    ) -> Result<SiteAssessment> {
        self.run_where(index, site, as_of, surface, |_| true)
    }

    /// [`SiteRisk::run`] counting only the incidents for which `keep` is true (the corridor
    /// report leaves out incidents whose position lies in another country than their record).
    /// The kernel risk and its percentile are the surface's, which holds every incident.
    ///
    /// ```
    /// use conflict_risk::{IncidentIndex, IncidentSet, Site, SiteRisk, brief_incidents};
    /// use conflict_risk::jiff::civil::date;
    /// let (set, _) = IncidentSet::validate(brief_incidents());
    /// let index = IncidentIndex::new(&set);
    /// let base = Site::new("Kpekakandi base area", 0.80, 10.95)?;
    /// let as_of = date(2024, 12, 31);
    /// let all = SiteRisk::default().run(&index, &base, as_of, None)?;
    /// // The three brief incidents share one point: the most recent date is shown.
    /// let nearest = all.nearest.expect("three incidents");
    /// assert_eq!((nearest.tied, nearest.date), (3, date(2024, 7, 20)));
    /// // All three stand for the prefecture: none is located precisely.
    /// assert!(all.nearest_precise.is_none());
    /// let none = SiteRisk::default().run_where(&index, &base, as_of, None, |_| false)?;
    /// assert!(none.nearest.is_none());
    /// # Ok::<(), conflict_risk::Error>(())
    /// ```
    pub fn run_where(
        &self,
        index: &IncidentIndex,
        site: &Site,
        as_of: Date,
        surface: Option<&RiskSurface>,
        keep: impl Fn(&Incident) -> bool,
    ) -> Result<SiteAssessment> {
        let at = site.point();
        let incidents = index.set().incidents();
        let counted = |i: &Incident| i.date.start <= as_of && keep(i);
        let nearest = nearest_of(index, at, &counted)?;
        let nearest_precise = match &nearest {
            Some(n) if n.precision.is_precise() => Some(n.clone()),
            Some(_) => nearest_of(index, at, &|i: &Incident| {
                i.geo_precision.is_precise() && counted(i)
            })?,
            None => None,
        };
        let widest = f64::from(self.rings_km.last().copied().unwrap_or(100));
        let longest = self.periods_days.last().copied().unwrap_or(365);
        let mut exposure = Vec::new();
        let mut actors: BTreeMap<ArcStr, u64> = BTreeMap::new();
        for &days in &self.periods_days {
            let window = DateWindow::last_days(as_of, days)?;
            let mut counts = vec![(0u64, 0i64); self.rings_km.len()];
            index
                .during(window)
                .for_each_within_radius(at, widest, |n| {
                    let i = &incidents[n.id.index()];
                    if !keep(i) {
                        return;
                    }
                    for (k, &r) in self.rings_km.iter().enumerate() {
                        if n.distance_km <= f64::from(r) {
                            counts[k].0 += 1;
                            counts[k].1 += i64::from(i.fatalities.best.max(0));
                        }
                    }
                    if days == longest {
                        let mut names: Vec<&ArcStr> = i.actors().map(|a| &a.name).collect();
                        names.sort_unstable();
                        names.dedup();
                        for name in names {
                            *actors.entry(name.clone()).or_default() += 1;
                        }
                    }
                })?;
            exposure.extend(
                self.rings_km
                    .iter()
                    .zip(counts)
                    .map(|(&r, (n, f))| Exposure {
                        radius_km: r,
                        days,
                        incidents: n,
                        fatalities: f,
                    }),
            );
        }
        exposure.sort_by_key(|e| (e.radius_km, e.days));
        let recent_window = DateWindow::last_days(as_of, self.trend_days)?;
        let before_end = recent_window
            .first_day()
            .yesterday()
            .map_err(|e| Error::invalid("as_of", as_of, e.to_string()))?;
        let previous_window = DateWindow::last_days(before_end, self.trend_days)?;
        let count = |w: DateWindow| -> Result<u64> {
            let mut n = 0u64;
            index
                .during(w)
                .for_each_within_radius(at, self.trend_radius_km, |m| {
                    n += u64::from(keep(&incidents[m.id.index()]));
                })?;
            Ok(n)
        };
        let (recent, previous) = (count(recent_window)?, count(previous_window)?);
        let (ratio, p_value) = poisson_rate_test(recent, previous);
        let rate_ratio = (previous > 0).then_some(ratio);
        let (kernel_risk, percentile) = match surface {
            Some(cells) if cells.policy.as_of() != as_of => {
                return Err(Error::invalid(
                    "as_of",
                    as_of,
                    format!(
                        "the kernel surface is as of {}: assess the site at the same date",
                        cells.policy.as_of()
                    ),
                ));
            }
            Some(cells) => {
                let raw = cells.at(index, at)?.raw;
                // A surface without cells ranks nothing: no percentile, not 0.
                let percentile = (!cells.cells.is_empty()).then(|| cells.percentile_of(raw));
                (Some(raw), percentile)
            }
            None => (None, None),
        };
        let mut actors: Vec<ActorCount> = actors
            .into_iter()
            .map(|(actor, incidents)| ActorCount { actor, incidents })
            .collect();
        actors.sort_by(|a, b| b.incidents.cmp(&a.incidents).then(a.actor.cmp(&b.actor)));
        Ok(SiteAssessment {
            site: site.clone(),
            as_of,
            nearest,
            nearest_precise,
            exposure,
            trend: SiteTrend {
                radius_km: self.trend_radius_km,
                days: self.trend_days,
                recent,
                previous,
                rate_ratio,
                p_value,
            },
            kernel_risk,
            percentile,
            actors,
        })
    }
}

fn one() -> usize {
    1
}

/// The nearest incident that `keep` keeps; among those tied at its distance, the most recent
/// (then the highest source id, so the answer never depends on the tree's order).
fn nearest_of(
    index: &IncidentIndex,
    at: Point<f64>,
    keep: &dyn Fn(&Incident) -> bool,
) -> Result<Option<NearestIncident>> {
    let incidents = index.set().incidents();
    let Some(first) = index.nearest_where(at, 1, keep)?.first().copied() else {
        return Ok(None);
    };
    let mut best = &incidents[first.id.index()];
    let mut tied = 0;
    // Incidents on the same point are at exactly the same distance; the radius is widened by
    // a millimetre only so that the conversion to a chord cannot drop them.
    index.for_each_within_radius(at, first.distance_km + 1e-6, |n| {
        let i = &incidents[n.id.index()];
        if n.distance_km == first.distance_km && keep(i) {
            tied += 1;
            if (i.date.start, i.source_id.as_str()) > (best.date.start, best.source_id.as_str()) {
                best = i;
            }
        }
    })?;
    Ok(Some(NearestIncident {
        distance_km: first.distance_km,
        date: best.date.start,
        precision: best.geo_precision,
        tied: tied.max(1),
        actor: best.primary_actor.as_ref().map(|a| a.name.clone()),
        kind: best.kind,
        source_id: best.source_id.as_str().to_string(),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geodesy::destination;
    use crate::incident::{Actor, ActorKind, DateSpan, Fatalities, Incident};
    use crate::index::BoundingBox;
    use crate::surface::{Grid, KernelSurface, WeightPolicy};
    use crate::validate::IncidentSet;
    use jiff::civil::date;

    /// Incidents due east of the site at known distances and dates.
    fn hand_built() -> Vec<Incident> {
        let site = Point::new(1.0, 10.0);
        let mk = |id: &str, km: f64, d: Date, deaths: i32, actor: &str| {
            let p = destination(site, 90.0, km);
            let mut i = Incident::new(id, p.x(), p.y(), DateSpan::day(d));
            i.fatalities = Fatalities::best(deaths);
            i.primary_actor = Some(Actor::new(actor, ActorKind::Rebel));
            i
        };
        vec![
            mk("a", 5.0, date(2024, 12, 20), 2, "JNIM"), // 10 km ring, last 30 days
            mk("b", 20.0, date(2024, 11, 15), 1, "JNIM"), // 25 km, last 90
            mk("c", 40.0, date(2024, 8, 1), 0, "ISSP"),  // 50 km, previous 90
            mk("d", 40.0, date(2024, 7, 20), 3, "ISSP"), // 50 km, previous 90
            mk("e", 90.0, date(2024, 3, 1), 5, "JNIM"),  // 100 km, last 365
            mk("f", 3.0, date(2025, 2, 1), 9, "JNIM"),   // after the as-of date
            mk("g", 150.0, date(2024, 12, 1), 1, "JNIM"), // beyond every ring
        ]
    }

    fn count(actor: &str, incidents: u64) -> ActorCount {
        ActorCount {
            actor: ArcStr::from(actor),
            incidents,
        }
    }

    #[test]
    fn every_number_by_hand() {
        let (set, _) = IncidentSet::validate(hand_built());
        let index = IncidentIndex::new(&set);
        let site = Site::new("base", 1.0, 10.0).expect("valid test input");
        let risk = SiteRisk::default()
            .run(&index, &site, date(2024, 12, 31), None)
            .expect("valid test input");
        let nearest = risk.nearest.as_ref().expect("valid test input");
        assert_eq!(nearest.source_id, "a"); // f is nearer but after the as-of date
        assert!((nearest.distance_km - 5.0).abs() < 1e-9);
        let get = |r: u32, d: u32| {
            let e = risk
                .exposure
                .iter()
                .find(|e| e.radius_km == r && e.days == d)
                .expect("valid test input");
            (e.incidents, e.fatalities)
        };
        assert_eq!(get(10, 30), (1, 2));
        assert_eq!(get(25, 30), (1, 2));
        assert_eq!(get(25, 90), (2, 3));
        assert_eq!(get(50, 90), (2, 3));
        assert_eq!(get(50, 365), (4, 6));
        assert_eq!(get(100, 365), (5, 11));
        assert_eq!(risk.exposure.len(), 12);
        // Trend within 50 km: last 90 days (Oct 3 – Dec 31) a, b; the 90 before (Jul 5 –
        // Oct 2) c, d. Equal counts: ratio 1, p 1.
        assert_eq!((risk.trend.recent, risk.trend.previous), (2, 2));
        assert_eq!(risk.trend.rate_ratio, Some(1.0));
        assert_eq!(risk.trend.p_value, 1.0);
        // Actors within 100 km over 365 days: JNIM a, b, e; ISSP c, d.
        assert_eq!(risk.actors, vec![count("JNIM", 3), count("ISSP", 2)]);
    }

    #[test]
    fn kernel_risk_at_the_site_by_hand() {
        let (set, _) = IncidentSet::validate(hand_built());
        let index = IncidentIndex::new(&set);
        let site = Site::new("base", 1.0, 10.0).expect("valid test input");
        let spec = KernelSurface::new(50.0, WeightPolicy::new(date(2024, 12, 31)))
            .expect("valid test input")
            .kernel(crate::Kernel::Epanechnikov);
        let cells = Grid::PrioGrid
            .cover(&BoundingBox::new(-1.0, 8.0, 3.0, 12.0).expect("valid test input"))
            .expect("valid test input");
        let surface = spec.run(&index, &cells);
        let risk = SiteRisk::default()
            .run(&index, &site, date(2024, 12, 31), Some(&surface))
            .expect("valid test input");
        // 1 − u² for a (5 km), b (20), c (40), d (40): 0.99 + 0.84 + 0.36 + 0.36.
        let expected = 0.99 + 0.84 + 0.36 + 0.36;
        assert!((risk.kernel_risk.expect("valid test input") - expected).abs() < 1e-9);
        assert!(risk.percentile.expect("valid test input") > 90.0);
        // A surface of another date is refused.
        let other = date(2024, 6, 30);
        assert!(
            SiteRisk::default()
                .run(&index, &site, other, Some(&surface))
                .is_err()
        );
        // Repeated rings and periods count once.
        let twice = SiteRisk::default()
            .rings(&[10, 10, 50], &[90, 90])
            .expect("valid test input")
            .run(&index, &site, date(2024, 12, 31), None)
            .expect("valid test input");
        assert_eq!(twice.exposure.len(), 2);
        assert_eq!(twice.actors, vec![count("JNIM", 2)]);
    }
}
