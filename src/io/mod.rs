//! Reading and writing: ACLED and UCDP GED CSV in, GeoJSON (RFC 7946) in and out, flat CSV out.
//! Every reader returns what it could read plus a [`LoadReport`] of every rejected row.

mod acled;
mod borders;
mod cells;
mod csv_in;
mod csv_out;
mod geojson;
mod report;
mod sites;
mod ucdp;

use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;

pub use acled::read_acled;
pub use cells::CellLayer;
pub use csv_in::{Loaded, ReadOptions};
pub use csv_out::{write_acled_csv, write_csv, write_labels_csv};
pub use geojson::{ExtraColumns, PropertyMap, read_geojson, write_clusters_geojson, write_geojson};
pub use report::{
    FieldProblem, Format, LoadReport, LoadSummary, RejectedLine, RejectedRow, RowWarning,
    SkippedLine,
};
pub use sites::{read_sites, read_sites_from};
pub use ucdp::read_ucdp;

use crate::error::{Error, Result};

/// Create (or truncate) the file at `path` for writing, buffered, naming it in the error.
pub(crate) fn create_file(path: &Path) -> Result<std::io::BufWriter<File>> {
    File::create(path)
        .map(std::io::BufWriter::new)
        .map_err(|e| Error::io(path.display().to_string(), e))
}

/// Read a file, choosing the reader from its content (the header of a CSV, the `{` of a
/// GeoJSON document) and, failing that, its extension. The report's `format` and `layout` say
/// what was picked.
///
/// ```no_run
/// use conflict_risk::{ReadOptions, read_path};
/// let loaded = read_path("ucdp_ged_bfa_gedevents-2025-01-17.csv", ReadOptions::new())?;
/// println!("{}", loaded.report);
/// # Ok::<(), conflict_risk::Error>(())
/// ```
pub fn read_path(path: impl AsRef<Path>, options: ReadOptions) -> Result<Loaded> {
    let path = path.as_ref();
    let name = path.display().to_string();
    let file = File::open(path).map_err(|e| Error::io(&name, e))?;
    let extension = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    read_detected(
        BufReader::with_capacity(1 << 16, file),
        &name,
        extension.as_deref(),
        options,
    )
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
    read_detected(
        BufReader::with_capacity(1 << 16, reader),
        "<reader>",
        None,
        options,
    )
}

fn read_detected<R: Read>(
    mut reader: BufReader<R>,
    name: &str,
    extension: Option<&str>,
    options: ReadOptions,
) -> Result<Loaded> {
    let head = reader.fill_buf().map_err(|e| Error::io(name, e))?;
    match detect(head, extension) {
        Some(Format::AcledCsv) => acled::read_acled_from(reader, name, options),
        Some(Format::UcdpCsv) => ucdp::read_ucdp_from(reader, name, options),
        Some(Format::GeoJson) => {
            geojson::read_geojson_from(reader, name, &PropertyMap::default(), options)
        }
        None if head.iter().all(u8::is_ascii_whitespace) => {
            Err(Error::format(format!("{name} is empty")))
        }
        None => Err(Error::format(format!(
            "cannot tell the format of {name}: the first line has neither ACLED's \
             event_id_cnty/event_date columns nor UCDP GED's where_prec/type_of_violence/date_start, \
             and the file is not a GeoJSON object"
        ))),
    }
}

/// The format of a file from its first bytes and, if they do not tell, its extension.
fn detect(head: &[u8], extension: Option<&str>) -> Option<Format> {
    let text = String::from_utf8_lossy(head);
    let text = text.trim_start_matches('\u{feff}').trim_start();
    if text.starts_with('{') {
        return Some(Format::GeoJson);
    }
    let first_line = text.lines().next().unwrap_or("").to_ascii_lowercase();
    let has = |c: &str| {
        first_line
            .split(',')
            .any(|f| f.trim().trim_matches('"') == c)
    };
    if has("event_id_cnty") || (has("event_date") && has("actor1")) {
        Some(Format::AcledCsv)
    } else if has("where_prec") || has("type_of_violence") || (has("date_start") && has("id")) {
        Some(Format::UcdpCsv)
    } else if matches!(extension, Some("geojson" | "json")) {
        Some(Format::GeoJson)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detection_by_content_then_extension() {
        assert_eq!(
            detect(b"\xef\xbb\xbfevent_id_cnty,event_date\n", None),
            Some(Format::AcledCsv)
        );
        assert_eq!(
            detect(b"\"id\",\"where_prec\"\r\n", None),
            Some(Format::UcdpCsv)
        );
        assert_eq!(detect(b"  {\"type\":", Some("csv")), Some(Format::GeoJson));
        assert_eq!(detect(b"a,b,c\n", Some("geojson")), Some(Format::GeoJson));
        assert_eq!(detect(b"a,b,c\n", Some("csv")), None);
    }
}
