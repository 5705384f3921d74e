//! DBSCAN against a brute-force haversine DBSCAN on seeded random data worldwide: the same core
//! points, the same partition of the core points, border points in a cluster with a core point
//! within eps (the nearest one's), the same noise; weights and precision policies included.

use conflict_risk::geodesy::destination;
use conflict_risk::jiff::civil::date;
use conflict_risk::{
    Clustering, CorridorScenario, DateSpan, Dbscan, GeoPrecision, Incident, IncidentIndex,
    IncidentSet, PrecisionPolicy, geo::Point, haversine_km,
};
use proptest::prelude::*;
use proptest::test_runner::{Config, RngSeed};

/// Pairs closer to eps than this (km), or than a millionth of eps if that is less (at the
/// 1 m floor: 1 µm, still a thousand times the disagreement of haversine and the chord there),
/// make a case ambiguous between haversine and the chord.
const TOL_KM: f64 = 1e-7;

fn build(points: &[(f64, f64, bool)]) -> IncidentSet {
    let day = (0, 0);
    build_dated(
        &points
            .iter()
            .map(|&(lon, lat, c)| (lon, lat, c, day))
            .collect::<Vec<_>>(),
    )
}

/// Points with dates: (lon, lat, coarse, (start day, length in days - 1)) from 2024-01-01.
fn build_dated(points: &[(f64, f64, bool, (i64, i64))]) -> IncidentSet {
    let day = |k: i64| {
        date(2024, 1, 1)
            .checked_add(conflict_risk::jiff::Span::new().days(k))
            .expect("in range")
    };
    let incidents = points
        .iter()
        .enumerate()
        .map(|(i, &(lon, lat, coarse, (start, len)))| {
            let span = DateSpan::new(day(start), day(start + len));
            let mut inc = Incident::new(format!("p{i}"), lon, lat, span);
            if coarse {
                inc.geo_precision = GeoPrecision::Region;
            }
            inc
        })
        .collect();
    let (set, report) = IncidentSet::validate(incidents);
    assert!(report.rejected.is_empty(), "{report}");
    set
}

/// Brute-force DBSCAN facts: who takes part, who is core, the core components, and for each
/// point the core points within eps (nearest first, ties by id).
struct Oracle {
    member: Vec<bool>,
    core: Vec<bool>,
    component: Vec<usize>,
    cores_near: Vec<Vec<usize>>,
    ambiguous: bool,
}

fn oracle(
    set: &IncidentSet,
    eps: f64,
    weights: &[f64],
    threshold: f64,
    policy: PrecisionPolicy,
) -> Oracle {
    oracle_st(set, eps, None, weights, threshold, policy)
}

/// Days between two date spans, by their nearest days (0 if they overlap).
fn gap_days(a: &Incident, b: &Incident) -> i64 {
    let after = b
        .date
        .start
        .since(a.date.end)
        .map(|s| i64::from(s.get_days()))
        .unwrap_or(0);
    let before = a
        .date
        .start
        .since(b.date.end)
        .map(|s| i64::from(s.get_days()))
        .unwrap_or(0);
    after.max(before).max(0)
}

fn oracle_st(
    set: &IncidentSet,
    eps: f64,
    eps_days: Option<i64>,
    weights: &[f64],
    threshold: f64,
    policy: PrecisionPolicy,
) -> Oracle {
    let inc = set.incidents();
    let n = inc.len();
    let coarse = |i: usize| inc[i].geo_precision.is_coarse();
    let member: Vec<bool> = (0..n)
        .map(|i| !(policy == PrecisionPolicy::Drop && coarse(i)))
        .collect();
    let d = |i: usize, j: usize| haversine_km(inc[i].point(), inc[j].point());
    let mut ambiguous = false;
    let tol = TOL_KM.min(eps * 1e-6);
    let mut near = vec![Vec::new(); n];
    for i in 0..n {
        for j in 0..n {
            let dij = d(i, j);
            if (dij - eps).abs() < tol {
                ambiguous = true;
            }
            let in_time = eps_days.is_none_or(|e| gap_days(&inc[i], &inc[j]) <= e);
            if member[i] && member[j] && dij <= eps && in_time {
                near[i].push(j);
            }
        }
    }
    let core: Vec<bool> = (0..n)
        .map(|i| {
            member[i]
                && !(policy == PrecisionPolicy::NeverCore && coarse(i))
                && near[i].iter().map(|&j| weights[j]).sum::<f64>() >= threshold
        })
        .collect();
    // Components of the core graph by depth-first search.
    let mut component = vec![usize::MAX; n];
    let mut next = 0;
    for s in 0..n {
        if !core[s] || component[s] != usize::MAX {
            continue;
        }
        let mut stack = vec![s];
        component[s] = next;
        while let Some(i) = stack.pop() {
            for &j in &near[i] {
                if core[j] && component[j] == usize::MAX {
                    component[j] = next;
                    stack.push(j);
                }
            }
        }
        next += 1;
    }
    let cores_near = (0..n)
        .map(|i| {
            let mut c: Vec<usize> = near[i].iter().copied().filter(|&j| core[j]).collect();
            c.sort_by(|&a, &b| d(i, a).total_cmp(&d(i, b)).then(a.cmp(&b)));
            c
        })
        .collect();
    Oracle {
        member,
        core,
        component,
        cores_near,
        ambiguous,
    }
}

