//! The options every reader takes and what a reader returns.

use crate::incident::Incident;
use crate::io::report::LoadReport;

/// Options shared by every reader.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ReadOptions {
    strict: bool,
}

impl ReadOptions {
    /// Lenient reading: keep what can be read and report every rejected row.
    #[must_use]
    pub fn new() -> Self {
        ReadOptions::default()
    }

    /// Fail on the first rejected row, with an error that names its line and field.
    #[must_use]
    pub fn strict(self, strict: bool) -> Self {
        ReadOptions { strict }
    }

    /// Whether strict mode is on.
    #[must_use]
    pub fn is_strict(&self) -> bool {
        self.strict
    }
}

/// What a reader returns: the incidents it accepted, in file order, the line each came from,
/// and the report.
#[derive(Clone, Debug)]
pub struct Loaded {
    /// Accepted incidents, in file order. They pass every check of
    /// [`IncidentSet::validate`](crate::IncidentSet::validate), duplicate ids within the file
    /// included.
    pub incidents: Vec<Incident>,
    /// For each accepted incident, the line (or feature number) it came from.
    pub lines: Vec<u64>,
    /// What was read, rejected, skipped and warned about.
    pub report: LoadReport,
}
