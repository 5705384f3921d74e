//! Workbooks (`.xlsx`, `.xlsb`, `.xls`, `.ods`) read through calamine: the sheet chosen by its
//! header or by name, and its rows turned into the text records the ACLED and UCDP readers
//! take, numbered as the sheet numbers them.

use std::fmt::Write as _;
use std::io::Cursor;
use std::panic::{AssertUnwindSafe, catch_unwind};

use calamine::{Data, ExcelDateTime, Range, Reader, SheetType, Sheets};
use csv::ByteRecord;

use super::csv_in::{Columns, Loaded, ReadOptions, TableInput};
use super::report::{FieldProblem, Format, LoadReport};
use super::{NEITHER, NotEvents, acled, table_format, ucdp};
use crate::error::{Error, Result};

mod xls;

/// The kinds of workbook read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum WorkbookKind {
    /// Excel 2007 and later (a zip of XML parts).
    Xlsx,
    /// Excel's binary workbook (a zip of binary parts).
    Xlsb,
    /// Excel 97-2003 (an OLE compound file).
    Xls,
    /// OpenDocument spreadsheet (LibreOffice; a zip of XML parts).
    Ods,
}

impl WorkbookKind {
    /// The kind's usual file extension, which names it in reports: `xlsx`.
    pub(crate) fn extension(self) -> &'static str {
        match self {
            WorkbookKind::Xlsx => "xlsx",
            WorkbookKind::Xlsb => "xlsb",
            WorkbookKind::Xls => "xls",
            WorkbookKind::Ods => "ods",
        }
    }

    /// The kind in words, for messages: "an Excel workbook (.xlsx)".
    pub(crate) fn described(self) -> &'static str {
        match self {
            WorkbookKind::Xlsx => "an Excel workbook (.xlsx)",
            WorkbookKind::Xlsb => "an Excel binary workbook (.xlsb)",
            WorkbookKind::Xls => "an Excel 97-2003 workbook (.xls)",
            WorkbookKind::Ods => "an OpenDocument spreadsheet (.ods)",
        }
    }
}

/// A workbook's bytes, read whole (calamine needs to seek), and what kind it is.
pub(crate) struct WorkbookBytes {
    /// What the first bytes (and, for a zip, the names in it) say it is.
    pub(crate) kind: WorkbookKind,
    /// The whole file.
    pub(crate) bytes: Vec<u8>,
}

/// Read the events table of a workbook: the sheet asked for in `options`, else the first sheet
/// whose header reads as `wanted` (ACLED or UCDP GED; either when `None`).
pub(crate) fn read_workbook(
    book: WorkbookBytes,
    source: &str,
    wanted: Option<Format>,
    options: ReadOptions,
) -> Result<Loaded> {
    let mut workbook = Workbook::open(book, source)?;
    let (format, sheet) = workbook.choose(wanted, &options)?;
    match format {
        Format::AcledCsv => acled::read_acled_input(sheet, source, options),
        Format::UcdpCsv => ucdp::read_ucdp_input(sheet, source, options),
        Format::GeoJson => Err(Error::format(format!(
            "{source}: a workbook sheet cannot hold GeoJSON"
        ))),
    }
}

/// An open workbook.
struct Workbook {
    kind: WorkbookKind,
    sheets: Sheets<Cursor<Vec<u8>>>,
    source: String,
}

impl Workbook {
    /// Open the workbook's bytes with calamine's reader for its kind. A panic inside calamine
    /// is an error in words too: the bytes come from anywhere, and a broken file must be
    /// refused, never abort the program.
    fn open(book: WorkbookBytes, source: &str) -> Result<Workbook> {
        let WorkbookBytes { kind, bytes } = book;
        if let Some(why) = (kind == WorkbookKind::Xls)
            .then(|| xls::refusal(&bytes))
            .flatten()
        {
            return Err(Error::format(format!(
                "{source} looks like {} but cannot be read: {why}",
                kind.described()
            )));
        }
        let opened = catch_unwind(AssertUnwindSafe(|| {
            let cursor = Cursor::new(bytes);
            Ok::<_, String>(match kind {
                WorkbookKind::Xlsx => Sheets::Xlsx(Reader::new(cursor).map_err(words)?),
                WorkbookKind::Xlsb => Sheets::Xlsb(Reader::new(cursor).map_err(words)?),
                WorkbookKind::Xls => Sheets::Xls(Reader::new(cursor).map_err(words)?),
                WorkbookKind::Ods => Sheets::Ods(Reader::new(cursor).map_err(words)?),
            })
        }));
        let why = match opened {
            Ok(Ok(sheets)) => {
                return Ok(Workbook {
                    kind,
                    sheets,
                    source: source.to_string(),
                });
            }
            Ok(Err(why)) => why,
            Err(_) => "the workbook reader failed on it (a damaged or unusual file?)".to_string(),
        };
        Err(Error::format(format!(
            "{source} looks like {} but cannot be read: {why}",
            kind.described()
        )))
    }

