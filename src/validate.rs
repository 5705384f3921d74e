//! Validation: the only way to build an [`IncidentSet`]. Every incident is checked against
//! every rule, every problem is reported, and none is skipped silently.

use std::collections::BTreeMap;
use std::sync::Arc;

use rustc_hash::FxHashMap as HashMap;
use std::fmt;

use jiff::civil::Date;
use serde::{Serialize, Serializer};

use crate::error::{Error, Result};
use crate::incident::{GeoPrecision, Incident, IncidentId, SourceId};

/// Why an incident cannot enter an [`IncidentSet`].
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "problem", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Problem {
    /// The longitude or latitude is NaN or infinite.
    NonFiniteCoordinate {
        /// `"longitude"` or `"latitude"`.
        field: &'static str,
        /// The value (NaN and infinities serialise as `null` in JSON).
        value: f64,
    },
    /// The latitude is outside [-90, 90].
    LatitudeOutOfRange {
        /// The value.
        value: f64,
    },
    /// The longitude is outside [-180, 180].
    LongitudeOutOfRange {
        /// The value.
        value: f64,
    },
    /// Exactly (0, 0), "null island": a missing position written as zeros, not a place in the
    /// Gulf of Guinea where conflict incidents happen.
    NullIsland,
    /// The date span ends before it starts.
    EndBeforeStart {
        /// The start.
        start: Date,
        /// The end, earlier than the start.
        end: Date,
    },
    /// A fatality figure is negative.
    NegativeFatalities {
        /// `"best"`, `"low"`, `"high"`, or a UCDP death split (`"deaths_a"`, ...).
        field: &'static str,
        /// The value.
        value: i32,
    },
    /// The source id is empty.
    EmptyId,
    /// Another incident earlier in the input has the same source id; the first is kept.
    DuplicateId {
        /// Input position of the first incident with this id.
        first_input_index: usize,
    },
    /// The set already holds `u32::MAX` incidents, the most an [`IncidentId`] can number.
    TooManyIncidents,
}

impl Problem {
    /// The incident field the problem is about.
    #[must_use]
    pub fn field(&self) -> &'static str {
        match self {
            Problem::NonFiniteCoordinate { field, .. } => field,
            Problem::LatitudeOutOfRange { .. } => "latitude",
            Problem::LongitudeOutOfRange { .. } => "longitude",
            Problem::NullIsland => "longitude, latitude",
            Problem::EndBeforeStart { .. } => "date",
            Problem::NegativeFatalities { .. } => "fatalities",
            Problem::EmptyId | Problem::DuplicateId { .. } | Problem::TooManyIncidents => {
                "source_id"
            }
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Problem::NonFiniteCoordinate { field, value } => {
                write!(f, "{field} is {value}, not a finite number")
            }
            Problem::LatitudeOutOfRange { value } => {
                write!(f, "latitude {value} is outside [-90, 90]")
            }
            Problem::LongitudeOutOfRange { value } => {
                write!(f, "longitude {value} is outside [-180, 180]")
            }
            Problem::NullIsland => write!(
                f,
                "position is exactly (0, 0), a missing position written as zeros"
            ),
            Problem::EndBeforeStart { start, end } => {
                write!(f, "date span ends ({end}) before it starts ({start})")
            }
            Problem::NegativeFatalities { field, value } => {
                write!(f, "fatalities {field} is negative ({value})")
            }
            Problem::EmptyId => write!(f, "source id is empty"),
            Problem::DuplicateId { first_input_index } => write!(
                f,
                "source id already used by incident #{first_input_index}, which is kept"
            ),
            Problem::TooManyIncidents => {
                write!(f, "the set is full ({} incidents)", u32::MAX)
            }
        }
    }
}

/// Something suspicious about an incident that is kept in the set.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "warning", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Warning {
    /// The position stands for a region or a country, not a place.
    CoarseLocation {
        /// The precision.
        precision: GeoPrecision,
    },
    /// The low, best and high fatality estimates are not in order `low <= best <= high`.
    FatalityBoundsOutOfOrder {
        /// Low estimate.
        low: Option<i32>,
        /// Best estimate.
        best: i32,
        /// High estimate.
        high: Option<i32>,
    },
}