fn check(c: &Clustering, o: &Oracle) {
    let n = o.core.len();
    assert_eq!(c.labels().len(), n);
    assert_eq!(c.core(), &o.core[..], "core points differ");
    let label = |i: usize| c.labels()[i].map(|l| l.get());
    for i in 0..n {
        if o.core[i] {
            for j in 0..n {
                if o.core[j] {
                    assert_eq!(
                        label(i) == label(j),
                        o.component[i] == o.component[j],
                        "core points {i} and {j}: partition differs"
                    );
                }
            }
            assert!(label(i).is_some());
        } else if !o.member[i] || o.cores_near[i].is_empty() {
            assert_eq!(label(i), None, "{i} should be noise");
        } else {
            // A border point: in the cluster of its nearest core point.
            assert_eq!(label(i), label(o.cores_near[i][0]), "border point {i}");
        }
    }
    // Numbered by first appearance.
    let mut seen = 0;
    for l in c.labels().iter().flatten() {
        assert!(l.get() <= seen, "cluster {} before {seen}", l.get());
        if l.get() == seen {
            seen += 1;
        }
    }
    assert_eq!(seen as usize, c.cluster_count());
}

/// Points in a few Gaussian blobs (widths in km) around random centres, poles and the
/// antimeridian included, plus scattered ones; some exact duplicates; some coarse.
fn points() -> impl Strategy<Value = Vec<(f64, f64, bool)>> {
    let centre = prop_oneof![
        3 => (-180.0..=180.0f64, -1.0..=1.0f64).prop_map(|(lon, z)| (lon, z.asin().to_degrees())),
        1 => (-180.0..=180.0f64, 87.0..=90.0f64),
        1 => (prop::bool::ANY, 179.0..=180.0f64, -30.0..30.0f64).prop_map(|(e, a, lat)| (if e { a } else { -a }, lat)),
    ];
    (
        prop::collection::vec((centre, 2.0..80.0f64), 1..5),
        0..250usize,
        any::<u64>(),
    )
        .prop_map(|(centres, n, seed)| {
            use rand::{RngExt, SeedableRng};
            let mut rng = rand_pcg::Pcg64Mcg::seed_from_u64(seed);
            let mut pts: Vec<(f64, f64, bool)> = Vec::with_capacity(n);
            for k in 0..n {
                let coarse = rng.random::<f64>() < 0.15;
                if k > 0 && rng.random::<f64>() < 0.05 {
                    let (lon, lat, _) = pts[rng.random_range(0..pts.len())];
                    pts.push((lon, lat, coarse));
                    continue;
                }
                let ((lon, lat), width) = centres[rng.random_range(0..centres.len())];
                let r = width * (-2.0 * (1.0 - rng.random::<f64>()).ln()).sqrt();
                let p = destination(Point::new(lon, lat), rng.random_range(0.0..360.0), r);
                pts.push((p.x(), p.y(), coarse));
            }
            pts
        })
}

fn policy() -> impl Strategy<Value = PrecisionPolicy> {
    prop_oneof![
        Just(PrecisionPolicy::Keep),
        Just(PrecisionPolicy::Drop),
        Just(PrecisionPolicy::NeverCore)
    ]
}