    /// The names of the workbook's worksheets (chart and macro sheets left out), in order.
    fn worksheet_names(&self) -> Vec<String> {
        self.sheets
            .sheets_metadata()
            .iter()
            .filter(|s| s.typ == SheetType::WorkSheet)
            .map(|s| s.name.clone())
            .collect()
    }

    /// The cells of a sheet; `Err` says in words why they cannot be read.
    fn range(&mut self, name: &str) -> std::result::Result<Range<Data>, String> {
        let sheets = &mut self.sheets;
        match catch_unwind(AssertUnwindSafe(|| sheets.worksheet_range(name))) {
            Ok(Ok(range)) => Ok(range),
            Ok(Err(e)) => Err(e.to_string()),
            Err(_) => Err("the workbook reader failed on it (a damaged or unusual sheet?)".into()),
        }
    }

    /// The sheet to read and its format: the one named in `options` (its format from its
    /// header, or `wanted`), else the first whose header reads as `wanted` (ACLED or UCDP GED
    /// when `None`). `Err` names every sheet and what its first row holds when none does.
    fn choose(
        &mut self,
        wanted: Option<Format>,
        options: &ReadOptions,
    ) -> Result<(Format, SheetInput)> {
        let names = self.worksheet_names();
        let described = self.kind.described();
        let source = self.source.clone();
        if names.is_empty() {
            return Err(Error::format(format!(
                "{source} is {described} with no worksheet in it"
            )));
        }
        if let Some(asked) = options.sheet_asked() {
            let name = names
                .iter()
                .find(|n| *n == asked)
                .or_else(|| {
                    let mut folded = names
                        .iter()
                        .filter(|n| n.to_lowercase() == asked.to_lowercase());
                    folded.next().filter(|_| folded.next().is_none())
                })
                .ok_or_else(|| {
                    Error::format(format!(
                        "{source} has no sheet named \"{asked}\"; its sheets are {}",
                        quoted(&names)
                    ))
                })?
                .clone();
            let range = self.range(&name).map_err(|why| {
                Error::format(format!(
                    "{source}: sheet \"{name}\" of {described} cannot be read: {why}"
                ))
            })?;
            let sheet = SheetInput::new(range, &name, self.kind).ok_or_else(|| {
                Error::format(format!(
                    "{source}: sheet \"{name}\" is empty: no header row"
                ))
            })?;
            let format = match wanted {
                Some(format) => format,
                None => table_format(&sheet.columns).map_err(|why| {
                    Error::format(format!(
                        "{source}: sheet \"{name}\" is not an events table: {}",
                        not_events(&why, &sheet.columns)
                    ))
                })?,
            };
            return Ok((format, sheet));
        }
        let mut seen = Vec::new();
        let mut unread = Vec::new();
        for name in &names {
            let range = match self.range(name) {
                Ok(range) => range,
                Err(e) => {
                    seen.push(format!("sheet \"{name}\" cannot be read ({e})"));
                    unread.push(format!(
                        "sheet \"{name}\" was passed over: it cannot be read ({e})"
                    ));
                    continue;
                }
            };
            let Some(mut sheet) = SheetInput::new(range, name, self.kind) else {
                seen.push(format!("sheet \"{name}\" is empty"));
                continue;
            };
            match table_format(&sheet.columns) {
                Ok(format) if wanted.is_none_or(|w| w == format) => {
                    sheet.notes = unread;
                    return Ok((format, sheet));
                }
                Ok(format) => seen.push(format!(
                    "sheet \"{name}\" reads as {}, not {}",
                    dataset(format),
                    wanted.map_or("", dataset)
                )),
                Err(NotEvents::Aggregated(_)) => seen.push(format!(
                    "sheet \"{name}\" holds aggregated counts, not events (no point \
                     coordinates); its first row has {}",
                    sheet.columns.listed()
                )),
                Err(NotEvents::Unknown) => {
                    seen.push(format!("sheet \"{name}\" has {}", sheet.columns.listed()))
                }
            }
        }
        let what = wanted.map_or("ACLED or UCDP GED", dataset);
        Err(Error::format(format!(
            "{source} is {described}, and none of its sheets reads as {what} (a first row \
             with ACLED's event_date and event_id_cnty, actor1, event_type or fatalities, or \
             UCDP GED's where_prec, type_of_violence, side_a or id with date_start): {}; name \
             the sheet to read with ReadOptions::sheet",
            seen.join("; ")
        )))
    }
}

