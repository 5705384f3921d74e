//! The header map: column names (lowercase, trimmed, BOM removed) to positions.

use csv::ByteRecord;
use rustc_hash::FxHashMap as HashMap;

use crate::error::{Error, Result};

/// Column name (lowercase, trimmed, BOM removed) to position.
#[derive(Clone, Default)]
pub(crate) struct Columns {
    /// The file, for messages (empty when unknown).
    pub(crate) source: String,
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
                // Case and spacing vary between vintages and tools: `EVENT_DATE`,
                // `Event Date`, `event-date` are one column.
                text.trim()
                    .chars()
                    .map(|c| match c {
                        ' ' | '-' => '_',
                        c => c.to_ascii_lowercase(),
                    })
                    .collect::<String>()
            })
            .collect();
        let mut by_name = HashMap::default();
        for (i, n) in names.iter().enumerate() {
            by_name.entry(n.clone()).or_insert(i);
        }
        Columns {
            source: String::new(),
            names,
            by_name,
        }
    }

    /// The first of `names` present in the header.
    pub(crate) fn find(&self, names: &[&str]) -> Option<usize> {
        names.iter().find_map(|n| self.by_name.get(*n).copied())
    }

    /// A column the format cannot do without: `Err` naming it when absent.
    pub(crate) fn require(&self, names: &[&str], what: &str) -> Result<usize> {
        self.find(names).ok_or_else(|| {
            let file = if self.source.is_empty() {
                String::new()
            } else {
                format!("{}: ", self.source)
            };
            Error::format(format!(
                "{file}no {what} column: expected a column named {}; the header has {}",
                names.join(" or "),
                self.listed()
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

    /// The header's names, for messages: "`a`, `b`, `c`" (at most 40).
    pub(crate) fn listed(&self) -> String {
        let shown: Vec<String> = self
            .names
            .iter()
            .take(40)
            .map(|n| {
                if n.is_empty() {
                    "(unnamed)".to_string()
                } else {
                    format!("`{n}`")
                }
            })
            .collect();
        let more = self.names.len().saturating_sub(40);
        if more > 0 {
            format!("{} and {more} more", shown.join(", "))
        } else {
            shown.join(", ")
        }
    }
}
