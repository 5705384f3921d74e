//! The crate's one error type.

use crate::problem::Problem;

/// Everything that can go wrong in this crate.
///
/// Messages are lowercase without a trailing period, and name the offending value, so that
/// they can be shown to an analyst as they are.
#[derive(Debug, thiserror::Error)]
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
    /// A reader in strict mode met a row it cannot accept.
    #[error("{file}: line {line}, field `{field}`: {reason}")]
    Parse {
        /// The file (or `<reader>`) the row was read from.
        file: String,
        /// Line in the file where the record starts (1 is the first line).
        line: u64,
        /// The field (column or property) at fault.
        field: String,
        /// Why the row was rejected, with the offending value.
        reason: String,
    },
    /// The GeoJSON reader in strict mode met a feature it cannot accept.
    #[error("{file}: feature {feature}, field `{field}`: {reason}")]
    Feature {
        /// The file (or `<reader>`) the feature was read from.
        file: String,
        /// The feature's position in the collection, counted from 1.
        feature: u64,
        /// The property (or `geometry`, `coordinates`) at fault.
        field: String,
        /// Why the feature was rejected, with the offending value.
        reason: String,
    },
    /// The input is not in a format this crate reads, or lacks what the format requires
    /// (a latitude column, a header, a supported CRS).
    #[error("{reason}")]
    Format {
        /// What is wrong, naming the file where known.
        reason: String,
    },
    /// A file was read but yielded no incident: every row was rejected, or there was none.
    #[error(
        "nothing could be read from {source_name}: {}, none accepted; {why}",
        crate::io::report::counted(*rows, "row")
    )]
    NothingRead {
        /// The file, or `<reader>`.
        source_name: String,
        /// Data rows (or features) seen.
        rows: u64,
        /// The first reasons, in words.
        why: String,
    },
    /// Reading or writing failed at the operating-system level.
    #[error("i/o error on {path}")]
    Io {
        /// The file, or `<reader>` / `<writer>` for a stream.
        path: String,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
}

/// `Result` with this crate's [`Error`] as the default error type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// Shorthand for [`Error::Io`].
    pub(crate) fn io(path: impl Into<String>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }

    /// The same error, naming `path` if it is an i/o error on a stream (`<reader>` or
    /// `<writer>`): a writer does not know the file it writes to, its caller does.
    #[must_use]
    pub fn at_path(self, path: &std::path::Path) -> Self {
        match self {
            Error::Io { path: p, source } if p.starts_with('<') => Error::Io {
                path: path.display().to_string(),
                source,
            },
            other => other,
        }
    }

    /// Shorthand for [`Error::Format`].
    pub(crate) fn format(reason: impl Into<String>) -> Self {
        Error::Format {
            reason: reason.into(),
        }
    }

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
