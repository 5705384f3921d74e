//! The GeoJSON reader on files written by other tools: a BOM, features that cannot be read
//! among good ones, broken JSON, ogr2ogr/QGIS exports of ACLED and UCDP tables (capitals,
//! numbers as text), repeated property names, coordinates that disagree, a `crs` after the
//! features. Every fixture is hand-written here: invented events, not real data.

mod common;

use common::{accounted, problems};
use conflict_risk::io::Format;
use conflict_risk::{
    ActorKind, Dataset, Error, EventKind, ExtraColumns, GeoPrecision, Loaded, PropertyMap,
    ReadOptions, TimePrecision, brief_incidents, read_any, read_geojson, write_geojson,
};

fn read(text: &str) -> Loaded {
    read_geojson(text.as_bytes(), &PropertyMap::new(), ReadOptions::new())
        .unwrap_or_else(|e| panic!("read: {e}"))
}

fn read_err(text: &str) -> String {
    match read_geojson(text.as_bytes(), &PropertyMap::new(), ReadOptions::new()) {
        Ok(l) => panic!("expected an error, read {}", l.report),
        Err(e) => e.to_string(),
    }
}

/// (feature number, field, message) of every warning.
fn warnings(l: &Loaded) -> Vec<(u64, String, String)> {
    l.report
        .warnings
        .iter()
        .map(|w| (w.line, w.field.clone(), w.message.clone()))
        .collect()
}

fn own_file() -> Vec<u8> {
    let mut out = Vec::new();
    write_geojson(&mut out, &brief_incidents(), &ExtraColumns::new()).expect("write");
    out
}

/// A feature with the crate's own names, at (lon, lat).
fn point(id: &str, lon: &str, lat: &str) -> String {
    format!(
        r#"{{"type":"Feature","geometry":{{"type":"Point","coordinates":[{lon},{lat}]}},"properties":{{"id":"{id}","time":"2024-03-0{}","fatalities":1}}}}"#,
        id.len() % 9 + 1
    )
}

fn collection(features: &[String]) -> String {
    format!(
        "{{\"type\":\"FeatureCollection\",\"features\":[\n{}\n]}}",
        features.join(",\n")
    )
}

#[test]
fn a_file_with_a_utf8_bom_reads() {
    let mut file = b"\xEF\xBB\xBF".to_vec();
    file.extend(own_file());
    let l = read_geojson(file.as_slice(), &PropertyMap::new(), ReadOptions::new())
        .expect("a BOM is skipped");
    assert_eq!(l.incidents, brief_incidents());
    // The same through format detection.
    let l = read_any(file.as_slice(), ReadOptions::new()).expect("detected as GeoJSON");
    assert_eq!(l.report.format, Format::GeoJson);
    assert_eq!(l.incidents, brief_incidents());
}

/// A reader that gives one byte per call, as a slow pipe may: the BOM arrives in pieces.
struct OneByte<'a>(&'a [u8]);

impl std::io::Read for OneByte<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        match (self.0.split_first(), buf.first_mut()) {
            (Some((b, rest)), Some(slot)) => {
                *slot = *b;
                self.0 = rest;
                Ok(1)
            }
            _ => Ok(0),
        }
    }
}

#[test]
fn a_bom_split_across_reads_is_skipped_and_utf16_is_named() {
    let mut file = b"\xEF\xBB\xBF".to_vec();
    file.extend(own_file());
    let l = read_geojson(OneByte(&file), &PropertyMap::new(), ReadOptions::new())
        .expect("a BOM in pieces");
    assert_eq!(l.incidents, brief_incidents());
    let utf16 = read_geojson(
        &b"\xFF\xFE{\0}\0"[..],
        &PropertyMap::new(),
        ReadOptions::new(),
    )
    .expect_err("UTF-16")
    .to_string();
    assert!(utf16.contains("UTF-16"), "{utf16}");
}

