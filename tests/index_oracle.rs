//! The index against a brute-force haversine scan: radius, k-nearest, bounding-box and polygon
//! queries, with and without date windows, on seeded random points worldwide (poles, the
//! antimeridian and exact duplicates included) and on the synthetic corridor.

use conflict_risk::geo::Intersects;
use conflict_risk::geo::{LineString, Point, Polygon};
use conflict_risk::geodesy::{EARTH_RADIUS_KM, destination};
use conflict_risk::index::Neighbor;
use conflict_risk::jiff::{Span, civil::Date, civil::date};
use conflict_risk::{
    BoundingBox, CorridorScenario, DateSpan, DateWindow, Incident, IncidentId, IncidentIndex,
    IncidentSet, haversine_km,
};
use proptest::prelude::*;
use proptest::test_runner::{Config, RngSeed};
use rand::{RngExt, SeedableRng};
use rand_pcg::Pcg64Mcg;

/// Two distances closer than this are treated as equal when deciding boundary membership and
/// ties (0.1 mm; the index agrees with haversine to about 1e-9 km away from antipodes).
const TOL_KM: f64 = 1e-7;

fn day(offset: i64) -> Date {
    date(2020, 1, 1)
        .checked_add(Span::new().days(offset))
        .expect("offset within range")
}

fn build(points: &[(f64, f64, i64, i64)]) -> IncidentSet {
    let incidents = points
        .iter()
        .enumerate()
        .map(|(i, &(lon, lat, start, len))| {
            Incident::new(
                format!("p{i}"),
                lon,
                lat,
                DateSpan::new(day(start), day(start + len)),
            )
        })
        .collect();
    let (set, report) = IncidentSet::validate(incidents);
    assert!(report.rejected.is_empty(), "{report}");
    set
}

fn in_window(i: &Incident, w: Option<DateWindow>) -> bool {
    w.is_none_or(|w| i.date.start <= w.last_day() && i.date.end >= w.first_day())
}

/// Radius query result against the brute force, allowing only boundary cases within TOL_KM.
fn check_radius(set: &IncidentSet, got: &[Neighbor], center: Point, r: f64, w: Option<DateWindow>) {
    let inc = set.incidents();
    for pair in got.windows(2) {
        assert!(
            (pair[0].distance_km, pair[0].id) <= (pair[1].distance_km, pair[1].id),
            "not sorted by distance then id"
        );
    }
    let got_ids: std::collections::HashSet<u32> = got.iter().map(|n| n.id.get()).collect();
    assert_eq!(got_ids.len(), got.len(), "duplicate ids in result");
    for n in got {
        let i = &inc[n.id.index()];
        let d = haversine_km(center, i.point());
        assert!(
            (n.distance_km - d).abs() <= TOL_KM,
            "distance {} vs haversine {d}",
            n.distance_km
        );
        assert!(d <= r + TOL_KM, "id {} at {d} km is outside {r} km", n.id);
        assert!(in_window(i, w), "id {} outside the window", n.id);
    }
    for (k, i) in inc.iter().enumerate() {
        let d = haversine_km(center, i.point());
        if d < r - TOL_KM && in_window(i, w) {
            assert!(
                got_ids.contains(&(k as u32)),
                "id {k} at {d} km missing (r = {r})"
            );
        }
    }
}

/// The unit vector of a lon/lat point, computed as the index computes it (the same operations
/// in the same order, so the same bits): ties must come out in the same order.
fn unit_vector(p: Point) -> [f64; 3] {
    let (sin_lat, cos_lat) = p.y().to_radians().sin_cos();
    let (sin_lon, cos_lon) = p.x().to_radians().sin_cos();
    [cos_lat * cos_lon, cos_lat * sin_lon, sin_lat]
}

/// The great-circle km a squared unit-sphere chord stands for: 2R·asin(c/2).
fn chord2_to_km(chord2: f64) -> f64 {
    let half = (chord2.clamp(0.0, 4.0).sqrt() / 2.0).min(1.0);
    2.0 * EARTH_RADIUS_KM * half.asin()
}

