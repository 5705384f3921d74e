//! Reading and writing: ACLED and UCDP GED CSV (or a workbook sheet: .xlsx, .xls, .ods) in,
//! GeoJSON (RFC 7946) in and out, flat CSV out. Every reader returns what it could read plus a
//! [`LoadReport`] of every rejected row.

mod acled;
mod borders;
mod cells;
mod csv_in;
mod csv_out;
mod geojson;
pub(crate) mod report;
mod sites;
mod ucdp;
mod workbook;

use std::fs::File;
use std::io::Read;
use std::path::Path;

pub use acled::read_acled;
pub use cells::CellLayer;
pub use csv_in::{DateOrder, Encoding, Loaded, ReadOptions};
pub use csv_out::{write_acled_csv, write_csv, write_labels_csv};
pub use geojson::{ExtraColumns, PropertyMap, read_geojson, write_clusters_geojson, write_geojson};
pub use report::{
    DateReading, FieldProblem, Format, LoadReport, LoadSummary, RejectedLine, RejectedRow,
    RowWarning, SkippedLine,
};
pub use sites::{read_sites, read_sites_from};
pub use ucdp::read_ucdp;

use crate::error::{Error, Result};

/// Read a stream as a table of one format: text through `read_text`, a workbook through the
/// workbook reader.
pub(crate) fn read_table<'a, R: Read + 'a>(
    reader: R,
    source: &str,
    options: ReadOptions,
    format: Format,
    read_text: fn(csv_in::CsvInput<'a>, &str, ReadOptions) -> Result<Loaded>,
) -> Result<Loaded> {
    match csv_in::Opened::open(reader, source, options.encoding_asked())? {
        csv_in::Opening::Text(opened) => read_text(
            csv_in::CsvInput::from_opened(opened, source)?,
            source,
            options,
        ),
        csv_in::Opening::Workbook(book) => {
            workbook::read_workbook(book, source, Some(format), options)
        }
    }
}

/// Create (or truncate) the file at `path` for writing, buffered, naming it in the error.
pub(crate) fn create_file(path: &Path) -> Result<std::io::BufWriter<File>> {
    File::create(path)
        .map(std::io::BufWriter::new)
        .map_err(|e| Error::io(path.display().to_string(), e))
}

/// Read a file, choosing the reader from its content (the header of a CSV, the `{` of a
/// GeoJSON document, the parts of a workbook) and, failing that, its extension. The report's
/// `format` and `layout` say what was picked.
///
/// A workbook (`.xlsx`, `.xlsb`, `.xls`, `.ods`, known by its content whatever its name) is
/// read through one of its sheets: the one named by [`ReadOptions::sheet`], else the first
/// whose header (its first non-empty row) reads as ACLED or UCDP GED. Its rows are numbered as
/// the sheet shows them, date cells read as their dates, numbers as the numbers they hold; the
/// report's [`sheet`](LoadReport::sheet) and `container` name the sheet. A workbook with no
/// such sheet is refused, naming each sheet and the columns of its first row. This and
/// [`read_any`] are the entry points for workbooks ([`read_acled`] and [`read_ucdp`] read one
/// too, taking the first sheet in their own layout). The sheet is held in memory whole, as
/// wide and tall as its furthest cell; an Excel 97-2003 `.xls` is sized by what it declares,
/// so read `.xls` only from sources you trust (a damaged one can exhaust memory).
///
/// ```no_run
/// use conflict_risk::{ReadOptions, read_path};
/// let loaded = read_path("ucdp_ged_bfa_gedevents-2025-01-17.csv", ReadOptions::new())?;
/// println!("{}", loaded.report);
/// # Ok::<(), conflict_risk::Error>(())
/// ```
pub fn read_path(path: impl AsRef<Path>, options: ReadOptions) -> Result<Loaded> {
    read_path_mapped(path, options, &PropertyMap::default())
}

/// [`read_path`], with the GeoJSON property names of `map` (tables ignore it).
///
/// ```no_run
/// use conflict_risk::{PropertyMap, ReadOptions, io::read_path_mapped};
/// let map = PropertyMap::new().date("when").fatalities("deaths");
/// let loaded = read_path_mapped("events.geojson", ReadOptions::new(), &map)?;
/// # Ok::<(), conflict_risk::Error>(())
/// ```
pub fn read_path_mapped(
    path: impl AsRef<Path>,
    options: ReadOptions,
    map: &PropertyMap,
) -> Result<Loaded> {
    let path = path.as_ref();
    let name = path.display().to_string();
    let file = File::open(path).map_err(|e| Error::io(&name, e))?;
    let extension = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    read_detected(file, &name, extension.as_deref(), options, map)
}

/// Read any stream, choosing the reader from its content as [`read_path`] does.
///
/// ```
/// use conflict_risk::io::Format;
/// use conflict_risk::{ReadOptions, read_any};
/// let csv = "id,date_start,date_end,latitude,longitude,where_prec,best\n1,2023-01-05,2023-01-05,12.3,-1.5,1,2\n";
/// let loaded = read_any(csv.as_bytes(), ReadOptions::new())?;
/// assert_eq!(loaded.report.format, Format::UcdpCsv);
/// # Ok::<(), conflict_risk::Error>(())
/// ```
pub fn read_any<R: Read>(reader: R, options: ReadOptions) -> Result<Loaded> {
    read_detected(reader, "<reader>", None, options, &PropertyMap::default())
}

fn read_detected<'a, R: Read + 'a>(
    reader: R,
    name: &str,
    extension: Option<&str>,
    options: ReadOptions,
    map: &PropertyMap,
) -> Result<Loaded> {
    // Property names are GeoJSON's: a table's columns are found by their own names.
    let unused_map = |loaded: Result<Loaded>| {
        loaded.map(|mut loaded| {
            if *map != PropertyMap::default() {
                loaded.report.notes.push(
                    "the property names given (--field, PropertyMap) were not used: they name \
                     GeoJSON properties, and this table's columns are found by their own names"
                        .to_string(),
                );
            }
            loaded
        })
    };
    let mut opened = match csv_in::Opened::open(reader, name, options.encoding_asked())? {
        csv_in::Opening::Text(opened) => opened,
        csv_in::Opening::Workbook(book) => {
            return unused_map(workbook::read_workbook(book, name, None, options));
        }
    };
    let head = csv_in::peek(&mut opened.reader, name)?;
    let header = header_columns(head);
    match detect(head, &header, extension) {
        Ok(Format::AcledCsv) => unused_map(acled::read_acled_input(
            csv_in::CsvInput::from_opened(opened, name)?,
            name,
            options,
        )),
        Ok(Format::UcdpCsv) => unused_map(ucdp::read_ucdp_input(
            csv_in::CsvInput::from_opened(opened, name)?,
            name,
            options,
        )),
        Ok(Format::GeoJson) => geojson::read_geojson_from(opened.reader, name, map, options),
        Err(why) => Err(Error::format(format!(
            "{name}: {why}{}",
            not_a_workbook(extension)
        ))),
    }
}

/// For a file named as a workbook whose content is none: what it may be instead.
fn not_a_workbook(extension: Option<&str>) -> String {
    match extension {
        Some(e @ ("xlsx" | "xlsm" | "xlsb" | "xls" | "ods")) => format!(
            " (the name ends in .{e}, but the content is not a workbook: neither a zip of a \
             workbook's parts nor an Excel 97-2003 file; a web page or text saved under that \
             name?)"
        ),
        _ => String::new(),
    }
}

/// The first line of a table, split as the table reader will split it.
fn header_columns(head: &[u8]) -> csv_in::Columns {
    let table = csv_in::table_head(head);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(table.separator)
        .from_reader(&head[table.skip..]);
    let mut record = csv::ByteRecord::new();
    // A header cut at the end of the peeked bytes still names its first columns.
    let _ = reader.read_byte_record(&mut record);
    let mut decoded = csv::ByteRecord::new();
    for field in &record {
        decoded.push_field(csv_in::decode_text(field).as_bytes());
    }
    csv_in::Columns::new(&decoded)
}

/// The format of a file from its first bytes and header and, if they do not tell, its
/// extension; `Err` says, in words, why the file is none of them.
fn detect(
    head: &[u8],
    header: &csv_in::Columns,
    extension: Option<&str>,
) -> std::result::Result<Format, String> {
    let text = String::from_utf8_lossy(&head[..head.len().min(4096)]);
    let text = text.trim_start_matches('\u{feff}').trim_start();
    if text.starts_with('{') {
        return Ok(Format::GeoJson);
    }
    if text.is_empty() {
        return Err("the file is empty".to_string());
    }
    match table_format(header) {
        Ok(format) => Ok(format),
        Err(NotEvents::Aggregated(why)) => Err(why),
        Err(NotEvents::Unknown) if matches!(extension, Some("geojson" | "json")) => {
            Ok(Format::GeoJson)
        }
        Err(NotEvents::Unknown)
            if ["id", "time", "dataset", "geo_precision_code"]
                .iter()
                .all(|c| header.contains(c)) =>
        {
            Err(
                "this is a table written by this crate's write_csv (the programs' --csv-out), \
                 a flat layer for mapping tools that is not read back: read the GeoJSON layer \
                 written beside it (--geojson-out), or write the incidents with write_acled_csv"
                    .to_string(),
            )
        }
        Err(NotEvents::Unknown) => Err(format!(
            "cannot tell the format: the header has {NEITHER}, and the file is not a GeoJSON \
             object; the header has {}",
            header.listed()
        )),
    }
}

/// Why a header is not an events table this crate reads.
pub(crate) enum NotEvents {
    /// Counts by area and period (ACLED's aggregated data), with the reason in words.
    Aggregated(String),
    /// Neither ACLED's columns nor UCDP GED's.
    Unknown,
}

/// What an events header has that the other headers lack, for messages.
pub(crate) const NEITHER: &str = "neither ACLED's event_date (with \
     event_id_cnty, actor1, event_type or fatalities) nor UCDP GED's where_prec, \
     type_of_violence, side_a or id with date_start";

/// The events table a header (a CSV's first line, a sheet's first non-empty row) is: ACLED or
/// UCDP GED, by its column names.
pub(crate) fn table_format(header: &csv_in::Columns) -> std::result::Result<Format, NotEvents> {
    let has = |c: &str| header.contains(c);
    let any = |cs: &[&str]| cs.iter().any(|c| has(c));
    let coordinates = any(&["latitude", "lat"]) && any(&["longitude", "lon", "long", "lng"]);
    if has("event_id_cnty")
        || (has("event_date") && any(&["actor1", "actor", "event_type", "fatalities", "latitude"]))
    {
        return Ok(Format::AcledCsv);
    }
    if any(&["where_prec", "type_of_violence", "side_a"]) || (has("date_start") && has("id")) {
        return Ok(Format::UcdpCsv);
    }
    if !coordinates
        && any(&["events", "fatalities", "event_count", "events_count"])
        && any(&["month", "year", "week", "date"])
    {
        return Err(NotEvents::Aggregated(format!(
            "aggregated counts, not events: the table has no point coordinates (latitude, \
             longitude), only counts by area and period; the header has {}",
            header.listed()
        )));
    }
    Err(NotEvents::Unknown)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn detected(head: &[u8], extension: Option<&str>) -> std::result::Result<Format, String> {
        detect(head, &header_columns(head), extension)
    }

    #[test]
    fn detection_by_content_then_extension() {
        assert_eq!(
            detected(b"event_id_cnty,event_date\n", None),
            Ok(Format::AcledCsv)
        );
        assert_eq!(
            detected(b"EVENT_ID_CNTY;GWNO;EVENT_DATE\r", None),
            Ok(Format::AcledCsv)
        );
        assert_eq!(
            detected(b"\"id\",\"where_prec\"\r\n", None),
            Ok(Format::UcdpCsv)
        );
        assert_eq!(detected(b"  {\"type\":", Some("csv")), Ok(Format::GeoJson));
        assert_eq!(detected(b"a,b,c\n", Some("geojson")), Ok(Format::GeoJson));
        let unknown = detected(b"a,b,c\n", Some("csv")).expect_err("unknown");
        assert!(unknown.contains("`a`, `b`, `c`"), "{unknown}");
        let counts = detected(b"Country;Admin1;Month;Year;Events;Fatalities\n", None)
            .expect_err("aggregated");
        assert!(
            counts.starts_with("aggregated counts, not events"),
            "{counts}"
        );
        assert!(counts.contains("`admin1`"), "{counts}");
    }
}