proptest! {
    #![proptest_config(Config { cases: 96, rng_seed: RngSeed::Fixed(0x0DB5_CA11), ..Config::default() })]

    #[test]
    fn dbscan_matches_brute_force(pts in points(), eps in 1.0..150.0f64, min_points in 1..9usize, policy in policy()) {
        let set = build(&pts);
        let index = IncidentIndex::new(&set);
        let ones = vec![1.0; set.len()];
        let o = oracle(&set, eps, &ones, min_points as f64, policy.clone());
        prop_assume!(!o.ambiguous);
        let c = Dbscan::new(eps, min_points)
            .and_then(|d| d.precision(policy))
            .expect("params")
            .run(&index);
        check(&c, &o);
    }

    /// Crowds about as wide as eps with min_points near their size: where the dense-cell
    /// shortcut (every pair in a cell within eps) must hold exactly.
    #[test]
    fn crowds_the_size_of_eps(centre in (-180.0..=180.0f64, -80.0..=80.0f64), eps in 1.0..60.0f64,
                              spread in 0.3..1.5f64, n in 5..120usize, frac in 0.2..0.9f64, seed in any::<u64>()) {
        use rand::{RngExt, SeedableRng};
        let mut rng = rand_pcg::Pcg64Mcg::seed_from_u64(seed);
        let c = Point::new(centre.0, centre.1);
        let pts: Vec<(f64, f64, bool)> = (0..n)
            .map(|_| {
                let r = eps * spread * rng.random::<f64>().sqrt();
                let p = destination(c, rng.random_range(0.0..360.0), r);
                (p.x(), p.y(), false)
            })
            .collect();
        let set = build(&pts);
        let index = IncidentIndex::new(&set);
        let min_points = ((n as f64 * frac) as usize).max(1);
        let o = oracle(&set, eps, &vec![1.0; n], min_points as f64, PrecisionPolicy::Keep);
        prop_assume!(!o.ambiguous);
        check(&Dbscan::new(eps, min_points).expect("params").run(&index), &o);
    }

    /// Spans of a day, days, months and, now and then, decades or up to 9999-12-31 (the typo
    /// a reader accepts).
    #[test]
    fn st_dbscan_matches_brute_force(pts in points(), eps in 1.0..150.0f64, eps_days in 0..60u32,
                                     min_points in 1..7usize, seed in any::<u64>()) {
        use rand::{RngExt, SeedableRng};
        let mut rng = rand_pcg::Pcg64Mcg::seed_from_u64(seed);
        let dated: Vec<(f64, f64, bool, (i64, i64))> = pts
            .iter()
            .map(|&(lon, lat, coarse)| {
                let start = rng.random_range(0..240);
                let len = match rng.random_range(0..40) {
                    0 => rng.random_range(2_000..20_000),
                    1 => days_to_9999() - start,
                    2..=5 => rng.random_range(30..400),
                    6..=13 => rng.random_range(1..10),
                    _ => 0,
                };
                (lon, lat, coarse, (start, len))
            })
            .collect();
        let set = build_dated(&dated);
        let index = IncidentIndex::new(&set);
        let o = oracle_st(&set, eps, Some(i64::from(eps_days)), &vec![1.0; set.len()], min_points as f64, PrecisionPolicy::Keep);
        prop_assume!(!o.ambiguous);
        let c = Dbscan::new(eps, min_points).expect("params").time_window_days(eps_days).run(&index);
        check(&c, &o);
    }

    #[test]
    fn weighted_dbscan_matches_brute_force(pts in points(), eps in 1.0..150.0f64, min_weight in 0.5..12.0f64,
                                           seed in any::<u64>()) {
        use rand::{RngExt, SeedableRng};
        let set = build(&pts);
        let index = IncidentIndex::new(&set);
        let mut rng = rand_pcg::Pcg64Mcg::seed_from_u64(seed);
        let weights: Vec<f64> = (0..set.len()).map(|_| rng.random_range(0.0..3.0)).collect();
        let o = oracle(&set, eps, &weights, min_weight, PrecisionPolicy::Keep);
        prop_assume!(!o.ambiguous);
        let c = Dbscan::new(eps, 1).expect("params").run_weighted(&index, &weights, min_weight).expect("weights");
        check(&c, &o);
    }
}

/// Days from 2024-01-01 (day 0 of `build_dated`) to 9999-12-31, the last date there is.
fn days_to_9999() -> i64 {
    i64::from(
        date(9999, 12, 31)
            .since(date(2024, 1, 1))
            .expect("in range")
            .get_days(),
    )
}

