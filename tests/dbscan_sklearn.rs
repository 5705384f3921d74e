//! DBSCAN against scikit-learn's `DBSCAN(metric="haversine", algorithm="ball_tree")`, whose
//! labels are stored in `tests/fixtures/sklearn/` (made by `make_fixtures.py` there): on the real
//! UCDP files and on 3,000 synthetic points, at four eps/min_points settings. The core set and
//! the noise are identical, the core points are partitioned identically, and each border point
//! sits in a cluster with a core point within eps. (scikit-learn gives a border point to the
//! first cluster its expansion reaches, this crate to its nearest core point's cluster: both are
//! DBSCAN, so only the rule is compared for border points.)

mod common;

use std::collections::HashMap;
use std::path::PathBuf;

use conflict_risk::jiff::civil::date;
use conflict_risk::{
    DateSpan, Dbscan, Incident, IncidentIndex, IncidentSet, ReadOptions, haversine_km, read_path,
};

const SETTINGS: [(f64, usize); 4] = [(10.0, 5), (25.0, 5), (50.0, 10), (5.0, 3)];

struct Reference {
    lonlat: Option<Vec<(f64, f64)>>,
    /// Per setting: (label, core) per point.
    results: Vec<Vec<(i64, bool)>>,
}

fn reference(name: &str) -> Reference {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/sklearn")
        .join(name);
    let mut r = csv::Reader::from_path(&path).expect("fixture");
    let header = common::header(&mut r);
    let with_points = header[0] == "lon";
    let mut lonlat = Vec::new();
    let mut results = vec![Vec::new(); SETTINGS.len()];
    for row in r.records() {
        let row = row.expect("row");
        let mut k = 0;
        if with_points {
            lonlat.push((row[0].parse().expect("lon"), row[1].parse().expect("lat")));
            k = 2;
        }
        for (s, result) in results.iter_mut().enumerate() {
            let label: i64 = row[k + 2 * s].parse().expect("label");
            let core = &row[k + 2 * s + 1] == "1";
            result.push((label, core));
        }
    }
    Reference {
        lonlat: with_points.then_some(lonlat),
        results,
    }
}

fn compare(set: &IncidentSet, reference: &Reference, what: &str) {
    let index = IncidentIndex::new(set);
    let inc = set.incidents();
    for ((eps, m), want) in SETTINGS.iter().zip(&reference.results) {
        assert_eq!(
            want.len(),
            set.len(),
            "{what}: fixture and data differ in length"
        );
        let got = Dbscan::new(*eps, *m).expect("params").run(&index);
        let ctx = format!("{what} at {eps} km / {m}");
        let core_mismatch: Vec<usize> = (0..set.len())
            .filter(|&i| got.core()[i] != want[i].1)
            .collect();
        assert!(
            core_mismatch.is_empty(),
            "{ctx}: core differs at {core_mismatch:?}"
        );
        let mut ours_to_theirs: HashMap<u32, i64> = HashMap::new();
        let mut theirs_to_ours: HashMap<i64, u32> = HashMap::new();
        for i in 0..set.len() {
            let (theirs, core) = want[i];
            let ours = got.labels()[i].map(|l| l.get());
            assert_eq!(ours.is_none(), theirs == -1, "{ctx}: noise differs at {i}");
            let Some(ours) = ours else { continue };
            if core {
                assert_eq!(
                    *ours_to_theirs.entry(ours).or_insert(theirs),
                    theirs,
                    "{ctx}: point {i}"
                );
                assert_eq!(
                    *theirs_to_ours.entry(theirs).or_insert(ours),
                    ours,
                    "{ctx}: point {i}"
                );
            } else {
                let near_core = (0..set.len()).any(|j| {
                    got.core()[j]
                        && got.labels()[j].map(|l| l.get()) == Some(ours)
                        && haversine_km(inc[i].point(), inc[j].point()) <= eps + 1e-7
                });
                assert!(
                    near_core,
                    "{ctx}: border point {i} has no core of its cluster within eps"
                );
            }
        }
        assert_eq!(
            theirs_to_ours.len(),
            got.cluster_count(),
            "{ctx}: cluster count"
        );
    }
}

#[test]
fn synthetic_points_match_scikit_learn() {
    let r = reference("synthetic_3000.csv");
    let day = DateSpan::day(date(2024, 1, 1));
    let incidents = r
        .lonlat
        .as_ref()
        .expect("points in the fixture")
        .iter()
        .enumerate()
        .map(|(i, &(lon, lat))| Incident::new(format!("s{i}"), lon, lat, day))
        .collect();
    let (set, _) = IncidentSet::validate(incidents);
    compare(&set, &r, "synthetic");
}

#[test]
fn real_ucdp_files_match_scikit_learn() {
    for (file, fixture) in [
        ("ucdp_ged_bfa_gedevents-2025-01-17.csv", "ucdp_bfa.csv"),
        ("ucdp_ged_nga_hdx_conflict_data_nga.csv", "ucdp_nga.csv"),
    ] {
        let Some(path) = common::data_file(file) else {
            continue;
        };
        let loaded = read_path(&path, ReadOptions::new()).expect("reads");
        let (set, report) = IncidentSet::validate(loaded.incidents);
        assert!(report.rejected.is_empty());
        compare(&set, &reference(fixture), file);
    }
}
