//! What can be wrong with an incident: the [`Problem`]s that keep it out of a set, the
//! [`Warning`]s it is kept with, and the checks that find them.

use std::fmt;

use jiff::civil::Date;
use serde::Serialize;

use crate::incident::{GeoPrecision, Incident};

/// Why an incident cannot enter an [`IncidentSet`](crate::IncidentSet).
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
    /// The set already holds `u32::MAX` incidents, the most an [`IncidentId`](crate::IncidentId) can number.
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
    /// The date span is longer than [`Warning::LONG_SPAN_DAYS`]: kept, but it counts in
    /// every window it touches (often a typo in the end date, such as year 9999).
    LongSpan {
        /// Days covered, both ends counted.
        days: i32,
    },
    /// The incident starts before [`Warning::EARLIEST_YEAR`], before any conflict dataset
    /// begins (often a mistyped year or a two-digit year read in the wrong century).
    EarlyDate {
        /// The first day of the span.
        start: jiff::civil::Date,
    },
    /// More than [`Warning::MAX_FATALITIES`] deaths recorded for one incident.
    ManyFatalities {
        /// The best estimate.
        best: i32,
    },
}

impl Warning {
    /// A span longer than this many days (a leap year) is flagged [`Warning::LongSpan`].
    pub const LONG_SPAN_DAYS: i32 = 366;
    /// A start before 1 January of this year is flagged [`Warning::EarlyDate`] (UCDP GED
    /// starts in 1989, ACLED in 1997; 1946 is where the UCDP/PRIO conflict list begins).
    pub const EARLIEST_YEAR: i16 = 1946;
    /// A best estimate above this many deaths is flagged [`Warning::ManyFatalities`].
    pub const MAX_FATALITIES: i32 = 10_000;

    /// The field the warning is about, as the readers' load reports name it.
    #[must_use]
    pub fn field(&self) -> &'static str {
        match self {
            Warning::CoarseLocation { .. } => "geo precision",
            Warning::LongSpan { .. } | Warning::EarlyDate { .. } => "date",
            Warning::FatalityBoundsOutOfOrder { .. } | Warning::ManyFatalities { .. } => {
                "fatalities"
            }
        }
    }

    /// A short label of the kind of warning, for summaries.
    #[must_use]
    pub fn label(&self) -> &'static str {
        match self {
            Warning::CoarseLocation { .. } => "coarse location (region or country level)",
            Warning::FatalityBoundsOutOfOrder { .. } => "fatality estimates out of order",
            Warning::LongSpan { .. } => "date span longer than a year",
            Warning::EarlyDate { .. } => "date before 1946",
            Warning::ManyFatalities { .. } => "more than 10,000 deaths in one incident",
        }
    }
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Warning::CoarseLocation { precision } => write!(
                f,
                "location precision is {}: the point stands for an area, not a place",
                precision.label()
            ),
            Warning::FatalityBoundsOutOfOrder { low, best, high } => write!(
                f,
                "fatality estimates out of order: low {}, best {best}, high {}",
                or_missing(*low),
                or_missing(*high)
            ),
            Warning::LongSpan { days } => write!(
                f,
                "the date span covers {days} days, more than a year: it counts in every window \
                 it touches (is the end date mistyped?)"
            ),
            Warning::EarlyDate { start } => write!(
                f,
                "the date {start} is before {}, before any conflict dataset begins \
                 (is the year mistyped?)",
                Warning::EARLIEST_YEAR
            ),
            Warning::ManyFatalities { best } => write!(
                f,
                "{best} deaths in one incident, more than {}: is the figure mistyped?",
                Warning::MAX_FATALITIES
            ),
        }
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
    let days = i.date.days();
    let long = (days > Warning::LONG_SPAN_DAYS).then_some(Warning::LongSpan { days });
    let early = (i.date.start.year() < Warning::EARLIEST_YEAR).then_some(Warning::EarlyDate {
        start: i.date.start,
    });
    let many =
        (f.best > Warning::MAX_FATALITIES).then_some(Warning::ManyFatalities { best: f.best });
    coarse
        .into_iter()
        .chain(bounds)
        .chain(long)
        .chain(early)
        .chain(many)
}

fn or_missing(v: Option<i32>) -> String {
    v.map_or_else(|| "missing".to_owned(), |v| v.to_string())
}
