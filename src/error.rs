//! The crate's one error type.

use crate::validate::Problem;

/// Everything that can go wrong in this crate.
///
/// Messages are lowercase without a trailing period, and name the offending value, so that
/// they can be shown to an analyst as they are.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A parameter passed to a function is outside its domain (a negative radius, a NaN
    /// coordinate, a date window that ends before it starts).
    #[error("invalid parameter `{name}` = {value}: {reason}")]
    InvalidParameter {
        /// The parameter's name, as in the function signature.
        name: &'static str,
        /// The value that was passed, formatted for display.
        value: String,
        /// Why the value was refused.
        reason: String,
    },
    /// Strict validation met an incident that cannot enter an
    /// [`IncidentSet`](crate::IncidentSet).
    #[error("incident #{input_index} (source id {source_id:?}), field `{field}`: {problem}", field = problem.field())]
    InvalidIncident {
        /// Position of the incident in the input, counted from 0.
        input_index: usize,
        /// The source's own id of the incident.
        source_id: String,
        /// The first problem found.
        problem: Problem,
    },
}

/// `Result` with this crate's [`Error`] as the default error type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// Shorthand for [`Error::InvalidParameter`].
    pub(crate) fn invalid(
        name: &'static str,
        value: impl std::fmt::Display,
        reason: impl Into<String>,
    ) -> Self {
        Error::InvalidParameter {
            name,
            value: value.to_string(),
            reason: reason.into(),
        }
    }
}
