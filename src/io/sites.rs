//! The sites reader: a short CSV of named places (`name`, `latitude`, `longitude`).

use std::io::Read;
use std::path::Path;

use super::csv_in::{CsvInput, ReadOptions, decode_text};
use crate::error::{Error, Result};
use crate::site::Site;

/// Read sites from a CSV file with a header holding `name`, `latitude` and `longitude` (also
/// `lat`, `lon`/`lng`; any order, other columns ignored). The text is read as the incident
/// tables are (UTF-8 or Windows-1252, UTF-16 with its mark; `,` `;` tab or `|` between fields).
/// Any bad row is an error naming its line: a site list is short and every site matters. A
/// list with no site is an error too ([`Error::NothingRead`]).
///
/// ```
/// use conflict_risk::io::read_sites_from;
/// let csv = "name,latitude,longitude\nDapaong,10.862,0.207\n\"Kpendjal, base\",10.95,0.80\n";
/// let sites = read_sites_from(csv.as_bytes())?;
/// assert_eq!(sites[1].name, "Kpendjal, base");
/// assert!(read_sites_from("name,latitude,longitude\nX,91,0\n".as_bytes()).is_err());
/// assert!(read_sites_from("name,latitude,longitude\n".as_bytes()).is_err());
/// # Ok::<(), conflict_risk::Error>(())
/// ```
pub fn read_sites_from(reader: impl Read) -> Result<Vec<Site>> {
    read_sites_named(reader, "the site list")
}

fn read_sites_named(reader: impl Read, source: &str) -> Result<Vec<Site>> {
    let mut input = CsvInput::open(reader, source, &ReadOptions::default())?;
    let columns = &input.columns;
    let name_at = columns.require(&["name", "site"], "site name")?;
    let lat_at = columns.require(&["latitude", "lat"], "latitude")?;
    let lon_at = columns.require(&["longitude", "lon", "lng", "long"], "longitude")?;
    let parse_err = |line: u64, field: &str, reason: String| Error::Parse {
        file: source.to_string(),
        line,
        field: field.to_string(),
        reason,
    };
    let mut sites = Vec::new();
    while let Some(line) = input.next_line()? {
        let record = &input.record;
        let text = |at: usize| decode_text(record.get(at).unwrap_or_default());
        if record.iter().all(|f| f.iter().all(u8::is_ascii_whitespace)) {
            continue; // a blank line
        }
        let number = |at: usize, field: &str| {
            let t = text(at);
            t.trim()
                .parse::<f64>()
                .map_err(|_| parse_err(line, field, format!("\"{}\" is not a number", t.trim())))
        };
        let name = text(name_at);
        let name = name.trim();
        if name.is_empty() {
            return Err(parse_err(line, "name", "a site needs a name".into()));
        }
        let (lat, lon) = (number(lat_at, "latitude")?, number(lon_at, "longitude")?);
        if lat == 0.0 && lon == 0.0 {
            return Err(parse_err(
                line,
                "latitude/longitude",
                format!("the site {name:?} is at (0, 0), a missing position written as zeros"),
            ));
        }
        let site = Site::new(name, lon, lat).map_err(|e| match e {
            Error::InvalidParameter { reason, value, .. } => {
                parse_err(line, "latitude/longitude", format!("{value}: {reason}"))
            }
            other => other,
        })?;
        sites.push(site);
    }
    if sites.is_empty() {
        return Err(Error::NothingRead {
            source_name: source.to_string(),
            rows: 0,
            why: "it holds a header and no site".to_string(),
        });
    }
    Ok(sites)
}

/// [`read_sites_from`] a file.
pub fn read_sites(path: impl AsRef<Path>) -> Result<Vec<Site>> {
    let path = path.as_ref();
    let name = path.display().to_string();
    let file = std::fs::File::open(path).map_err(|e| Error::io(&name, e))?;
    read_sites_named(std::io::BufReader::new(file), &name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn site_lists_report_bad_rows_by_line() {
        let bad = "name,latitude,longitude\nA,10,1\nB,ten,1\n";
        match read_sites_from(bad.as_bytes()) {
            Err(Error::Parse { line, field, .. }) => {
                assert_eq!((line, field.as_str()), (3, "latitude"));
            }
            other => panic!("{other:?}"),
        }
        assert!(read_sites_from("name,x,y\n".as_bytes()).is_err());
        let swapped_order = "longitude,name,latitude\n0.2,Dapaong,10.86\n";
        let s = read_sites_from(swapped_order.as_bytes()).expect("valid test input");
        assert_eq!((s[0].lon, s[0].lat), (0.2, 10.86));
    }

    #[test]
    fn a_site_at_zero_zero_is_refused() {
        let zeros = "name,latitude,longitude\nA,10,1\nNowhere,0,0\n";
        match read_sites_from(zeros.as_bytes()) {
            Err(Error::Parse { line, reason, .. }) => {
                assert_eq!(line, 3);
                assert!(reason.contains("(0, 0)"), "{reason}");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn crlf_lines_are_counted_right() {
        // The old reader took the csv crate's line, one too low after CRLF line ends.
        let bad = "name,latitude,longitude\r\nA,10,1\r\nB,ten,1\r\n";
        match read_sites_from(bad.as_bytes()) {
            Err(Error::Parse { line, field, .. }) => {
                assert_eq!((line, field.as_str()), (3, "latitude"));
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn windows_1252_names_are_decoded_not_refused() {
        // "Tanguiéta" and "Kpendjal’s base" as Excel saves them: é is 0xE9, ’ is 0x92.
        let mut bytes = b"name,latitude,longitude\nTangui\xe9ta,10.62,1.27\n".to_vec();
        bytes.extend_from_slice(b"Kpendjal\x92s base,10.95,0.80\n");
        let sites = read_sites_from(bytes.as_slice()).expect("read");
        assert_eq!(sites[0].name, "Tanguiéta");
        assert_eq!(sites[1].name, "Kpendjal\u{2019}s base");
    }

    #[test]
    fn a_missing_column_is_named_in_words() {
        let err = read_sites_from("name,lat\nA,10\n".as_bytes()).expect_err("no longitude");
        let text = err.to_string();
        assert!(text.contains("longitude"), "{text}");
        assert!(
            !text.contains("Utf8") && !text.contains("ErrorKind"),
            "{text}"
        );
    }
}
