//! The load report: what a reader saw, kept, rejected (with line, field, value and reason),
//! skipped as metadata, and warned about. Nothing a reader meets goes unreported.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::io::csv_in::{DateOrder, Encoding};

/// The formats the readers understand.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Format {
    /// ACLED CSV export, or a workbook sheet laid out as one.
    AcledCsv,
    /// UCDP GED CSV (bulk file, web export or the HDX copy), or a workbook sheet laid out as
    /// one.
    UcdpCsv,
    /// GeoJSON FeatureCollection of points (RFC 7946).
    GeoJson,
}

impl Format {
    /// What the format's records are called in a report: `line` for the CSV formats,
    /// `feature` for GeoJSON, whose [`RejectedRow::line`] and [`RowWarning::line`] are feature
    /// numbers. A table read from a workbook sheet numbers its rows as the sheet does:
    /// [`LoadReport::record_word`] says `row` for it.
    #[must_use]
    pub fn record_word(self) -> &'static str {
        match self {
            Format::AcledCsv | Format::UcdpCsv => "line",
            Format::GeoJson => "feature",
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Format::AcledCsv => "ACLED CSV",
            Format::UcdpCsv => "UCDP GED CSV",
            Format::GeoJson => "GeoJSON",
        })
    }
}

/// One thing wrong with one field of a row.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FieldProblem {
    /// The column or property name.
    pub field: String,
    /// The value as found, shortened to at most 60 characters.
    pub value: String,
    /// Why it cannot be used.
    pub reason: String,
}

/// A row the reader could not accept, with every problem found in it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RejectedRow {
    /// Line in the file where the record starts (1 is the first line); for a workbook, the
    /// sheet's row number as the sheet shows it; for GeoJSON, the feature's position in the
    /// collection counted from 1.
    pub line: u64,
    /// The row's id, where it could be read.
    pub source_id: Option<String>,
    /// Every problem found, in column order.
    pub problems: Vec<FieldProblem>,
}

/// A line that is not a data row (the HXL hashtag row under the HDX header).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SkippedLine {
    /// The line number.
    pub line: u64,
    /// What it was.
    pub reason: String,
}

/// Something suspicious about an accepted row.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RowWarning {
    /// The line number (for GeoJSON, the feature's number counted from 1).
    pub line: u64,
    /// The row's id.
    pub source_id: String,
    /// The field concerned.
    pub field: String,
    /// What is suspicious.
    pub message: String,
}

/// What a reader did with its input: `rows_seen == accepted + rejected.len()` always.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LoadReport {
    /// The file path, or `<reader>` for a stream.
    pub source: String,
    /// The format read.
    pub format: Format,
    /// The layout recognised, e.g. "UCDP GED web export (best_est/high_est/low_est)".
    pub layout: String,
    /// Data rows (or features) seen.
    pub rows_seen: u64,
    /// Rows (or features) turned into incidents.
    pub accepted: u64,
    /// Rows (or features) left out, in file order.
    pub rejected: Vec<RejectedRow>,
    /// Lines that are not data (metadata rows), in file order.
    pub skipped: Vec<SkippedLine>,
    /// Warnings on accepted rows, in file order.
    pub warnings: Vec<RowWarning>,
    /// The text encoding the file was read in (UTF-8 for a workbook, whose cells hold Unicode
    /// text and no encoding is read).
    pub encoding: Encoding,
    /// The field separator of a table (`None` for GeoJSON).
    pub separator: Option<char>,
    /// The line ends met: `LF`, `CRLF`, `CR`, or several joined by "and"; empty when the file
    /// is one line or not a table.
    pub line_ends: String,
    /// What held the table (`gzip`, `zip` and the member's name, or the workbook and its
    /// sheet: `xlsx workbook, sheet "Events"`), if anything.
    pub container: Option<String>,
    /// The sheet read, when the table came from a workbook (`.xlsx`, `.xls`, `.ods`); its
    /// rows are numbered as the sheet numbers them, from 1.
    pub sheet: Option<String>,
    /// How the dates were read: their forms and the day/month order, when a table has dates.
    pub dates: Option<DateReading>,
    /// Warnings about the whole file (mixed encodings, ids taken from line numbers, ...).
    pub notes: Vec<String>,
}

/// How a file's dates were read: the forms met and, for numeric dates, the day/month order and
/// what settled it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct DateReading {
    /// Each date form met ("2024-07-20", "16-Feb-21", "20/07/2024", "Excel serial", ...) with
    /// the number of dates written in it.
    pub forms: Vec<(String, u64)>,
    /// The order of numeric dates, when the file has any.
    pub order: Option<DateOrder>,
    /// What settled the order, in words.
    pub order_from: Option<String>,
}