impl Warning {
    /// A short label of the kind of warning, for summaries.
    #[must_use]
    pub fn label(&self) -> &'static str {
        match self {
            Warning::CoarseLocation { .. } => "coarse location (region or country level)",
            Warning::FatalityBoundsOutOfOrder { .. } => "fatality estimates out of order",
        }
    }
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Warning::CoarseLocation { precision } => write!(
                f,
                "location precision is {precision:?}: the point stands for an area, not a place"
            ),
            Warning::FatalityBoundsOutOfOrder { low, best, high } => write!(
                f,
                "fatality estimates out of order: low {low:?}, best {best}, high {high:?}"
            ),
        }
    }
}

/// An incident left out of the set, with every problem found in it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Rejection {
    /// Position in the input, counted from 0.
    pub input_index: usize,
    /// The source's id.
    pub source_id: SourceId,
    /// Every problem found, in field order.
    pub problems: Vec<Problem>,
}

/// A kept incident that deserves a second look.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Flag {
    /// Position in the input, counted from 0.
    pub input_index: usize,
    /// Its id inside the set.
    pub id: IncidentId,
    /// The source's id.
    pub source_id: SourceId,
    /// What is suspicious.
    pub warning: Warning,
}

/// What validation did: how many incidents came in, which were rejected and why, and which
/// were kept with a warning. `seen == accepted + rejected.len()` always.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct ValidationReport {
    /// Incidents passed in.
    pub seen: usize,
    /// Incidents kept in the set.
    pub accepted: usize,
    /// Incidents left out, in input order.
    pub rejected: Vec<Rejection>,
    /// Warnings on kept incidents, in input order.
    pub warnings: Vec<Flag>,
}

impl ValidationReport {
    /// Whether every incident was accepted without a warning.
    #[must_use]
    pub fn is_clean(&self) -> bool {
        self.rejected.is_empty() && self.warnings.is_empty()
    }
}

/// How many entries of each list the plain `Display` shows; `{:#}` shows all.
const SHOWN: usize = 10;

impl fmt::Display for ValidationReport {
    /// A summary with counts per field and per warning, and the first ten rejections and
    /// warnings; the alternate form (`{:#}`) lists every one.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "validation: {} incidents seen, {} accepted, {} rejected, {} warnings",
            self.seen,
            self.accepted,
            self.rejected.len(),
            self.warnings.len()
        )?;
        let limit = if f.alternate() { usize::MAX } else { SHOWN };
        let mut by_field: BTreeMap<&str, usize> = BTreeMap::new();
        for p in self.rejected.iter().flat_map(|r| &r.problems) {
            *by_field.entry(p.field()).or_default() += 1;
        }
        for (field, n) in &by_field {
            writeln!(f, "  problems in {field}: {n}")?;
        }
        let mut by_warning: BTreeMap<&str, usize> = BTreeMap::new();
        for w in &self.warnings {
            *by_warning.entry(w.warning.label()).or_default() += 1;
        }
        for (label, n) in &by_warning {
            writeln!(f, "  warnings, {label}: {n}")?;
        }
        for r in self.rejected.iter().take(limit) {
            for p in &r.problems {
                writeln!(
                    f,
                    "  rejected #{} ({}), {}: {p}",
                    r.input_index,
                    r.source_id,
                    p.field()
                )?;
            }
        }
        for w in self.warnings.iter().take(limit) {
            writeln!(
                f,
                "  warning  #{} ({}): {}",
                w.input_index, w.source_id, w.warning
            )?;
        }
        let hidden =
            self.rejected.len().saturating_sub(limit) + self.warnings.len().saturating_sub(limit);
        if hidden > 0 {
            writeln!(
                f,
                "  ... {hidden} more entries (format with {{:#}} to list all)"
            )?;
        }
        Ok(())
    }
}

