//! The validation report: every rejected incident with all its problems, every kept one that
//! deserves a second look.

use std::collections::BTreeMap;
use std::fmt;

use serde::Serialize;

use crate::incident::{IncidentId, SourceId};
use crate::problem::{Problem, Warning};

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
            writeln!(f, "  ... {hidden} more entries not shown")?;
        }
        Ok(())
    }
}