/// Squared chord between two positions: in km, the order the index must reproduce exactly,
/// ties by id included.
fn chord_2(a: Point, b: Point) -> f64 {
    let (u, v) = (unit_vector(a), unit_vector(b));
    (u[0] - v[0]).powi(2) + (u[1] - v[1]).powi(2) + (u[2] - v[2]).powi(2)
}

/// kNN result against the brute force: the same ids in the same order (by distance, ties by
/// id), and distances that agree with haversine.
fn check_knn(
    set: &IncidentSet,
    got: &[Neighbor],
    center: Point,
    k: usize,
    w: Option<DateWindow>,
    keep: impl Fn(&Incident) -> bool,
) {
    let mut all: Vec<(f64, u32)> = set
        .iter()
        .filter(|(_, i)| in_window(i, w) && keep(i))
        .map(|(id, i)| (chord2_to_km(chord_2(center, i.point())), id.get()))
        .collect();
    all.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    all.truncate(k);
    let want: Vec<u32> = all.iter().map(|&(_, id)| id).collect();
    let got_ids: Vec<u32> = got.iter().map(|n| n.id.get()).collect();
    assert_eq!(got_ids, want, "kNN ids differ from the brute force");
    for n in got {
        let d = haversine_km(center, set.incidents()[n.id.index()].point());
        assert!(
            (n.distance_km - d).abs() <= TOL_KM,
            "distance {} vs haversine {d}",
            n.distance_km
        );
    }
}

/// Ids whose position satisfies `inside`, in the window: the brute-force answer.
fn brute_ids(
    set: &IncidentSet,
    w: Option<DateWindow>,
    inside: impl Fn(&Incident) -> bool,
) -> Vec<IncidentId> {
    set.iter()
        .filter(|(_, i)| in_window(i, w) && inside(i))
        .map(|(id, _)| id)
        .collect()
}

fn bbox_brute(b: &BoundingBox, i: &Incident) -> bool {
    let lat_ok = b.south() <= i.lat && i.lat <= b.north();
    // -180 and 180 are one meridian: a point on it is in a box that reaches either.
    let lon_ok = |lon: f64| {
        if b.west() <= b.east() {
            b.west() <= lon && lon <= b.east()
        } else {
            lon >= b.west() || lon <= b.east()
        }
    };
    lat_ok && (lon_ok(i.lon) || (i.lon.abs() == 180.0 && lon_ok(-i.lon)))
}

/// A position: uniform on the sphere, near a pole, near the antimeridian, or on the edge.
fn position() -> impl Strategy<Value = (f64, f64)> {
    prop_oneof![
        4 => (-180.0..=180.0f64, -1.0..=1.0f64).prop_map(|(lon, z)| (lon, z.asin().to_degrees())),
        1 => (-180.0..=180.0f64, 88.0..=90.0f64).prop_map(|(lon, lat)| (lon, lat)),
        1 => (-180.0..=180.0f64, -90.0..=-88.0f64).prop_map(|(lon, lat)| (lon, lat)),
        2 => (prop::bool::ANY, 178.5..=180.0f64, -60.0..=60.0f64)
            .prop_map(|(east, a, lat)| (if east { a } else { -a }, lat)),
        1 => prop::sample::select(vec![(180.0, 0.0), (-180.0, 0.0), (0.0, 90.0), (0.0, -90.0), (180.0, 45.0)]),
    ]
}

