//! Dates as the real files write them, and the day/month order decided once per file.
//!
//! A date is first read into a [`Written`] form. Most forms are a date by themselves
//! (`2024-07-20`, `20240720`, `16-Feb-21`, `12 septembre 2022`, an Excel serial number); a
//! numeric date such as `05/07/2023` needs the file's order, which [`Dates`] finds from the
//! rows themselves: a first number above 12 can only be a day, a second one above 12 too. Rows
//! whose dates need the order wait until the whole file is read, so that one mistyped row
//! cannot decide it; a file in which nothing decides it is refused with a message that names
//! the option that does.

use jiff::civil::Date;

use super::*;
use crate::error::{Error, Result};
use crate::incident::Incident;
use crate::io::report::{DateReading, FieldProblem};

/// English and French month names, in full; any prefix of three letters or more that names
/// one month is read as it ("Sept", "févr.", "juil").
const MONTH_NAMES: [(&str, i8); 24] = [
    ("january", 1),
    ("february", 2),
    ("march", 3),
    ("april", 4),
    ("may", 5),
    ("june", 6),
    ("july", 7),
    ("august", 8),
    ("september", 9),
    ("october", 10),
    ("november", 11),
    ("december", 12),
    ("janvier", 1),
    ("fevrier", 2),
    ("mars", 3),
    ("avril", 4),
    ("mai", 5),
    ("juin", 6),
    ("juillet", 7),
    ("aout", 8),
    ("septembre", 9),
    ("octobre", 10),
    ("novembre", 11),
    ("decembre", 12),
];

/// A date as written, before the file's day/month order and a two-digit year's century are
/// known.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Written {
    /// A date by itself.
    Exact(Date),
    /// A named month with a two-digit year.
    Century {
        /// Day of the month.
        day: i8,
        /// Month.
        month: i8,
        /// The year's last two digits.
        yy: i16,
    },
    /// Three numbers, the year last: the order of the first two is the file's.
    Numeric {
        /// The first number.
        first: i8,
        /// The second number.
        second: i8,
        /// The year as written (two or four digits).
        year: i16,
        /// Whether the year has two digits.
        short_year: bool,
        /// The separator, for messages.
        sep: u8,
    },
}

/// A date read from text: what was written and its form, for the load report.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct ParsedDate {
    pub(crate) written: Written,
    pub(crate) form: &'static str,
    pub(crate) with_time: bool,
}

#[cfg(test)]
impl ParsedDate {
    pub(crate) fn resolve(&self, order: Option<DateOrder>) -> Option<Date> {
        self.written.resolve(order, None)
    }
}

/// What the date parser says about text that is not a date.
pub(crate) const NOT_A_DATE: &str = "not a date: expected a form such as 2024-07-20, 20/07/2024, \
     07/20/24, 20-Jul-24, 20 July 2024, 20 juillet 2024, 20240720 or an Excel serial number";