/// A header that is no events table, in words.
fn not_events(why: &NotEvents, columns: &Columns) -> String {
    match why {
        NotEvents::Aggregated(why) => why.clone(),
        NotEvents::Unknown => format!("its first row has {NEITHER}; it has {}", columns.listed()),
    }
}

/// An error of calamine's, in its words.
fn words(e: impl std::fmt::Display) -> String {
    e.to_string()
}

/// The dataset a format reads, in words.
fn dataset(format: Format) -> &'static str {
    match format {
        Format::AcledCsv => "ACLED",
        Format::UcdpCsv => "UCDP GED",
        Format::GeoJson => "GeoJSON",
    }
}

/// Names in quotes, for messages: `"Notes", "Events"`.
fn quoted(names: &[String]) -> String {
    names
        .iter()
        .map(|n| format!("\"{n}\""))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A worksheet being read as a table: its first non-empty row is the header, each later
/// non-empty row a record of the cells' text.
pub(crate) struct SheetInput {
    cells: Range<Data>,
    /// The next row of `cells` to read (0 is the range's first row).
    next: usize,
    /// The sheet's row number (1-based, as the sheet shows it) of the range's first row.
    first_row: u64,
    record: ByteRecord,
    columns: Columns,
    kind: WorkbookKind,
    sheet: String,
    text: String,
    /// Notes for the report: sheets before this one that could not be read.
    notes: Vec<String>,
}

impl SheetInput {
    /// A sheet's table; `None` when the sheet has no non-empty row.
    fn new(cells: Range<Data>, sheet: &str, kind: WorkbookKind) -> Option<SheetInput> {
        let first_row = cells.start().map_or(0, |(row, _)| u64::from(row)) + 1;
        let mut input = SheetInput {
            cells,
            next: 0,
            first_row,
            record: ByteRecord::new(),
            columns: Columns::default(),
            kind,
            sheet: sheet.to_string(),
            text: String::new(),
            notes: Vec::new(),
        };
        input.next_row()?;
        // Trailing empty cells of the header are no columns (the range is as wide as its
        // widest row).
        let named = input
            .record
            .iter()
            .rposition(|f| !f.trim_ascii().is_empty())
            .map_or(0, |last| last + 1);
        input.record.truncate(named);
        input.columns = Columns::new(&input.record);
        Some(input)
    }

    /// Read the next non-empty row into `record`; its sheet row number, or `None` at the end.
    fn next_row(&mut self) -> Option<u64> {
        let (height, width) = self.cells.get_size();
        while self.next < height {
            let row = self.next;
            self.next += 1;
            self.record.clear();
            let mut empty = true;
            for col in 0..width {
                self.text.clear();
                if let Some(cell) = self.cells.get((row, col)) {
                    cell_text(cell, &mut self.text);
                }
                empty &= self.text.trim().is_empty();
                self.record.push_field(self.text.as_bytes());
            }
            if !empty {
                return Some(self.first_row + row as u64);
            }
        }
        None
    }
}

impl TableInput for SheetInput {
    fn columns(&self) -> &Columns {
        &self.columns
    }

    fn record(&self) -> &ByteRecord {
        &self.record
    }

    fn next_line(&mut self) -> Result<Option<u64>> {
        Ok(self.next_row())
    }

    fn runaway_problem(&self) -> Option<FieldProblem> {
        None
    }

    fn take_record(&mut self, into: &mut ByteRecord) {
        std::mem::swap(&mut self.record, into);
    }

    fn describe(&self, report: &mut LoadReport) {
        report.separator = None;
        report.line_ends.clear();
        report.container = Some(format!(
            "{} workbook, sheet \"{}\"",
            self.kind.extension(),
            self.sheet
        ));
        report.sheet = Some(self.sheet.clone());
        report.notes.extend(self.notes.iter().cloned());
    }
}

/// A cell as the text a CSV saved from the sheet would hold: text as it is, whole numbers
/// without `.0`, other numbers as Rust prints them (never in exponent form), `TRUE`/`FALSE`,
/// date cells as `YYYY-MM-DD`, errors as Excel shows them (`#N/A`), an empty cell empty.
fn cell_text(cell: &Data, out: &mut String) {
    match cell {
        Data::Empty => {}
        Data::String(s) => out.push_str(s),
        Data::Int(i) => {
            let _ = write!(out, "{i}");
        }
        Data::Float(f) => {
            let _ = write!(out, "{f}");
        }
        Data::Bool(b) => out.push_str(if *b { "TRUE" } else { "FALSE" }),
        Data::DateTime(d) => date_cell_text(d, out),
        // OpenDocument writes date cells as ISO 8601: `2021-02-16` or `2021-02-16T10:30:00`.
        Data::DateTimeIso(s) => out.push_str(s.split('T').next().unwrap_or(s)),
        Data::DurationIso(s) => out.push_str(s),
        Data::Error(e) => {
            let _ = write!(out, "{e}");
        }
    }
}

/// Excel's serial numbers at and past this are beyond 9999-12-31.
const PAST_YEAR_9999: f64 = 2_958_466.0;

/// An Excel date cell as its civil date, `YYYY-MM-DD` (the time of day left out: incidents are
/// dated by the day); a time-of-day cell as `HH:MM:SS`, which no date column accepts; a
/// duration, or a serial number outside Excel's dates, as the number it holds.
fn date_cell_text(d: &ExcelDateTime, out: &mut String) {
    let v = d.as_f64();
    if d.is_duration() || !v.is_finite() || !(0.0..PAST_YEAR_9999).contains(&v) {
        let _ = write!(out, "{v}");
        return;
    }
    // calamine knows whether the workbook counts days from 1900 or 1904, and Excel's
    // 29 February 1900; jiff checks the day is a real one.
    let (year, month, day, hour, minute, second, _) = d.to_ymd_hms_milli();
    if v < 1.0 {
        let _ = write!(out, "{hour:02}:{minute:02}:{second:02}");
        return;
    }
    let date = i16::try_from(year).ok().and_then(|y| {
        jiff::civil::Date::new(y, i8::try_from(month).ok()?, i8::try_from(day).ok()?).ok()
    });
    match date {
        Some(date) => {
            let _ = write!(out, "{date}");
        }
        None => {
            let _ = write!(out, "{v}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use calamine::{CellErrorType, ExcelDateTimeType};

    fn text(cell: Data) -> String {
        let mut out = String::new();
        cell_text(&cell, &mut out);
        out
    }

    fn date(serial: f64) -> Data {
        Data::DateTime(ExcelDateTime::new(
            serial,
            ExcelDateTimeType::DateTime,
            false,
        ))
    }

    #[test]
    fn cells_as_text() {
        assert_eq!(text(Data::Empty), "");
        assert_eq!(
            text(Data::String(" Jama\u{2019}atu ".into())),
            " Jama\u{2019}atu "
        );
        assert_eq!(text(Data::Int(-12)), "-12");
        assert_eq!(text(Data::Float(44243.0)), "44243");
        assert_eq!(text(Data::Float(44243.5)), "44243.5");
        assert_eq!(text(Data::Float(12.729_39)), "12.72939");
        assert_eq!(text(Data::Float(1e21)), "1000000000000000000000");
        assert_eq!(text(Data::Bool(true)), "TRUE");
        assert_eq!(text(Data::Error(CellErrorType::NA)), "#N/A");
        assert_eq!(
            text(Data::DateTimeIso("2021-02-16T10:30:00".into())),
            "2021-02-16"
        );
        assert_eq!(text(Data::DateTimeIso("2021-02-16".into())), "2021-02-16");
    }

    #[test]
    fn date_cells_as_civil_dates() {
        assert_eq!(text(date(44243.0)), "2021-02-16");
        assert_eq!(text(date(44243.75)), "2021-02-16");
        assert_eq!(text(date(61.0)), "1900-03-01");
        // Excel's 29 February 1900 is no day: the number stays.
        assert_eq!(text(date(60.0)), "60");
        assert_eq!(text(date(0.5)), "12:00:00");
        assert_eq!(text(date(-3.0)), "-3");
        assert_eq!(text(date(f64::NAN)), "NaN");
        assert_eq!(text(date(3.0e6)), "3000000");
        let mac = Data::DateTime(ExcelDateTime::new(
            42781.0,
            ExcelDateTimeType::DateTime,
            true,
        ));
        assert_eq!(text(mac), "2021-02-16");
        let duration = Data::DateTime(ExcelDateTime::new(1.5, ExcelDateTimeType::TimeDelta, false));
        assert_eq!(text(duration), "1.5");
    }
}