#[test]
fn unreadable_features_are_rejected_alone_with_their_numbers() {
    let features = [
        point("A1", "0.80", "10.95"),
        r#"{"type":"Feature","geometry":{"type":"Pointy","coordinates":[0.8,10.9]},"properties":{"id":"A2","time":"2024-03-01"}}"#.to_string(),
        point("A3", "0.81", "10.96"),
        r#"{"type":"Feature","geometry":{"type":"Point","coordinates":["0.8","10.9"]},"properties":{"id":"A4","time":"2024-03-01"}}"#.to_string(),
        point("A5", "0.82", "10.97"),
        r#"{"type":"Feature","properties":{"id":"A6","time":"2024-03-01"}}"#.to_string(),
        r#"{"type":"Feature","geometry":{"type":"Point","coordinates":[0.8,10.9]},"properties":{"id":"A7","time":"2024-03-01","fatalities":[1,2]}}"#.to_string(),
        "42".to_string(),
        r#"{"type":"Feature","geometry":{"type":"Point","coordinates":[0.8,10.9]},"properties":{"id":"A9","time":"2024-03-01","fatalities":"many"}}"#.to_string(),
        r#"{"type":"Feature","geometry":{"type":"LineString","coordinates":[[0,11],[1,11]]},"properties":{"id":"A10","time":"2024-03-01"}}"#.to_string(),
        r#"{"type":"Feature","geometry":{"type":"Point","coordinates":[0.83,10.98]},"properties":"none"}"#.to_string(),
        point("A12", "0.84", "10.99"),
    ];
    let l = read(&collection(&features));
    accounted(&l);
    assert_eq!(l.report.rows_seen, 12);
    assert_eq!(l.report.accepted, 4);
    assert_eq!(l.lines, [1, 3, 5, 12]);
    let ids: Vec<&str> = l.incidents.iter().map(|i| i.source_id.as_str()).collect();
    assert_eq!(ids, ["A1", "A3", "A5", "A12"]);
    let got = problems(&l);
    let fields: Vec<(u64, &str)> = got.iter().map(|(n, f, _)| (*n, f.as_str())).collect();
    assert_eq!(
        fields,
        [
            (2, "geometry"),
            (4, "geometry"),
            (6, "geometry"),
            (7, "fatalities"),
            (8, "feature"),
            (8, "geometry"),
            (8, "time"),
            (9, "fatalities"),
            (10, "geometry"),
            (11, "properties"),
            (11, "time"),
        ],
        "{}",
        l.report
    );
    let reason = |n: u64, field: &str| -> &str {
        got.iter()
            .find(|(m, f, _)| *m == n && f == field)
            .map_or("", |(_, _, r)| r.as_str())
    };
    assert!(
        reason(2, "geometry").contains("not a GeoJSON geometry type"),
        "{got:?}"
    );
    assert_eq!(l.report.rejected[0].problems[0].value, "Pointy");
    assert!(reason(4, "geometry").contains("as JSON numbers"));
    assert_eq!(l.report.rejected[1].problems[0].value, r#"["0.8","10.9"]"#);
    assert!(reason(6, "geometry").contains("no geometry"));
    assert!(reason(7, "fatalities").contains("expected text or a number"));
    assert!(reason(8, "feature").contains("not a number"));
    assert!(reason(9, "fatalities").contains("not a whole number"));
    assert!(reason(10, "geometry").contains("only Point geometries"));
    assert!(reason(11, "properties").contains("not a string"));
    // The printed report calls them features.
    let text = l.report.to_string();
    assert!(
        text.contains("12 features, 4 accepted, 8 rejected"),
        "{text}"
    );
    assert!(
        text.contains("rejected feature 2 (id A2), geometry = \"Pointy\""),
        "{text}"
    );
    assert!(!text.contains(" line "), "{text}");
}

#[test]
fn strict_mode_names_the_feature() {
    let features = [
        point("S1", "0.80", "10.95"),
        r#"{"type":"Feature","geometry":{"type":"Pointy","coordinates":[0.8,10.9]},"properties":{"id":"S2","time":"2024-03-01"}}"#.to_string(),
    ];
    let err = read_geojson(
        collection(&features).as_bytes(),
        &PropertyMap::new(),
        ReadOptions::new().strict(true),
    )
    .expect_err("strict");
    match &err {
        Error::Feature { feature, field, .. } => {
            assert_eq!((*feature, field.as_str()), (2, "geometry"))
        }
        other => panic!("{other}"),
    }
    assert!(
        err.to_string().contains(": feature 2, field `geometry`"),
        "{err}"
    );
}

#[test]
fn broken_json_ends_the_read_naming_the_feature() {
    let good = point("B1", "0.80", "10.95");
    // Feature 3 lacks a colon.
    let text = format!(
        "{{\"type\":\"FeatureCollection\",\"features\":[\n{good},\n{good},\n{{\"type\" \"Feature\"}},\n{good}]}}"
    );
    let err = read_err(&text);
    assert!(err.contains("the JSON is broken in feature 3"), "{err}");
    assert!(err.contains("features 1 to 2 were read"), "{err}");
    assert!(err.contains("line 4"), "{err}");
    // Cut short inside feature 2.
    let text =
        format!("{{\"type\":\"FeatureCollection\",\"features\":[\n{good},\n{{\"type\":\"Fea");
    let err = read_err(&text);
    assert!(
        err.contains("ends in feature 2 (feature 1 was read)"),
        "{err}"
    );
    assert!(err.contains("cut short"), "{err}");
    // Broken before any feature.
    let err = read_err("{\"type\":\"FeatureCollection\",, \"features\":[]}");
    assert!(err.contains("broken before any feature"), "{err}");
    // Nothing at all.
    for empty in ["", "\u{feff}", "  \n"] {
        let err = read_err(empty);
        assert!(err.contains("empty or cut short"), "{err}");
    }
    // Not an object at all.
    let err = read_err("[1, 2]");
    assert!(
        err.contains("not a GeoJSON FeatureCollection or Feature"),
        "{err}"
    );
    // Something after the document.
    let err = read_err(&format!("{}\n{{}}", collection(&[good])));
    assert!(
        err.contains("after the last feature (1 feature was read)"),
        "{err}"
    );
}

/// As `ogr2ogr -f GeoJSON out.geojson acled.csv -oo X_POSSIBLE_NAMES=LONGITUDE ...` writes an
/// ACLED table: every column a property, capitals from old downloads, integers as numbers,
/// with the latitude and longitude kept as properties beside the geometry.
const ACLED_EXPORT: &str = r#"{
"type": "FeatureCollection",
"name": "acled_export",
"features": [
{ "type": "Feature", "properties": { "EVENT_ID_CNTY": "TGO9001", "EVENT_DATE": "20 July 2024", "YEAR": 2024, "TIME_PRECISION": 1, "DISORDER_TYPE": "Political violence", "EVENT_TYPE": "Battles", "SUB_EVENT_TYPE": "Armed clash", "ACTOR1": "Invented Armed Group", "ASSOC_ACTOR_1": "", "INTER1": 2, "ACTOR2": "Invented State Forces", "ASSOC_ACTOR_2": "Invented Militia; Invented Guards", "INTER2": 1, "ISO": 768, "COUNTRY": "Togo", "ADMIN1": "Savanes", "ADMIN2": "Kpendjal", "LOCATION": "Invented Village", "LATITUDE": 10.95, "LONGITUDE": 0.8, "GEO_PRECISION": 3, "FATALITIES": 6 }, "geometry": { "type": "Point", "coordinates": [ 0.8, 10.95 ] } },
{ "type": "Feature", "properties": { "event_id_cnty": "TGO9002", "event_date": "2024-07-21", "time_precision": "2", "event_type": "Violence against civilians", "sub_event_type": "Attack", "actor1": "Invented Armed Group", "inter1": "Rebel group", "actor2": "Civilians (Togo)", "inter2": "Civilians", "iso": "768", "country": "Togo", "admin1": "Savanes", "location": "Invented Hamlet", "latitude": "10.86", "longitude": "0.83", "geo_precision": "1", "fatalities": "12" }, "geometry": { "type": "Point", "coordinates": [ 0.83, 10.86 ] } },
{ "type": "Feature", "properties": { "event_id_cnty": "TGO9003", "event_date": "2024-07-22", "geo_precision": 5, "fatalities": 0 }, "geometry": { "type": "Point", "coordinates": [ 0.9, 10.7 ] } }
]
}"#;