/// Read a date as the real files write it, optionally followed by a time of day
/// (`2024-07-20T00:00:00Z`, `2024-07-20 00:00:00.000`, `10/6/2023 12:00:00 AM`).
pub(crate) fn parse_written(text: &str) -> Option<ParsedDate> {
    let t = text.trim();
    // The common case first: `YYYY-MM-DD`, as every current export writes it.
    if let Some(d) = iso_date(t) {
        return Some(ParsedDate {
            written: Written::Exact(d),
            form: "YYYY-MM-DD",
            with_time: false,
        });
    }
    let (date_part, with_time) = strip_time(t);
    let numeric = |s: &str| s.bytes().all(|b| b.is_ascii_digit()) && !s.is_empty();
    // One token: YYYYMMDD, or an Excel serial day number (five digits, maybe a fraction).
    if numeric(date_part) && date_part.len() == 8 {
        let n = |r: std::ops::Range<usize>| date_part[r].parse::<i16>().ok();
        let d = ymd(n(0..4)?, n(4..6)?, n(6..8)?)?;
        return Some(ParsedDate {
            written: Written::Exact(d),
            form: "YYYYMMDD",
            with_time,
        });
    }
    if let Some(d) = excel_serial(date_part) {
        return Some(ParsedDate {
            written: Written::Exact(d),
            form: "Excel serial number",
            with_time,
        });
    }
    let sep = date_part
        .bytes()
        .find(|b| matches!(b, b'-' | b'/' | b'.' | b' '))
        .unwrap_or(b'-');
    let mut split = date_part
        .split(['-', '/', '.', ' ', ','])
        .filter(|p| !p.is_empty());
    let parts = [split.next()?, split.next()?, split.next()?];
    if split.next().is_some() || parts.iter().any(|p| p.len() > 12) {
        return None;
    }
    let mut names = [0usize; 3];
    let mut named = 0;
    for (k, part) in parts.iter().enumerate() {
        if !numeric(part) && !numeric(strip_ordinal(part)) {
            names[named] = k;
            named += 1;
        }
    }
    let num = |s: &str| -> Option<i16> { numeric(s).then(|| s.parse().ok()).flatten() };
    let written = match &names[..named] {
        [] if parts.iter().any(|p| !numeric(p)) => return None,
        [] if parts[0].len() == 4 => {
            let d = ymd(num(parts[0])?, num(parts[1])?, num(parts[2])?)?;
            let form = match sep {
                b'-' => "YYYY-MM-DD",
                b'/' => "YYYY/MM/DD",
                _ => "YYYY.MM.DD",
            };
            return Some(ParsedDate {
                written: Written::Exact(d),
                form,
                with_time,
            });
        }
        [] => {
            let (a, b, y) = (parts[0], parts[1], parts[2]);
            if a.len() > 2 || b.len() > 2 || !(y.len() == 2 || y.len() == 4) {
                return None;
            }
            Written::Numeric {
                first: i8::try_from(num(a)?).ok()?,
                second: i8::try_from(num(b)?).ok()?,
                year: num(y)?,
                short_year: y.len() == 2,
                sep,
            }
        }
        [k] => {
            let month = month_number(parts[*k])?;
            let (day, year) = match k {
                0 => (parts[1], parts[2]),
                1 if parts[0].len() == 4 => (parts[2], parts[0]),
                1 => (parts[0], parts[2]),
                _ => return None,
            };
            let day = strip_ordinal(day);
            if day.len() > 2 || !(year.len() == 2 || year.len() == 4) {
                return None;
            }
            let day = i8::try_from(num(day)?).ok()?;
            let form = match (k, year.len()) {
                (0, _) => "Month D, YYYY",
                (_, 2) => "D-Mon-YY",
                _ => "D Month YYYY",
            };
            let written = if year.len() == 2 {
                Date::new(2000, month, day).ok()?;
                Written::Century {
                    day,
                    month,
                    yy: num(year)?,
                }
            } else {
                Written::Exact(ymd(num(year)?, i16::from(month), i16::from(day))?)
            };
            return Some(ParsedDate {
                written,
                form,
                with_time,
            });
        }
        _ => return None,
    };
    let Written::Numeric {
        short_year, sep, ..
    } = written
    else {
        return None;
    };
    let form = match (sep, short_year) {
        (b'/', false) => "NN/NN/YYYY",
        (b'/', true) => "NN/NN/YY",
        (b'.', false) => "NN.NN.YYYY",
        (b'.', true) => "NN.NN.YY",
        (_, false) => "NN-NN-YYYY",
        (_, true) => "NN-NN-YY",
    };
    Some(ParsedDate {
        written,
        form,
        with_time,
    })
}

/// `YYYY-MM-DD` exactly, without allocating.
fn iso_date(t: &str) -> Option<Date> {
    let b = t.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let digits = |r: std::ops::Range<usize>| -> Option<i16> {
        b[r].iter().try_fold(0i16, |acc, &c| {
            c.is_ascii_digit().then(|| acc * 10 + i16::from(c - b'0'))
        })
    };
    ymd(digits(0..4)?, digits(5..7)?, digits(8..10)?)
}

/// A day written as an ordinal (`1er`, `1st`, `2nd`, `3rd`, `4th`) as its number.
fn strip_ordinal(day: &str) -> &str {
    for suffix in ["er", "st", "nd", "rd", "th"] {
        if let Some(n) = day.strip_suffix(suffix)
            && !n.is_empty()
            && n.bytes().all(|b| b.is_ascii_digit())
        {
            return n;
        }
    }
    day
}

