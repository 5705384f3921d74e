//! Validation: the only way to build an [`IncidentSet`]. Every incident is checked against
//! every rule, every problem is reported, and none is skipped silently.

mod report;
#[cfg(test)]
mod tests;

use std::sync::Arc;

use crate::window::DateWindow;
use rustc_hash::FxHashMap as HashMap;
use serde::{Serialize, Serializer};

pub use crate::problem::{Problem, Warning};
pub(crate) use crate::problem::{check, warnings};
pub use report::{Flag, Rejection, ValidationReport};

use crate::error::{Error, Result};
use crate::incident::{Incident, IncidentId, SourceId};

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

    /// The window from the earliest start to the latest end date in the set, or `None` if it
    /// is empty.
    #[must_use]
    pub fn date_range(&self) -> Option<DateWindow> {
        let first = self.incidents.iter().map(|i| i.date.start).min()?;
        let last = self.incidents.iter().map(|i| i.date.end).max()?;
        DateWindow::new(first, last).ok()
    }
}

impl Serialize for IncidentSet {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        self.incidents.serialize(serializer)
    }
}
