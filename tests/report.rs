//! The corridor report, section by section, on hand-built scenarios whose answers are known:
//! the as-of cut, the complete-month rule, the merged cross-border verdict, the Togo/Benin
//! share, the cross-K verdict, and the JSON round trip.

use conflict_risk::jiff::civil::{Date, date};
use conflict_risk::report::{CrossBorder, NexusVerdict};
use conflict_risk::{
    Actor, ActorKind, Borders, CorridorReport, CountryCode, DateSpan, Incident, IncidentIndex,
    IncidentSet, ReportSpec, Site,
};

fn incident(id: &str, lon: f64, lat: f64, day: Date, country: &str, actor: &str) -> Incident {
    let mut i = Incident::new(id, lon, lat, DateSpan::day(day));
    i.country = CountryCode::new(country);
    i.primary_actor = Some(Actor::new(actor, ActorKind::Rebel));
    i
}

fn build(
    incidents: Vec<Incident>,
    borders: Option<&Borders>,
    sites: &[Site],
    spec: &ReportSpec,
) -> CorridorReport {
    let (set, report) = IncidentSet::validate(incidents);
    assert!(report.rejected.is_empty(), "{report}");
    CorridorReport::build(&IncidentIndex::new(&set), borders, sites, spec).expect("report builds")
}

/// `n` incidents within about 2 km of (lon, lat), one a day from `first`.
fn pile(
    prefix: &str,
    n: usize,
    lon: f64,
    lat: f64,
    first: Date,
    country: &str,
    actor: &str,
) -> Vec<Incident> {
    (0..n)
        .map(|k| {
            let day = first
                .checked_add(conflict_risk::jiff::Span::new().days(k as i64))
                .expect("a date in range");
            let dx = 0.004 * (k % 5) as f64;
            let dy = 0.004 * (k / 5) as f64;
            incident(
                &format!("{prefix}{k}"),
                lon + dx,
                lat + dy,
                day,
                country,
                actor,
            )
        })
        .collect()
}

#[test]
fn the_as_of_cut_leaves_later_incidents_out_of_every_figure() {
    let mut incidents = pile("a", 6, 0.5, 11.0, date(2024, 3, 1), "BFA", "JNIM");
    // Three incidents after the as-of date, right on the site: they must not count.
    incidents.extend(pile("late", 3, 0.8, 10.95, date(2024, 7, 1), "TGO", "JNIM"));
    let site = Site::new("base", 0.8, 10.95).expect("a valid site");
    let spec = ReportSpec::new().as_of(date(2024, 6, 30));
    let r = build(incidents, None, &[site], &spec);
    assert_eq!(r.as_of, date(2024, 6, 30));
    assert_eq!(r.data.incidents, 6);
    assert_eq!(r.data.after_as_of, 3);
    assert_eq!(r.clusters.incidents, 6);
    assert_eq!(r.clusters.clusters, 1);
    // The nearest incident is the pile 33 km away, not the later ones on the site.
    let nearest = r.sites.rows[0]
        .nearest
        .as_ref()
        .expect("a nearest incident")
        .distance_km;
    assert!((30.0..40.0).contains(&nearest), "{nearest}");
    assert_eq!(
        r.data.by_country.iter().map(|c| c.count).sum::<u64>(),
        6,
        "only the cut set is counted by country"
    );
    // Without an as-of date, the latest incident's last day is used and nothing is cut.
    let all = build(
        pile("b", 4, 0.5, 11.0, date(2024, 3, 1), "BFA", "JNIM"),
        None,
        &[],
        &ReportSpec::new(),
    );
    assert_eq!((all.as_of, all.data.after_as_of), (date(2024, 3, 4), 0));
}

#[test]
fn the_tempo_counts_whole_months_only() {
    // One incident a day from 2022-06-01 to 2024-06-15: the as-of month is incomplete.
    let incidents = pile("t", 746, 0.5, 11.0, date(2022, 6, 1), "BFA", "JNIM");
    let spec = ReportSpec::new().as_of(date(2024, 6, 15));
    let r = build(incidents.clone(), None, &[], &spec);
    assert_eq!(r.tempo.month_end, date(2024, 5, 31));
    assert!(r.tempo.incomplete_month);
    assert_eq!(r.tempo.months, 24, "2022-06 to 2024-05");
    // May 2024 has 31 incidents, April 30: the half month of June is not a fall.
    assert_eq!(r.tempo.last_24.last(), Some(&31));
    assert_eq!(r.tempo.last_24[r.tempo.last_24.len() - 2], 30);
    assert!(r.to_string().contains("the series end on 2024-05-31"));
    // On the last day of a month, that month counts.
    let r = build(
        incidents,
        None,
        &[],
        &ReportSpec::new().as_of(date(2024, 5, 31)),
    );
    assert_eq!(r.tempo.month_end, date(2024, 5, 31));
    assert!(!r.tempo.incomplete_month);
    assert!(!r.to_string().contains("is not complete"));
    let all = &r.tempo.rows[0];
    assert_eq!(all.series, "all");
    let y = all.year_on_year.as_ref().expect("24 months");
    // 2023-06..2024-05 against 2022-06..2023-05: 366 days against 365 (2024 is a leap year).
    assert_eq!((y.last_12, y.previous_12), (366, 365));
}

/// Two square countries side by side, BFA west of 0° and TGO east of it, with their border.
fn two_countries() -> Borders {
    let doc = r#"{"type":"FeatureCollection","features":[
      {"type":"Feature","properties":{"ADM0_A3":"BFA"},"geometry":{"type":"Polygon",
       "coordinates":[[[-2,10],[0,10],[0,12],[-2,12],[-2,10]]]}},
      {"type":"Feature","properties":{"ADM0_A3":"TGO"},"geometry":{"type":"Polygon",
       "coordinates":[[[0,10],[2,10],[2,12],[0,12],[0,10]]]}},
      {"type":"Feature","properties":{"adm0_a3_l":"BFA","adm0_a3_r":"TGO"},
       "geometry":{"type":"LineString","coordinates":[[0,10],[0,12]]}}]}"#;
    Borders::from_reader(doc.as_bytes()).expect("valid borders")
}