/// The date part of text that may end in a time of day, and whether it did.
fn strip_time(t: &str) -> (&str, bool) {
    if !t.contains(':') && !t.bytes().any(|b| b == b'M' || b == b'm') {
        return (t, false);
    }
    // ISO 8601: `2024-07-20T00:00:00Z`.
    if t.len() > 10
        && t.as_bytes()[10] == b'T'
        && t[..10].bytes().filter(|&b| b == b'-').count() == 2
    {
        return (&t[..10], true);
    }
    // Trailing words holding a ':' (a time) or AM/PM. `rest` ends in its last word: it is
    // trimmed of the whitespace its words are split on.
    let mut rest = t.trim_end();
    let mut with_time = false;
    while let Some(word) = rest.split_whitespace().next_back() {
        if word.contains(':') || word.eq_ignore_ascii_case("am") || word.eq_ignore_ascii_case("pm")
        {
            rest = rest[..rest.len() - word.len()].trim_end();
            with_time = true;
        } else {
            break;
        }
    }
    (rest, with_time)
}

/// An Excel serial day number (days since 1899-12-30), written with five digits and maybe a
/// fraction of a day: 1927 to 2173.
fn excel_serial(t: &str) -> Option<Date> {
    let (whole, fraction) = t.split_once('.').unwrap_or((t, "0"));
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if whole.len() != 5 || !digits(whole) || !digits(fraction) {
        return None;
    }
    let days: i32 = whole.parse().ok()?;
    serial_date(days)
}

/// The date of an Excel serial day number (days since 1899-12-30; right from 1 March 1900).
pub(crate) fn serial_date(days: i32) -> Option<Date> {
    let span = jiff::Span::new().try_days(i64::from(days)).ok()?;
    jiff::civil::date(1899, 12, 30).checked_add(span).ok()
}

/// A month named in English or French, in full or by a prefix of three letters or more that
/// names one month; accents and a trailing `.` are ignored.
fn month_number(word: &str) -> Option<i8> {
    let key: String = word
        .trim_end_matches('.')
        .chars()
        .map(|c| match c.to_lowercase().next().unwrap_or(c) {
            'é' | 'è' | 'ê' | 'ë' => 'e',
            'û' | 'ù' | 'ü' => 'u',
            'ô' | 'ö' => 'o',
            'à' | 'â' => 'a',
            'î' | 'ï' => 'i',
            'ç' => 'c',
            other => other,
        })
        .collect();
    if key.chars().count() < 3 || !key.chars().all(char::is_alphabetic) {
        return None;
    }
    let mut found = None;
    for (name, m) in MONTH_NAMES {
        if name.starts_with(key.as_str()) {
            match found {
                Some(f) if f != m => return None,
                _ => found = Some(m),
            }
        }
    }
    found
}

fn ymd(y: i16, m: i16, d: i16) -> Option<Date> {
    if !(1000..=9999).contains(&y) {
        return None;
    }
    Date::new(y, i8::try_from(m).ok()?, i8::try_from(d).ok()?).ok()
}

/// The year of a two-digit year: the century of the row's `year` column when it agrees, else
/// 1969–2068 (as POSIX `%y` reads it).
fn full_year(yy: i16, year_column: Option<i16>) -> i16 {
    match year_column {
        Some(y) if y.rem_euclid(100) == yy => y,
        _ if yy <= 68 => 2000 + yy,
        _ => 1900 + yy,
    }
}

impl Written {
    /// Which order this date shows, if only one reads: `Some(DayMonth)` for `23/04/2019`.
    fn evidence(self) -> Option<DateOrder> {
        match self {
            Written::Numeric { first, second, .. } if first > 12 && second <= 12 => {
                Some(DateOrder::DayMonth)
            }
            Written::Numeric { first, second, .. } if second > 12 && first <= 12 => {
                Some(DateOrder::MonthDay)
            }
            _ => None,
        }
    }

    /// Whether the order changes what this date is.
    fn needs_order(self) -> bool {
        matches!(self, Written::Numeric { first, second, .. }
            if first != second && first <= 12 && second <= 12)
    }

    /// The date, given the file's order (if known) and the row's `year` column.
    pub(crate) fn resolve(
        self,
        order: Option<DateOrder>,
        year_column: Option<i16>,
    ) -> Option<Date> {
        match self {
            Written::Exact(d) => Some(d),
            Written::Century { day, month, yy } => {
                Date::new(full_year(yy, year_column), month, day).ok()
            }
            Written::Numeric {
                first,
                second,
                year,
                short_year,
                ..
            } => {
                let (day, month) = match order {
                    Some(DateOrder::MonthDay) => (second, first),
                    Some(DateOrder::DayMonth) => (first, second),
                    None if first == second => (first, second),
                    None => return None,
                };
                let year = if short_year {
                    full_year(year, year_column)
                } else {
                    year
                };
                ymd(year, i16::from(month), i16::from(day))
            }
        }
    }