/// A validated collection of incidents, each numbered by its [`IncidentId`].
///
/// Inside a set every incident has finite coordinates within WGS 84 range and not (0, 0), a
/// date span that does not end before it starts, non-negative fatalities, and a non-empty
/// source id unique in the set. Validation is the only way to build one.
///
/// ```
/// use conflict_risk::{DateSpan, Incident, IncidentSet, jiff::civil::date};
/// let day = DateSpan::day(date(2023, 2, 14));
/// let incidents = vec![
///     Incident::new("a", 0.83, 10.86, day),
///     Incident::new("b", f64::NAN, 10.0, day),
///     Incident::new("a", 0.21, 10.86, day),
/// ];
/// let (set, report) = IncidentSet::validate(incidents);
/// assert_eq!(set.len(), 1);
/// assert_eq!(report.rejected.len(), 2);
/// println!("{report}");
/// ```
///
/// A set is a shared, immutable handle: cloning it (and building an
/// [`IncidentIndex`](crate::IncidentIndex), which keeps one) copies a pointer, not the
/// incidents.
#[derive(Clone, Debug, Default)]
pub struct IncidentSet {
    incidents: Arc<Vec<Incident>>,
}

impl IncidentSet {
    /// Validate `incidents`, keep the good ones in input order and report the rest: every
    /// problem of every rejected incident, and a warning for each suspicious kept one.
    #[must_use]
    pub fn validate(mut incidents: Vec<Incident>) -> (IncidentSet, ValidationReport) {
        let mut report = ValidationReport {
            seen: incidents.len(),
            ..ValidationReport::default()
        };
        let mut first_seen: HashMap<SourceId, usize> =
            HashMap::with_capacity_and_hasher(incidents.len(), Default::default());
        let mut problems = Vec::new();
        // Kept incidents are compacted to the front of the input's own buffer, so validating
        // a million incidents does not hold two copies of them.
        let mut kept = 0usize;
        for input_index in 0..incidents.len() {
            let incident = &incidents[input_index];
            check(incident, &mut problems);
            if !incident.source_id.as_str().is_empty() {
                match first_seen.get(&incident.source_id) {
                    Some(&first) => problems.push(Problem::DuplicateId {
                        first_input_index: first,
                    }),
                    None if problems.is_empty() => {
                        first_seen.insert(incident.source_id.clone(), input_index);
                    }
                    None => {}
                }
            }
            let id = u32::try_from(kept).ok().filter(|&i| i < u32::MAX);
            if problems.is_empty() && id.is_none() {
                problems.push(Problem::TooManyIncidents);
            }
            match id {
                Some(id) if problems.is_empty() => {
                    let id = IncidentId::new(id);
                    for warning in warnings(incident) {
                        report.warnings.push(Flag {
                            input_index,
                            id,
                            source_id: incident.source_id.clone(),
                            warning,
                        });
                    }
                    incidents.swap(kept, input_index);
                    kept += 1;
                }
                _ => report.rejected.push(Rejection {
                    input_index,
                    source_id: incident.source_id.clone(),
                    problems: std::mem::take(&mut problems),
                }),
            }
        }
        incidents.truncate(kept);
        report.accepted = kept;
        (
            IncidentSet {
                incidents: Arc::new(incidents),
            },
            report,
        )
    }

    /// Validate `incidents` and fail on the earliest bad incident, naming it and the field of
    /// its first problem. Every incident is checked before the error is returned (the error
    /// carries one problem; [`validate`](Self::validate) reports them all).
    ///
    /// ```
    /// use conflict_risk::{DateSpan, Error, Incident, IncidentSet, jiff::civil::date};
    /// let bad = Incident::new("x", 0.0, 0.0, DateSpan::day(date(2023, 2, 14)));
    /// let err = IncidentSet::validate_strict(vec![bad]).unwrap_err();
    /// assert!(matches!(err, Error::InvalidIncident { input_index: 0, .. }));
    /// assert!(err.to_string().contains("(0, 0)"), "{err}");
    /// ```
    pub fn validate_strict(incidents: Vec<Incident>) -> Result<IncidentSet> {
        // Rejections are listed in input order, so the first is the earliest bad incident.
        let (set, report) = IncidentSet::validate(incidents);
        match report.rejected.into_iter().next() {
            None => Ok(set),
            Some(mut r) => Err(Error::InvalidIncident {
                input_index: r.input_index,
                source_id: r.source_id.to_string(),
                problem: r.problems.swap_remove(0),
            }),
        }
    }