#[test]
fn cross_border_clusters_are_judged_by_polygons_with_borders_and_by_records_without() {
    let day = date(2024, 5, 1);
    // A cluster straddling 0°: 5 incidents in BFA's polygon, 5 in TGO's, all recorded BFA.
    let mut incidents = pile("w", 5, -0.03, 11.0, day, "BFA", "JNIM");
    incidents.extend(pile("e", 5, 0.01, 11.0, day, "BFA", "JNIM"));
    // A cluster far inside TGO, recorded partly as BEN: crosses only by its records.
    incidents.extend(pile("r", 5, 1.5, 10.5, day, "TGO", "JNIM"));
    incidents.extend(pile("s", 5, 1.51, 10.51, day, "BEN", "JNIM"));
    let spec = ReportSpec::new().as_of(date(2024, 6, 30));

    let with = build(incidents.clone(), Some(&two_countries()), &[], &spec);
    assert_eq!(with.clusters.clusters, 2);
    assert_eq!(with.clusters.cross_border, 1);
    let crossing: Vec<&CrossBorder> = with
        .clusters
        .rows
        .iter()
        .filter_map(|r| r.cross_border.as_ref())
        .collect();
    assert_eq!(crossing.len(), 1);
    let c = crossing[0];
    assert!(!c.recorded_only);
    let members: Vec<(&str, u64)> = c
        .countries
        .iter()
        .map(|m| (m.key.as_str(), m.count))
        .collect();
    assert_eq!(members, vec![("BFA", 5), ("TGO", 5)]);
    assert_eq!(c.hull_crosses, vec!["BFA–TGO".to_string()]);
    assert_eq!(c.to_string(), "BFA 5, TGO 5; hull crosses BFA–TGO");
    // The border section sees the 5 incidents recorded BFA that lie in TGO, and the 5 recorded
    // BEN that lie in TGO.
    let b = with.borders.as_ref().expect("a border section");
    assert_eq!(b.misplaced.len(), 10);
    assert_eq!(b.in_no_polygon, 0);

    let without = build(incidents, None, &[], &spec);
    assert!(without.borders.is_none());
    assert_eq!(without.clusters.cross_border, 1);
    let c = without
        .clusters
        .rows
        .iter()
        .find_map(|r| r.cross_border.as_ref())
        .expect("one cluster crosses by its records");
    assert!(c.recorded_only);
    assert_eq!(c.to_string(), "recorded countries differ");
    let recorded: Vec<&str> = c.countries.iter().map(|m| m.key.as_str()).collect();
    assert_eq!(recorded.len(), 2);
    assert!(recorded.contains(&"TGO") && recorded.contains(&"BEN"));
}

#[test]
fn the_togo_benin_share_counts_the_group_by_recorded_country_and_year() {
    let mut incidents = Vec::new();
    // 2023: 4 JNIM incidents in BFA, 1 in TGO: 20%. 2024: 2 in BFA, 1 TGO, 1 BEN: 50%.
    incidents.extend(pile("a", 4, -1.0, 12.0, date(2023, 3, 1), "BFA", "JNIM"));
    incidents.extend(pile("b", 1, 0.5, 10.8, date(2023, 4, 1), "TGO", "JNIM"));
    incidents.extend(pile("c", 2, -1.0, 12.0, date(2024, 3, 1), "BFA", "JNIM"));
    incidents.extend(pile("d", 1, 0.5, 10.8, date(2024, 4, 1), "TGO", "JNIM"));
    incidents.extend(pile("e", 1, 2.0, 11.0, date(2024, 5, 1), "BEN", "JNIM"));
    // Other groups in Togo do not count.
    incidents.extend(pile(
        "f",
        3,
        0.5,
        10.8,
        date(2024, 5, 1),
        "TGO",
        "Islamic State Sahel",
    ));
    let r = build(
        incidents,
        None,
        &[],
        &ReportSpec::new().as_of(date(2024, 12, 31)),
    );
    let share: Vec<(i16, Option<f64>)> =
        r.expansion.share.iter().map(|s| (s.year, s.pct)).collect();
    assert_eq!(share, vec![(2023, Some(20.0)), (2024, Some(50.0))]);
    assert!(
        r.to_string()
            .contains("share of JNIM incidents recorded in Togo or Benin: 2023: 20%, 2024: 50%")
    );
    assert!(!r.expansion.partial_last_year);
}

#[test]
fn the_cross_k_verdict_follows_the_test() {
    let day = date(2024, 2, 1);
    // Twenty spots 100 km apart, each with one JNIM and one IS Sahel incident: every pair of
    // the two groups sits together, far more than label shuffles give.
    let mut together = Vec::new();
    for k in 0..20 {
        let lon = -5.0 + k as f64;
        together.push(incident(&format!("j{k}"), lon, 12.0, day, "BFA", "JNIM"));
        together.push(incident(
            &format!("i{k}"),
            lon + 0.01,
            12.0,
            day,
            "BFA",
            "Islamic State Sahel",
        ));
    }
    let spec = ReportSpec::new()
        .as_of(date(2024, 12, 31))
        .nexus_pairs(&[("JNIM", "IS Sahel"), ("JNIM", "Ansaru")])
        .expect("valid pairs");
    let r = build(together, None, &[], &spec);
    let is = &r.nexus[0];
    assert_eq!((is.incidents_a, is.incidents_b), (20, 20));
    assert_eq!(is.cross_observed, 20);
    assert!(is.cross_p <= 0.05, "p = {}", is.cross_p);
    assert_eq!(is.verdict, NexusVerdict::CloserThanChance);
    // Ansaru is absent.
    let ansaru = &r.nexus[1];
    assert_eq!(ansaru.incidents_b, 0);
    assert_eq!(ansaru.verdict, NexusVerdict::OneGroupAbsent);
    assert!(r.to_string().contains("one group is absent"));

    // The groups in separate places: not closer than chance.
    let mut apart = pile("j", 10, -2.0, 13.0, day, "BFA", "JNIM");
    apart.extend(pile("i", 10, 1.0, 14.0, day, "NER", "Islamic State Sahel"));
    apart.extend(pile("k", 10, 3.0, 11.0, day, "BEN", "JNIM"));
    apart.extend(pile("l", 10, 3.02, 11.0, day, "BEN", "Islamic State Sahel"));
    let r = build(apart, None, &[], &spec);
    let is = &r.nexus[0];
    assert_eq!(
        is.verdict,
        NexusVerdict::NotCloserThanChance,
        "p = {}",
        is.cross_p
    );
}

