//! What the CSV readers share: the header map, a row view that parses fields and collects
//! every problem, date and number parsing as the real files write them, country resolution,
//! string interning, and the sink that files each row as accepted or rejected.

use arcstr::ArcStr;
use std::cell::RefCell;
use std::collections::VecDeque;
use std::io::Read;
use std::rc::Rc;

use csv::ByteRecord;
use jiff::civil::Date;
use rustc_hash::FxHashMap as HashMap;

use super::report::{FieldProblem, LoadReport, RejectedRow, RowWarning, SkippedLine, shorten};
use crate::error::{Error, Result};
use crate::incident::{CountryCode, Incident, SourceId};
use crate::validate::{Problem, Warning, check, warnings};

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

/// One record being parsed: every field problem is collected, none stops the others.
pub(crate) struct Row<'a> {
    pub(crate) record: &'a ByteRecord,
    pub(crate) columns: &'a Columns,
    pub(crate) problems: Vec<FieldProblem>,
}

impl<'a> Row<'a> {
    pub(crate) fn new(record: &'a ByteRecord, columns: &'a Columns) -> Self {
        Row {
            record,
            columns,
            problems: Vec::new(),
        }
    }

    pub(crate) fn problem(&mut self, field: &str, value: &str, reason: impl Into<String>) {
        self.problems.push(FieldProblem {
            field: field.to_string(),
            value: shorten(value),
            reason: reason.into(),
        });
    }