#[test]
fn an_ogr2ogr_acled_export_reads_without_a_map() {
    let l = read(ACLED_EXPORT);
    accounted(&l);
    assert_eq!(l.report.accepted, 2, "{}", l.report);
    assert!(l.report.layout.contains("ACLED"), "{}", l.report.layout);
    let (a, b) = (&l.incidents[0], &l.incidents[1]);
    assert_eq!(a.source_id.as_str(), "TGO9001");
    assert_eq!(a.date.start.to_string(), "2024-07-20");
    assert_eq!(a.date.end, a.date.start);
    assert_eq!(a.fatalities.best, 6);
    assert_eq!(b.fatalities.best, 12); // written as text
    assert_eq!(a.kind, EventKind::Battle);
    assert_eq!(b.kind, EventKind::ViolenceAgainstCivilians);
    assert_eq!(a.event_type.as_deref(), Some("Battles"));
    assert_eq!(a.sub_event_type.as_deref(), Some("Armed clash"));
    let actor = |i: &conflict_risk::Incident, second: bool| {
        let a = if second {
            i.secondary_actor.as_ref()
        } else {
            i.primary_actor.as_ref()
        };
        a.map(|a| (a.name.to_string(), a.kind))
    };
    assert_eq!(
        actor(a, false),
        Some(("Invented Armed Group".into(), ActorKind::Rebel))
    );
    assert_eq!(
        actor(a, true),
        Some(("Invented State Forces".into(), ActorKind::State))
    );
    assert_eq!(actor(b, false).map(|a| a.1), Some(ActorKind::Rebel));
    assert_eq!(actor(b, true).map(|a| a.1), Some(ActorKind::Civilians));
    let assoc: Vec<&str> = a.associated_actors.iter().map(|a| &*a.name).collect();
    assert_eq!(assoc, ["Invented Militia", "Invented Guards"]);
    assert_eq!(
        (a.geo_precision, a.geo_precision_code),
        (GeoPrecision::Region, Some(3))
    );
    assert_eq!(
        (a.time_precision, a.time_precision_code),
        (TimePrecision::Day, Some(1))
    );
    assert_eq!(
        (b.geo_precision, b.geo_precision_code),
        (GeoPrecision::Exact, Some(1))
    );
    assert_eq!(
        (b.time_precision, b.time_precision_code),
        (TimePrecision::Week, Some(2))
    );
    for i in [a, b] {
        assert_eq!(i.country.map(|c| c.to_string()).as_deref(), Some("TGO"));
        assert_eq!(i.admin1.as_deref(), Some("Savanes"));
        assert_eq!(i.dataset, Dataset::Acled);
        assert!(i.ucdp.is_none());
    }
    assert_eq!(a.admin2.as_deref(), Some("Kpendjal"));
    assert_eq!(a.location_name.as_deref(), Some("Invented Village"));
    assert_eq!((b.lon, b.lat), (0.83, 10.86));
    // ACLED's geo_precision is 1 to 3.
    let got = problems(&l);
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!((got[0].0, got[0].1.as_str()), (3, "geo_precision"));
    assert!(got[0].2.contains("outside 1..=3"), "{got:?}");
    // Latitude and longitude properties agree with the geometry: no warning of theirs (the
    // checks warn that a Region-precise point stands for an area).
    let w = warnings(&l);
    assert!(w.iter().all(|(_, f, _)| f == "geo precision"), "{w:?}");
}

