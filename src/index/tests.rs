//! The index against hand-built cases.

use super::*;
use crate::incident::DateSpan;
use geo::polygon;
use jiff::civil::{Date, date};

use crate::bbox::envelope_3d;

fn set_of(points: &[(f64, f64, Date, Date)]) -> IncidentSet {
    let incidents = points
        .iter()
        .enumerate()
        .map(|(i, &(lon, lat, s, e))| {
            Incident::new(i.to_string().as_str(), lon, lat, DateSpan::new(s, e))
        })
        .collect();
    IncidentSet::validate_strict(incidents).expect("valid test points")
}

#[test]
fn hand_built_radius_and_nearest() {
    let d = date(2024, 1, 1);
    // Points on the equator 1°, 2° and 3° east of the query; 1° of arc is πR/180 =
    // 111.1950802335329 km (R = 6371.0088 km).
    let set = set_of(&[(3.0, 0.0, d, d), (1.0, 0.0, d, d), (2.0, 0.0, d, d)]);
    let index = IncidentIndex::new(&set);
    let q = Point::new(0.0, 0.0);
    let got = index.within_radius(q, 230.0).expect("query");
    let ids: Vec<u32> = got.iter().map(|n| n.id.get()).collect();
    assert_eq!(ids, [1, 2]);
    assert!((got[0].distance_km - 111.195_080_233_532_9).abs() < 1e-9);
    let nn = index.nearest(q, 2).expect("knn");
    assert_eq!(nn.iter().map(|n| n.id.get()).collect::<Vec<_>>(), [1, 2]);
    assert!(index.within_radius(q, 111.0).expect("q").is_empty());
    assert!(index.within_radius(q, -1.0).is_err());
    assert!(index.within_radius(q, f64::NAN).is_err());
    assert!(index.within_radius(Point::new(0.0, 91.0), 1.0).is_err());
    assert!(index.nearest(q, 0).is_err());
}

#[test]
fn ties_break_by_id() {
    let d = date(2024, 1, 1);
    // Four points at the same distance from the origin, in shuffled id order.
    let set = set_of(&[
        (0.0, 1.0, d, d),
        (1.0, 0.0, d, d),
        (0.0, -1.0, d, d),
        (-1.0, 0.0, d, d),
    ]);
    let index = IncidentIndex::new(&set);
    let nn = index.nearest(Point::new(0.0, 0.0), 2).expect("knn");
    assert_eq!(nn.iter().map(|n| n.id.get()).collect::<Vec<_>>(), [0, 1]);
}

#[test]
fn ties_break_by_id_when_scanning_a_window() {
    let d = date(2024, 1, 1);
    let set = set_of(&[
        (0.0, 1.0, d, d),
        (1.0, 0.0, d, d),
        (0.0, -1.0, d, d),
        (-1.0, 0.0, d, d),
        (0.0, 0.5, date(2020, 1, 1), date(2020, 1, 1)),
    ]);
    let index = IncidentIndex::new(&set).with_scan_limit(usize::MAX);
    let w = DateWindow::new(d, d).expect("window");
    let nn = index
        .during(w)
        .nearest(Point::new(0.0, 0.0), 3)
        .expect("knn");
    assert_eq!(nn.iter().map(|n| n.id.get()).collect::<Vec<_>>(), [0, 1, 2]);
}

#[test]
fn a_long_span_does_not_widen_every_window() {
    let p = (1.0, 11.0);
    let mut points = vec![(p.0, p.1, date(2010, 1, 1), date(2023, 12, 31))];
    for day in 1..=28 {
        points.push((p.0, p.1, date(2023, 2, day), date(2023, 2, day)));
    }
    let set = set_of(&points);
    let index = IncidentIndex::new(&set);
    let w = DateWindow::new(date(2023, 2, 10), date(2023, 2, 11)).expect("window");
    // The 14-year span is kept apart: the scan range holds just the two short ones.
    assert_eq!(index.window_range(w.days()).len(), 2);
    let ids: Vec<u32> = index.in_window(w).iter().map(|i| i.get()).collect();
    assert_eq!(ids, [0, 10, 11]);
}