    /// A set of incidents that were validated before (a subset of a set).
    pub(crate) fn from_valid(incidents: Vec<Incident>) -> IncidentSet {
        IncidentSet {
            incidents: Arc::new(incidents),
        }
    }

    /// Number of incidents.
    #[must_use]
    pub fn len(&self) -> usize {
        self.incidents.len()
    }

    /// Whether the set is empty.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.incidents.is_empty()
    }

    /// The incident with id `id`, if the id belongs to this set.
    #[must_use]
    pub fn get(&self, id: IncidentId) -> Option<&Incident> {
        self.incidents.get(id.index())
    }

    /// All incidents, in id order.
    #[must_use]
    pub fn incidents(&self) -> &[Incident] {
        &self.incidents
    }

    /// Every incident with its id.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = (IncidentId, &Incident)> {
        self.incidents
            .iter()
            .enumerate()
            .map(|(i, inc)| (IncidentId::new(i as u32), inc))
    }

    /// Give the incidents back (a copy when another handle to the set, such as an index,
    /// is still alive).
    #[must_use]
    pub fn into_incidents(self) -> Vec<Incident> {
        Arc::try_unwrap(self.incidents).unwrap_or_else(|shared| shared.as_ref().clone())
    }

    /// The incidents that `keep` accepts, in id order, as a set of their own (ids renumbered
    /// from 0). They were validated when this set was built, so nothing is checked again.
    ///
    /// ```
    /// use conflict_risk::{IncidentSet, brief_incidents, jiff::civil::date};
    /// let (set, _) = IncidentSet::validate(brief_incidents());
    /// let recent = set.subset(|i| i.date.start >= date(2024, 1, 1));
    /// assert_eq!(recent.len(), 1);
    /// ```
    #[must_use]
    pub fn subset(&self, keep: impl Fn(&Incident) -> bool) -> IncidentSet {
        IncidentSet {
            incidents: Arc::new(self.incidents.iter().filter(|i| keep(i)).cloned().collect()),
        }
    }

    /// The earliest start and latest end date in the set, or `None` if it is empty.
    #[must_use]
    pub fn date_range(&self) -> Option<(Date, Date)> {
        let first = self.incidents.iter().map(|i| i.date.start).min()?;
        let last = self.incidents.iter().map(|i| i.date.end).max()?;
        Some((first, last))
    }
}

impl Serialize for IncidentSet {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        self.incidents.serialize(serializer)
    }
}

/// Push every problem of one incident, in field order.
pub(crate) fn check(i: &Incident, out: &mut Vec<Problem>) {
    if i.source_id.as_str().is_empty() {
        out.push(Problem::EmptyId);
    }
    if !i.lon.is_finite() {
        out.push(Problem::NonFiniteCoordinate {
            field: "longitude",
            value: i.lon,
        });
    } else if !(-180.0..=180.0).contains(&i.lon) {
        out.push(Problem::LongitudeOutOfRange { value: i.lon });
    }
    if !i.lat.is_finite() {
        out.push(Problem::NonFiniteCoordinate {
            field: "latitude",
            value: i.lat,
        });
    } else if !(-90.0..=90.0).contains(&i.lat) {
        out.push(Problem::LatitudeOutOfRange { value: i.lat });
    }
    if i.lon == 0.0 && i.lat == 0.0 {
        out.push(Problem::NullIsland);
    }
    if !i.date.is_ordered() {
        out.push(Problem::EndBeforeStart {
            start: i.date.start,
            end: i.date.end,
        });
    }
    let f = &i.fatalities;
    let split = i.ucdp.as_deref();
    let death = |pick: fn(&crate::incident::UcdpDetails) -> Option<i32>| split.and_then(pick);
    for (field, value) in [
        ("best", Some(f.best)),
        ("low", f.low),
        ("high", f.high),
        ("deaths_a", death(|u| u.deaths_a)),
        ("deaths_b", death(|u| u.deaths_b)),
        ("deaths_civilians", death(|u| u.deaths_civilians)),
        ("deaths_unknown", death(|u| u.deaths_unknown)),
    ] {
        if let Some(value) = value.filter(|v| *v < 0) {
            out.push(Problem::NegativeFatalities { field, value });
        }
    }
}