/// A UCDP GED table exported to GeoJSON, some numbers as text, ids and counts as floats as
/// the HDX copy writes them.
const UCDP_EXPORT: &str = r#"{"type":"FeatureCollection","features":[
{"type":"Feature","geometry":{"type":"Point","coordinates":[-1.52,12.37]},"properties":{"id":509001,"relid":"BFA-2023-1-000-01","year":2023,"type_of_violence":3,"conflict_name":"Invented conflict","side_a":"Invented Armed Group","side_b":"Civilians","where_coordinates":"Invented Town","adm_1":"Invented Region","adm_2":"Invented Province","latitude":12.37,"longitude":-1.52,"where_prec":4,"country":"Burkina Faso","date_prec":2,"date_start":"2023-10-06","date_end":"2023-10-08","deaths_a":0,"deaths_b":0,"deaths_civilians":9,"deaths_unknown":0,"best":9,"high":"12","low":"9.0","priogrid_gid":146157}},
{"type":"Feature","geometry":{"type":"Point","coordinates":[-1.6,12.4]},"properties":{"ID":509002.0,"TYPE_OF_VIOLENCE":"1","SIDE_A":"Government of Burkina Faso","SIDE_B":"Invented Armed Group","WHERE_PREC":"1","DATE_PREC":1,"DATE_START":"10/17/2023 00:00:00","DATE_END":"10/17/2023 00:00:00","BEST":"4","COUNTRY":"Burkina Faso"}}
]}"#;