#[test]
fn windows_and_boxes_deserialise_through_their_checks() {
    let ok: DateWindow =
        serde_json::from_str(r#"{"from":"2024-01-01","to":"2024-01-31"}"#).expect("valid");
    assert_eq!(ok.last_day(), date(2024, 1, 31));
    assert!(
        serde_json::from_str::<DateWindow>(r#"{"from":"2024-02-01","to":"2024-01-31"}"#).is_err()
    );
    assert!(
        serde_json::from_str::<BoundingBox>(r#"{"west":0,"south":-100,"east":1,"north":1}"#)
            .is_err()
    );
    assert!(DateWindow::last_days(date(2024, 1, 1), u32::MAX).is_err());
    // -180 and 180 are one meridian.
    let b = BoundingBox::new(170.0, -10.0, 180.0, 10.0).expect("box");
    assert!(b.contains(-180.0, 0.0));
}

#[test]
fn windows_overlap_spans_by_day() {
    let p = (1.0, 11.0);
    let set = set_of(&[
        (p.0, p.1, date(2023, 3, 1), date(2023, 3, 31)), // a month
        (p.0, p.1, date(2023, 4, 1), date(2023, 4, 1)),
        (p.0, p.1, date(2023, 2, 28), date(2023, 2, 28)),
    ]);
    let index = IncidentIndex::new(&set);
    let w = DateWindow::new(date(2023, 3, 31), date(2023, 4, 1)).expect("window");
    let ids: Vec<u32> = index.in_window(w).iter().map(|i| i.get()).collect();
    assert_eq!(ids, [0, 1]);
    let near = index
        .during(w)
        .within_radius(Point::new(p.0, p.1), 1.0)
        .expect("q");
    assert_eq!(near.len(), 2);
    let march = DateWindow::new(date(2023, 3, 15), date(2023, 3, 15)).expect("window");
    assert_eq!(index.in_window(march), [IncidentId::new(0)]);
}

#[test]
fn bbox_across_the_antimeridian() {
    let d = date(2024, 1, 1);
    let set = set_of(&[
        (179.5, 10.0, d, d),
        (-179.5, 10.0, d, d),
        (180.0, 10.0, d, d),
        (0.0, 10.0, d, d),
        (-179.5, 21.0, d, d),
    ]);
    let index = IncidentIndex::new(&set);
    let bbox = BoundingBox::new(179.0, 0.0, -179.0, 20.0).expect("bbox");
    let ids: Vec<u32> = index.within_bbox(&bbox).iter().map(|i| i.get()).collect();
    assert_eq!(ids, [0, 1, 2]);
}

#[test]
fn polygon_boundary_is_inside() {
    let d = date(2024, 1, 1);
    let set = set_of(&[(1.0, 1.0, d, d), (2.0, 1.0, d, d), (3.0, 1.0, d, d)]);
    let index = IncidentIndex::new(&set);
    let square = polygon![(x: 0.5, y: 0.5), (x: 2.0, y: 0.5), (x: 2.0, y: 1.5), (x: 0.5, y: 1.5)];
    let ids: Vec<u32> = index
        .within_polygon(&square)
        .expect("q")
        .iter()
        .map(|i| i.get())
        .collect();
    assert_eq!(ids, [0, 1]);
    let nan = polygon![(x: f64::NAN, y: 0.5), (x: 2.0, y: 0.5), (x: 2.0, y: 1.5)];
    assert!(index.within_polygon(&nan).is_err());
    // NaN in a later vertex, which the bounding rectangle does not see.
    let late_nan = polygon![(x: 0.5, y: 0.5), (x: 2.0, y: f64::NAN), (x: 2.0, y: 1.5)];
    assert!(index.within_polygon(&late_nan).is_err());
}

#[test]
fn empty_index_answers_empty() {
    let set = set_of(&[]);
    let index = IncidentIndex::new(&set);
    assert!(index.is_empty());
    let q = Point::new(0.0, 10.0);
    assert!(index.within_radius(q, 100.0).expect("q").is_empty());
    assert!(index.nearest(q, 3).expect("q").is_empty());
    let w = DateWindow::new(date(2020, 1, 1), date(2020, 1, 2)).expect("w");
    assert!(index.during(w).nearest(q, 3).expect("q").is_empty());
}

#[test]
fn envelope_holds_its_box_corners_and_middles() {
    for (w, s, e, n) in [
        (-6.0, 4.0, 15.0, 16.0),
        (-180.0, -90.0, 180.0, 90.0),
        (100.0, -80.0, 170.0, -60.0),
        (-10.0, -5.0, 10.0, 5.0),
    ] {
        let env = envelope_3d(w, e, s, n);
        for lon in [
            w,
            e,
            (w + e) / 2.0,
            0.0_f64.clamp(w, e),
            90.0_f64.clamp(w, e),
        ] {
            for lat in [s, n, (s + n) / 2.0, 0.0_f64.clamp(s, n)] {
                let v = unit_vector(Point::new(lon, lat));
                assert!(env.contains_point(&v), "{lon},{lat} in {w},{s},{e},{n}");
            }
        }
    }
}