#[test]
fn the_report_round_trips_through_json_and_prints_no_nan() {
    let mut incidents = pile("a", 30, 0.5, 11.0, date(2023, 1, 1), "BFA", "JNIM");
    incidents.extend(pile(
        "b",
        30,
        0.6,
        11.1,
        date(2024, 1, 1),
        "TGO",
        "Islamic State Sahel",
    ));
    let sites = [
        Site::new("near", 0.55, 11.05).expect("a valid site"),
        Site::new("far away, no incident", 14.0, 5.0).expect("a valid site"),
    ];
    let spec = ReportSpec::new().as_of(date(2024, 12, 31));
    let r = build(incidents, Some(&two_countries()), &sites, &spec);
    let json = serde_json::to_string(&r).expect("serialises");
    let back: CorridorReport = serde_json::from_str(&json).expect("deserialises");
    assert_eq!(serde_json::to_string(&back).expect("serialises"), json);
    assert_eq!(back.to_string(), r.to_string());
    assert_eq!(back.spec, spec);
    let text = r.to_string();
    assert!(!text.contains("NaN") && !text.contains("inf"), "{text}");
    // A report read back has no layers to write, and says so.
    let dir = std::env::temp_dir().join("conflict_risk_report_round_trip");
    let err = back.write_layers(&dir, 400).expect_err("no layers");
    assert!(err.to_string().contains("no layers"), "{err}");
}