    /// The date as written, for messages (numbers zero-padded to two digits, separators kept).
    fn shown(self) -> String {
        match self {
            Written::Numeric {
                first,
                second,
                year,
                short_year,
                sep,
            } => {
                let sep = char::from(sep);
                if short_year {
                    format!("{first:02}{sep}{second:02}{sep}{year:02}")
                } else {
                    format!("{first:02}{sep}{second:02}{sep}{year}")
                }
            }
            Written::Century { day, month, yy } => format!("{day}-{month:02}-{yy:02}"),
            Written::Exact(d) => d.to_string(),
        }
    }
}

/// A parsed row with its dates as written, for [`Dates::row`].
pub(crate) struct DatedRow {
    /// The line (or feature number).
    pub(crate) line: u64,
    /// The incident, its date not set yet.
    pub(crate) incident: Incident,
    /// The row's problems so far.
    pub(crate) problems: Vec<FieldProblem>,
    /// The row's warnings so far.
    pub(crate) warnings: Vec<(&'static str, String)>,
    /// The start and end dates as written.
    pub(crate) dates: [Option<ParsedDate>; 2],
    /// The row's `year` column, if the file has one.
    pub(crate) year_column: Option<i16>,
}

/// The first row showing an order, and how many do.
#[derive(Default)]
struct Evidence {
    rows: u64,
    first: Option<(u64, String)>,
}

impl Evidence {
    fn add(&mut self, line: u64, written: Written) {
        self.rows += 1;
        if self.first.is_none() {
            self.first = Some((line, written.shown()));
        }
    }