/// A few hundred incidents in blobs over a year, dated by day, week and month, with one that
/// runs to 9999-12-31: ST-DBSCAN used to size its time search by the longest span (one
/// neighbour offset per day, 11.9 GB at `time_window_days(0)`, and minutes at 7 days), and
/// must now give the brute-force answer at once.
#[test]
fn st_dbscan_with_a_span_to_the_year_9999() {
    use rand::{RngExt, SeedableRng};
    let mut rng = rand_pcg::Pcg64Mcg::seed_from_u64(9999);
    let centres = [(0.2, 10.9), (179.9, -17.7), (2.1, 13.5)];
    let mut dated: Vec<(f64, f64, bool, (i64, i64))> = (0..400)
        .map(|_| {
            let (lon, lat) = centres[rng.random_range(0..centres.len())];
            let r = 15.0 * rng.random::<f64>().sqrt();
            let p = destination(Point::new(lon, lat), rng.random_range(0.0..360.0), r);
            let len = match rng.random_range(0..10) {
                0 => 30,
                1 => 6,
                _ => 0,
            };
            (p.x(), p.y(), false, (rng.random_range(0..365), len))
        })
        .collect();
    // The typo: an incident in the first blob, from day 100 to the end of the calendar.
    dated[7].3 = (100, days_to_9999() - 100);
    let set = build_dated(&dated);
    let index = IncidentIndex::new(&set);
    let ones = vec![1.0; set.len()];
    for eps_days in [0u32, 7] {
        let o = oracle_st(
            &set,
            5.0,
            Some(i64::from(eps_days)),
            &ones,
            3.0,
            PrecisionPolicy::Keep,
        );
        assert!(!o.ambiguous);
        let started = std::time::Instant::now();
        let c = Dbscan::new(5.0, 3)
            .expect("params")
            .time_window_days(eps_days)
            .run(&index);
        let took = started.elapsed();
        check(&c, &o);
        assert!(
            c.cluster_count() > 3,
            "{eps_days} days: {} clusters",
            c.cluster_count()
        );
        // The long span is core and joins clusters months apart.
        assert!(c.core()[7], "{eps_days} days");
        assert!(
            took.as_secs_f64() < 10.0,
            "{eps_days} days: {took:?} for {} incidents",
            set.len()
        );
    }
}

/// Below the floor of 1 m, eps is refused: at 1e-20 km the grid's cell numbers saturated and
/// put every point in 2 clusters, at 1e-12 km in 59.
#[test]
fn eps_below_the_floor_is_refused() {
    for eps in [1e-20, 1e-12, 1e-6, 0.000_999] {
        match Dbscan::new(eps, 5) {
            Err(conflict_risk::Error::InvalidParameter { name, reason, .. }) => {
                assert_eq!(name, "eps_km");
                assert!(reason.contains("0.001 km"), "{reason}");
            }
            other => panic!("eps {eps}: {other:?}"),
        }
    }
    // Nor can a serialised one bring it in.
    let json = r#"{"eps_km":1e-20,"min_points":5,"precision":"keep","eps_days":null}"#;
    assert!(serde_json::from_str::<Dbscan>(json).is_err());
    let ok = Dbscan::new(Dbscan::MIN_EPS_KM, 5).expect("the floor");
    let back: Dbscan =
        serde_json::from_str(&serde_json::to_string(&ok).expect("json")).expect("round trip");
    assert_eq!(back, ok);
}

/// eps exactly at the floor (1 m), on crowds of points about a metre apart, duplicates and
/// sub-millimetre neighbours included, near the antimeridian, a pole and the equator: the
/// brute-force answer.
#[test]
fn eps_at_the_floor_matches_brute_force() {
    use rand::{RngExt, SeedableRng};
    let mut rng = rand_pcg::Pcg64Mcg::seed_from_u64(1);
    let eps = Dbscan::MIN_EPS_KM;
    for (k, centre) in [
        (0.2, 10.9),
        (180.0, -17.7),
        (-179.999_99, 45.0),
        (33.0, 89.999_9),
    ]
    .into_iter()
    .enumerate()
    {
        let mut pts: Vec<(f64, f64, bool)> = Vec::new();
        for _ in 0..300 {
            let p = if !pts.is_empty() && rng.random::<f64>() < 0.1 {
                // A duplicate or a neighbour within a millimetre.
                let (lon, lat, _) = pts[rng.random_range(0..pts.len())];
                let r = rng.random_range(0.0..1e-6);
                destination(Point::new(lon, lat), rng.random_range(0.0..360.0), r)
            } else {
                let r = 0.015 * rng.random::<f64>().sqrt();
                destination(
                    Point::new(centre.0, centre.1),
                    rng.random_range(0.0..360.0),
                    r,
                )
            };
            pts.push((p.x(), p.y(), false));
        }
        let set = build(&pts);
        let index = IncidentIndex::new(&set);
        for min_points in [2, 3, 5] {
            let o = oracle(
                &set,
                eps,
                &vec![1.0; set.len()],
                min_points as f64,
                PrecisionPolicy::Keep,
            );
            assert!(!o.ambiguous, "centre {k}");
            let c = Dbscan::new(eps, min_points).expect("params").run(&index);
            check(&c, &o);
            // Not all one cluster, not all noise: eps means something at this scale.
            if min_points == 2 {
                assert!(
                    c.cluster_count() > 1 && c.noise_count() > 0,
                    "centre {k}: {} clusters, {} noise",
                    c.cluster_count(),
                    c.noise_count()
                );
            }
        }
    }
}

