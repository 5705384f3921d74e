//! The sites reader: a short CSV of named places (`name`, `latitude`, `longitude`).

use std::io::Read;
use std::path::Path;

use crate::error::{Error, Result};
use crate::site::Site;

/// Read sites from a CSV file with a header holding `name`, `latitude` and `longitude` (also
/// `lat`, `lon`/`lng`; any order, other columns ignored). Any bad row is an error naming its
/// line: a site list is short and every site matters.
///
/// ```
/// use conflict_risk::io::read_sites_from;
/// let csv = "name,latitude,longitude\nDapaong,10.862,0.207\n\"Kpendjal, base\",10.95,0.80\n";
/// let sites = read_sites_from(csv.as_bytes())?;
/// assert_eq!(sites[1].name, "Kpendjal, base");
/// assert!(read_sites_from("name,latitude,longitude\nX,91,0\n".as_bytes()).is_err());
/// # Ok::<(), conflict_risk::Error>(())
/// ```
pub fn read_sites_from(reader: impl Read) -> Result<Vec<Site>> {
    let mut csv = csv::ReaderBuilder::new().flexible(true).from_reader(reader);
    let parse_err = |line: u64, field: &str, reason: String| Error::Parse {
        line,
        field: field.to_string(),
        reason,
    };
    let header = csv
        .headers()
        .map_err(|e| parse_err(1, "header", e.to_string()))?
        .clone();
    let find = |names: &[&str]| {
        header.iter().position(|h| {
            names.contains(
                &h.trim()
                    .trim_start_matches('\u{feff}')
                    .to_ascii_lowercase()
                    .as_str(),
            )
        })
    };
    let name_at = find(&["name", "site"]);
    let lat_at = find(&["latitude", "lat"]);
    let lon_at = find(&["longitude", "lon", "lng", "long"]);
    let (Some(name_at), Some(lat_at), Some(lon_at)) = (name_at, lat_at, lon_at) else {
        return Err(parse_err(
            1,
            "header",
            "a site list needs name, latitude and longitude columns".into(),
        ));
    };
    let mut sites = Vec::new();
    for (k, record) in csv.records().enumerate() {
        let line = record
            .as_ref()
            .ok()
            .and_then(|r| r.position())
            .map_or(k as u64 + 2, |p| p.line());
        let record = record.map_err(|e| parse_err(line, "row", e.to_string()))?;
        let text = |at: usize| record.get(at).map(str::trim).unwrap_or("");
        let number = |at: usize, field: &str| {
            text(at)
                .parse::<f64>()
                .map_err(|_| parse_err(line, field, format!("{:?} is not a number", text(at))))
        };
        let name = text(name_at);
        if name.is_empty() {
            return Err(parse_err(line, "name", "a site needs a name".into()));
        }
        let (lat, lon) = (number(lat_at, "latitude")?, number(lon_at, "longitude")?);
        let site = Site::new(name, lon, lat)
            .map_err(|e| parse_err(line, "latitude/longitude", e.to_string()))?;
        sites.push(site);
    }
    Ok(sites)
}

/// [`read_sites_from`] a file.
pub fn read_sites(path: impl AsRef<Path>) -> Result<Vec<Site>> {
    let path = path.as_ref();
    let file = std::fs::File::open(path).map_err(|e| Error::io(path.display().to_string(), e))?;
    read_sites_from(file)
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
}
