//! The readers on the real files in `../shared/data` (or the folder named by
//! `CONFLICT_RISK_DATA`). When `CI` is set a missing file fails the test; elsewhere the test
//! says it skipped.

mod common;

use std::collections::BTreeMap;

use common::data_file;
use conflict_risk::io::Format;
use conflict_risk::{GeoPrecision, IncidentSet, Loaded, ReadOptions, read_path};

fn codes(
    loaded: &Loaded,
    f: impl Fn(&conflict_risk::Incident) -> Option<u8>,
) -> BTreeMap<u8, usize> {
    let mut m = BTreeMap::new();
    for i in &loaded.incidents {
        if let Some(c) = f(i) {
            *m.entry(c).or_default() += 1;
        }
    }
    m
}

#[test]
fn burkina_web_export() {
    let Some(path) = data_file("ucdp_ged_bfa_gedevents-2025-01-17.csv") else {
        return;
    };
    let loaded = read_path(&path, ReadOptions::new().strict(true)).expect("reads strictly");
    let r = &loaded.report;
    println!("{r}");
    assert_eq!(r.format, Format::UcdpCsv);
    assert!(r.layout.contains("web export"), "{}", r.layout);
    assert_eq!((r.rows_seen, r.accepted, r.rejected.len()), (1504, 1504, 0));
    assert!(r.skipped.is_empty());
    assert_eq!(
        codes(&loaded, |i| i.geo_precision_code),
        BTreeMap::from([(1, 712), (2, 485), (3, 111), (4, 8), (5, 185), (6, 3)])
    );
    assert_eq!(
        codes(&loaded, |i| i.time_precision_code),
        BTreeMap::from([(1, 1178), (2, 256), (3, 14), (4, 52), (5, 4)])
    );
    // Coarse rows (where_prec 4-6) are kept with a warning each: 8 + 185 + 3.
    let coarse = loaded
        .incidents
        .iter()
        .filter(|i| i.geo_precision.is_coarse())
        .count();
    assert_eq!(coarse, 196);
    assert!(
        r.warnings
            .iter()
            .filter(|w| w.field == "geo precision")
            .count()
            == 196
    );
    // The first row, by hand from the file: id 497710, Nouna, 2023-10-06, best 0, high 12.
    let first = &loaded.incidents[0];
    assert_eq!(first.source_id.as_str(), "497710");
    assert_eq!((first.lon, first.lat), (-3.86305, 12.72939));
    assert_eq!(first.date.start.to_string(), "2023-10-06");
    assert_eq!(
        (first.fatalities.best, first.fatalities.high),
        (0, Some(12))
    );
    assert_eq!(
        first.ucdp.as_ref().and_then(|u| u.priogrid_gid),
        Some(147_953)
    );
    assert_eq!(first.geo_precision, GeoPrecision::Exact);
    let (set, report) = IncidentSet::validate(loaded.incidents);
    assert_eq!((set.len(), report.rejected.len()), (1504, 0));
}

#[test]
fn nigeria_hdx_copy() {
    let Some(path) = data_file("ucdp_ged_nga_hdx_conflict_data_nga.csv") else {
        return;
    };
    let loaded = read_path(&path, ReadOptions::new()).expect("reads");
    let r = &loaded.report;
    println!("{r}");
    assert_eq!(r.format, Format::UcdpCsv);
    assert!(r.layout.contains("HDX"), "{}", r.layout);
    assert_eq!((r.rows_seen, r.accepted, r.rejected.len()), (4603, 4603, 0));
    assert_eq!(r.skipped.len(), 1);
    assert_eq!(r.skipped[0].line, 2);
    assert!(r.skipped[0].reason.contains("HXL"));
    assert_eq!(
        codes(&loaded, |i| i.geo_precision_code),
        BTreeMap::from([(1, 2628), (2, 640), (3, 945), (4, 175), (5, 209), (6, 6)])
    );
    // Integers written as floats come back as integers: the first row is id 15960.0.
    assert_eq!(loaded.incidents[0].source_id.as_str(), "15960");
    assert_eq!(loaded.lines[0], 3);
    assert!(
        loaded
            .incidents
            .iter()
            .all(|i| i.country.map(|c| c.to_string()).as_deref() == Some("NGA"))
    );
}