impl fmt::Display for DateReading {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let forms: Vec<String> = self
            .forms
            .iter()
            .map(|(form, n)| format!("{form} ({n})"))
            .collect();
        if forms.is_empty() {
            f.write_str("none read")?;
        } else {
            f.write_str(&forms.join(", "))?;
        }
        if let Some(order) = self.order {
            write!(f, "; read {order}")?;
            if let Some(from) = &self.order_from {
                write!(f, " ({from})")?;
            }
        }
        Ok(())
    }
}

impl LoadReport {
    pub(crate) fn new(source: &str, format: Format, layout: impl Into<String>) -> Self {
        LoadReport {
            source: source.to_string(),
            format,
            layout: layout.into(),
            rows_seen: 0,
            accepted: 0,
            rejected: Vec::new(),
            skipped: Vec::new(),
            warnings: Vec::new(),
            encoding: Encoding::Utf8,
            separator: None,
            line_ends: String::new(),
            container: None,
            sheet: None,
            dates: None,
            notes: Vec::new(),
        }
    }

    /// How the file was read, in one line: the text form and, for tables, the date forms and
    /// the order of numeric dates.
    #[must_use]
    pub fn read_as(&self) -> String {
        let mut out = self.text_form();
        if let Some(d) = &self.dates {
            let forms: Vec<String> = d.forms.iter().map(|(f, n)| format!("{f} ({n})")).collect();
            out.push_str(&format!("; dates {}", forms.join(", ")));
            if let Some(order) = d.order {
                out.push_str(&format!(", read {order}"));
            }
        }
        out
    }

    /// How the text was read, in words: "UTF-8, ';'-separated, CRLF line ends, from gzip";
    /// for a workbook, which one and which sheet: "cells of an xlsx workbook, sheet \"Events\""
    /// (encoding, separator and line ends do not apply to cells).
    #[must_use]
    pub fn text_form(&self) -> String {
        if let (Some(_), Some(c)) = (&self.sheet, &self.container) {
            return format!("cells of an {c}");
        }
        let mut parts = vec![self.encoding.to_string()];
        if let Some(sep) = self.separator {
            parts.push(match sep {
                '\t' => "tab-separated".to_string(),
                other => format!("'{other}'-separated"),
            });
        }
        if !self.line_ends.is_empty() {
            parts.push(format!("{} line ends", self.line_ends));
        }
        if let Some(c) = &self.container {
            parts.push(format!("from {c}"));
        }
        parts.join(", ")
    }
}

impl LoadReport {
    /// What the report's records are called: `row` for a workbook sheet (numbered as the sheet
    /// numbers its rows), otherwise [`Format::record_word`] (`line`, or `feature` for GeoJSON).
    #[must_use]
    pub fn record_word(&self) -> &'static str {
        if self.sheet.is_some() {
            "row"
        } else {
            self.format.record_word()
        }
    }

    /// The format in words for the report's first line: "ACLED CSV", or "ACLED table" when
    /// it came from a workbook sheet.
    fn format_words(&self) -> String {
        match (&self.sheet, self.format) {
            (Some(_), Format::AcledCsv) => "ACLED table".to_string(),
            (Some(_), Format::UcdpCsv) => "UCDP GED table".to_string(),
            (_, format) => format.to_string(),
        }
    }
}

/// The gist of a [`LoadReport`] for a report's data section: the counts and the first
/// rejected rows in words.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoadSummary {
    /// The format read, in words ("UCDP GED CSV").
    pub format: String,
    /// The layout recognised.
    pub layout: String,
    /// Data rows (or features) seen.
    pub rows_seen: u64,
    /// Rows turned into incidents.
    pub accepted: u64,
    /// Rows left out.
    pub rejected: u64,
    /// Warnings on accepted rows.
    pub warnings: u64,
    /// The first three rejected rows: line and every problem, in words.
    pub first_rejections: Vec<RejectedLine>,
    /// How the file was read, in words: encoding, separator, line ends, container, and the
    /// date forms and order ("UTF-8, ','-separated, LF line ends; dates NN/NN/YYYY (3008),
    /// read month/day/year").
    #[serde(default)]
    pub read_as: String,
    /// What [`RejectedLine::line`] counts: `line` (a text file), `row` (a workbook sheet's row
    /// number) or `feature` (GeoJSON).
    #[serde(default = "default_record_word")]
    pub record_word: String,
}

fn default_record_word() -> String {
    "line".to_string()
}