    /// The trimmed text of a column; `None` when the column is absent or the field empty.
    pub(crate) fn text(&mut self, col: Option<usize>) -> Option<&'a str> {
        let i = col?;
        let raw = self.record.get(i)?;
        match std::str::from_utf8(raw) {
            Ok(s) => Some(s.trim()).filter(|s| !s.is_empty()),
            Err(_) => {
                let name = self.columns.name(i).to_string();
                self.problem(&name, &String::from_utf8_lossy(raw), "not valid UTF-8 text");
                None
            }
        }
    }

    /// A problem when the row has fewer fields than the header (a truncated line), or more
    /// fields that are not empty (shifted columns). Empty extra fields, as the trailing comma
    /// of UCDP's web export makes, are fine.
    pub(crate) fn check_length(&mut self) {
        let (n, m) = (self.record.len(), self.columns.len());
        if n < m {
            self.problem(
                "record",
                &format!("{n} fields"),
                format!("the row has {n} fields where the header has {m}: a truncated line?"),
            );
        } else if self.record.iter().skip(m).any(|f| !f.is_empty()) {
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
                "empty, but required"
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

    /// A required coordinate in degrees.
    pub(crate) fn coordinate(&mut self, col: usize) -> f64 {
        match self.required(col) {
            None => f64::NAN,
            Some(t) => match t.parse::<f64>() {
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

    /// A required date in one of `formats`.
    pub(crate) fn date(&mut self, col: usize, slash: SlashDates) -> Option<Date> {
        let t = self.required(col)?;
        let d = parse_date(t, slash);
        if d.is_none() {
            let name = self.columns.name(col).to_string();
            self.problem(&name, t, slash.expected());
        }
        d
    }
}

/// A number written as a whole number, possibly as a float with a zero fraction (`15960.0`).
pub(crate) fn parse_whole(t: &str) -> Option<i64> {
    if let Ok(v) = t.parse::<i64>() {
        return Some(v);
    }
    let f: f64 = t.parse().ok()?;
    (f.is_finite() && f.fract() == 0.0 && f.abs() < 9.0e15).then_some(f as i64)
}

/// How a reader reads dates written with slashes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum SlashDates {
    /// `MM/DD/YYYY`, as UCDP's web export writes them.
    MonthFirst,
    /// Slashes are not a format of this source.
    Refuse,
}

impl SlashDates {
    fn expected(self) -> &'static str {
        match self {
            SlashDates::MonthFirst => {
                "not a date: expected YYYY-MM-DD or MM/DD/YYYY, optionally with a time"
            }
            SlashDates::Refuse => {
                "not a date: expected YYYY-MM-DD, DD-MM-YYYY or D Month YYYY (16 May 2025)"
            }
        }
    }
}

const MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

/// Parse the date forms found in ACLED and UCDP files: `YYYY-MM-DD`, `DD-MM-YYYY`,
/// `16 May 2025` (or `16-May-2025`, month names in full or abbreviated), `MM/DD/YYYY` where
/// allowed, each optionally followed by a time (`00:00:00`, `00:00:00.000`, `T00:00:00`).
pub(crate) fn parse_date(text: &str, slash: SlashDates) -> Option<Date> {
    let t = text.trim();
    // Drop a trailing time: the part after a space or 'T' that contains ':'.
    let date_part = match t.find([' ', 'T']) {
        Some(i) if t[i + 1..].contains(':') => &t[..i],
        _ => t,
    };
    let mut split = date_part.split(['-', '/', ' ']).filter(|p| !p.is_empty());
    let parts = [split.next()?, split.next()?, split.next()?];
    if split.next().is_some() {
        return None;
    }
    let num = |s: &str| -> Option<i32> {
        (s.len() <= 4 && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse().ok())
            .flatten()
    };
    // A month name in full or cut to at least three letters ("Oct", "Sept", "October").
    let month_name = |s: &str| -> Option<i32> {
        let lower = s.to_ascii_lowercase();
        let m = MONTHS
            .iter()
            .position(|m| lower.len() >= 3 && m.starts_with(lower.as_str()))?;
        Some(m as i32 + 1)
    };
    let slashed = date_part.contains('/');
    let (y, m, d) = if slashed {
        match slash {
            SlashDates::MonthFirst => (num(parts[2])?, num(parts[0])?, num(parts[1])?),
            SlashDates::Refuse => return None,
        }
    } else if parts[0].len() == 4 {
        (num(parts[0])?, num(parts[1])?, num(parts[2])?)
    } else if let Some(m) = month_name(parts[1]) {
        (num(parts[2])?, m, num(parts[0])?)
    } else {
        (num(parts[2])?, num(parts[1])?, num(parts[0])?)
    };
    if !(1000..=9999).contains(&y) || parts.iter().any(|p| p.len() > 9) {
        return None;
    }
    Date::new(
        i16::try_from(y).ok()?,
        i8::try_from(m).ok()?,
        i8::try_from(d).ok()?,
    )
    .ok()
}

/// Repeated text shared as one `ArcStr` per distinct value.
#[derive(Default)]
pub(crate) struct Interner {
    map: HashMap<Box<str>, ArcStr>,
}

impl Interner {
    pub(crate) fn get(&mut self, s: &str) -> ArcStr {
        if let Some(a) = self.map.get(s) {
            return a.clone();
        }
        let a: ArcStr = ArcStr::from(s);
        self.map.insert(Box::from(s), a.clone());
        a
    }

    pub(crate) fn opt(&mut self, s: Option<&str>) -> Option<ArcStr> {
        s.map(|s| self.get(s))
    }
}

/// Country names and codes to ISO 3166-1 alpha-3, with a cache.
#[derive(Default)]
pub(crate) struct Countries {
    cache: HashMap<String, Option<CountryCode>>,
}

impl Countries {
    /// Resolve a row's country text, if any; a warning when the text names no known country.
    pub(crate) fn resolve_or_warn(
        &mut self,
        text: Option<&str>,
        warnings: &mut Vec<(&'static str, String)>,
    ) -> Option<CountryCode> {
        let t = text?;
        let code = self.resolve(t);
        if code.is_none() {
            warnings.push((
                "country",
                format!("{t:?} is not a country this crate knows"),
            ));
        }
        code
    }

    /// An alpha-3 code, a numeric code (`854`) or a name (`Burkina Faso`, `Ivory Coast`).
    pub(crate) fn resolve(&mut self, text: &str) -> Option<CountryCode> {
        if let Some(c) = self.cache.get(text) {
            return *c;
        }
        let found = lookup_country(text);
        self.cache.insert(text.to_string(), found);
        found
    }
}

fn lookup_country(text: &str) -> Option<CountryCode> {
    let t = text.trim();
    if t.len() == 3 && t.bytes().all(|b| b.is_ascii_alphabetic()) {
        return celes::Country::from_alpha3(t)
            .ok()
            .and_then(|c| CountryCode::new(c.alpha3));
    }
    if let Some(v) = parse_whole(t) {
        return usize::try_from(v)
            .ok()
            .and_then(|v| celes::Country::from_value(v).ok())
            .and_then(|c| CountryCode::new(c.alpha3));
    }
    let key: String = t
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .map(|c| match c {
            'ô' | 'ó' => 'o',
            'é' | 'è' => 'e',
            'í' => 'i',
            'ã' => 'a',
            other => other,
        })
        .collect();
    let country = celes::Country::from_name(&key)
        .or_else(|_| celes::Country::from_alias(&key))
        .or_else(|_| key.parse::<celes::Country>());
    country.ok().and_then(|c| CountryCode::new(c.alpha3))
}

/// Rough extents (west, south, east, north; degrees, from Natural Earth 1:50m plus a margin) of
/// the corridor's countries, for spotting coordinates written the wrong way round.
const EXTENTS: [(&str, [f64; 4]); 8] = [
    ("BEN", [0.76, 6.22, 3.83, 12.38]),
    ("BFA", [-5.52, 9.42, 2.39, 15.08]),
    ("CIV", [-8.6, 4.35, -2.51, 10.72]),
    ("GHA", [-3.24, 4.76, 1.19, 11.17]),
    ("MLI", [-12.28, 10.14, 4.23, 25.0]),
    ("NER", [0.16, 11.7, 15.96, 23.52]),
    ("NGA", [2.69, 4.28, 14.63, 13.87]),
    ("TGO", [-0.09, 6.09, 1.78, 11.12]),
];

/// Whether (lon, lat) lies outside the country's extent while (lat, lon) lies inside it.
pub(crate) fn looks_swapped(country: CountryCode, lon: f64, lat: f64) -> bool {
    let Some((_, [w, s, e, n])) = EXTENTS.iter().find(|(c, _)| *c == country.as_str()) else {
        return false;
    };
    let margin = 0.5;
    let inside =
        |x: f64, y: f64| x >= w - margin && x <= e + margin && y >= s - margin && y <= n + margin;
    !inside(lon, lat) && inside(lat, lon)
}

/// Files each row as accepted or rejected, checks what validation checks, and stops at the
/// first reject in strict mode.
pub(crate) struct Sink {
    pub(crate) report: LoadReport,
    incidents: Vec<Incident>,
    lines: Vec<u64>,
    first_line_of_id: HashMap<SourceId, u64>,
    strict: bool,
    problems: Vec<Problem>,
    id_field: String,
}

impl Sink {
    /// A sink for a reader whose ids come from the field `id_field`.
    pub(crate) fn new(report: LoadReport, options: ReadOptions, id_field: &str) -> Sink {
        Sink {
            id_field: id_field.to_string(),
            report,
            incidents: Vec::new(),
            lines: Vec::new(),
            first_line_of_id: HashMap::default(),
            strict: options.strict,
            problems: Vec::new(),
        }
    }

    pub(crate) fn skip(&mut self, line: u64, reason: impl Into<String>) {
        self.report.skipped.push(SkippedLine {
            line,
            reason: reason.into(),
        });
    }

    pub(crate) fn warn(&mut self, line: u64, source_id: &str, field: &str, message: String) {
        self.report.warnings.push(RowWarning {
            line,
            source_id: source_id.to_string(),
            field: field.to_string(),
            message,
        });
    }

    /// File a parsed row: `row_problems` from parsing, then the checks of validation.
    pub(crate) fn row(
        &mut self,
        line: u64,
        incident: Incident,
        mut row_problems: Vec<FieldProblem>,
        row_warnings: Vec<(&'static str, String)>,
    ) -> Result<()> {
        self.report.rows_seen += 1;
        // Validation's checks. A field that failed to parse was reported already, and left as
        // NaN (coordinates) or as the row's id: its echo from the checks is dropped.
        check(&incident, &mut self.problems);
        for p in self.problems.drain(..) {
            let echo = match &p {
                Problem::EmptyId => true,
                Problem::NonFiniteCoordinate { field, .. } => row_problems
                    .iter()
                    .any(|rp| rp.field == *field || rp.field == "geometry"),
                _ => false,
            };
            if !echo {
                row_problems.push(FieldProblem {
                    field: p.field().to_string(),
                    value: problem_value(&p, &incident),
                    reason: p.to_string(),
                });
            }
        }
        if let Some(&first) = self
            .first_line_of_id
            .get(&incident.source_id)
            .filter(|_| row_problems.is_empty())
        {
            row_problems.push(FieldProblem {
                field: self.id_field.clone(),
                value: shorten(incident.source_id.as_str()),
                reason: format!("duplicate id: line {first} has it too, and is kept"),
            });
        }
        if !row_problems.is_empty() {
            let source_id = Some(incident.source_id.as_str().to_string()).filter(|s| !s.is_empty());
            if self.strict {
                let p = &row_problems[0];
                return Err(Error::Parse {
                    line,
                    field: p.field.clone(),
                    reason: format!("{} (value {:?})", p.reason, p.value),
                });
            }
            self.report.rejected.push(RejectedRow {
                line,
                source_id,
                problems: row_problems,
            });
            return Ok(());
        }
        let id = incident.source_id.as_str().to_string();
        for (field, message) in row_warnings {
            self.warn(line, &id, field, message);
        }
        if let Some(c) = incident
            .country
            .filter(|&c| looks_swapped(c, incident.lon, incident.lat))
        {
            self.warn(
                line,
                &id,
                "latitude, longitude",
                format!(
                    "({}, {}) lies outside {c}, but would lie inside it swapped: \
                     latitude and longitude look exchanged",
                    incident.lat, incident.lon
                ),
            );
        }
        for w in warnings(&incident) {
            let field = match w {
                Warning::CoarseLocation { .. } => "geo precision",
                _ => "fatalities",
            };
            self.warn(line, &id, field, w.to_string());
        }
        self.first_line_of_id
            .insert(incident.source_id.clone(), line);
        self.report.accepted += 1;
        self.incidents.push(incident);
        self.lines.push(line);
        Ok(())
    }

    pub(crate) fn finish(self) -> Loaded {
        Loaded {
            incidents: self.incidents,
            lines: self.lines,
            report: self.report,
        }
    }
}

fn problem_value(p: &Problem, i: &Incident) -> String {
    match p {
        Problem::NonFiniteCoordinate { value, .. }
        | Problem::LatitudeOutOfRange { value }
        | Problem::LongitudeOutOfRange { value } => value.to_string(),
        Problem::NullIsland => format!("{}, {}", i.lat, i.lon),
        Problem::EndBeforeStart { start, end } => format!("{start} .. {end}"),
        Problem::NegativeFatalities { value, .. } => value.to_string(),
        _ => shorten(i.source_id.as_str()),
    }
}

/// A reader that notes where its newlines are, so that a record's line can be found from its
/// byte offset. The csv crate's own line numbers are wrong after CRLF line ends (it counts a
/// record as starting on the `\n` of the previous `\r\n`), so the readers count for themselves.
struct LineCounting<R> {
    inner: R,
    state: Rc<RefCell<Lines>>,
}

/// Newline offsets read but not yet passed, and the line reached.
#[derive(Default)]
struct Lines {
    read: u64,
    pending: VecDeque<u64>,
    line: u64,
}

impl Lines {
    /// The line of a record starting at `byte` (1-based). Records must be asked in order.
    fn line_at(&mut self, byte: u64) -> u64 {
        while self.pending.front().is_some_and(|&nl| nl <= byte) {
            self.pending.pop_front();
            self.line += 1;
        }
        self.line + 1
    }
}

impl<R: Read> LineCounting<R> {
    fn new(inner: R) -> (Self, Rc<RefCell<Lines>>) {
        let state = Rc::new(RefCell::new(Lines::default()));
        (
            LineCounting {
                inner,
                state: state.clone(),
            },
            state,
        )
    }
}

impl<R: Read> Read for LineCounting<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        let mut state = self.state.borrow_mut();
        let start = state.read;
        for k in memchr::memchr_iter(b'\n', &buf[..n]) {
            state.pending.push_back(start + k as u64);
        }
        state.read += n as u64;
        Ok(n)
    }
}

/// A CSV file being read: its header's columns, the current record, and the line each record
/// starts on.
pub(crate) struct CsvInput<R: Read> {
    csv: csv::Reader<LineCounting<R>>,
    lines: Rc<RefCell<Lines>>,
    source: String,
    /// The record last read by [`next_line`](Self::next_line).
    pub(crate) record: ByteRecord,
    /// The header's columns.
    pub(crate) columns: Columns,
}

impl<R: Read> CsvInput<R> {
    /// Start reading: the first record is the header; `Err` if there is none.
    pub(crate) fn open(reader: R, source: &str) -> Result<Self> {
        let (reader, lines) = LineCounting::new(reader);
        let mut csv = csv_reader(reader);
        let mut record = ByteRecord::new();
        if !next_record(&mut csv, &mut record, source)? {
            return Err(Error::format(format!("{source} is empty: no header line")));
        }
        let columns = Columns::new(&record);
        Ok(CsvInput {
            csv,
            lines,
            source: source.to_string(),
            record,
            columns,
        })
    }

    /// Read the next record into `record` and return the line it starts on; `None` at the end.
    pub(crate) fn next_line(&mut self) -> Result<Option<u64>> {
        if !next_record(&mut self.csv, &mut self.record, &self.source)? {
            return Ok(None);
        }
        let byte = self.record.position().map_or(0, csv::Position::byte);
        Ok(Some(self.lines.borrow_mut().line_at(byte)))
    }
}

/// Read CSV records with the crate's settings: no header handling by csv (the readers map
/// it), rows of any length, quotes and embedded newlines as RFC 4180.
fn csv_reader<R: Read>(reader: R) -> csv::Reader<R> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(reader)
}

/// Read the next record into `record`; `Ok(false)` at the end.
fn next_record<R: Read>(
    reader: &mut csv::Reader<R>,
    record: &mut ByteRecord,
    source: &str,
) -> Result<bool> {
    reader.read_byte_record(record).map_err(|e| {
        let line = e.position().map_or(0, csv::Position::line);
        match e.into_kind() {
            csv::ErrorKind::Io(io) => Error::io(source, io),
            other => Error::Parse {
                line,
                field: "record".into(),
                reason: format!("{other:?}"),
            },
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn dates_as_the_files_write_them() {
        let m = SlashDates::MonthFirst;
        let r = SlashDates::Refuse;
        let d = date(2023, 10, 6);
        for t in [
            "2023-10-06",
            "06-10-2023",
            "6 October 2023",
            "06 Oct 2023",
            "6-Oct-2023",
            "2023-10-06 00:00:00.000",
            "2023-10-06T00:00:00",
        ] {
            assert_eq!(parse_date(t, r), Some(d), "{t}");
        }
        assert_eq!(parse_date("10/06/2023 00:00:00", m), Some(d));
        assert_eq!(parse_date("10/06/2023", r), None);
        assert_eq!(parse_date("16 May 2025", r), Some(date(2025, 5, 16)));
        for bad in [
            "",
            "2023-13-01",
            "2023-02-30",
            "yesterday",
            "2023-10",
            "1-2-3",
        ] {
            assert_eq!(parse_date(bad, m), None, "{bad}");
        }
    }

    #[test]
    fn whole_numbers_as_floats() {
        assert_eq!(parse_whole("15960.0"), Some(15960));
        assert_eq!(parse_whole("-1.0"), Some(-1));
        assert_eq!(parse_whole("1.5"), None);
        assert_eq!(parse_whole("NaN"), None);
        assert_eq!(parse_whole("1e300"), None);
    }

    #[test]
    fn countries_by_code_number_and_name() {
        let mut c = Countries::default();
        let code = |s: &str, c: &mut Countries| c.resolve(s).map(|x| x.to_string());
        assert_eq!(code("Burkina Faso", &mut c).as_deref(), Some("BFA"));
        assert_eq!(code("854", &mut c).as_deref(), Some("BFA"));
        assert_eq!(code("tgo", &mut c).as_deref(), Some("TGO"));
        assert_eq!(code("Nigeria", &mut c).as_deref(), Some("NGA"));
        assert_eq!(code("Niger", &mut c).as_deref(), Some("NER"));
        assert_eq!(code("Benin", &mut c).as_deref(), Some("BEN"));
        assert_eq!(code("Ivory Coast", &mut c).as_deref(), Some("CIV"));
        assert_eq!(code("Côte d'Ivoire", &mut c).as_deref(), Some("CIV"));
        assert_eq!(code("Atlantis", &mut c), None);
    }

    #[test]
    fn swapped_coordinates() {
        let code = |c: &str| CountryCode::new(c).expect("code");
        // Ouagadougou as written, and with latitude and longitude exchanged.
        assert!(!looks_swapped(code("BFA"), -1.5, 12.4));
        assert!(looks_swapped(code("BFA"), 12.4, -1.5));
        // Dapaong (0.207E, 10.862N) exchanged.
        assert!(looks_swapped(code("TGO"), 10.862, 0.207));
        // Niamey (2.1E, 13.5N) exchanged.
        assert!(looks_swapped(code("NER"), 13.5, 2.1));
        // Kano (8.5E, 12.0N) exchanged still falls inside Nigeria's extent: not detectable.
        assert!(!looks_swapped(code("NGA"), 12.0, 8.5));
        // A country without an extent in the table is never flagged.
        assert!(!looks_swapped(code("FRA"), 45.0, 2.0));
    }
}
