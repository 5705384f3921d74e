//! A row view that parses fields and collects every problem of the row.

use csv::ByteRecord;

use super::*;
use crate::io::report::{FieldProblem, shorten};

/// One record being parsed: every field problem is collected, none stops the others.
pub(crate) struct Row<'a> {
    pub(crate) record: &'a ByteRecord,
    pub(crate) columns: &'a Columns,
    pub(crate) problems: Vec<FieldProblem>,
    /// The record's fields end to end, when they are valid UTF-8 (nearly always: the readers
    /// decode what is not): checked once, not field by field.
    whole: Option<&'a str>,
}

impl<'a> Row<'a> {
    pub(crate) fn new(record: &'a ByteRecord, columns: &'a Columns) -> Self {
        Row {
            record,
            columns,
            problems: Vec::new(),
            whole: std::str::from_utf8(record.as_slice()).ok(),
        }
    }

    /// A field of the record as text: a slice of the whole record's text when that is valid
    /// and the field starts and ends on character boundaries, else checked on its own.
    fn field(&self, raw: &'a [u8]) -> Option<&'a str> {
        let base = self.record.as_slice().as_ptr() as usize;
        let at = (raw.as_ptr() as usize).wrapping_sub(base);
        self.whole
            .and_then(|w| w.get(at..at.checked_add(raw.len())?))
            .or_else(|| std::str::from_utf8(raw).ok())
    }

    pub(crate) fn problem(&mut self, field: &str, value: &str, reason: impl Into<String>) {
        self.problems.push(FieldProblem {
            field: field.to_string(),
            value: shorten(value),
            reason: reason.into(),
        });
    }

    /// The trimmed text of a column; `None` when the column is absent or the field empty or
    /// a missing-value marker (`NA`, `N/A`, `NULL`, `nan`, any case).
    pub(crate) fn text(&mut self, col: Option<usize>) -> Option<&'a str> {
        let i = col?;
        let raw = self.record.get(i)?;
        match self.field(raw) {
            Some(s) => Some(s.trim()).filter(|s| !is_missing(s)),
            None => {
                let name = self.columns.name(i).to_string();
                self.problem(&name, &String::from_utf8_lossy(raw), "not valid UTF-8 text");
                None
            }
        }
    }

    /// The record's problems as a whole: a quote that ran over the lines after it (then the
    /// field count says nothing more), else its length.
    pub(crate) fn check_record(&mut self, runaway: Option<FieldProblem>) {
        match runaway {
            Some(p) => self.problems.push(p),
            None => self.check_length(),
        }
    }

    /// A problem when the row has fewer fields than the header (a truncated line), or more
    /// fields that are not empty (shifted columns). Empty extra fields, as the trailing comma
    /// of UCDP's web export makes, are fine. (Extra fields are looked for only when there are
    /// some: `skip` would walk every field of every row.)
    pub(crate) fn check_length(&mut self) {
        let (n, m) = (self.record.len(), self.columns.len());
        if n < m {
            self.problem(
                "record",
                &format!("{n} fields"),
                format!("the row has {n} fields where the header has {m}: a truncated line?"),
            );
        } else if n > m && self.record.iter().skip(m).any(|f| !f.is_empty()) {
            self.problem(
                "record",
                &format!("{n} fields"),
                format!(
                    "the row has {n} fields where the header has {m}, and the extra ones are \
                     not empty: shifted columns?"
                ),
            );
        }
    }

    /// A required field: a problem when absent or empty.
    pub(crate) fn required(&mut self, col: usize) -> Option<&'a str> {
        let present = self.record.get(col).is_some();
        let t = self.text(Some(col));
        if t.is_none() && self.problems_for(col) == 0 {
            let name = self.columns.name(col).to_string();
            let reason = if present {
                "empty (or a missing-value marker such as NA), but required"
            } else {
                "missing: the row ends before this column (truncated line?)"
            };
            self.problem(&name, "", reason);
        }
        t
    }

    fn problems_for(&self, col: usize) -> usize {
        let name = self.columns.name(col);
        self.problems.iter().filter(|p| p.field == name).count()
    }

    /// A required coordinate in degrees, written with a decimal point or, as European Excel
    /// writes it, a decimal comma (`11,85`).
    pub(crate) fn coordinate(&mut self, col: usize) -> f64 {
        match self.required(col) {
            None => f64::NAN,
            Some(t) => match t.parse::<f64>().or_else(|e| match t.split_once(',') {
                Some((whole, fraction)) if !fraction.contains(',') && !t.contains('.') => {
                    format!("{whole}.{fraction}").parse::<f64>()
                }
                _ => Err(e),
            }) {
                Ok(v) => v,
                Err(_) => {
                    let name = self.columns.name(col).to_string();
                    self.problem(&name, t, "not a number");
                    f64::NAN
                }
            },
        }
    }

    /// An optional whole number, written as `12` or `12.0`; a problem when it is text, has a
    /// fraction, or falls outside `min..=max`.
    pub(crate) fn int(&mut self, col: Option<usize>, min: i64, max: i64) -> Option<i64> {
        let t = self.text(col)?;
        let name = col.map_or("?", |c| self.columns.name(c)).to_string();
        match parse_whole(t) {
            Some(v) if (min..=max).contains(&v) => Some(v),
            Some(v) if v < 0 && min == 0 => {
                self.problem(&name, t, "negative, but a count cannot be");
                None
            }
            Some(_) => {
                self.problem(&name, t, format!("outside {min}..={max}"));
                None
            }
            None => {
                self.problem(&name, t, "not a whole number");
                None
            }
        }
    }

    /// An optional count of deaths: a whole number >= 0.
    pub(crate) fn count(&mut self, col: Option<usize>) -> Option<i32> {
        self.int(col, 0, i64::from(i32::MAX))
            .and_then(|v| i32::try_from(v).ok())
    }

    /// An optional small code (precision, violence type) in `min..=max`.
    pub(crate) fn code(&mut self, col: Option<usize>, min: u8, max: u8) -> Option<u8> {
        self.int(col, i64::from(min), i64::from(max))
            .and_then(|v| u8::try_from(v).ok())
    }

    /// A date as written (its order decided later, for the whole file): a problem when the
    /// field is empty (if `required`) or not a date.
    pub(crate) fn date(&mut self, col: usize, required: bool) -> Option<ParsedDate> {
        let t = if required {
            self.required(col)?
        } else {
            self.text(Some(col))?
        };
        let d = parse_written(t);
        if d.is_none() {
            let name = self.columns.name(col).to_string();
            self.problem(&name, t, NOT_A_DATE);
        }
        d
    }
}

/// Whether a field's trimmed text stands for a missing value: empty, `NA` (R), `N/A`, `NULL`,
/// `nan` (pandas), in any case.
pub(crate) fn is_missing(text: &str) -> bool {
    text.is_empty()
        || (text.len() <= 4
            && ["na", "n/a", "null", "nan"]
                .iter()
                .any(|m| text.eq_ignore_ascii_case(m)))
}

/// A number written as a whole number, possibly as a float with a zero fraction (`15960.0`).
pub(crate) fn parse_whole(t: &str) -> Option<i64> {
    if let Ok(v) = t.parse::<i64>() {
        return Some(v);
    }
    let f: f64 = t.parse().ok()?;
    (f.is_finite() && f.fract() == 0.0 && f.abs() < 9.0e15).then_some(f as i64)
}