#[test]
fn a_ucdp_named_export_reads_without_a_map() {
    let l = read(UCDP_EXPORT);
    accounted(&l);
    assert_eq!(l.report.accepted, 2, "{}", l.report);
    assert!(l.report.layout.contains("UCDP"), "{}", l.report.layout);
    let (a, b) = (&l.incidents[0], &l.incidents[1]);
    assert_eq!(a.source_id.as_str(), "509001");
    assert_eq!(b.source_id.as_str(), "509002"); // a float id kept whole
    assert_eq!(a.date.start.to_string(), "2023-10-06");
    assert_eq!(a.date.end.to_string(), "2023-10-08");
    assert_eq!(b.date.start.to_string(), "2023-10-17"); // MM/DD/YYYY, the order its 17 settles
    assert_eq!(a.fatalities.best, 9);
    assert_eq!((a.fatalities.low, a.fatalities.high), (Some(9), Some(12)));
    assert_eq!(b.fatalities.best, 4);
    assert_eq!(a.kind, EventKind::ViolenceAgainstCivilians);
    assert_eq!(b.kind, EventKind::Battle);
    assert_eq!(a.event_type.as_deref(), Some("one-sided violence"));
    assert_eq!(
        (a.geo_precision, a.geo_precision_code),
        (GeoPrecision::Region, Some(4))
    );
    assert_eq!(
        (a.time_precision, a.time_precision_code),
        (TimePrecision::FewDays, Some(2))
    );
    assert_eq!(
        (b.geo_precision, b.time_precision),
        (GeoPrecision::Exact, TimePrecision::Day)
    );
    let kinds = |i: &conflict_risk::Incident| {
        (
            i.primary_actor.as_ref().map(|a| a.kind),
            i.secondary_actor.as_ref().map(|a| a.kind),
        )
    };
    assert_eq!(
        kinds(a),
        (Some(ActorKind::Rebel), Some(ActorKind::Civilians))
    );
    assert_eq!(kinds(b), (Some(ActorKind::State), Some(ActorKind::Rebel)));
    assert_eq!(
        b.primary_actor.as_ref().map(|a| &*a.name),
        Some("Government of Burkina Faso")
    );
    assert_eq!(a.admin1.as_deref(), Some("Invented Region"));
    assert_eq!(a.admin2.as_deref(), Some("Invented Province"));
    assert_eq!(a.location_name.as_deref(), Some("Invented Town"));
    let u = a.ucdp.as_deref().expect("UCDP details");
    assert_eq!(u.type_of_violence, Some(3));
    assert_eq!(u.conflict_name.as_deref(), Some("Invented conflict"));
    assert_eq!(u.deaths_civilians, Some(9));
    assert_eq!(u.priogrid_gid, Some(146157));
    for i in [a, b] {
        assert_eq!(i.dataset, Dataset::UcdpGed);
        assert_eq!(i.country.map(|c| c.to_string()).as_deref(), Some("BFA"));
    }
}

