//! The header map: column names (lowercase, trimmed, BOM removed) to positions.

use csv::ByteRecord;
use rustc_hash::FxHashMap as HashMap;

use crate::error::{Error, Result};

/// Column name (lowercase, trimmed, BOM removed) to position.
pub(crate) struct Columns {
    names: Vec<String>,
    by_name: HashMap<String, usize>,
}

impl Columns {
    pub(crate) fn new(header: &ByteRecord) -> Columns {
        let names: Vec<String> = header
            .iter()
            .enumerate()
            .map(|(i, raw)| {
                let text = String::from_utf8_lossy(raw);
                let text = if i == 0 {
                    text.trim_start_matches('\u{feff}')
                } else {
                    &text
                };
                text.trim().to_ascii_lowercase()
            })
            .collect();
        let mut by_name = HashMap::default();
        for (i, n) in names.iter().enumerate() {
            by_name.entry(n.clone()).or_insert(i);
        }
        Columns { names, by_name }
    }

    /// The first of `names` present in the header.
    pub(crate) fn find(&self, names: &[&str]) -> Option<usize> {
        names.iter().find_map(|n| self.by_name.get(*n).copied())
    }

    /// A column the format cannot do without: `Err` naming it when absent.
    pub(crate) fn require(&self, names: &[&str], what: &str) -> Result<usize> {
        self.find(names).ok_or_else(|| {
            Error::format(format!(
                "no {what} column: expected a column named {}",
                names.join(" or ")
            ))
        })
    }

    pub(crate) fn contains(&self, name: &str) -> bool {
        self.by_name.contains_key(name)
    }

    pub(crate) fn name(&self, i: usize) -> &str {
        self.names.get(i).map_or("?", String::as_str)
    }

    pub(crate) fn len(&self) -> usize {
        self.names.len()
    }
}