/// A point set with dates, some positions repeated exactly (for ties).
fn point_set() -> impl Strategy<Value = Vec<(f64, f64, i64, i64)>> {
    prop::collection::vec(
        (
            position(),
            0..1500i64,
            prop_oneof![6 => Just(0i64), 2 => 0..40i64, 1 => 60..400i64],
        ),
        0..300,
    )
    .prop_flat_map(|pts| {
        let n = pts.len();
        (
            Just(pts),
            prop::collection::vec((0..n.max(1), 0..n.max(1)), 0..n / 4 + 1),
        )
    })
    .prop_map(|(mut pts, copies)| {
        for (from, to) in copies {
            if from < pts.len() && to < pts.len() {
                pts[to].0 = pts[from].0;
            }
        }
        pts.into_iter()
            .map(|((lon, lat), s, len)| (lon, lat, s, len))
            .collect()
    })
}

fn window() -> impl Strategy<Value = Option<DateWindow>> {
    prop_oneof![
        1 => Just(None),
        2 => (0..1600i64, 0..400i64).prop_map(|(s, len)| DateWindow::new(day(s), day(s + len)).ok()),
    ]
}

/// The index twice: always asking the tree, and always scanning date windows. Every query
/// must give the same answer through both.
fn both_plans(set: &IncidentSet) -> [IncidentIndex; 2] {
    [
        IncidentIndex::new(set).with_scan_limit(0),
        IncidentIndex::new(set).with_scan_limit(usize::MAX),
    ]
}