#[test]
fn a_bad_ucdp_code_is_one_problem_and_own_details_round_trip() {
    let text = r#"{"type":"FeatureCollection","features":[
{"type":"Feature","geometry":{"type":"Point","coordinates":[-1.5,12.4]},"properties":{"id":1,"type_of_violence":5,"date_start":"2023-10-06","best":1}}
]}"#;
    let l = read(text);
    accounted(&l);
    assert_eq!(problems(&l).len(), 1, "{:?}", problems(&l));
    // The crate's own UCDP fields take any value it writes.
    let mut i = brief_incidents().remove(0);
    i.ucdp = Some(Box::new(conflict_risk::UcdpDetails {
        type_of_violence: Some(9),
        priogrid_gid: Some(0),
        ..Default::default()
    }));
    let mut out = Vec::new();
    write_geojson(&mut out, std::slice::from_ref(&i), &ExtraColumns::new()).expect("write");
    let back = read_geojson(
        out.as_slice(),
        &PropertyMap::new(),
        ReadOptions::new().strict(true),
    )
    .expect("own output reads strictly");
    assert_eq!(back.incidents, [i]);
}

#[test]
fn the_property_map_wins_and_aliases_fill_in() {
    let text = r#"{"type":"FeatureCollection","features":[
{"type":"Feature","geometry":{"type":"Point","coordinates":[0.8,10.9]},"properties":{"id":"M1","Reported":"2024-05-02","event_date":"2024-05-01","Deaths":3,"fatalities":7}},
{"type":"Feature","geometry":{"type":"Point","coordinates":[0.8,10.9]},"properties":{"id":"M2","event_date":"2024/05/01","fatalities":7}}
]}"#;
    // The map's names are matched ignoring case too.
    let map = PropertyMap::new().date("REPORTED").fatalities("deaths");
    let l = read_geojson(text.as_bytes(), &map, ReadOptions::new()).expect("read");
    accounted(&l);
    assert_eq!(l.report.accepted, 2, "{}", l.report);
    let (a, b) = (&l.incidents[0], &l.incidents[1]);
    assert_eq!(
        (a.date.start.to_string(), a.fatalities.best),
        ("2024-05-02".into(), 3)
    );
    // Without the map's names, the aliases; YYYY/MM/DD as some GIS tools write dates.
    assert_eq!(
        (b.date.start.to_string(), b.fatalities.best),
        ("2024-05-01".into(), 7)
    );
}

#[test]
fn repeated_property_names_warn() {
    let text = r#"{"type":"FeatureCollection","features":[
{"type":"Feature","geometry":{"type":"Point","coordinates":[0.8,10.9]},"properties":{"id":"D1","time":"2024-05-01","fatalities":1,"fatalities":3}},
{"type":"Feature","geometry":{"type":"Point","coordinates":[0.8,10.9]},"properties":{"id":"D2","time":"2024-05-01","FATALITIES":2,"fatalities":5}},
{"type":"Feature","geometry":{"type":"Point","coordinates":[0.8,10.9]},"properties":{"id":"D3","time":"2024-05-01","fatalities":4}}
]}"#;
    let l = read(text);
    accounted(&l);
    assert_eq!(l.report.accepted, 3);
    let best: Vec<i32> = l.incidents.iter().map(|i| i.fatalities.best).collect();
    assert_eq!(best, [3, 5, 4]); // the last value, as serde_json and JavaScript keep
    let w = warnings(&l);
    assert_eq!(w.len(), 2, "{w:?}");
    assert_eq!((w[0].0, w[0].1.as_str()), (1, "properties"));
    assert!(
        w[0].2.contains("`fatalities` appears more than once"),
        "{w:?}"
    );
    assert_eq!(w[1].0, 2);
    assert!(
        w[1].2
            .contains("`FATALITIES` and `fatalities` differ only in case"),
        "{w:?}"
    );
    assert!(l.report.to_string().contains("warning  feature 1 (id D1)"));
}

