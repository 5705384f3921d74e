//! Property names, interned once per file: a feature's names are looked up by their exact
//! spelling (no allocation, no lowercasing after the first feature), and each maps to a field
//! id shared by every spelling that differs only in case (`EVENT_DATE`, `event_date`).
//!
//! The names the reader asks for are registered first and are the only ones whose values are
//! kept; the others are skipped while parsing, and only their names are noted, for the
//! repeated-name warning.

use rustc_hash::FxHashMap as HashMap;

/// Distinct spellings kept before the tables are emptied and rebuilt, so that a file with
/// ever new property names cannot grow them without bound.
const MAX_SPELLINGS: usize = 100_000;

/// A property as parsed: its field, its spelling, and its value when the field is wanted.
pub(super) struct Entry {
    pub(super) field: u32,
    pub(super) spelling: u32,
    pub(super) value: serde_json::Value,
}

/// The interned names of one file.
pub(super) struct Keys {
    /// Exact spelling to (field, spelling).
    exact: HashMap<Box<str>, (u32, u32)>,
    /// Lowercase name to field.
    lower: HashMap<Box<str>, u32>,
    /// Spelling id to the name as written.
    spellings: Vec<Box<str>>,
    /// Fields `0..wanted` are the names the reader asks for.
    wanted: u32,
    /// The names the reader asks for, lowercase, to rebuild the tables.
    registered: Vec<Box<str>>,
    fields: u32,
    /// Per field: the stamp of the feature that has it, and the position of its entry.
    seen: Vec<(u64, u32)>,
    stamp: u64,
}

impl Keys {
    /// Tables with `names` (lowercase) as the wanted fields.
    pub(super) fn new<'n>(names: impl IntoIterator<Item = &'n str>) -> Keys {
        let mut keys = Keys {
            exact: HashMap::default(),
            lower: HashMap::default(),
            spellings: Vec::new(),
            wanted: 0,
            registered: Vec::new(),
            fields: 0,
            seen: Vec::new(),
            stamp: 0,
        };
        for n in names {
            let n = n.to_ascii_lowercase();
            if !keys.lower.contains_key(n.as_str()) {
                keys.registered.push(n.clone().into_boxed_str());
                keys.field_of_lower(n);
            }
        }
        keys.wanted = keys.fields;
        keys
    }

    fn field_of_lower(&mut self, lower: String) -> u32 {
        if let Some(&f) = self.lower.get(lower.as_str()) {
            return f;
        }
        let f = self.fields;
        self.fields += 1;
        self.lower.insert(lower.into_boxed_str(), f);
        self.seen.push((0, 0));
        f
    }

    /// Empty the tables if they grew past [`MAX_SPELLINGS`]; call between features only,
    /// since ids change.
    pub(super) fn bound(&mut self) {
        if self.spellings.len() <= MAX_SPELLINGS {
            return;
        }
        let registered = std::mem::take(&mut self.registered);
        *self = Keys::new(registered.iter().map(|n| &**n));
    }

    /// The field and spelling of a name as written, and whether its value is wanted.
    pub(super) fn intern(&mut self, name: &str) -> (u32, u32, bool) {
        let (field, spelling) = match self.exact.get(name) {
            Some(&ids) => ids,
            None => {
                let field = self.field_of_lower(name.to_ascii_lowercase());
                let spelling = self.spellings.len() as u32;
                self.spellings.push(name.into());
                self.exact.insert(name.into(), (field, spelling));
                (field, spelling)
            }
        };
        (field, spelling, field < self.wanted)
    }

    /// The name as written.
    pub(super) fn spelling(&self, id: u32) -> &str {
        self.spellings.get(id as usize).map_or("?", |s| &**s)
    }

    /// Index one feature's entries for lookup: a repeated field keeps its last value, and
    /// each repetition is described in `repeated`.
    pub(super) fn index(&mut self, entries: &mut Vec<Entry>, repeated: &mut Vec<String>) {
        self.stamp += 1;
        let stamp = self.stamp;
        let mut k = 0;
        while k < entries.len() {
            let field = entries[k].field as usize;
            let Some(seen) = self.seen.get(field).copied() else {
                k += 1;
                continue;
            };
            if seen.0 == stamp {
                let first = seen.1 as usize;
                let (was, now) = (entries[first].spelling, entries[k].spelling);
                repeated.push(if was == now {
                    format!(
                        "`{}` appears more than once in the properties; the last value is used",
                        self.spelling(now)
                    )
                } else {
                    format!(
                        "`{}` and `{}` differ only in case, and names are matched ignoring \
                         case; the last one is used",
                        self.spelling(was),
                        self.spelling(now)
                    )
                });
                // The last value wins, as in serde_json and JavaScript.
                entries.swap(first, k);
                entries.swap_remove(k);
                continue;
            }
            self.seen[field] = (stamp, k as u32);
            k += 1;
        }
    }

    /// The entry of a wanted field in the entries last indexed, by its lowercase name.
    pub(super) fn position(&self, name: &str) -> Option<usize> {
        let field = *self.lower.get(name)?;
        debug_assert!(
            field < self.wanted,
            "{name:?} is read but was not registered as wanted"
        );
        match self.seen.get(field as usize) {
            Some(&(stamp, k)) if stamp == self.stamp => Some(k as usize),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    fn entries(keys: &mut Keys, names: &[(&str, i64)]) -> Vec<Entry> {
        names
            .iter()
            .map(|&(n, v)| {
                let (field, spelling, wanted) = keys.intern(n);
                Entry {
                    field,
                    spelling,
                    value: if wanted { Value::from(v) } else { Value::Null },
                }
            })
            .collect()
    }

    #[test]
    fn names_match_ignoring_case_and_the_last_repeat_wins() {
        let mut keys = Keys::new(["time", "fatalities"]);
        let mut e = entries(
            &mut keys,
            &[
                ("FATALITIES", 1),
                ("notes", 0),
                ("fatalities", 2),
                ("Time", 7),
                ("Fatalities", 3),
                ("notes", 0),
            ],
        );
        let mut repeated = Vec::new();
        keys.index(&mut e, &mut repeated);
        let value = |keys: &Keys, name: &str| keys.position(name).map(|k| e[k].value.clone());
        assert_eq!(value(&keys, "fatalities"), Some(Value::from(3)));
        assert_eq!(value(&keys, "time"), Some(Value::from(7)));
        assert_eq!(repeated.len(), 3, "{repeated:?}");
        assert!(repeated[0].contains("`FATALITIES` and `fatalities`"));
        assert!(
            repeated
                .iter()
                .any(|r| r.contains("`notes` appears more than once"))
        );
        // A skipped (unwanted) property keeps no value.
        assert!(e.iter().all(|x| x.field < keys.wanted || x.value.is_null()));
        // The next feature does not see this one's properties.
        keys.index(&mut Vec::new(), &mut repeated);
        assert_eq!(keys.position("time"), None);
    }

    #[test]
    fn ever_new_names_do_not_grow_the_tables_without_bound() {
        let mut keys = Keys::new(["time"]);
        for k in 0..=MAX_SPELLINGS {
            keys.intern(&format!("name_{k}"));
        }
        keys.bound();
        assert!(keys.spellings.is_empty() && keys.exact.is_empty());
        assert_eq!((keys.fields, keys.wanted), (1, 1));
        let mut e = entries(&mut keys, &[("TIME", 5)]);
        keys.index(&mut e, &mut Vec::new());
        assert_eq!(keys.position("time"), Some(0));
    }
}