fn config() -> Config {
    Config {
        cases: 96,
        rng_seed: RngSeed::Fixed(0x5EED_C0FF_EE15),
        ..Config::default()
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn radius_matches_brute_force(mut pts in point_set(), (lon, lat) in position(),
                                  r in prop_oneof![0.0..50.0f64, 0.0..3000.0f64, Just(0.0)], w in window(),
                                  ring in prop::collection::vec((0.0..360.0f64, prop_oneof![-1e-3..1e-3f64, -1e-6..1e-6f64], 0..1500i64), 0..40)) {
        let c = Point::new(lon, lat);
        // Points just inside and just outside the radius: where an inexact threshold fails.
        for (bearing, rel, start) in ring {
            let p = destination(c, bearing, r * (1.0 + rel));
            pts.push((p.x(), p.y(), start, 0));
        }
        let set = build(&pts);
        for index in both_plans(&set) {
        let got = match w {
            Some(w) => index.during(w).within_radius(c, r).expect("query"),
            None => index.within_radius(c, r).expect("query"),
        };
        check_radius(&set, &got, c, r, w);
        // The callback form visits the same incidents.
        let mut visited = Vec::new();
        match w {
            Some(w) => index.during(w).for_each_within_radius(c, r, |n| visited.push(n.id)),
            None => index.for_each_within_radius(c, r, |n| visited.push(n.id)),
        }.expect("query");
        visited.sort_unstable();
        let mut ids: Vec<IncidentId> = got.iter().map(|n| n.id).collect();
        ids.sort_unstable();
        prop_assert_eq!(visited, ids);
        }
    }

    #[test]
    fn knn_matches_brute_force(pts in point_set(), (lon, lat) in position(), k in 0..25usize, w in window()) {
        let set = build(&pts);
        let c = Point::new(lon, lat);
        for index in both_plans(&set) {
        if k == 0 {
            prop_assert!(index.nearest(c, 0).is_err());
            continue;
        }
        let got = match w {
            Some(w) => index.during(w).nearest(c, k).expect("query"),
            None => index.nearest(c, k).expect("query"),
        };
        check_knn(&set, &got, c, k, w, |_| true);
        // With a filter: every third incident left out.
        let keep = |i: &Incident| !i.source_id.as_str().ends_with(['0', '3', '6', '9']);
        let got = match w {
            Some(w) => index.during(w).nearest_where(c, k, keep).expect("query"),
            None => index.nearest_where(c, k, keep).expect("query"),
        };
        check_knn(&set, &got, c, k, w, keep);
        }
    }

    #[test]
    fn bbox_matches_brute_force(pts in point_set(), (w_lon, s) in (-180.0..=180.0f64, -90.0..=90.0f64),
                                (e_lon, n) in (-180.0..=180.0f64, -90.0..=90.0f64), win in window()) {
        let set = build(&pts);
        let b = BoundingBox::new(w_lon, s.min(n), e_lon, s.max(n)).expect("valid box");
        for index in both_plans(&set) {
            let got = match win {
                Some(w) => index.during(w).within_bbox(&b),
                None => index.within_bbox(&b),
            };
            prop_assert_eq!(got, brute_ids(&set, win, |i| bbox_brute(&b, i)));
        }
    }

    #[test]
    fn polygon_matches_brute_force(pts in point_set(), ring in prop::collection::vec(position(), 3..9), win in window()) {
        let set = build(&pts);
        let poly = Polygon::new(LineString::from(ring), vec![]);
        for index in both_plans(&set) {
            let got = match win {
                Some(w) => index.during(w).within_polygon(&poly).expect("query"),
                None => index.within_polygon(&poly).expect("query"),
            };
            prop_assert_eq!(got, brute_ids(&set, win, |i| poly.intersects(&i.point())));
        }
    }
}

/// The synthetic corridor: 20,000 incidents, 300 seeded queries of every kind.
#[test]
fn corridor_queries_match_brute_force() {
    let set = build_corridor();
    let index = IncidentIndex::new(&set);
    let mut rng = Pcg64Mcg::seed_from_u64(99);
    for q in 0..300 {
        let c = Point::new(rng.random_range(-6.0..15.0), rng.random_range(4.0..16.0));
        let r = [5.0, 25.0, 50.0, 100.0][q % 4];
        let w = (q % 3 == 0).then(|| {
            let start = date(2018, 1, 1)
                .checked_add(Span::new().days(rng.random_range(0..2500)))
                .expect("in range");
            let days = [1u32, 30, 90, 365][q % 4];
            DateWindow::last_days(start, days).expect("window")
        });
        let got = match w {
            Some(w) => index.during(w).within_radius(c, r),
            None => index.within_radius(c, r),
        }
        .expect("query");
        check_radius(&set, &got, c, r, w);
        let k = [1, 5, 10, 50][q % 4];
        let nn = match w {
            Some(w) => index.during(w).nearest(c, k),
            None => index.nearest(c, k),
        }
        .expect("query");
        check_knn(&set, &nn, c, k, w, |_| true);
        let b = BoundingBox::new(c.x() - 0.5, c.y() - 0.4, c.x() + 0.7, c.y() + 0.3).expect("box");
        let poly = Polygon::new(
            LineString::from(vec![
                (c.x() - 0.6, c.y() - 0.2),
                (c.x() + 0.4, c.y() - 0.5),
                (c.x() + 0.8, c.y() + 0.6),
                (c.x() - 0.1, c.y() + 0.3),
            ]),
            vec![],
        );
        let (got_b, got_p) = match w {
            Some(w) => (
                index.during(w).within_bbox(&b),
                index.during(w).within_polygon(&poly),
            ),
            None => (index.within_bbox(&b), index.within_polygon(&poly)),
        };
        assert_eq!(got_b, brute_ids(&set, w, |i| bbox_brute(&b, i)));
        assert_eq!(
            got_p.expect("query"),
            brute_ids(&set, w, |i| poly.intersects(&i.point()))
        );
    }
}

#[test]
fn corridor_windows_match_a_scan() {
    let set = build_corridor();
    let index = IncidentIndex::new(&set);
    for (from, to) in [
        (date(2018, 1, 1), date(2018, 1, 1)),
        (date(2021, 3, 1), date(2021, 3, 31)),
        (date(2017, 1, 1), date(2030, 1, 1)),
        (date(2024, 12, 31), date(2024, 12, 31)),
    ] {
        let w = DateWindow::new(from, to).expect("window");
        let want = brute_ids(&set, Some(w), |_| true);
        assert_eq!(index.in_window(w), want);
    }
}

fn build_corridor() -> IncidentSet {
    let (set, report) = IncidentSet::validate(CorridorScenario::new(20_000).seed(5).generate());
    assert!(report.rejected.is_empty());
    set
}