    fn describe(&self, what: &str, word: &str) -> String {
        match &self.first {
            Some((line, text)) => format!(
                "{} row{} {what}, the first on {word} {line}: {text}",
                self.rows,
                if self.rows == 1 { " has" } else { "s have" }
            ),
            None => format!("no row has {what}"),
        }
    }
}

/// The dates of one file: their forms, the day/month order and the rows waiting for it.
pub(crate) struct Dates {
    /// The names of the start and end date columns, for messages.
    columns: [String; 2],
    asked: Option<DateOrder>,
    forms: Vec<((&'static str, bool), u64)>,
    day_first: Evidence,
    month_first: Evidence,
    undecided: Evidence,
    waiting: Vec<DatedRow>,
}

impl Dates {
    /// The dates of a file whose start (and end) dates are in the columns named.
    pub(crate) fn new(options: &ReadOptions, start: &str, end: Option<&str>) -> Dates {
        Dates {
            columns: [start.to_string(), end.unwrap_or(start).to_string()],
            asked: options.date_order_asked(),
            forms: Vec::new(),
            day_first: Evidence::default(),
            month_first: Evidence::default(),
            undecided: Evidence::default(),
            waiting: Vec::new(),
        }
    }

    /// Name the date columns after the fact (GeoJSON finds its property names per feature).
    pub(crate) fn name_columns(&mut self, start: &str, end: Option<&str>) {
        self.columns = [start.to_string(), end.unwrap_or(start).to_string()];
    }

    /// File a row whose dates are as written: at once when they need no order (and no row is
    /// waiting), else when the file is read. The incident's date is set here; a date's `None`
    /// means the reader reported it already (empty or unreadable), or, for the end, that it is
    /// the start.
    pub(crate) fn row(&mut self, sink: &mut Sink, row: DatedRow) -> Result<()> {
        let mut needs_order = false;
        for p in row.dates.iter().flatten() {
            self.count_form(p);
            match p.written.evidence() {
                Some(DateOrder::DayMonth) => self.day_first.add(row.line, p.written),
                Some(DateOrder::MonthDay) => self.month_first.add(row.line, p.written),
                None if p.written.needs_order() => self.undecided.add(row.line, p.written),
                None => {}
            }
            needs_order |= p.written.needs_order() || p.written.evidence().is_some();
        }
        if self.waiting.is_empty() && !needs_order {
            self.file(sink, row, self.asked, "")
        } else {
            self.waiting.push(row);
            Ok(())
        }
    }

    fn count_form(&mut self, p: &ParsedDate) {
        let key = (p.form, p.with_time);
        match self.forms.iter_mut().find(|(k, _)| *k == key) {
            Some((_, n)) => *n += 1,
            None => self.forms.push((key, 1)),
        }
    }

    /// Set the dates of a row and hand it to the sink.
    fn file(
        &self,
        sink: &mut Sink,
        mut w: DatedRow,
        order: Option<DateOrder>,
        why: &str,
    ) -> Result<()> {
        let mut resolved = [None, None];
        for (k, slot) in resolved.iter_mut().enumerate() {
            let Some(written) = w.dates[k].map(|p| p.written) else {
                continue;
            };
            match written.resolve(order, w.year_column) {
                Some(d) => *slot = Some(d),
                None => w.problems.push(FieldProblem {
                    field: self.columns[k].clone(),
                    value: written.shown(),
                    reason: match order {
                        Some(order) => format!("not a date when read {order}{why}"),
                        None => NOT_A_DATE.to_string(),
                    },
                }),
            }
        }
        if let Some(start) = resolved[0] {
            let end = resolved[1].unwrap_or(start);
            w.incident.date = crate::incident::DateSpan::new(start, end);
            if let Some(y) = w.year_column.filter(|&y| y != start.year()) {
                w.warnings.push((
                    "year",
                    format!(
                        "the date {start} is in {}, but the year column says {y}",
                        start.year()
                    ),
                ));
            }
        }
        sink.row(w.line, w.incident, w.problems, w.warnings)
    }

    /// The file is read: decide the order, file the waiting rows, and put how the dates were
    /// read in the report. `Err` when numeric dates can be read both ways and nothing says which.
    pub(crate) fn finish(mut self, sink: &mut Sink) -> Result<()> {
        let (day, month) = (self.day_first.rows, self.month_first.rows);
        let word = sink.report.record_word();
        let day_text = self.day_first.describe("a first number above 12", word);
        let month_text = self.month_first.describe("a second number above 12", word);
        let source = sink.report.source.clone();
        let column = self.columns[0].clone();
        let say_which = "say which with --date-order dmy or mdy (in Rust, \
                         ReadOptions::date_order)";
        // Both orders shown, and the smaller not a stray row or two: the file mixes them.
        let (fewer, more) = (day.min(month), day.max(month));
        if fewer > 0 && fewer * 10 > more {
            return Err(Error::format(format!(
                "{source}: the numeric dates in {column} are written both day first and month \
                 first ({day_text}; {month_text}), so the rows that could be either cannot be \
                 placed; a file must write its dates one way: fix the file, or read its parts \
                 separately"
            )));
        }
        let settled = match day.cmp(&month) {
            std::cmp::Ordering::Greater => Some((DateOrder::DayMonth, day_text.clone())),
            std::cmp::Ordering::Less => Some((DateOrder::MonthDay, month_text.clone())),
            std::cmp::Ordering::Equal => None,
        };
        let (order, from) = match (settled, self.asked) {
            (Some((order, text)), Some(asked)) if order != asked => {
                sink.report.notes.push(format!(
                    "dates read {order}, not {asked} as asked: the file settles it ({text})"
                ));
                (Some(order), Some(text))
            }
            (Some((order, text)), _) => (Some(order), Some(text)),
            (None, Some(asked)) => (Some(asked), Some("as asked".to_string())),
            (None, None) if self.undecided.rows > 0 => {
                let (line, text) = self.undecided.first.clone().unwrap_or_default();
                return Err(Error::format(format!(
                    "{source}: the numeric dates in {column} can be read day first or month \
                     first ({word} {line}: {text}), and no row settles it (no number above 12 \
                     in the first two places); {say_which}"
                )));
            }
            (None, None) => (None, None),
        };
        let why = match &from {
            Some(text) if text != "as asked" => format!(", the file's order ({text})"),
            _ => String::new(),
        };
        let numeric = self.forms.iter().any(|((f, _), _)| f.starts_with("NN"));
        for w in std::mem::take(&mut self.waiting) {
            self.file(sink, w, order, &why)?;
        }
        sink.report.dates = Some(DateReading {
            forms: self
                .forms
                .iter()
                .map(|((form, time), n)| {
                    let form = if *time {
                        format!("{form} with a time")
                    } else {
                        form.to_string()
                    };
                    (form, *n)
                })
                .collect(),
            order: order.filter(|_| numeric),
            order_from: from.filter(|_| numeric),
        });
        Ok(())
    }
}