/// PRIO-GRID cells computed from the coordinates agree with UCDP's own `priogrid_gid`.
#[test]
fn prio_grid_cells_match_ucdp_gids() {
    use conflict_risk::{CellId, Grid};
    for name in [
        "ucdp_ged_bfa_gedevents-2025-01-17.csv",
        "ucdp_ged_nga_hdx_conflict_data_nga.csv",
    ] {
        let Some(path) = data_file(name) else {
            return;
        };
        let loaded = read_path(&path, ReadOptions::new()).expect("reads");
        let mut checked = 0;
        let mut seen_147953 = false;
        for i in &loaded.incidents {
            let Some(gid) = i.ucdp.as_ref().and_then(|u| u.priogrid_gid) else {
                continue;
            };
            let cell = Grid::PrioGrid
                .cell_of(i.lon, i.lat)
                .expect("valid position");
            let CellId::Prio(p) = cell else {
                panic!("not a PRIO-GRID cell")
            };
            assert_eq!(
                p.gid(),
                gid,
                "{name} {}: ({}, {})",
                i.source_id.as_str(),
                i.lon,
                i.lat
            );
            seen_147953 |= gid == 147_953;
            checked += 1;
        }
        assert!(checked > 1000, "{name}: {checked}");
        if name.contains("bfa") {
            assert!(seen_147953, "the Burkina row with gid 147953");
        }
    }
}

/// The Burkina file against the Natural Earth polygons and border lines: 7 rows lie outside
/// Burkina (NER 3, MLI 3, NGA 1, as SOURCES.md lists; shapely agrees row by row), id 501478,
/// whose longitude sign error puts it in Nigeria, among them.
#[test]
fn burkina_rows_against_natural_earth_borders() {
    use conflict_risk::{BorderPair, Borders, CountryCode};
    let (Some(events), Some(polygons), Some(lines)) = (
        data_file("ucdp_ged_bfa_gedevents-2025-01-17.csv"),
        data_file("ne_50m_admin_0_countries_wafrica.geojson"),
        data_file("ne_10m_admin_0_boundary_lines_land_wafrica.geojson"),
    ) else {
        return;
    };
    let borders = Borders::from_paths(&[polygons, lines]).expect("Natural Earth reads");
    assert_eq!(borders.countries().len(), 8);
    assert_eq!(borders.lines().len(), 28);
    let loaded = read_path(&events, ReadOptions::new()).expect("reads");
    let (set, _) = IncidentSet::validate(loaded.incidents);
    let places = borders.place_all(&set);
    let mut outside: BTreeMap<String, usize> = BTreeMap::new();
    for (i, p) in set.incidents().iter().zip(&places) {
        if p.disagrees {
            let at = p.country.map_or("none".to_string(), |c| c.to_string());
            *outside.entry(at).or_default() += 1;
            if i.source_id.as_str() == "501478" {
                assert_eq!(p.country, CountryCode::new("NGA"));
            }
        }
    }
    assert_eq!(
        outside,
        BTreeMap::from([("MLI".into(), 3), ("NER".into(), 3), ("NGA".into(), 1)])
    );
    let bfa = CountryCode::new("BFA").expect("code");
    let tgo = BorderPair::new(bfa, CountryCode::new("TGO").expect("code"));
    let ben = BorderPair::new(bfa, CountryCode::new("BEN").expect("code"));
    let near_tgo = borders.near_border_by_year(&set, tgo, 100.0);
    let near_ben = borders.near_border_by_year(&set, ben, 100.0);
    println!("within 100 km of BFA–TGO: {near_tgo:?}\nwithin 100 km of BFA–BEN: {near_ben:?}");
    // Violence reached the south-east borders as the insurgency spread: more in 2023 than
    // in 2019 near both.
    assert!(near_tgo.get(&2023) > near_tgo.get(&2019));
    assert!(near_ben.get(&2023) > near_ben.get(&2019));
    // Every incident has a nearest border, and those near BFA–TGO are within 100 km of it.
    assert!(places.iter().all(|p| p.nearest.is_some()));
}