#[test]
fn layers_are_written_where_asked() {
    let incidents = pile("a", 12, 0.5, 11.0, date(2024, 1, 1), "BFA", "JNIM");
    let r = build(
        incidents,
        Some(&two_countries()),
        &[],
        &ReportSpec::new().as_of(date(2024, 12, 31)),
    );
    let dir = std::env::temp_dir().join(format!("conflict_risk_layers_{}", std::process::id()));
    let written = r.write_layers(&dir, 400).expect("layers written");
    let text = std::fs::read_to_string(&written.incidents).expect("incidents written");
    assert_eq!(text.matches("\"Feature\"").count(), 12);
    assert!(
        text.contains("\"country_by_polygon\":\"TGO\""),
        "{}",
        &text[..600]
    );
    assert!(text.contains("\"groups\":\"JNIM\""));
    assert!(written.clusters.is_file() && written.risk_cells.is_file());
    #[cfg(feature = "map")]
    assert!(written.map.as_ref().is_some_and(|m| m.is_file()));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn an_as_of_date_far_past_the_data_is_refused_not_reported_as_calm() {
    let incidents = pile("a", 12, 0.5, 11.0, date(2023, 3, 1), "BFA", "JNIM");
    let (set, _) = IncidentSet::validate(incidents);
    let index = IncidentIndex::new(&set);
    let far = ReportSpec::new().as_of(date(9999, 12, 31));
    let err = CorridorReport::build(&index, None, &[], &far).expect_err("refused");
    let text = err.to_string();
    assert!(text.contains("9999-12-31"), "{text}");
    assert!(
        text.contains("the data runs from 2023-03-01 to 2023-03-12"),
        "{text}"
    );
    let before = ReportSpec::new().as_of(date(2020, 1, 1));
    let err = CorridorReport::build(&index, None, &[], &before).expect_err("refused");
    assert!(err.to_string().contains("before the data starts"), "{err}");
    // A month after the data ends: kept, with a warning in words.
    let later = ReportSpec::new().as_of(date(2023, 4, 11));
    let r = CorridorReport::build(&index, None, &[], &later).expect("kept");
    assert_eq!(r.data.warnings.len(), 1);
    assert!(
        r.to_string()
            .contains("warning: the data ends on 2023-03-12, 30 days before the as-of date"),
        "{r}"
    );
    let risk = conflict_risk::report::RiskMapSpec::new().as_of(date(9999, 12, 31));
    assert!(conflict_risk::report::RiskMap::build(&index, None, &[], &risk).is_err());
}

/// The rows of a CSV file as maps from column to value.
fn csv_rows(path: &std::path::Path) -> Vec<std::collections::HashMap<String, String>> {
    let text = std::fs::read_to_string(path).expect("a CSV file");
    let mut rows = csv::Reader::from_reader(text.as_bytes());
    let headers = rows.headers().expect("header").clone();
    rows.records()
        .map(|r| {
            let r = r.expect("row");
            headers
                .iter()
                .zip(r.iter())
                .map(|(h, v)| (h.to_string(), v.to_string()))
                .collect()
        })
        .collect()
}

#[test]
fn prio_grid_gi_star_reaches_the_eight_surrounding_cells_by_default() {
    let mut incidents = pile("a", 30, 0.5, 11.0, date(2023, 3, 1), "BFA", "JNIM");
    incidents.extend(pile("b", 5, 1.6, 11.9, date(2023, 3, 1), "BFA", "JNIM"));
    let (set, _) = IncidentSet::validate(incidents);
    let index = IncidentIndex::new(&set);
    let region = conflict_risk::BoundingBox::new(0.0, 10.0, 3.0, 13.0).expect("box");
    let spec = |grid| {
        conflict_risk::report::RiskMapSpec::new()
            .as_of(date(2023, 4, 1))
            .region(region)
            .grid(grid)
    };
    // PRIO-GRID's 0.5° cells are 54-78 km apart here (the diagonal farthest), past the 50 km
    // bandwidth: the Gi* band is widened to the farthest diagonal, and no cell is alone.
    let prio = conflict_risk::report::RiskMap::build(
        &index,
        None,
        &[],
        &spec(conflict_risk::Grid::PrioGrid),
    )
    .expect("built");
    assert!(
        (77.5..78.5).contains(&prio.gi_band_km),
        "{}",
        prio.gi_band_km
    );
    assert!(
        !prio.warnings.iter().any(|w| w.starts_with("Gi*")),
        "{:?}",
        prio.warnings
    );
    assert!(
        prio.to_string()
            .contains("the bandwidth widened to reach every cell's adjacent cells")
    );
    let dir = std::env::temp_dir().join(format!("conflict-risk-gi-{}", std::process::id()));
    let [_, csv] = prio.write_layers(&dir).expect("written");
    let rows = csv_rows(&csv);
    let _ = std::fs::remove_dir_all(&dir);
    // 6 x 6 cells: the 16 interior ones see themselves and their 8 neighbours, the 4 corners
    // 4 cells, the 16 others on the rim 6.
    let mut sizes: Vec<usize> = rows
        .iter()
        .map(|r| r["gi_neighbours"].parse().expect("a count"))
        .collect();
    sizes.sort_unstable();
    let expected: Vec<usize> = [(4, 4), (6, 16), (9, 16)]
        .iter()
        .flat_map(|&(size, n)| std::iter::repeat_n(size, n))
        .collect();
    assert_eq!(sizes, expected);
    // Only the two cells that hold incidents carry an emerging trend in the layer.
    assert_eq!(
        rows.iter().filter(|r| !r["trend_tau"].is_empty()).count(),
        2
    );
    // H3 at resolution 5 (cells about 15 km apart): the 50 km bandwidth already reaches.
    let h3 = conflict_risk::report::RiskMap::build(
        &index,
        None,
        &[],
        &spec(conflict_risk::Grid::h3(5).expect("res")),
    )
    .expect("built");
    assert_eq!(h3.gi_band_km, 50.0);
    assert!(
        !h3.warnings.iter().any(|w| w.starts_with("Gi*")),
        "{:?}",
        h3.warnings
    );
}

#[test]
fn gi_star_ignores_cells_outside_the_coverage() {
    // Incidents recorded BFA only, over the two square countries: the TGO cells are no data.
    let borders = two_countries();
    let (set, _) = IncidentSet::validate(burkina_only());
    let index = IncidentIndex::new(&set);
    let spec = conflict_risk::report::RiskMapSpec::new()
        .as_of(date(2024, 12, 31))
        .region(conflict_risk::BoundingBox::new(-2.0, 10.0, 2.0, 12.0).expect("box"))
        .grid(conflict_risk::Grid::PrioGrid);
    let site = Site::new("in TGO", 1.0, 11.0).expect("a site");
    let map = conflict_risk::report::RiskMap::build(&index, Some(&borders), &[site], &spec)
        .expect("built");
    assert_eq!((map.cells, map.cells_uncovered), (16, 16));
    assert!(map.sites[0].no_data.is_some());
    let dir = std::env::temp_dir().join(format!("conflict-risk-cov-{}", std::process::id()));
    let [_, csv] = map.write_layers(&dir).expect("written");
    let rows = csv_rows(&csv);
    let _ = std::fs::remove_dir_all(&dir);
    // Only BFA's cells are written, and Gi* is computed over them alone: its z-scores over
    // the 16 cells sum as they would for those 16 values and nothing else.
    assert_eq!(rows.len(), 16);
    let values: Vec<f64> = rows
        .iter()
        .map(|r| r["weighted_count"].parse().expect("a number"))
        .collect();
    let centres: Vec<_> = rows
        .iter()
        .map(|r| {
            let gid: u32 = r["gid"].parse().expect("gid");
            conflict_risk::CellId::Prio(conflict_risk::surface::PrioCell::new(gid).expect("cell"))
                .centre()
        })
        .collect();
    assert!(centres.iter().all(|c| c.x() < 0.0));
    let gi =
        conflict_risk::GiStar::new(conflict_risk::Neighbours::DistanceBand { km: map.gi_band_km })
            .expect("band")
            .fdr(true)
            .run(&centres, &values)
            .expect("Gi*");
    for (row, cell) in rows.iter().zip(&gi.cells) {
        let z: f64 = row["gi_z"].parse().expect("z");
        assert!((z - cell.z).abs() < 1e-6, "{z} vs {}", cell.z);
    }
    // With the 16 empty Togo cells among them, the z-scores would differ: the test can tell.
    let mut all_centres = centres.clone();
    let mut all_values = values.clone();
    for c in &centres {
        all_centres.push(conflict_risk::geo::Point::new(c.x() + 2.0, c.y()));
        all_values.push(0.0);
    }
    let with_togo =
        conflict_risk::GiStar::new(conflict_risk::Neighbours::DistanceBand { km: map.gi_band_km })
            .expect("band")
            .fdr(true)
            .run(&all_centres, &all_values)
            .expect("Gi*");
    assert!(
        gi.cells
            .iter()
            .zip(&with_togo.cells)
            .any(|(a, b)| (a.z - b.z).abs() > 0.1)
    );
}

/// A Burkina-only data set over the two square countries: JNIM in BFA over two years, one
/// event recorded BFA whose position lies in TGO (a sign error), three events tied on a
/// department centroid, and a precise one farther off.
fn burkina_only() -> Vec<Incident> {
    let mut incidents = Vec::new();
    for year in [2022, 2023, 2024] {
        incidents.extend(pile(
            &format!("p{year}"),
            12,
            -1.0,
            11.0,
            date(year, 3, 1),
            "BFA",
            "JNIM",
        ));
    }
    for i in &mut incidents {
        i.geo_precision = conflict_risk::GeoPrecision::Exact;
    }
    incidents.push(incident(
        "sign-error",
        0.05,
        11.0,
        date(2024, 6, 1),
        "BFA",
        "JNIM",
    ));
    for (k, day) in [date(2024, 2, 1), date(2024, 9, 15), date(2024, 5, 1)]
        .into_iter()
        .enumerate()
    {
        let mut i = incident(&format!("tie{k}"), -0.6, 11.4, day, "BFA", "JNIM");
        i.geo_precision = conflict_risk::GeoPrecision::Region;
        incidents.push(i);
    }
    incidents
}

fn burkina_spec() -> ReportSpec {
    ReportSpec::new()
        .as_of(date(2024, 12, 31))
        .surface(
            conflict_risk::BoundingBox::new(-2.0, 10.0, 2.0, 12.0).expect("a box"),
            conflict_risk::Grid::PrioGrid,
            50.0,
            180.0,
        )
        .expect("a valid surface")
}

#[test]
fn a_burkina_only_set_reports_togo_and_benin_as_no_data_not_zero() {
    let borders = two_countries();
    let in_bfa = Site::new("in BFA", -0.3, 11.0).expect("a site");
    let in_tgo = Site::new("in TGO", 1.0, 11.0).expect("a site");
    let r = build(
        burkina_only(),
        Some(&borders),
        &[in_bfa, in_tgo],
        &burkina_spec(),
    );
    assert!(r.data.coverage_checked);
    assert_eq!(
        r.data.coverage.countries(),
        [CountryCode::new("BFA").unwrap()]
    );
    // The share of JNIM in Togo or Benin is no data, not 0%.
    assert!(r.expansion.share.is_empty());
    assert_eq!(r.expansion.share_uncovered, ["TGO", "BEN"]);
    let text = r.to_string();
    assert!(
        text.contains("recorded in Togo or Benin: no data (no source covers TGO, BEN)"),
        "{text}"
    );
    assert!(!text.contains(": 0%"), "{text}");
    // The tempo's Togo and Benin series are no data; Burkina's is counted.
    let tgo = r
        .tempo
        .rows
        .iter()
        .find(|t| t.series == "TGO")
        .expect("TGO row");
    assert_eq!(tgo.no_data.as_deref(), Some("no source covers TGO"));
    let bfa = r
        .tempo
        .rows
        .iter()
        .find(|t| t.series == "BFA")
        .expect("BFA row");
    assert!(bfa.no_data.is_none() && bfa.year_on_year.is_some());
    // The site in Togo has no figures; its nearest incident is an upper bound.
    let tgo_site = &r.sites.rows[1];
    let why = tgo_site.no_data.as_deref().expect("no data");
    assert!(why.contains("outside the covered area (TGO)"), "{why}");
    assert!(tgo_site.exposure.is_empty() && tgo_site.trend.is_none());
    assert!(tgo_site.risk_percentile.is_none());
    assert!(text.contains("no data: it lies outside the covered area (TGO)"));
    assert!(r.sites.rows[0].no_data.is_none());
}

#[test]
fn percentiles_rank_among_covered_cells_only() {
    use conflict_risk::{Grid, KernelSurface, WeightPolicy};
    let borders = two_countries();
    let site = Site::new("in BFA", -0.3, 11.0).expect("a site");
    let incidents = burkina_only();
    let r = build(
        incidents.clone(),
        Some(&borders),
        std::slice::from_ref(&site),
        &burkina_spec(),
    );
    // The box holds 8 x 4 PRIO-GRID cells: 16 centres in BFA, 16 in TGO.
    assert_eq!((r.sites.risk_cells, r.sites.risk_cells_uncovered), (16, 16));
    // The site's percentile, recomputed over the BFA cells, and over all 32 cells.
    let (set, _) = IncidentSet::validate(incidents);
    let index = IncidentIndex::new(&set);
    let kernel = KernelSurface::new(
        50.0,
        WeightPolicy::new(date(2024, 12, 31))
            .half_life_days(180.0)
            .expect("a half-life"),
    )
    .expect("a kernel");
    let region = conflict_risk::BoundingBox::new(-2.0, 10.0, 2.0, 12.0).expect("a box");
    let all_cells = Grid::PrioGrid.cover(&region).expect("cells");
    let bfa_cells: Vec<_> = all_cells
        .iter()
        .copied()
        .filter(|c| c.centre().x() < 0.0)
        .collect();
    let risk_at = |cells: &[conflict_risk::CellId]| {
        let surface = kernel.run(&index, cells);
        let raw = surface.at(&index, site.point()).expect("a point").raw;
        surface.percentile_of(raw)
    };
    let covered = risk_at(&bfa_cells);
    let everywhere = risk_at(&all_cells);
    assert_eq!(r.sites.rows[0].risk_percentile, Some(covered));
    // The 16 empty Togo cells would have raised it: the test can tell the two apart.
    assert!(everywhere > covered, "{everywhere} vs {covered}");
}

#[test]
fn a_misplaced_event_is_left_out_of_the_site_table_and_counted() {
    let borders = two_countries();
    let site = Site::new("in BFA", -0.3, 11.0).expect("a site");
    let r = build(
        burkina_only(),
        Some(&borders),
        std::slice::from_ref(&site),
        &burkina_spec(),
    );
    assert_eq!(r.sites.suspect_left_out, ["sign-error"]);
    let nearest = r.sites.rows[0]
        .nearest
        .as_ref()
        .expect("a nearest incident");
    assert_ne!(nearest.source_id, "sign-error");
    assert!(
        r.to_string()
            .contains("1 suspect event left out of these figures (they lie in another country's polygon than their record names, or in none; section 3 lists them): sign-error")
    );
    // Kept on request: the sign error, 38 km east, is then the nearest.
    let kept = build(
        burkina_only(),
        Some(&borders),
        &[site],
        &burkina_spec().keep_suspect_in_sites(true),
    );
    assert!(kept.sites.suspect_left_out.is_empty());
    let nearest = kept.sites.rows[0]
        .nearest
        .as_ref()
        .expect("a nearest incident");
    assert_eq!(nearest.source_id, "sign-error");
    assert!(
        (nearest.distance_km - 38.2).abs() < 0.1,
        "{}",
        nearest.distance_km
    );
}

#[test]
fn tied_nearest_incidents_show_the_most_recent_date_and_the_nearest_precise_one() {
    // A site 1 km from the three events tied on a department centroid.
    let site = Site::new("near the centroid", -0.6, 11.409).expect("a site");
    let r = build(burkina_only(), None, &[site], &burkina_spec());
    let row = &r.sites.rows[0];
    let nearest = row.nearest.as_ref().expect("a nearest incident");
    assert_eq!(nearest.tied, 3);
    assert_eq!(nearest.date, date(2024, 9, 15), "the latest of the three");
    assert_eq!(nearest.precision, conflict_risk::GeoPrecision::Region);
    // The nearest located precisely is the pile at -1.0, 11.0, about 63 km off.
    let precise = row.nearest_precise.as_ref().expect("a precise incident");
    assert!(precise.source_id.starts_with('p'));
    assert!(
        (55.0..70.0).contains(&precise.distance_km),
        "{}",
        precise.distance_km
    );
    // Without polygons the area is not checked, and the text says so.
    assert!(!r.data.coverage_checked);
    assert!(r.to_string().contains("NOT CHECKED (no country polygons)"));
}

#[test]
fn sources_that_end_on_different_days_warn_and_compare_up_to_the_earliest_end() {
    use conflict_risk::Source;
    // Burkina (UCDP-like) daily to 2023-12-30; Benin (ACLED-like) daily to 2022-12-28.
    let (bfa, ben) = (r_bfa(), r_ben());
    assert_eq!(bfa.last().map(|i| i.date.end), Some(date(2023, 12, 30)));
    assert_eq!(ben.last().map(|i| i.date.end), Some(date(2022, 12, 28)));
    let spec = ReportSpec::new()
        .source(Source::described("ucdp").covering(&bfa))
        .source(Source::described("acled").covering(&ben));
    let mut all = bfa;
    all.extend(ben);
    let r = build(all, None, &[], &spec);
    assert_eq!(r.as_of, date(2023, 12, 30));
    let warning = r
        .data
        .warnings
        .iter()
        .find(|w| w.contains("different days"))
        .expect("a warning");
    assert!(warning.contains("acled on 2022-12-28"), "{warning}");
    // The tempo ends with the last complete month both cover: no fall made by Benin's end.
    assert_eq!(r.tempo.sources_end, Some(date(2022, 12, 28)));
    assert_eq!(r.tempo.month_end, date(2022, 11, 30));
    let ben_row = r
        .tempo
        .rows
        .iter()
        .find(|t| t.series == "BEN")
        .expect("BEN");
    let y = ben_row.year_on_year.as_ref().expect("24 months");
    assert_eq!(
        (y.last_12, y.previous_12),
        (365, 365),
        "2021-12..2022-11 vs before"
    );
    let text = r.to_string();
    assert!(
        text.contains("warning: the sources end on different days"),
        "{text}"
    );
    assert!(text.contains("the series end on 2022-11-30"), "{text}");
    // Benin's share of JNIM is no data after Benin's file ends; the years before are counted.
    let spec_share = |as_of| {
        ReportSpec::new()
            .as_of(as_of)
            .source(Source::described("ucdp").covering(&r_bfa()))
            .source(Source::described("acled").covering(&r_ben()))
    };
    let mut both = r_bfa();
    both.extend(r_ben());
    let r = build(both.clone(), None, &[], &spec_share(date(2023, 12, 30)));
    let share: Vec<(i16, bool)> = r
        .expansion
        .share
        .iter()
        .map(|s| (s.year, s.pct.is_some()))
        .collect();
    assert_eq!(
        share,
        [(2020, true), (2021, true), (2022, true), (2023, false)]
    );
    assert!(r.to_string().contains("2023: no data"));
    assert_eq!(r.expansion.sources_end, Some(date(2022, 12, 28)));
    assert!(
        r.to_string()
            .contains("later years hold only the sources still running")
    );
    // 2023, past Benin's end, has no change and no front latitude; 2022 has both.
    let y2023 = r
        .expansion
        .rows
        .iter()
        .find(|r| r.year == 2023)
        .expect("2023");
    assert_eq!((y2023.change, y2023.front_lat_p10), (None, None));
    let y2022 = r
        .expansion
        .rows
        .iter()
        .find(|r| r.year == 2022)
        .expect("2022");
    assert!(y2022.change.is_some() && y2022.front_lat_p10.is_some());
    // As of a day both files run past, nothing warns and nothing is cut.
    let r = build(both, None, &[], &spec_share(date(2022, 6, 30)));
    assert!(!r.data.warnings.iter().any(|w| w.contains("different days")));
    assert_eq!(r.tempo.sources_end, None);
    assert!(r.expansion.share.iter().all(|s| s.pct.is_some()));
}

/// Burkina daily from 2020-11-01 to 2023-12-30.
fn r_bfa() -> Vec<Incident> {
    pile("b", 1155, -1.0, 12.0, date(2020, 11, 1), "BFA", "JNIM")
}

/// Benin daily from 2020-11-01 to 2022-12-28.
fn r_ben() -> Vec<Incident> {
    pile("n", 788, 2.5, 11.0, date(2020, 11, 1), "BEN", "JNIM")
}

#[test]
fn country_codes_are_taken_in_either_case() {
    let spec = ReportSpec::new()
        .as_of(date(2024, 12, 31))
        .tempo_series(&["bfa", "tgo"], &[])
        .expect("codes")
        .share_countries(&["tgo"])
        .expect("codes");
    let r = build(burkina_only(), None, &[], &spec);
    let series: Vec<(&str, bool)> = r
        .tempo
        .rows
        .iter()
        .map(|t| (t.series.as_str(), t.no_data.is_none()))
        .collect();
    assert_eq!(series, [("all", true), ("BFA", true), ("TGO", false)]);
    let bfa = r.tempo.rows[1].year_on_year.as_ref().expect("24 months");
    assert!(bfa.last_12 > 0, "the BFA series counted, not zeros");
    assert_eq!(r.expansion.share_uncovered, ["TGO"]);
}

#[test]
fn the_spread_sentence_is_read_off_the_table() {
    // JNIM on the front, 20 incidents a year, a degree further south each year.
    let mut incidents = Vec::new();
    for (k, year) in (2020..=2023).enumerate() {
        incidents.extend(pile(
            &format!("f{year}"),
            20,
            1.0,
            14.0 - k as f64,
            date(year, 2, 1),
            "BFA",
            "JNIM",
        ));
    }
    // Off the front, far south: in the group's table, not in the front's.
    incidents.extend(pile("w", 20, -4.0, 9.0, date(2021, 2, 1), "CIV", "JNIM"));
    let r = build(
        incidents,
        None,
        &[],
        &ReportSpec::new().as_of(date(2023, 12, 31)),
    );
    let x = &r.expansion;
    let s = x.spread.as_ref().expect("a spread");
    let first = x.rows.iter().find(|r| r.year == s.from_year).expect("row");
    let last = x.rows.iter().find(|r| r.year == s.to_year).expect("row");
    assert_eq!(first.front_lat_p10, Some(s.from_lat));
    assert_eq!(last.front_lat_p10, Some(s.to_lat));
    // By hand: each year's 10th percentile is its pile's southern row, a degree (111.2 km)
    // south of the last.
    assert_eq!((s.from_year, s.to_year), (2020, 2023));
    assert_eq!((s.from_lat, s.to_lat), (14.0, 11.0));
    assert!((s.km_south - 3.0 * 111.195).abs() < 0.01, "{}", s.km_south);
    let steps: Vec<Option<f64>> = x
        .rows
        .iter()
        .map(|r| r.front_step_km.map(f64::round))
        .collect();
    assert_eq!(steps, [None, Some(111.0), Some(111.0), Some(111.0)]);
    // The group's own p10 in 2021 is pulled south by the incidents off the front.
    let y2021 = x.rows.iter().find(|r| r.year == 2021).expect("2021");
    assert_eq!(
        (y2021.lat_p10, y2021.front_lat_p10),
        (Some(9.0), Some(13.0))
    );
    assert_eq!((y2021.events, y2021.front_events), (40, 20));
    let text = r.to_string();
    assert!(
        text.contains("moved 334 km south, from 14.00 N in 2020 to 11.00 N in 2023"),
        "{text}"
    );
}

#[test]
fn the_report_follows_ouagadougous_ring_by_year_for_the_group_and_for_all() {
    use conflict_risk::geodesy::destination;
    let ouaga = conflict_risk::ouagadougou();
    let mut incidents = Vec::new();
    // JNIM on 9 sectors in 2022, 27 in 2023 (80 km out); IS Sahel fills 9 more in 2023.
    for (year, sectors, actor) in [
        (2022, 0..9, "JNIM"),
        (2023, 0..27, "JNIM"),
        (2023, 27..36, "Islamic State Sahel"),
    ] {
        for k in sectors {
            let p = destination(ouaga.point(), 10.0 * f64::from(k) + 5.0, 80.0);
            incidents.push(incident(
                &format!("{actor}{year}-{k}"),
                p.x(),
                p.y(),
                date(year, 6, 1),
                "BFA",
                actor,
            ));
        }
    }
    let r = build(
        incidents,
        None,
        &[],
        &ReportSpec::new().as_of(date(2023, 12, 31)),
    );
    let e = r.encirclement.as_ref().expect("the section");
    let rings = &e.sites[0];
    assert_eq!(rings.site, "Ouagadougou");
    let jnim: Vec<(i16, usize)> = rings
        .group
        .iter()
        .map(|g| (g.first_day.year(), g.active))
        .collect();
    assert_eq!(jnim, [(2022, 9), (2023, 27)]);
    let all: Vec<usize> = rings.all.iter().map(|g| g.active).collect();
    assert_eq!(all, [9, 36]);
    // JNIM's 2023 gap is the 90 degrees IS Sahel holds: 270 to 360, north-west of the capital,
    // where Ouahigouya and Yako lie.
    let gap = rings.group[1].gap.expect("a gap");
    assert_eq!((gap.from_deg, gap.to_deg), (270.0, 0.0));
    assert!(rings.group[1].gap_places.iter().any(|p| p == "Yako"));
    let text = r.to_string();
    assert!(text.contains("8. ENCIRCLEMENT"), "{text}");
    assert!(text.contains("Ouagadougou, JNIM:"), "{text}");
}

#[test]
fn the_crossroads_closes_as_jnim_and_ansaru_approach_and_the_layers_carry_it() {
    // JNIM at 2.5° E and Ansaru east of it on 11° N, 4°, 3°, 2°, then 0.3° apart (33 km:
    // the 25 km zones overlap). Unknown actors strike on the 2021 crossing in 2022, and
    // Ansaru's 2022 advance (to 4.6° E) lands in the 2021 gap's cell 4.5-5° E, 11-11.5° N
    // (its centre 61 km from Ansaru's 2021 zone, 221 km from JNIM's, the gap 278 km).
    let mut incidents = Vec::new();
    for (year, dx) in [(2020, 4.0), (2021, 3.0), (2022, 2.1), (2023, 0.3)] {
        incidents.extend(pile(
            &format!("j{year}-"),
            5,
            2.5,
            11.0,
            date(year, 3, 1),
            "BEN",
            "JNIM",
        ));
        incidents.extend(pile(
            &format!("a{year}-"),
            5,
            2.5 + dx,
            11.0,
            date(year, 3, 1),
            "NGA",
            "Ansaru",
        ));
    }
    let mut unknown = incident(
        "u1",
        3.75,
        11.0,
        date(2022, 8, 1),
        "NGA",
        "Unidentified Armed Group",
    );
    unknown.primary_actor = Some(Actor::new("Unidentified Armed Group", ActorKind::Other));
    incidents.push(unknown);
    let spec = ReportSpec::new()
        .as_of(date(2023, 12, 31))
        .nexus_pairs(&[("JNIM", "Ansaru")])
        .expect("known groups");
    let r = build(incidents, None, &[], &spec);
    let rows = &r.nexus[0].crossroads;
    let years: Vec<i16> = rows.iter().map(|x| x.year).collect();
    assert_eq!(years, (2020..=2023).collect::<Vec<_>>());
    let with = rows;
    let gaps: Vec<f64> = with
        .iter()
        .map(|x| x.gap_km.expect("both present"))
        .collect();
    assert!(gaps.windows(2).all(|w| w[1] < w[0]), "{gaps:?}");
    assert_eq!(gaps[3], 0.0);
    let cells: Vec<usize> = with.iter().map(|x| x.gap_cells.len()).collect();
    assert!(cells.windows(2).all(|w| w[1] < w[0]), "{cells:?}");
    assert_eq!(cells[3], 0);
    // 2022's incidents in the 2021 gap: the unknown actor, and Ansaru's advance.
    let in_2021_gap = with[2].in_last_gap.expect("2021 had a gap");
    assert_eq!(in_2021_gap.unknown, 1, "{in_2021_gap:?}");
    assert_eq!(in_2021_gap.a, 0);
    assert_eq!(in_2021_gap.b, 5);
    // The closest pair names the source ids.
    let (a, b) = with[0].closest_ids.clone().expect("a pair");
    assert!(
        a.starts_with("j2020-") && b.starts_with("a2020-"),
        "{a} {b}"
    );
    let text = r.to_string();
    assert!(text.contains("the zones touch: no gap"), "{text}");
    assert!(text.contains("6 (Ansaru 5, unknown 1)"), "{text}");

    // The layers: one feature per gap cell, and 36 sectors a year twice (group, all).
    let dir = std::env::temp_dir().join(format!("conflict_risk_crossroads_{}", std::process::id()));
    let written = r.write_layers(&dir, 400).expect("layers written");
    let gap_layer = std::fs::read_to_string(&written.crossroads).expect("crossroads written");
    let total: usize = rows.iter().map(|x| x.gap_cells.len()).sum();
    assert_eq!(gap_layer.matches("\"Feature\"").count(), total);
    assert!(gap_layer.contains("\"groups\":\"JNIM-Ansaru\""));
    let rings = std::fs::read_to_string(&written.encirclement).expect("encirclement written");
    let e = r.encirclement.as_ref().expect("section 8");
    let rings_drawn: usize = e.sites.iter().map(|s| s.group.len() + s.all.len()).sum();
    assert_eq!(rings.matches("\"Feature\"").count(), 36 * rings_drawn);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_crossroads_after_a_source_ends_is_unrecorded_not_absent() {
    use conflict_risk::Source;
    // JNIM in Burkina daily through 2023; Ansaru in Nigeria from a source that ends with 2021.
    let jnim = pile("j", 1461, -1.0, 12.0, date(2020, 1, 1), "BFA", "JNIM");
    let ansaru = pile("a", 731, 4.0, 12.0, date(2020, 1, 1), "NGA", "Ansaru");
    let doc = r#"{"type":"FeatureCollection","features":[
      {"type":"Feature","properties":{"ADM0_A3":"BFA"},"geometry":{"type":"Polygon",
       "coordinates":[[[-4,9],[1.5,9],[1.5,15],[-4,15],[-4,9]]]}},
      {"type":"Feature","properties":{"ADM0_A3":"NGA"},"geometry":{"type":"Polygon",
       "coordinates":[[[1.5,9],[7,9],[7,15],[1.5,15],[1.5,9]]]}}]}"#;
    let borders = Borders::from_reader(doc.as_bytes()).expect("valid GeoJSON");
    let spec = ReportSpec::new()
        .source(Source::described("ucdp").covering(&jnim))
        .source(Source::described("acled").covering(&ansaru))
        .nexus_pairs(&[("JNIM", "Ansaru")])
        .expect("known groups");
    let mut all = jnim;
    all.extend(ansaru);
    let r = build(all, Some(&borders), &[], &spec);
    let rows = &r.nexus[0].crossroads;
    assert_eq!(rows.len(), 4);
    // 2021 runs to the Nigerian source's last day: recorded in full.
    let y2021 = &rows[1];
    assert!(y2021.gap_km.is_some_and(|w| w > 400.0));
    assert!(y2021.no_data_cells.is_empty() && !y2021.gap_cells.is_empty());
    assert_eq!(y2021.sources_end, None);
    // 2022: Ansaru unrecorded, and the Nigerian half of the 2021 gap is no data.
    let y2022 = &rows[2];
    assert_eq!(y2022.gap_km, None);
    assert_eq!(y2022.sources_end, Some(date(2021, 12, 31)));
    let in_nigeria = y2021
        .gap_cells
        .iter()
        .filter(|c| c.centre().x() > 1.5)
        .count();
    assert!(in_nigeria > 0 && in_nigeria < y2021.gap_cells.len());
    assert_eq!(y2022.last_gap_cells, y2021.gap_cells.len());
    assert_eq!(y2022.last_gap_no_data, in_nigeria);
    let text = r.to_string();
    assert!(
        text.contains("one group is absent, or unrecorded: a source ends 2021-12-31"),
        "{text}"
    );
    assert!(
        text.contains(&format!("of {} cells no data)", y2021.gap_cells.len())),
        "{text}"
    );
}

