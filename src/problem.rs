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