#[test]
fn corridor_matches_brute_force_at_two_settings() {
    let (set, _) = IncidentSet::validate(CorridorScenario::new(2_500).seed(11).generate());
    let index = IncidentIndex::new(&set);
    let ones = vec![1.0; set.len()];
    for (eps, min_points) in [(25.0, 5), (5.0, 10)] {
        let o = oracle(&set, eps, &ones, min_points as f64, PrecisionPolicy::Keep);
        assert!(!o.ambiguous);
        let c = Dbscan::new(eps, min_points).expect("params").run(&index);
        check(&c, &o);
        assert!(
            c.cluster_count() > 3,
            "{eps} km / {min_points}: {} clusters",
            c.cluster_count()
        );
    }
}

#[cfg(feature = "parallel")]
#[test]
fn same_result_with_one_and_two_threads() {
    let (set, _) = IncidentSet::validate(CorridorScenario::new(20_000).generate());
    let index = IncidentIndex::new(&set);
    let run = |threads: usize| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .expect("pool")
            .install(|| Dbscan::new(25.0, 5).expect("params").run(&index))
    };
    assert_eq!(run(1), run(2));
}

#[test]
fn bad_parameters_are_errors() {
    assert!(Dbscan::new(0.0, 5).is_err());
    assert!(Dbscan::new(f64::NAN, 5).is_err());
    assert!(Dbscan::new(10.0, 0).is_err());
    let (set, _) = IncidentSet::validate(CorridorScenario::new(10).generate());
    let index = IncidentIndex::new(&set);
    let d = Dbscan::new(10.0, 2).expect("params");
    assert!(d.run_weighted(&index, &[1.0; 3], 1.0).is_err());
    assert!(d.run_weighted(&index, &[-1.0; 10], 1.0).is_err());
    assert!(d.run_weighted(&index, &[1.0; 10], 0.0).is_err());
    // Empty input, empty result.
    let (empty, _) = IncidentSet::validate(Vec::new());
    let c = d.run(&IncidentIndex::new(&empty));
    assert_eq!((c.labels().len(), c.cluster_count()), (0, 0));
}

/// At the floor of 1 m, pairs 0.8 m apart are neighbours and pairs 2 m apart are not.
#[test]
fn a_metre_apart_at_the_floor() {
    let day = date(2024, 1, 1);
    // Pairs 0.8 m apart, pairs 2 m apart: only the first are neighbours at 1 m.
    let mut incidents = Vec::new();
    for k in 0..20 {
        let p = Point::new(1.0 + 0.01 * f64::from(k), 11.0);
        let gap_m = if k % 2 == 0 { 0.8 } else { 2.0 };
        let q = destination(p, 90.0, gap_m / 1000.0);
        incidents.push(Incident::new(
            format!("a{k}").as_str(),
            p.x(),
            p.y(),
            DateSpan::day(day),
        ));
        incidents.push(Incident::new(
            format!("b{k}").as_str(),
            q.x(),
            q.y(),
            DateSpan::day(day),
        ));
    }
    let (set, _) = IncidentSet::validate(incidents);
    let c = Dbscan::new(Dbscan::MIN_EPS_KM, 2)
        .expect("at the floor")
        .run(&IncidentIndex::new(&set));
    assert_eq!(c.cluster_count(), 10);
    assert_eq!(c.noise_count(), 20);
}