/// The warnings of one valid incident.
pub(crate) fn warnings(i: &Incident) -> impl Iterator<Item = Warning> {
    let coarse = i
        .geo_precision
        .is_coarse()
        .then_some(Warning::CoarseLocation {
            precision: i.geo_precision,
        });
    let f = i.fatalities;
    let out_of_order = f.low.is_some_and(|l| l > f.best) || f.high.is_some_and(|h| h < f.best);
    let bounds = out_of_order.then_some(Warning::FatalityBoundsOutOfOrder {
        low: f.low,
        best: f.best,
        high: f.high,
    });
    coarse.into_iter().chain(bounds)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::incident::{DateSpan, Fatalities};
    use jiff::civil::date;

    fn ok(id: &str) -> Incident {
        Incident::new(id, 1.0, 11.0, DateSpan::day(date(2023, 1, 1)))
    }

    #[test]
    fn every_problem_has_its_report_entry() {
        let mut nan_lon = ok("nan-lon");
        nan_lon.lon = f64::NAN;
        let mut inf_lat = ok("inf-lat");
        inf_lat.lat = f64::INFINITY;
        let mut lat_range = ok("lat-range");
        lat_range.lat = 91.0;
        let mut lon_range = ok("lon-range");
        lon_range.lon = -180.5;
        let mut null = ok("null");
        null.lon = 0.0;
        null.lat = 0.0;
        let mut backwards = ok("backwards");
        backwards.date = DateSpan::new(date(2023, 5, 2), date(2023, 5, 1));
        let mut negative = ok("negative");
        negative.fatalities = Fatalities {
            best: -1,
            low: Some(-2),
            high: Some(3),
        };
        let empty = ok("");
        let dup = ok("good");
        let incidents = vec![
            ok("good"),
            nan_lon,
            inf_lat,
            lat_range,
            lon_range,
            null,
            backwards,
            negative,
            empty,
            dup,
        ];
        let (set, report) = IncidentSet::validate(incidents);
        assert_eq!(set.len(), 1);
        assert_eq!(report.seen, 10);
        assert_eq!(report.accepted + report.rejected.len(), report.seen);
        let got: Vec<(usize, Vec<Problem>)> = report
            .rejected
            .iter()
            .map(|r| (r.input_index, r.problems.clone()))
            .collect();
        let want = vec![
            (
                1,
                vec![Problem::NonFiniteCoordinate {
                    field: "longitude",
                    value: f64::NAN,
                }],
            ),
            (
                2,
                vec![Problem::NonFiniteCoordinate {
                    field: "latitude",
                    value: f64::INFINITY,
                }],
            ),
            (3, vec![Problem::LatitudeOutOfRange { value: 91.0 }]),
            (4, vec![Problem::LongitudeOutOfRange { value: -180.5 }]),
            (5, vec![Problem::NullIsland]),
            (
                6,
                vec![Problem::EndBeforeStart {
                    start: date(2023, 5, 2),
                    end: date(2023, 5, 1),
                }],
            ),
            (
                7,
                vec![
                    Problem::NegativeFatalities {
                        field: "best",
                        value: -1,
                    },
                    Problem::NegativeFatalities {
                        field: "low",
                        value: -2,
                    },
                ],
            ),
            (8, vec![Problem::EmptyId]),
            (
                9,
                vec![Problem::DuplicateId {
                    first_input_index: 0,
                }],
            ),
        ];
        // NaN != NaN, so compare the NaN entry by its text.
        assert_eq!(got.len(), want.len());
        for ((gi, gp), (wi, wp)) in got.iter().zip(&want) {
            assert_eq!(gi, wi);
            assert_eq!(format!("{gp:?}"), format!("{wp:?}"));
        }
        let text = report.to_string();
        assert!(
            text.contains("10 incidents seen, 1 accepted, 9 rejected"),
            "{text}"
        );
        assert!(
            text.contains("rejected #3 (lat-range), latitude: latitude 91 is outside [-90, 90]")
        );
    }

    #[test]
    fn all_problems_of_one_incident_are_reported() {
        let mut bad = ok("");
        bad.lon = 200.0;
        bad.lat = f64::NAN;
        bad.date = DateSpan::new(date(2023, 5, 2), date(2023, 5, 1));
        bad.fatalities.high = Some(-4);
        let (_, report) = IncidentSet::validate(vec![bad]);
        let fields: Vec<&str> = report.rejected[0]
            .problems
            .iter()
            .map(Problem::field)
            .collect();
        assert_eq!(
            fields,
            ["source_id", "longitude", "latitude", "date", "fatalities"]
        );
    }

    #[test]
    fn a_rejected_incident_does_not_claim_its_id() {
        let mut bad = ok("same");
        bad.lat = 100.0;
        let (set, report) = IncidentSet::validate(vec![bad, ok("same")]);
        assert_eq!(set.len(), 1);
        assert_eq!(report.rejected.len(), 1);
        assert_eq!(report.rejected[0].input_index, 0);
    }

    #[test]
    fn warnings_are_kept_with_their_ids() {
        let mut coarse = ok("coarse");
        coarse.geo_precision = GeoPrecision::Region;
        let mut bounds = ok("bounds");
        bounds.fatalities = Fatalities {
            best: 5,
            low: Some(6),
            high: None,
        };
        let (set, report) = IncidentSet::validate(vec![ok("a"), coarse, bounds]);
        assert_eq!(set.len(), 3);
        assert!(report.rejected.is_empty());
        let w: Vec<(usize, IncidentId)> = report
            .warnings
            .iter()
            .map(|f| (f.input_index, f.id))
            .collect();
        assert_eq!(w, [(1, IncidentId::new(1)), (2, IncidentId::new(2))]);
        let json = serde_json::to_string(&report).expect("report serialises");
        assert!(json.contains("\"warning\":\"coarse_location\""), "{json}");
    }

    #[test]
    fn strict_names_the_first_bad_incident_and_field() {
        let mut late = ok("late");
        late.lat = -95.0;
        let err =
            IncidentSet::validate_strict(vec![ok("a"), ok("a"), late]).expect_err("duplicate id");
        assert_eq!(
            err.to_string(),
            "incident #1 (source id \"a\"), field `source_id`: source id already used by \
             incident #0, which is kept"
        );
        assert!(IncidentSet::validate_strict(vec![ok("a"), ok("b")]).is_ok());
    }

    #[test]
    fn display_summarises_and_alternate_lists_all() {
        let many: Vec<Incident> = (0..25)
            .map(|k| {
                let mut i = ok(&format!("c{k}"));
                i.geo_precision = GeoPrecision::Country;
                i
            })
            .collect();
        let (_, report) = IncidentSet::validate(many);
        let short = report.to_string();
        assert!(short.contains("warnings, coarse location (region or country level): 25"));
        assert_eq!(short.matches("  warning  #").count(), 10, "{short}");
        assert!(short.contains("... 15 more entries"), "{short}");
        let long = format!("{report:#}");
        assert_eq!(long.matches("  warning  #").count(), 25);
        assert!(!long.contains("more entries"));
    }

    #[test]
    fn empty_input_gives_empty_set() {
        let (set, report) = IncidentSet::validate(Vec::new());
        assert!(set.is_empty() && report.is_clean() && report.seen == 0);
        assert_eq!(set.date_range(), None);
    }
}
