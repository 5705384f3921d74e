//! The options every reader takes and what a reader returns.

use std::fmt;

use serde::Serialize;

use crate::incident::Incident;
use crate::io::report::LoadReport;

/// The text encoding of a table.
///
/// Left unset, a reader decides per file: a byte-order mark says UTF-8, UTF-16LE or UTF-16BE;
/// otherwise text is UTF-8, and a record whose bytes are not valid UTF-8 is read as
/// Windows-1252 (Excel's "CSV" on Western Windows, and ACLED's older downloads), so that `’`
/// stays U+2019 and no row is lost for its bytes. The load report says what was used.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Encoding {
    /// UTF-8 (with or without a byte-order mark).
    Utf8,
    /// Windows-1252, the superset of Latin-1 that Excel writes.
    Windows1252,
    /// UTF-16, little-endian.
    Utf16Le,
    /// UTF-16, big-endian.
    Utf16Be,
}

impl fmt::Display for Encoding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Encoding::Utf8 => "UTF-8",
            Encoding::Windows1252 => "Windows-1252",
            Encoding::Utf16Le => "UTF-16LE",
            Encoding::Utf16Be => "UTF-16BE",
        })
    }
}

impl std::str::FromStr for Encoding {
    type Err = String;
    /// `utf-8`, `windows-1252` (also `cp1252`, `latin-1`), `utf-16le`, `utf-16be`, any case.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let key: String = s
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .map(|c| c.to_ascii_lowercase())
            .collect();
        match key.as_str() {
            "utf8" => Ok(Encoding::Utf8),
            "windows1252" | "cp1252" | "latin1" | "iso88591" => Ok(Encoding::Windows1252),
            "utf16le" | "utf16" => Ok(Encoding::Utf16Le),
            "utf16be" => Ok(Encoding::Utf16Be),
            _ => Err(format!(
                "unknown encoding {s:?}: expected utf-8, windows-1252, utf-16le or utf-16be"
            )),
        }
    }
}

/// Which comes first in a numeric date such as `05/07/2023`.
///
/// A reader decides it per file from the rows themselves (a first number above 12 can only be
/// a day, a second above 12 only a day too); a file in which no row settles it is refused
/// unless [`ReadOptions::date_order`] says which, and a file that writes both orders is
/// refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DateOrder {
    /// Day, month, year: `05/07/2023` is 5 July (ACLED before 2017, European Excel).
    DayMonth,
    /// Month, day, year: `05/07/2023` is 7 May (UCDP's web export, US Excel).
    MonthDay,
}

impl fmt::Display for DateOrder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            DateOrder::DayMonth => "day/month/year",
            DateOrder::MonthDay => "month/day/year",
        })
    }
}

impl std::str::FromStr for DateOrder {
    type Err = String;
    /// `dmy` or `mdy` (also `day-month`, `month-day`), any case.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "dmy" | "day-month" | "daymonth" | "dd/mm" => Ok(DateOrder::DayMonth),
            "mdy" | "month-day" | "monthday" | "mm/dd" => Ok(DateOrder::MonthDay),
            _ => Err(format!("unknown date order {s:?}: expected dmy or mdy")),
        }
    }
}

/// Options shared by every reader.
///
/// ```
/// use conflict_risk::{DateOrder, Encoding, ReadOptions};
/// let options = ReadOptions::new()
///     .strict(true)
///     .encoding(Encoding::Windows1252)
///     .date_order(DateOrder::DayMonth);
/// assert!(options.is_strict());
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ReadOptions {
    strict: bool,
    encoding: Option<Encoding>,
    date_order: Option<DateOrder>,
    sheet: Option<String>,
}

impl ReadOptions {
    /// Lenient reading: keep what can be read and report every rejected row; encoding and
    /// date order decided per file.
    #[must_use]
    pub fn new() -> Self {
        ReadOptions::default()
    }

    /// Fail on the first rejected row, with an error that names its line and field.
    #[must_use]
    pub fn strict(self, strict: bool) -> Self {
        ReadOptions { strict, ..self }
    }

    /// Read the text in this encoding instead of deciding per file. A byte-order mark is still
    /// skipped. With [`Encoding::Utf8`], a field that is not valid UTF-8 rejects its row.
    #[must_use]
    pub fn encoding(self, encoding: Encoding) -> Self {
        ReadOptions {
            encoding: Some(encoding),
            ..self
        }
    }

    /// Read numeric dates in this order when a file's rows do not settle it (no first or
    /// second number above 12). A file whose rows do settle it is read in its own order, with a
    /// note in the load report when that is not the order asked for: with several files, one
    /// option cannot misdate the files that say how they write.
    #[must_use]
    pub fn date_order(self, order: DateOrder) -> Self {
        ReadOptions {
            date_order: Some(order),
            ..self
        }
    }

    /// Read this sheet of a workbook (`.xlsx`, `.xls`, `.ods`), by its name as the sheet's tab
    /// shows it (an exact match first, then one ignoring case). Left unset, a reader takes the
    /// first sheet whose header (its first non-empty row) reads as ACLED or UCDP GED. A name
    /// the workbook does not have is an error that lists the sheets it has. CSV and GeoJSON
    /// input ignore it.
    ///
    /// ```
    /// use conflict_risk::ReadOptions;
    /// let options = ReadOptions::new().sheet("GED events");
    /// assert_eq!(options.sheet_asked(), Some("GED events"));
    /// ```
    #[must_use]
    pub fn sheet(self, name: impl Into<String>) -> Self {
        ReadOptions {
            sheet: Some(name.into()),
            ..self
        }
    }

    /// Whether strict mode is on.
    #[must_use]
    pub fn is_strict(&self) -> bool {
        self.strict
    }

    /// The encoding asked for, if any.
    #[must_use]
    pub fn encoding_asked(&self) -> Option<Encoding> {
        self.encoding
    }

    /// The date order asked for, if any.
    #[must_use]
    pub fn date_order_asked(&self) -> Option<DateOrder> {
        self.date_order
    }

    /// The workbook sheet asked for, if any.
    #[must_use]
    pub fn sheet_asked(&self) -> Option<&str> {
        self.sheet.as_deref()
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

impl Loaded {
    /// `Err` ([`Error::NothingRead`](crate::Error::NothingRead), naming the file and the
    /// first reasons) when no incident was accepted: a program should not go on as if the
    /// file held no violence.
    ///
    /// ```
    /// use conflict_risk::{ReadOptions, read_acled};
    /// let csv = "event_id_cnty,event_date,latitude,longitude\nX1,2024-07-20,abc,0.8\n";
    /// let err = read_acled(csv.as_bytes(), ReadOptions::new())?.non_empty().unwrap_err();
    /// assert!(err.to_string().contains("line 2: latitude"), "{err}");
    /// # Ok::<(), conflict_risk::Error>(())
    /// ```
    pub fn non_empty(self) -> crate::Result<Loaded> {
        if !self.incidents.is_empty() {
            return Ok(self);
        }
        let summary = self.report.summary();
        let word = self.report.record_word();
        let reasons: Vec<String> = summary
            .first_rejections
            .iter()
            .map(|r| format!("{word} {}: {}", r.line, r.reason))
            .collect();
        let why = if reasons.is_empty() {
            "it holds no data rows".to_string()
        } else {
            format!("the first reasons: {}", reasons.join("; "))
        };
        Err(crate::Error::NothingRead {
            source_name: self.report.source,
            rows: summary.rows_seen,
            why,
        })
    }
}
