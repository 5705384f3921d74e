//! The readers on hand-written fixtures (`tests/fixtures/`): every layout and every malformed
//! case, with the exact accepted counts, rejected lines and reasons.

mod common;

use common::{accounted, fixture, problems};

use conflict_risk::io::Format;
use conflict_risk::{
    ActorKind, Dataset, Error, EventKind, ExtraColumns, GeoPrecision, IncidentSet, Loaded,
    PropertyMap, ReadOptions, TimePrecision, read_acled, read_geojson, read_path, write_csv,
    write_geojson,
};

fn read(name: &str) -> Loaded {
    read_path(fixture(name), ReadOptions::new()).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn ids(l: &Loaded) -> Vec<&str> {
    l.incidents.iter().map(|i| i.source_id.as_str()).collect()
}

#[test]
fn acled_2023_layout() {
    let l = read("acled_2023.csv");
    accounted(&l);
    assert_eq!(l.report.format, Format::AcledCsv);
    assert_eq!(ids(&l), ["BFA100", "TGO200", "BEN300", "NGA400"]);
    // The notes field of line 2 holds a comma, doubled quotes and a newline, so the next record
    // starts on line 4.
    assert_eq!(l.lines, [2, 4, 5, 6]);
    let pama = &l.incidents[0];
    assert_eq!(pama.date.start.to_string(), "2025-05-16");
    assert_eq!(pama.kind, EventKind::Battle);
    assert_eq!(pama.fatalities.best, 12);
    assert_eq!(pama.country.map(|c| c.to_string()).as_deref(), Some("BFA"));
    assert_eq!(
        pama.primary_actor.as_ref().map(|a| a.kind),
        Some(ActorKind::Rebel)
    );
    assert_eq!(
        pama.secondary_actor.as_ref().map(|a| a.kind),
        Some(ActorKind::State)
    );
    let assoc: Vec<&str> = pama.associated_actors.iter().map(|a| &*a.name).collect();
    assert_eq!(
        assoc,
        [
            "Volunteers for the Defense of the Homeland",
            "Dozo Communal Militia (Burkina Faso)"
        ]
    );
    let togo = &l.incidents[1];
    assert_eq!(togo.date.start.to_string(), "2024-07-20"); // DD-MM-YYYY
    assert_eq!(togo.geo_precision, GeoPrecision::Region);
    assert_eq!(togo.geo_precision_code, Some(3));
    assert_eq!(
        togo.secondary_actor.as_ref().map(|a| a.kind),
        Some(ActorKind::State)
    ); // "1"
    assert_eq!(l.incidents[2].date.start.to_string(), "2025-05-16"); // "16 May 2025"
    assert_eq!(l.incidents[2].kind, EventKind::ExplosionRemoteViolence);
    assert_eq!(l.incidents[3].time_precision, TimePrecision::Week);
    assert_eq!(
        l.incidents[3].secondary_actor.as_ref().map(|a| a.kind),
        Some(ActorKind::Civilians)
    );
    // The one warning: TGO200 is located to the region only.
    assert_eq!(common::warning_lines(&l.report), [(4, "geo precision")]);
    assert!(l.incidents.iter().all(|i| i.dataset == Dataset::Acled));
}

#[test]
fn acled_older_layout_in_another_order() {
    let l = read("acled_old_layout.csv");
    accounted(&l);
    assert!(
        l.report.layout.contains("older layout"),
        "{}",
        l.report.layout
    );
    assert_eq!(ids(&l), ["BFA2001", "BFA2002"]);
    assert_eq!(l.incidents[0].date.start.to_string(), "2019-10-16");
    assert_eq!(
        l.incidents[0].primary_actor.as_ref().map(|a| a.kind),
        Some(ActorKind::Militia)
    );
    assert_eq!(l.incidents[1].time_precision, TimePrecision::Month);
    assert_eq!(l.incidents[1].kind, EventKind::StrategicDevelopment);
    assert!(
        l.incidents
            .iter()
            .all(|i| i.country.map(|c| c.to_string()).as_deref() == Some("BFA"))
    );
}

#[test]
fn acled_malformed_rows_each_reported() {
    let l = read("acled_malformed.csv");
    accounted(&l);
    assert_eq!(ids(&l), ["G1", "SWAPPED"]);
    assert_eq!(l.report.rows_seen, 14);
    let got = problems(&l);
    let want: Vec<(u64, &str, &str)> = vec![
        (3, "latitude", "not a number"),
        (4, "latitude", "latitude 95 is outside [-90, 90]"),
        (5, "longitude", "missing-value marker such as NA"),
        (6, "longitude, latitude", "position is exactly (0, 0)"),
        (7, "event_date", "not a date"),
        (8, "fatalities", "negative, but a count cannot be"),
        (9, "fatalities", "not a whole number"),
        (10, "geo_precision", "outside 1..=3"),
        (11, "event_id_cnty", "duplicate id: line 2 has it too"),
        (12, "event_id_cnty", "but required"),
        (14, "record", "the extra ones are not empty"),
        // "2023-02-1" is a date (1 February): the cut shows as missing fields.
        (15, "record", "a truncated line?"),
        (15, "latitude", "missing: the row ends before this column"),
        (15, "longitude", "missing: the row ends before this column"),
    ];
    assert_eq!(got.len(), want.len(), "{got:#?}");
    for ((gl, gf, gr), (wl, wf, wr)) in got.iter().zip(&want) {
        assert_eq!((gl, gf.as_str()), (wl, *wf), "{gr}");
        assert!(gr.contains(wr), "line {gl}: {gr:?} should contain {wr:?}");
    }
    // Values are kept with the reason, and the report serialises.
    assert_eq!(l.report.rejected[0].problems[0].value, "abc");
    let json = serde_json::to_value(&l.report).expect("serialises");
    assert_eq!(json["rejected"][0]["line"], 3);
    assert_eq!(json["format"], "acled_csv");
    assert_eq!(json["rows_seen"], 14);
    // And prints readably: a summary line, counts per field, the first rows.
    let text = l.report.to_string();
    assert!(text.contains("14 rows, 2 accepted, 12 rejected"), "{text}");
    assert!(
        text.contains("rejected line 3 (id BADLAT), latitude = \"abc\": not a number"),
        "{text}"
    );
    // The swapped row is kept, with a warning that says so.
    let swapped: Vec<_> = l
        .report
        .warnings
        .iter()
        .filter(|w| w.message.contains("look exchanged"))
        .map(|w| w.line)
        .collect();
    assert_eq!(swapped, [13]);
}

#[test]
fn strict_mode_names_the_first_bad_line() {
    let file = std::fs::File::open(fixture("acled_malformed.csv")).expect("fixture");
    let err = read_acled(file, ReadOptions::new().strict(true)).expect_err("line 3 is bad");
    match &err {
        Error::Parse { line, field, .. } => assert_eq!((*line, field.as_str()), (3, "latitude")),
        other => panic!("{other:?}"),
    }
    assert_eq!(
        err.to_string(),
        "<reader>: line 3, field `latitude`: not a number (value \"abc\")"
    );
    // Read by path, the error names the file.
    let path = fixture("acled_malformed.csv");
    let err = conflict_risk::read_path(&path, ReadOptions::new().strict(true)).expect_err("bad");
    assert_eq!(
        err.to_string(),
        format!(
            "{}: line 3, field `latitude`: not a number (value \"abc\")",
            path.display()
        )
    );
}

#[test]
fn bom_crlf_header_only_empty_and_missing_columns() {
    let l = read("acled_bom_crlf.csv");
    accounted(&l);
    assert_eq!(ids(&l), ["TGO1", "TGO2"]);
    assert_eq!(l.lines, [2, 3]);
    assert_eq!(l.incidents[0].fatalities.best, 31);

    let l = read("acled_header_only.csv");
    accounted(&l);
    assert_eq!((l.report.rows_seen, l.incidents.len()), (0, 0));

    // An unknown country keeps the row, without a code, and says so.
    let csv = "event_id_cnty,event_date,latitude,longitude,country,fatalities\nX1,2024-01-02,10.0,1.0,Atlantis,0\n";
    let l = read_acled(csv.as_bytes(), ReadOptions::new()).expect("reads");
    assert_eq!((l.incidents.len(), l.incidents[0].country), (1, None));
    let w: Vec<(&str, &str)> = l
        .report
        .warnings
        .iter()
        .map(|w| (w.field.as_str(), w.message.as_str()))
        .collect();
    assert_eq!(
        w,
        [("country", "\"Atlantis\" is not a country this crate knows")]
    );

    let err = read_path(fixture("empty.csv"), ReadOptions::new()).expect_err("empty");
    assert!(err.to_string().contains("is empty"), "{err}");

    let err = read_path(fixture("acled_no_latitude.csv"), ReadOptions::new()).expect_err("no lat");
    assert_eq!(
        err.to_string(),
        format!(
            "{}: no latitude column: expected a column named latitude or lat; the header has \
             `event_id_cnty`, `event_date`, `longitude`, `fatalities`",
            fixture("acled_no_latitude.csv").display()
        )
    );
}

#[test]
fn ucdp_web_export() {
    let l = read("ucdp_web_export.csv");
    accounted(&l);
    assert_eq!(l.report.format, Format::UcdpCsv);
    assert!(l.report.layout.contains("web export"));
    assert_eq!(ids(&l), ["900001", "900002"]);
    // Row 1 has a newline inside a quoted field: row 2 starts on line 4.
    assert_eq!(l.lines, [2, 4]);
    let djibo = &l.incidents[0];
    assert_eq!(djibo.date.start.to_string(), "2023-10-06");
    assert_eq!(
        (
            djibo.fatalities.best,
            djibo.fatalities.low,
            djibo.fatalities.high
        ),
        (15, Some(15), Some(20))
    );
    let u = djibo.ucdp.as_deref().expect("ucdp details");
    assert_eq!(
        (u.deaths_a, u.deaths_b, u.priogrid_gid),
        (Some(3), Some(12), Some(148_637))
    );
    assert_eq!(u.type_of_violence, Some(1));
    assert_eq!(
        djibo.primary_actor.as_ref().map(|a| a.kind),
        Some(ActorKind::State)
    );
    assert_eq!(
        djibo.secondary_actor.as_ref().map(|a| a.kind),
        Some(ActorKind::Rebel)
    );
    let year = &l.incidents[1];
    assert_eq!(year.geo_precision, GeoPrecision::Country);
    assert_eq!(year.time_precision, TimePrecision::Year);
    assert_eq!(year.date.days(), 365);
    assert_eq!(year.kind, EventKind::ViolenceAgainstCivilians);
    assert_eq!(
        year.secondary_actor.as_ref().map(|a| a.kind),
        Some(ActorKind::Civilians)
    );
    assert_eq!(common::warning_lines(&l.report), [(4, "geo precision")]);
}

#[test]
fn ucdp_bulk_file() {
    let l = read("ucdp_bulk.csv");
    accounted(&l);
    assert!(l.report.layout.contains("bulk"));
    assert_eq!(ids(&l), ["800001", "800002"]);
    let a = &l.incidents[0];
    assert_eq!(
        (a.date.start.to_string(), a.date.end.to_string()),
        ("2022-03-01".into(), "2022-03-04".into())
    );
    assert_eq!(a.time_precision, TimePrecision::FewDays);
    assert_eq!(a.geo_precision, GeoPrecision::Near);
    assert_eq!(a.kind, EventKind::Battle);
    assert_eq!(a.country.map(|c| c.to_string()).as_deref(), Some("NGA"));
    assert_eq!(
        l.incidents[1].country.map(|c| c.to_string()).as_deref(),
        Some("BEN")
    );
    assert!(l.report.warnings.is_empty());
}

#[test]
fn ucdp_hdx_copy() {
    let l = read("ucdp_hdx.csv");
    accounted(&l);
    assert!(l.report.layout.contains("HDX"));
    assert_eq!(l.report.skipped.len(), 1);
    assert_eq!(l.report.skipped[0].line, 2);
    assert_eq!(ids(&l), ["15960", "15720"]);
    assert_eq!(l.lines, [3, 4]);
    let m = &l.incidents[0];
    assert_eq!((m.lon, m.lat), (13.160274, 11.84644)); // iso3 between them, matched by name
    assert_eq!((m.fatalities.best, m.fatalities.high), (0, Some(14)));
    assert_eq!(m.ucdp.as_ref().and_then(|u| u.priogrid_gid), Some(146_547));
    assert_eq!(l.incidents[1].geo_precision_code, Some(4));
}

#[test]
fn truncated_ucdp_lines_are_rejected_not_misread() {
    let l = read("ucdp_truncated.csv");
    accounted(&l);
    assert_eq!(ids(&l), ["900001"]);
    assert_eq!(l.report.rejected.len(), 1);
    assert_eq!(l.report.rejected[0].line, 4);
    assert!(
        l.report.rejected[0].problems[0]
            .reason
            .contains("truncated line")
    );

    let l = read("ucdp_truncated_in_quotes.csv");
    accounted(&l);
    assert!(l.incidents.is_empty());
    assert_eq!(l.report.rejected.len(), 1);
    assert_eq!(l.report.rejected[0].line, 2);
    assert!(
        l.report.rejected[0].problems[0]
            .reason
            .contains("truncated line")
    );
}

#[test]
fn foreign_geojson_with_a_property_map() {
    let map = PropertyMap::new()
        .date("event_date")
        .fatalities("deaths")
        .actor1("perpetrator")
        .actor2("target")
        .country("nation")
        .location("place");
    let file = std::fs::File::open(fixture("foreign_crs84.geojson")).expect("fixture");
    let l = read_geojson(file, &map, ReadOptions::new()).expect("CRS84 is accepted");
    accounted(&l);
    assert_eq!(ids(&l), ["17", "feature-2"]);
    assert_eq!(l.incidents[0].fatalities.best, 6);
    assert_eq!(l.incidents[1].fatalities.best, 31); // a number written as text
    assert_eq!(l.incidents[1].date.start.to_string(), "2023-02-14"); // ISO 8601 with a time
    assert!(
        l.incidents
            .iter()
            .all(|i| i.country.map(|c| c.to_string()).as_deref() == Some("TGO"))
    );
    assert!(l.incidents.iter().all(|i| i.dataset == Dataset::GeoJson));
    let got = problems(&l);
    let fields: Vec<(u64, &str)> = got.iter().map(|(l, f, _)| (*l, f.as_str())).collect();
    assert_eq!(
        fields,
        [
            (3, "geometry"),
            (4, "geometry"),
            (5, "event_date"),
            (5, "fatalities")
        ]
    );
    assert!(got[0].2.contains("only Point geometries"));
    assert!(got[1].2.contains("no geometry"));
}

#[test]
fn other_crs_is_refused() {
    let err = read_path(fixture("web_mercator.geojson"), ReadOptions::new()).expect_err("3857");
    let text = err.to_string();
    assert!(
        text.contains("EPSG::3857") && text.contains("CRS84"),
        "{text}"
    );
}

#[test]
fn geojson_round_trip_is_lossless() {
    let mut incidents = read("ucdp_web_export.csv").incidents;
    incidents.extend(read("acled_2023.csv").incidents);
    incidents.extend(conflict_risk::brief_incidents());
    let clusters: Vec<Option<u32>> = (0..incidents.len() as u32)
        .map(|i| (i % 2 == 0).then_some(i))
        .collect();
    let extra = ExtraColumns::new()
        .with("cluster", &clusters)
        .expect("column");
    let mut out = Vec::new();
    write_geojson(&mut out, &incidents, &extra).expect("write");
    let back = read_geojson(
        out.as_slice(),
        &PropertyMap::new(),
        ReadOptions::new().strict(true),
    )
    .expect("own output reads strictly");
    assert_eq!(back.incidents, incidents);
    // The extra column is in the file.
    let doc: serde_json::Value = serde_json::from_slice(&out).expect("json");
    assert_eq!(doc["features"][0]["properties"]["cluster"], 0);
    assert!(doc["features"][1]["properties"]["cluster"].is_null());
    assert!(doc.get("crs").is_none());
    assert_eq!(doc["features"][0]["properties"]["time"], "2023-10-06");
    // Mismatched lengths and clashing names are refused.
    assert!(ExtraColumns::new().with("kind", [1]).is_err());
    let short = ExtraColumns::new().with("risk", [0.5]).expect("column");
    assert!(write_geojson(Vec::new(), &incidents, &short).is_err());
}

#[test]
fn csv_out_has_latitude_longitude_and_extras() {
    let incidents = read("ucdp_bulk.csv").incidents;
    let extra = ExtraColumns::new()
        .with("risk", [0.25, 0.75])
        .expect("column");
    let mut out = Vec::new();
    write_csv(&mut out, &incidents, &extra).expect("write");
    let mut r = csv::Reader::from_reader(out.as_slice());
    let header = common::header(&mut r);
    assert_eq!(
        &header[..5],
        ["id", "latitude", "longitude", "time", "date_end"]
    );
    assert_eq!(header.last().map(String::as_str), Some("risk"));
    let rows: Vec<csv::StringRecord> = r.records().map(|x| x.expect("row")).collect();
    assert_eq!(rows.len(), 2);
    let first: Vec<&str> = rows[0].iter().take(4).collect();
    assert_eq!(first, ["800001", "10.66", "6.54", "2022-03-01"]);
    assert_eq!(rows[1].get(header.len() - 1), Some("0.75"));
}

#[test]
fn everything_read_validates_clean() {
    for name in [
        "acled_2023.csv",
        "acled_old_layout.csv",
        "acled_malformed.csv",
        "ucdp_web_export.csv",
        "ucdp_bulk.csv",
        "ucdp_hdx.csv",
    ] {
        let l = read(name);
        let n = l.incidents.len();
        let (set, report) = IncidentSet::validate(l.incidents);
        assert_eq!((set.len(), report.rejected.len()), (n, 0), "{name}");
    }
}

#[test]
fn the_flat_layer_is_named_when_it_is_given_back() {
    let incidents = conflict_risk::CorridorScenario::new(3).generate();
    let mut csv = Vec::new();
    conflict_risk::write_csv(&mut csv, &incidents, &conflict_risk::ExtraColumns::new())
        .expect("written");
    let err = conflict_risk::read_any(csv.as_slice(), ReadOptions::new())
        .expect_err("not read back")
        .to_string();
    assert!(
        err.contains("written by this crate's write_csv") && err.contains("--geojson-out"),
        "{err}"
    );
}

/// A stream that hands out its bytes in the given pieces (a pipe, a gzip member boundary).
struct Pieces {
    bytes: Vec<u8>,
    at: usize,
    sizes: Vec<usize>,
}

impl std::io::Read for Pieces {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let size = if self.sizes.is_empty() {
            buf.len()
        } else {
            self.sizes.remove(0)
        };
        let n = size.min(buf.len()).min(self.bytes.len() - self.at);
        buf[..n].copy_from_slice(&self.bytes[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}

#[test]
fn a_hint_line_cut_between_its_cr_and_lf_keeps_the_line_numbers() {
    let text = "sep=;\r\nevent_id_cnty;event_date;latitude;longitude\r\nA1;2023-01-01;12.3;-1.5\r\nA2;2023-01-02;north;-1.5\r\n";
    for first in [6, 7, 20, text.len()] {
        let stream = Pieces {
            bytes: text.as_bytes().to_vec(),
            at: 0,
            sizes: vec![first],
        };
        let l = read_acled(stream, ReadOptions::new()).expect("read");
        assert_eq!(l.lines, [3], "first read of {first} bytes");
        assert_eq!(l.report.rejected[0].line, 4, "first read of {first} bytes");
        assert_eq!(l.report.line_ends, "CRLF", "first read of {first} bytes");
    }
}