#[test]
fn the_report_scores_its_map_against_persistence() {
    // Two hotspots, one daily in 2022-2023 and one that moves in with 2023: the map (180-day
    // half-life) catches the incidents of the next 90 days in its top 10% of the area.
    let mut incidents = pile("a", 730, 0.5, 11.0, date(2022, 1, 1), "BFA", "JNIM");
    incidents.extend(pile("b", 365, -1.5, 12.5, date(2023, 1, 1), "BFA", "JNIM"));
    let spec = ReportSpec::new()
        .map_skill(90, &[25.0], &[Some(90.0), None])
        .expect("valid");
    let r = build(incidents.clone(), None, &[], &spec);
    let m = r.sites.map_skill.as_ref().expect("asked for");
    assert_eq!(m.why_not, None);
    // Origins monthly from the month after the data begin up to 90 days before 2023-12-31.
    assert_eq!(m.first_origin, Some(date(2022, 2, 1)));
    assert_eq!(m.last_origin, Some(date(2023, 10, 1)));
    assert_eq!(m.surfaces, 3); // the map, then 25 km with each half-life
    let map = m.map_pai_10.expect("scored");
    assert!(map > 5.0, "{map}");
    assert!(m.persistence_pai_10.is_some());
    assert!(m.best.is_some() && m.skill.is_some());
    let text = r.to_string();
    assert!(
        text.contains("how good is the map: over 21 monthly origins"),
        "{text}"
    );
    // Off when asked; "not scored" when the data are too short.
    let off = build(incidents, None, &[], &ReportSpec::new().without_map_skill());
    assert!(off.sites.map_skill.is_none());
    let short = build(
        pile("s", 20, 0.5, 11.0, date(2024, 1, 1), "BFA", "JNIM"),
        None,
        &[],
        &ReportSpec::new(),
    );
    let why = short
        .sites
        .map_skill
        .as_ref()
        .and_then(|m| m.why_not.clone());
    assert!(why.is_some(), "{:?}", short.sites.map_skill);
}