/// A rejected row in words.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RejectedLine {
    /// Where the row starts (for GeoJSON, the feature's number).
    pub line: u64,
    /// Every problem of the row, in words.
    pub reason: String,
}

impl LoadReport {
    /// The counts and the first three rejected rows.
    #[must_use]
    pub fn summary(&self) -> LoadSummary {
        LoadSummary {
            format: self.format.to_string(),
            layout: self.layout.clone(),
            rows_seen: self.rows_seen,
            accepted: self.accepted,
            rejected: self.rejected.len() as u64,
            warnings: self.warnings.len() as u64,
            record_word: self.record_word().to_string(),
            first_rejections: self
                .rejected
                .iter()
                .take(3)
                .map(|r| {
                    let problems: Vec<String> = r
                        .problems
                        .iter()
                        .map(|p| format!("{} = \"{}\": {}", p.field, p.value, p.reason))
                        .collect();
                    RejectedLine {
                        line: r.line,
                        reason: problems.join("; "),
                    }
                })
                .collect(),
            read_as: self.read_as(),
        }
    }
}

/// How many entries of each list the plain `Display` shows; `{:#}` shows all.
const SHOWN: usize = 10;

impl fmt::Display for LoadReport {
    /// A summary, how the text and dates were read, and the first ten rejected rows, skipped
    /// lines and warnings; the alternate form (`{:#}`) lists every one. GeoJSON records are
    /// called features and numbered as such ("rejected feature 3"), CSV records by the line
    /// where they start, workbook rows by the sheet's row number ("rejected row 7").
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let word = self.record_word();
        let (seen, skipped) = match self.format {
            Format::GeoJson => (counted(self.rows_seen, "feature"), String::new()),
            Format::AcledCsv | Format::UcdpCsv => (
                counted(self.rows_seen, "row"),
                format!(
                    ", {} skipped as not data",
                    counted(self.skipped.len() as u64, "line")
                ),
            ),
        };
        writeln!(
            f,
            "read {} as {} ({}): {seen}, {} accepted, {} rejected{skipped}, {}",
            self.source,
            self.format_words(),
            self.layout,
            self.accepted,
            self.rejected.len(),
            counted(self.warnings.len() as u64, "warning")
        )?;
        writeln!(f, "  text: {}", self.text_form())?;
        if let Some(dates) = &self.dates {
            writeln!(f, "  dates: {dates}")?;
        }
        for note in &self.notes {
            writeln!(f, "  note: {note}")?;
        }
        let mut by_field: std::collections::BTreeMap<&str, (usize, usize)> = Default::default();
        for p in self.rejected.iter().flat_map(|r| &r.problems) {
            by_field.entry(p.field.as_str()).or_default().0 += 1;
        }
        for w in &self.warnings {
            by_field.entry(w.field.as_str()).or_default().1 += 1;
        }
        for (field, (problems, warnings)) in &by_field {
            writeln!(
                f,
                "  {field}: {}, {}",
                counted(*problems as u64, "problem"),
                counted(*warnings as u64, "warning")
            )?;
        }
        let limit = if f.alternate() { usize::MAX } else { SHOWN };
        for s in self.skipped.iter().take(limit) {
            writeln!(f, "  skipped  {word} {}: {}", s.line, s.reason)?;
        }
        for r in self.rejected.iter().take(limit) {
            let id = r.source_id.as_deref().unwrap_or("?");
            for p in &r.problems {
                writeln!(
                    f,
                    "  rejected {word} {} (id {id}), {} = \"{}\": {}",
                    r.line, p.field, p.value, p.reason
                )?;
            }
        }
        for w in self.warnings.iter().take(limit) {
            writeln!(
                f,
                "  warning  {word} {} (id {}), {}: {}",
                w.line, w.source_id, w.field, w.message
            )?;
        }
        let hidden = [self.skipped.len(), self.rejected.len(), self.warnings.len()]
            .iter()
            .map(|n| n.saturating_sub(limit))
            .sum::<usize>();
        if hidden > 0 {
            writeln!(f, "  ... {hidden} more entries not shown")?;
        }
        Ok(())
    }
}

/// Shorten a value for a report: at most 60 characters, with an ellipsis when cut.
pub(crate) fn shorten(value: &str) -> String {
    const MAX: usize = 60;
    match value.char_indices().nth(MAX) {
        None => value.to_string(),
        Some((cut, _)) => format!("{}…", &value[..cut]),
    }
}

/// A count and its noun, singular for one: "1 row", "3 rows".
pub(crate) fn counted(n: u64, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}