#[test]
fn latitude_longitude_properties_far_from_the_geometry_warn() {
    let text = r#"{"type":"FeatureCollection","features":[
{"type":"Feature","geometry":{"type":"Point","coordinates":[0.8,10.9]},"properties":{"id":"C1","time":"2024-05-01","latitude":10.9,"longitude":0.805}},
{"type":"Feature","geometry":{"type":"Point","coordinates":[0.8,10.9]},"properties":{"id":"C2","time":"2024-05-01","LATITUDE":"10.95","LONGITUDE":"0.8"}},
{"type":"Feature","geometry":{"type":"Point","coordinates":[0.8,10.9]},"properties":{"id":"C3","time":"2024-05-01","latitude":0.8,"longitude":10.9}}
]}"#;
    let l = read(text);
    accounted(&l);
    assert_eq!(l.report.accepted, 3);
    // The geometry is used.
    assert!(l.incidents.iter().all(|i| (i.lon, i.lat) == (0.8, 10.9)));
    let w = warnings(&l);
    // C1 is 0.55 km off: within the kilometre. C2 is 5.6 km off, C3 swapped.
    let numbers: Vec<(u64, &str)> = w.iter().map(|(n, f, _)| (*n, f.as_str())).collect();
    assert_eq!(
        numbers,
        [(2, "latitude, longitude"), (3, "latitude, longitude")],
        "{w:?}"
    );
    assert!(w[0].2.contains("5.6 km from the point geometry"), "{w:?}");
}

#[test]
fn a_crs_after_the_features_is_still_checked() {
    let features = collection(&[point("R1", "0.8", "10.9")]);
    let body = features.trim_end_matches('}');
    let mercator = format!(
        r#"{body},"crs":{{"type":"name","properties":{{"name":"urn:ogc:def:crs:EPSG::3857"}}}}}}"#
    );
    let err = read_err(&mercator);
    assert!(err.contains("EPSG::3857") && err.contains("CRS84"), "{err}");
    let crs84 = format!(
        r#"{body},"crs":{{"type":"name","properties":{{"name":"urn:ogc:def:crs:OGC:1.3:CRS84"}}}},"bbox":[0,0,1,1]}}"#
    );
    assert_eq!(read(&crs84).report.accepted, 1);
    // WGS 84 named by its EPSG code, as older tools write it: read, longitude first.
    for name in [
        "EPSG:4326",
        "urn:ogc:def:crs:EPSG::4326",
        "http://www.opengis.net/def/crs/EPSG/0/4326",
    ] {
        let epsg = format!(r#"{body},"crs":{{"type":"name","properties":{{"name":"{name}"}}}}}}"#);
        let l = read(&epsg);
        assert_eq!((l.report.accepted, l.incidents[0].lon), (1, 0.8), "{name}");
    }
    for name in ["EPSG:43260", "EPSG:32631"] {
        let other = format!(r#"{body},"crs":{{"type":"name","properties":{{"name":"{name}"}}}}}}"#);
        assert!(read_err(&other).contains(name), "{name}");
    }
    // Foreign members before the features, and `type` after them.
    let late_type = format!(
        r#"{{"name":"x","bbox":[0,0,1,1],"features":[{}],"type":"FeatureCollection"}}"#,
        point("R2", "0.8", "10.9")
    );
    assert_eq!(read(&late_type).report.accepted, 1);
}

#[test]
fn a_single_feature_reads_and_a_bare_geometry_is_refused() {
    let l = read(&point("F1", "0.8", "10.9"));
    assert_eq!(l.report.accepted, 1);
    assert_eq!(l.lines, [1]);
    assert!(
        l.report.layout.contains("single Feature"),
        "{}",
        l.report.layout
    );
    let err = read_err(r#"{"type":"Point","coordinates":[0.8,10.9]}"#);
    assert!(err.contains("bare geometry"), "{err}");
    let err = read_err(r#"{"type":"FeatureCollection"}"#);
    assert!(err.contains("without a `features` array"), "{err}");
}
