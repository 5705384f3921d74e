//! What each cluster holds: size, deaths, dates, where it is and how big, who and what, which
//! countries (and whether it crosses a border), month by month.

use arcstr::ArcStr;
use std::collections::BTreeMap;

use geo::{
    Area, ConcaveHull, ConvexHull, Coord, LineString, MultiPoint, MultiPolygon, Point, Polygon,
    Translate,
};
use jiff::civil::Date;
use serde::Serialize;

use super::dbscan::{ClusterId, Clustering};
use crate::bbox::BoundingBox;
use crate::error::{Error, Result};
use crate::geodesy::{haversine_km, lon_lat_of, unit_vector};
use crate::incident::{CountryCode, EventKind, Incident};
use crate::tally::Count;
use crate::validate::IncidentSet;

/// How a cluster's outline is drawn, in lon/lat degrees.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum HullShape {
    /// The convex hull.
    #[default]
    Convex,
    /// geo's concave hull; lower `concavity` hugs the points more closely (geo's default is 2).
    Concave {
        /// geo's `ConcaveHullOptions::concavity`.
        concavity: f64,
    },
}

/// Deaths in a cluster: sums of the best estimates and, where any incident gives them, of the
/// low and high estimates (an incident without one counts its best estimate there).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct DeathTotals {
    /// Sum of best estimates.
    pub best: i64,
    /// Sum of low estimates, if any incident has one.
    pub low: Option<i64>,
    /// Sum of high estimates, if any incident has one.
    pub high: Option<i64>,
}

/// Incidents in one calendar month.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct MonthCount {
    /// The year.
    pub year: i16,
    /// The month, 1 to 12.
    pub month: i8,
    /// Incidents whose first day falls in it.
    pub count: u64,
}

/// One cluster, summarised.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ClusterSummary {
    /// The cluster.
    pub id: ClusterId,
    /// Incidents in it.
    pub count: usize,
    /// Of which core points.
    pub core_count: usize,
    /// Deaths.
    pub fatalities: DeathTotals,
    /// Earliest start date.
    pub first_day: Date,
    /// Latest end date.
    pub last_day: Date,
    /// Spherical centroid: the direction of the mean unit vector, as lon/lat.
    pub centroid: Point<f64>,
    /// Largest great-circle distance from the centroid to a member, km.
    pub radius_km: f64,
    /// Lon/lat bounding box of the members over the narrowest range of longitudes that holds
    /// them all: a cluster astride the antimeridian has `west > east` (west 179.9, east
    /// −179.9: 0.2° wide), as in GeoJSON's `bbox`, never a band round the globe.
    pub bbox: BoundingBox,
    /// The outline, in lon/lat, with straight edges in degrees, drawn over the longitudes of
    /// `bbox` made continuous (179.9 to 180.1, not 179.9 to −179.9). Then cut at ±180° as
    /// RFC 7946 §3.1.9 advises, so that every longitude is within [−180, 180]: one polygon,
    /// or, for a cluster astride the antimeridian, the parts either side of it (two for a
    /// convex outline). Degenerate for one or two distinct positions.
    pub hull: MultiPolygon<f64>,
    /// Actors (primary, secondary, associated) with the number of incidents naming them, most
    /// first, ties by name.
    pub actors: Vec<Count<ArcStr>>,
    /// Event kinds with counts, most first.
    pub kinds: Vec<Count<EventKind>>,
    /// Countries (ISO alpha-3 as recorded) with counts, most first; `None` for unknown.
    pub countries: Vec<Count<Option<CountryCode>>>,
    /// Whether members are recorded in more than one country.
    pub cross_border: bool,
    /// Incidents per month of their start date, in order.
    pub monthly: Vec<MonthCount>,
}

impl Clustering {
    /// Summarise every cluster of `clustering` over the incidents of `set`, in cluster order.
    ///
    /// ```
    /// use conflict_risk::{CorridorScenario, Dbscan, HullShape, IncidentIndex, IncidentSet};
    /// let (set, _) = IncidentSet::validate(CorridorScenario::new(5_000).generate());
    /// let clustering = Dbscan::new(15.0, 8)?.run(&IncidentIndex::new(&set));
    /// let clusters = clustering.summarize(&set, HullShape::Convex)?;
    /// assert_eq!(clusters.len(), clustering.cluster_count());
    /// assert_eq!(clusters.iter().map(|c| c.count).sum::<usize>(), set.len() - clustering.noise_count());
    /// # Ok::<(), conflict_risk::Error>(())
    /// ```
    pub fn summarize(&self, set: &IncidentSet, hull: HullShape) -> Result<Vec<ClusterSummary>> {
        if self.labels().len() != set.len() {
            return Err(Error::invalid(
                "clustering",
                self.labels().len(),
                format!(
                    "has a label per incident of another set ({} incidents)",
                    set.len()
                ),
            ));
        }
        if let HullShape::Concave { concavity } = hull
            && !(concavity.is_finite() && concavity > 0.0)
        {
            return Err(Error::invalid(
                "concavity",
                concavity,
                "must be finite and above 0",
            ));
        }
        let mut members: Vec<Vec<usize>> = vec![Vec::new(); self.cluster_count()];
        for (i, label) in self.labels().iter().enumerate() {
            if let Some(l) = label {
                members[l.get() as usize].push(i);
            }
        }
        let incidents = set.incidents();
        members
            .iter()
            .enumerate()
            .filter(|(_, m)| !m.is_empty())
            .map(|(c, m)| summarize_one(c as u32, m, incidents, self.core(), hull))
            .collect()
    }
}

fn summarize_one(
    cluster: u32,
    members: &[usize],
    incidents: &[Incident],
    core: &[bool],
    hull: HullShape,
) -> Result<ClusterSummary> {
    let of = |k: usize| &incidents[k];
    let mut sum = [0.0f64; 3];
    for &k in members {
        let v = unit_vector(of(k).point());
        sum = [sum[0] + v[0], sum[1] + v[1], sum[2] + v[2]];
    }
    // A cluster spread evenly round the globe has no direction: fall back to its first member.
    let centroid = if sum.iter().all(|s| s.abs() < 1e-12) {
        of(members[0]).point()
    } else {
        lon_lat_of(sum)
    };
    let radius_km = members
        .iter()
        .map(|&k| haversine_km(centroid, of(k).point()))
        .fold(0.0, f64::max);
    let (west, east) = lon_range(members.iter().map(|&k| of(k).lon));
    let (mut south, mut north) = (90.0f64, -90.0f64);
    for &k in members {
        south = south.min(of(k).lat);
        north = north.max(of(k).lat);
    }
    // Hull over longitudes continuous from `west`: up to west + 360 (beyond 180 when the
    // cluster crosses the antimeridian), then cut back into [-180, 180].
    let points: MultiPoint<f64> = members
        .iter()
        .map(|&k| Point::new(unwrap_lon(of(k).lon, west), of(k).lat))
        .collect();
    let outline = match hull {
        HullShape::Convex => points.convex_hull(),
        HullShape::Concave { concavity } => points.concave_hull_with_options(
            geo::algorithm::concave_hull::ConcaveHullOptions::default().concavity(concavity),
        ),
    };
    let any_low = members.iter().any(|&k| of(k).fatalities.low.is_some());
    let any_high = members.iter().any(|&k| of(k).fatalities.high.is_some());
    let total = |pick: fn(&Incident) -> i32| members.iter().map(|&k| i64::from(pick(of(k)))).sum();
    let fatalities = DeathTotals {
        best: total(|i| i.fatalities.best),
        low: any_low.then(|| total(|i| i.fatalities.low.unwrap_or(i.fatalities.best))),
        high: any_high.then(|| total(|i| i.fatalities.high.unwrap_or(i.fatalities.best))),
    };
    let mut actors: BTreeMap<ArcStr, u64> = BTreeMap::new();
    let mut kinds: BTreeMap<EventKind, u64> = BTreeMap::new();
    let mut countries: BTreeMap<Option<CountryCode>, u64> = BTreeMap::new();
    let mut monthly: BTreeMap<(i16, i8), u64> = BTreeMap::new();
    for &k in members {
        let i = of(k);
        // An incident naming an actor twice counts once for it.
        let mut named: Vec<&ArcStr> = i.actors().map(|a| &a.name).collect();
        named.sort();
        named.dedup();
        for name in named {
            *actors.entry(name.clone()).or_default() += 1;
        }
        *kinds.entry(i.kind).or_default() += 1;
        *countries.entry(i.country).or_default() += 1;
        *monthly
            .entry((i.date.start.year(), i.date.start.month()))
            .or_default() += 1;
    }
    let known_countries = countries.keys().filter(|c| c.is_some()).count();
    Ok(ClusterSummary {
        id: ClusterId::new(cluster),
        count: members.len(),
        core_count: members.iter().filter(|&&k| core[k]).count(),
        fatalities,
        first_day: members
            .iter()
            .map(|&k| of(k).date.start)
            .min()
            .unwrap_or_default(),
        last_day: members
            .iter()
            .map(|&k| of(k).date.end)
            .max()
            .unwrap_or_default(),
        centroid,
        radius_km,
        bbox: BoundingBox::new(west, south, east, north)?,
        hull: cut_at_antimeridian(outline),
        actors: Count::most_first(actors),
        kinds: Count::most_first(kinds),
        countries: Count::most_first(countries),
        cross_border: known_countries > 1,
        monthly: monthly
            .into_iter()
            .map(|((year, month), count)| MonthCount { year, month, count })
            .collect(),
    })
}

/// A longitude in [-180, 180), 180 written as -180 (the same meridian).
fn normal_lon(lon: f64) -> f64 {
    if lon >= 180.0 { lon - 360.0 } else { lon }
}

/// `lon` on the continuous range that starts at `west`: itself, or plus 360 if it is west of
/// `west` (for a longitude inside a range that crosses the antimeridian).
fn unwrap_lon(lon: f64, west: f64) -> f64 {
    let lon = normal_lon(lon);
    if lon >= west { lon } else { lon + 360.0 }
}

/// The narrowest range of longitudes holding every one of `lons` (degrees in [-180, 180]):
/// the circle minus its widest gap between neighbouring longitudes, as (west, east) with
/// `west > east` when the range crosses the antimeridian. Ties keep the range that does not
/// cross, so a cluster away from ±180° gets its plain minimum and maximum.
fn lon_range(lons: impl Iterator<Item = f64>) -> (f64, f64) {
    let mut sorted: Vec<f64> = lons.map(normal_lon).collect();
    sorted.sort_unstable_by(f64::total_cmp);
    let (Some(&first), Some(&last)) = (sorted.first(), sorted.last()) else {
        return (-180.0, 180.0);
    };
    let mut widest = (first + 360.0 - last, first, last);
    for w in sorted.windows(2) {
        let gap = w[1] - w[0];
        if gap > widest.0 {
            widest = (gap, w[1], w[0]);
        }
    }
    let (_, west, east) = widest;
    // A range that ends on the antimeridian ends at 180, not -180.
    if east == -180.0 && west > -180.0 {
        (west, 180.0)
    } else {
        (west, east)
    }
}

/// Cut an outline drawn over continuous longitudes (within [-180, 540)) at 180° into the
/// parts west and east of the antimeridian, the eastern ones moved back by 360°: one polygon
/// if it does not cross. The cut keeps every vertex as it was; only the points where edges
/// meet the meridian are new.
fn cut_at_antimeridian(outline: Polygon<f64>) -> MultiPolygon<f64> {
    if outline.exterior().coords().all(|c| c.x <= 180.0) {
        return MultiPolygon::new(vec![outline]);
    }
    if outline.exterior().coords().all(|c| c.x >= 180.0) {
        return MultiPolygon::new(vec![outline.translate(-360.0, 0.0)]);
    }
    let (west, east) = split_ring(outline.exterior());
    let flat = outline.unsigned_area() == 0.0;
    let parts = west
        .into_iter()
        .chain(east.into_iter().map(|p| p.translate(-360.0, 0.0)))
        // A vertex that only touches the meridian leaves a part of no area: drop it, unless
        // the outline itself is a point or a segment.
        .filter(|p| flat || p.unsigned_area() > 0.0)
        .collect();
    MultiPolygon::new(parts)
}

/// A point on a ring, or where one of its edges crosses the meridian x = 180.
#[derive(Clone, Copy)]
enum RingPoint {
    Vertex(Coord<f64>),
    /// `enters`: the ring comes onto the side being cut out here; `order`: the sort key along
    /// the meridian, (y, then the tie-break for crossings at one point).
    Cross {
        at: Coord<f64>,
        order: (f64, f64),
        enters: bool,
    },
}

/// The parts of a simple ring west (x <= 180) and east (x >= 180) of the meridian x = 180,
/// as polygons in the ring's coordinates.
fn split_ring(ring: &LineString<f64>) -> (Vec<Polygon<f64>>, Vec<Polygon<f64>>) {
    let mut pts: &[Coord<f64>] = &ring.0;
    if pts.len() > 1 && pts.first() == pts.last() {
        pts = &pts[..pts.len() - 1];
    }
    (side_of_ring(pts, true), side_of_ring(pts, false))
}

/// The parts of a simple ring (not closed: the last vertex joins the first) on one side of
/// the meridian x = 180.
///
/// The ring is walked with its crossings of the meridian inserted. Along the meridian, the
/// polygon's inside is made of intervals between its crossings taken in pairs, lowest first;
/// each part follows the ring on its side and, where the ring leaves that side, the meridian
/// to the other end of the interval, where the ring comes back. The meridian is taken a hair
/// inside the side being cut out, so a vertex or an edge on it belongs to the other side:
/// nothing of zero width along the meridian is left on a part, and crossings at one vertex
/// are ordered by the slope of their edges, as they would be a hair away.
fn side_of_ring(pts: &[Coord<f64>], west: bool) -> Vec<Polygon<f64>> {
    let on_side = |c: &Coord<f64>| if west { c.x < 180.0 } else { c.x > 180.0 };
    let mut walk: Vec<RingPoint> = Vec::with_capacity(pts.len() + 4);
    for (k, a) in pts.iter().enumerate() {
        walk.push(RingPoint::Vertex(*a));
        let b = &pts[(k + 1) % pts.len()];
        if on_side(a) != on_side(b) {
            // `i` on the side, `o` not: i.x != o.x, and the crossing is o itself when o is on
            // the meridian (exactly, so that crossings at one vertex sort together).
            let (i, o) = if on_side(a) { (a, b) } else { (b, a) };
            let slope = (o.y - i.y) / (o.x - i.x);
            let y = if o.x == 180.0 {
                o.y
            } else {
                i.y + slope * (180.0 - i.x)
            };
            // A hair inside the side, the crossing is at y - slope·ε (west) or y + slope·ε.
            let tie = if west { -slope } else { slope };
            walk.push(RingPoint::Cross {
                at: Coord { x: 180.0, y },
                order: (y, tie),
                enters: on_side(b),
            });
        }
    }
    let mut crossings: Vec<usize> = (0..walk.len())
        .filter(|&k| matches!(walk[k], RingPoint::Cross { .. }))
        .collect();
    let order = |k: usize| match walk[k] {
        RingPoint::Cross { order, .. } => order,
        RingPoint::Vertex(_) => (f64::NAN, f64::NAN),
    };
    crossings.sort_by(|&a, &b| {
        let ((ya, ta), (yb, tb)) = (order(a), order(b));
        ya.total_cmp(&yb).then(ta.total_cmp(&tb))
    });
    // The other end of each crossing's interval along the meridian.
    let mut partner = vec![usize::MAX; walk.len()];
    for pair in crossings.chunks_exact(2) {
        partner[pair[0]] = pair[1];
        partner[pair[1]] = pair[0];
    }
    let coord = |k: usize| match walk[k] {
        RingPoint::Vertex(at) | RingPoint::Cross { at, .. } => at,
    };
    let enters = |k: usize| matches!(walk[k], RingPoint::Cross { enters: true, .. });
    let mut used = vec![false; walk.len()];
    let mut parts = Vec::new();
    for &start in &crossings {
        if used[start] || !enters(start) {
            continue;
        }
        let mut part: Vec<Coord<f64>> = Vec::new();
        let mut at = start;
        loop {
            used[at] = true;
            part.push(coord(at));
            // Along the ring to where it leaves the side (crossings alternate along it).
            let mut k = (at + 1) % walk.len();
            while let RingPoint::Vertex(c) = walk[k] {
                part.push(c);
                k = (k + 1) % walk.len();
            }
            used[k] = true;
            part.push(coord(k));
            // Along the meridian to where it comes back.
            let back = partner[k];
            if back == start || back == usize::MAX || used[back] || !enters(back) {
                break;
            }
            at = back;
        }
        part.dedup();
        parts.push(Polygon::new(LineString::new(part), Vec::new()));
    }
    parts
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cluster::Dbscan;
    use crate::incident::{Actor, ActorKind, DateSpan, Fatalities};
    use crate::index::IncidentIndex;
    use crate::io::write_clusters_geojson;
    use jiff::civil::date;

    /// Six incidents astride the Burkina Faso - Togo border near Cinkassé (0.0E, 11.1N), a few
    /// km apart, and one far away.
    fn border_set() -> IncidentSet {
        let rows = [
            (
                "a",
                -0.02,
                11.12,
                "BFA",
                date(2023, 1, 5),
                3,
                Some(2),
                Some(5),
            ),
            ("b", -0.01, 11.14, "BFA", date(2023, 1, 20), 0, None, None),
            ("c", 0.01, 11.10, "TGO", date(2023, 2, 2), 1, None, None),
            ("d", 0.02, 11.09, "TGO", date(2023, 2, 3), 4, None, Some(6)),
            ("e", 0.00, 11.11, "TGO", date(2023, 2, 28), 0, None, None),
            ("f", 0.00, 11.11, "TGO", date(2023, 3, 1), 2, None, None),
            ("far", 3.19, 12.07, "BEN", date(2023, 3, 1), 9, None, None),
        ];
        let jnim = Actor::new("JNIM", ActorKind::Rebel);
        let army = Actor::new("Military Forces of Togo", ActorKind::State);
        let incidents = rows
            .iter()
            .map(|&(id, lon, lat, cc, d, best, low, high)| {
                let mut i = Incident::new(id, lon, lat, DateSpan::day(d));
                i.country = CountryCode::new(cc);
                i.fatalities = Fatalities { best, low, high };
                i.primary_actor = Some(jnim.clone());
                if cc == "TGO" {
                    i.secondary_actor = Some(army.clone());
                    i.kind = EventKind::Battle;
                } else {
                    i.kind = EventKind::ViolenceAgainstCivilians;
                }
                i
            })
            .collect();
        IncidentSet::validate_strict(incidents).expect("valid")
    }

    #[test]
    fn a_cluster_astride_the_border_is_cross_border() {
        let set = border_set();
        let clustering = Dbscan::new(10.0, 3)
            .expect("params")
            .run(&IncidentIndex::new(&set));
        assert_eq!(clustering.cluster_count(), 1);
        assert_eq!(clustering.noise_count(), 1); // the far one
        let s = &clustering
            .summarize(&set, HullShape::Convex)
            .expect("summary")[0];
        assert_eq!((s.count, s.core_count), (6, 6));
        assert!(s.cross_border);
        let cc = |c: &str| CountryCode::new(c);
        let pairs = |v: &[Count<Option<CountryCode>>]| -> Vec<(Option<CountryCode>, u64)> {
            v.iter().map(|c| (c.key, c.count)).collect()
        };
        assert_eq!(pairs(&s.countries), [(cc("TGO"), 4), (cc("BFA"), 2)]);
        // Deaths by hand: best 3+0+1+4+0+2 = 10; low 2+0+1+4+0+2 = 9; high 5+0+1+6+0+2 = 14.
        assert_eq!(
            s.fatalities,
            DeathTotals {
                best: 10,
                low: Some(9),
                high: Some(14)
            }
        );
        assert_eq!(
            (s.first_day, s.last_day),
            (date(2023, 1, 5), date(2023, 3, 1))
        );
        let months: Vec<(i16, i8, u64)> = s
            .monthly
            .iter()
            .map(|m| (m.year, m.month, m.count))
            .collect();
        assert_eq!(months, [(2023, 1, 2), (2023, 2, 3), (2023, 3, 1)]);
        let actor = |k: usize| (s.actors[k].key.as_str(), s.actors[k].count);
        assert_eq!(actor(0), ("JNIM", 6));
        assert_eq!(actor(1), ("Military Forces of Togo", 4));
        assert_eq!(
            s.kinds.iter().map(|k| (k.key, k.count)).collect::<Vec<_>>(),
            [
                (EventKind::Battle, 4),
                (EventKind::ViolenceAgainstCivilians, 2)
            ]
        );
        // The centroid is near the mean position, and the radius reaches the farthest member.
        assert!((s.centroid.x() - 0.0).abs() < 1e-3 && (s.centroid.y() - 11.1117).abs() < 1e-3);
        let farthest = ["a", "b", "c", "d"]
            .iter()
            .map(|id| {
                let i = set
                    .incidents()
                    .iter()
                    .find(|i| i.source_id.as_str() == *id)
                    .expect("id");
                haversine_km(s.centroid, i.point())
            })
            .fold(0.0, f64::max);
        assert!((s.radius_km - farthest).abs() < 1e-12);
        assert_eq!(
            s.bbox,
            BoundingBox::new(-0.02, 11.09, 0.02, 11.14).expect("box")
        );
        // The convex hull is the triangle a, d, b (c lies above the edge a-d, e and f inside):
        // one polygon, a closed ring of four coordinates.
        assert_eq!(s.hull.0.len(), 1);
        assert_eq!(s.hull.0[0].exterior().0.len(), 4);
    }

    #[test]
    fn one_country_is_not_cross_border_and_unknown_does_not_count() {
        let mut incidents = border_set().into_incidents();
        for i in &mut incidents {
            if i.country.is_some_and(|c| c.as_str() == "BFA") {
                i.country = None;
            }
        }
        let set = IncidentSet::validate_strict(incidents).expect("valid");
        let clustering = Dbscan::new(10.0, 3)
            .expect("params")
            .run(&IncidentIndex::new(&set));
        let s = &clustering
            .summarize(&set, HullShape::Concave { concavity: 2.0 })
            .expect("ok")[0];
        assert!(!s.cross_border);
        let pairs: Vec<_> = s.countries.iter().map(|c| (c.key, c.count)).collect();
        assert_eq!(pairs, [(CountryCode::new("TGO"), 4), (None, 2)]);
        assert!(
            clustering
                .summarize(&set, HullShape::Concave { concavity: 0.0 })
                .is_err()
        );
    }

    #[test]
    fn cluster_outlines_as_geojson() {
        let set = border_set();
        let clustering = Dbscan::new(10.0, 3)
            .expect("params")
            .run(&IncidentIndex::new(&set));
        let clusters = clustering
            .summarize(&set, HullShape::Convex)
            .expect("summary");
        let mut out = Vec::new();
        write_clusters_geojson(&mut out, &clusters).expect("write");
        let doc: serde_json::Value = serde_json::from_slice(&out).expect("json");
        let f = &doc["features"][0];
        assert_eq!(f["geometry"]["type"], "Polygon");
        assert_eq!(f["properties"]["cross_border"], true);
        assert_eq!(f["properties"]["countries"], "TGO 4; BFA 2");
        assert_eq!(f["properties"]["fatalities"], 10);
        // Exterior ring counter-clockwise (RFC 7946): positive shoelace area.
        let ring = f["geometry"]["coordinates"][0].as_array().expect("ring");
        let pts: Vec<(f64, f64)> = ring
            .iter()
            .map(|p| (p[0].as_f64().expect("x"), p[1].as_f64().expect("y")))
            .collect();
        let area2: f64 = pts
            .windows(2)
            .map(|w| w[0].0 * w[1].1 - w[1].0 * w[0].1)
            .sum();
        assert!(area2 > 0.0);
    }

    /// Seventeen incidents around Fiji, either side of the antimeridian at 17.7° S, from
    /// 179.95° E to 179.95° W (about 10.6 km), one of them at 180° exactly.
    fn fiji_set() -> IncidentSet {
        let lons = [
            179.95, 179.96, 179.98, 179.99, -179.99, -179.98, -179.96, -179.95,
        ];
        let mut incidents: Vec<Incident> = lons
            .iter()
            .enumerate()
            .flat_map(|(k, &lon)| {
                [-17.69, -17.71].map(|lat| {
                    Incident::new(
                        format!("fj{k}{lat}").as_str(),
                        lon,
                        lat,
                        DateSpan::day(date(2024, 3, 1)),
                    )
                })
            })
            .collect();
        incidents.push(Incident::new(
            "fj180",
            180.0,
            -17.7,
            DateSpan::day(date(2024, 3, 2)),
        ));
        IncidentSet::validate_strict(incidents).expect("valid")
    }

    /// Longitudinal width (degrees) of a set of coordinates, and whether all are valid
    /// longitudes.
    fn width(coords: impl Iterator<Item = Coord<f64>>) -> (f64, bool) {
        let (mut lo, mut hi, mut valid) = (f64::INFINITY, f64::NEG_INFINITY, true);
        for c in coords {
            lo = lo.min(c.x);
            hi = hi.max(c.x);
            valid &= c.x.abs() <= 180.0 && c.y.abs() <= 90.0;
        }
        (hi - lo, valid)
    }

    /// A cluster astride the antimeridian used to get a hull and bbox from 179.98° W to
    /// 179.98° E, a band round the globe: both are about 0.1° (10.6 km) wide now, the hull
    /// cut at ±180° into two parts that cover every member.
    #[test]
    fn a_cluster_astride_the_antimeridian_is_a_few_km_wide() {
        use geo::{CoordsIter, Intersects};
        let set = fiji_set();
        let clustering = Dbscan::new(5.0, 3)
            .expect("params")
            .run(&IncidentIndex::new(&set));
        assert_eq!(
            (clustering.cluster_count(), clustering.noise_count()),
            (1, 0)
        );
        let km_per_degree = 6371.0088f64.to_radians() * 17.7f64.to_radians().cos();
        for shape in [HullShape::Convex, HullShape::Concave { concavity: 2.0 }] {
            let s = &clustering.summarize(&set, shape).expect("summary")[0];
            // The bbox: west of the antimeridian to east of it.
            assert!(s.bbox.crosses_antimeridian(), "{shape:?}: {:?}", s.bbox);
            assert_eq!((s.bbox.west(), s.bbox.east()), (179.95, -179.95));
            assert_eq!((s.bbox.south(), s.bbox.north()), (-17.71, -17.69));
            let bbox_km = (s.bbox.east() + 360.0 - s.bbox.west()) * km_per_degree;
            assert!(bbox_km < 12.0, "{shape:?}: bbox {bbox_km} km wide");
            // The hull: two parts, each on its side of ±180°, 0.05° wide.
            assert_eq!(s.hull.0.len(), 2, "{shape:?}: {:?}", s.hull);
            let mut total_km = 0.0;
            for part in &s.hull {
                let (w, valid) = width(part.exterior_coords_iter());
                assert!(valid, "{shape:?}: {part:?}");
                assert!((w - 0.05).abs() < 1e-9, "{shape:?}: part {w}° wide");
                assert!(part.unsigned_area() > 0.0);
                let xs: Vec<f64> = part.exterior().coords().map(|c| c.x).collect();
                assert!(
                    xs.iter().all(|&x| x >= 179.95) || xs.iter().all(|&x| x <= -179.95),
                    "{shape:?}: a part straddles: {xs:?}"
                );
                total_km += w * km_per_degree;
            }
            assert!((total_km - 0.1 * km_per_degree).abs() < 1e-6, "{total_km}");
            let (w, _) = width(s.hull.coords_iter());
            assert!(w > 359.0, "two parts at either end of the map");
            // Every member is inside or on the outline.
            for i in set.incidents() {
                assert!(
                    s.hull.intersects(&i.point()),
                    "{shape:?}: {} {}",
                    i.lon,
                    i.lat
                );
            }
            // And the centroid is on the antimeridian.
            assert!(
                (s.centroid.x().abs() - 180.0).abs() < 1e-6,
                "{:?}",
                s.centroid
            );
        }
        // GeoJSON: a MultiPolygon of valid longitudes.
        let clusters = clustering
            .summarize(&set, HullShape::Convex)
            .expect("summary");
        let mut out = Vec::new();
        write_clusters_geojson(&mut out, &clusters).expect("write");
        let doc: serde_json::Value = serde_json::from_slice(&out).expect("json");
        let g = &doc["features"][0]["geometry"];
        assert_eq!(g["type"], "MultiPolygon");
        let parts = g["coordinates"].as_array().expect("parts");
        assert_eq!(parts.len(), 2);
        for part in parts {
            for p in part[0].as_array().expect("ring") {
                let lon = p[0].as_f64().expect("lon");
                assert!((179.95..=180.0).contains(&lon.abs()), "{lon}");
            }
        }
    }

    /// Clusters that reach the antimeridian without crossing it, and a pair on it written as
    /// 180 and −180: one polygon, no band.
    #[test]
    fn a_cluster_touching_the_antimeridian_is_one_polygon() {
        let rows = [
            (179.96, -17.7),
            (179.98, -17.7),
            (180.0, -17.71),
            (-180.0, -17.69),
        ];
        let incidents = rows
            .iter()
            .enumerate()
            .map(|(k, &(lon, lat))| {
                Incident::new(
                    format!("t{k}").as_str(),
                    lon,
                    lat,
                    DateSpan::day(date(2024, 3, 1)),
                )
            })
            .collect();
        let set = IncidentSet::validate_strict(incidents).expect("valid");
        let c = Dbscan::new(5.0, 2)
            .expect("params")
            .run(&IncidentIndex::new(&set));
        let s = &c.summarize(&set, HullShape::Convex).expect("summary")[0];
        assert_eq!(s.count, 4);
        assert_eq!(
            s.bbox,
            BoundingBox::new(179.96, -17.71, 180.0, -17.69).expect("box")
        );
        assert_eq!(s.hull.0.len(), 1);
        let (w, valid) = width(s.hull.0[0].exterior().coords().copied());
        assert!(valid && (w - 0.04).abs() < 1e-9, "{:?}", s.hull);
    }

    #[test]
    fn narrowest_longitude_ranges() {
        let r = |lons: &[f64]| lon_range(lons.iter().copied());
        assert_eq!(r(&[10.0]), (10.0, 10.0));
        assert_eq!(r(&[-0.02, 0.02, 0.0]), (-0.02, 0.02));
        assert_eq!(r(&[179.9, -179.9]), (179.9, -179.9));
        assert_eq!(r(&[170.0, -175.0, 178.0, -179.0]), (170.0, -175.0));
        assert_eq!(r(&[179.9, 180.0]), (179.9, 180.0));
        assert_eq!(r(&[-180.0, -179.9]), (-180.0, -179.9));
        assert_eq!(r(&[180.0, -180.0]), (-180.0, -180.0));
        // Spread evenly round the globe: the widest gap is a tie, the first one (no
        // crossing) wins.
        assert_eq!(r(&[-120.0, 0.0, 120.0]), (-120.0, 120.0));
        // Wider than half the globe, but the gap is over the antimeridian's opposite.
        assert_eq!(r(&[-150.0, 150.0, 60.0, -60.0]), (60.0, -60.0));
    }

    #[test]
    fn cutting_a_degenerate_outline_keeps_both_ends() {
        // Two positions either side of ±180°: the hull is a segment.
        let seg = Polygon::new(
            LineString::from(vec![(179.99, -17.7), (180.01, -17.72), (179.99, -17.7)]),
            Vec::new(),
        );
        let cut = cut_at_antimeridian(seg);
        assert_eq!(cut.0.len(), 2);
        let (w, valid) = width(cut.0[0].exterior().coords().copied());
        assert!(valid && (w - 0.01).abs() < 1e-9, "{cut:?}");
        let (w, valid) = width(cut.0[1].exterior().coords().copied());
        assert!(valid && (w - 0.01).abs() < 1e-9, "{cut:?}");
    }

    /// A "C" opening east across the meridian: two prongs east of it, one part west. And the
    /// same opening west.
    #[test]
    fn cutting_a_concave_outline_gives_every_part() {
        use geo::MapCoords;
        let c_east = Polygon::new(
            LineString::from(vec![
                (179.0, 0.0),
                (181.0, 0.0),
                (181.0, 1.0),
                (179.5, 1.0),
                (179.5, 2.0),
                (181.0, 2.0),
                (181.0, 3.0),
                (179.0, 3.0),
            ]),
            Vec::new(),
        );
        let areas =
            |m: &MultiPolygon<f64>| -> Vec<f64> { m.0.iter().map(|p| p.unsigned_area()).collect() };
        let cut = cut_at_antimeridian(c_east.clone());
        assert_eq!(areas(&cut), [2.5, 1.0, 1.0], "{cut:?}");
        assert!(
            cut.0[1..]
                .iter()
                .all(|p| p.exterior().coords().all(|c| c.x <= -179.0))
        );
        // Mirrored about 180.
        let c_west = c_east.map_coords(|c| Coord {
            x: 360.0 - c.x,
            y: c.y,
        });
        let cut = cut_at_antimeridian(c_west);
        assert_eq!(areas(&cut), [1.0, 1.0, 2.5], "{cut:?}");
    }

    /// Concave hulls of random points across the meridian, some on it: the parts are valid
    /// polygons, each on one side, with the outline's area, and a point is in the outline if
    /// and only if it is in a part.
    #[test]
    fn cutting_random_outlines_keeps_area_and_inside() {
        use geo::{Intersects, Validation};
        use rand::{RngExt, SeedableRng};
        let mut rng = rand_pcg::Pcg64Mcg::seed_from_u64(180);
        let mut multi = 0;
        for case in 0..300 {
            let n = rng.random_range(3..40);
            let points: MultiPoint<f64> = (0..n)
                .map(|_| {
                    let x = if rng.random::<f64>() < 0.1 {
                        180.0
                    } else {
                        rng.random_range(179.0..181.0)
                    };
                    Point::new(x, rng.random_range(-1.0..1.0))
                })
                .collect();
            let outline = if case % 3 == 0 {
                points.convex_hull()
            } else {
                points.concave_hull_with_options(
                    geo::algorithm::concave_hull::ConcaveHullOptions::default()
                        .concavity(rng.random_range(0.5..2.0)),
                )
            };
            if outline.exterior().coords().all(|c| c.x <= 180.0) || !outline.is_valid() {
                continue;
            }
            let cut = cut_at_antimeridian(outline.clone());
            multi += usize::from(cut.0.len() > 2);
            let total: f64 = cut.0.iter().map(|p| p.unsigned_area()).sum();
            let area = outline.unsigned_area();
            assert!(
                (total - area).abs() < 1e-9 * area.max(1.0),
                "case {case}: {total} vs {area}\n{outline:?}\n{cut:?}"
            );
            for p in &cut.0 {
                assert!(p.is_valid(), "case {case}: {p:?}");
                let xs: Vec<f64> = p.exterior().coords().map(|c| c.x).collect();
                assert!(
                    xs.iter().all(|x| (179.0..=180.0).contains(x))
                        || xs.iter().all(|x| (-180.0..=-179.0).contains(x)),
                    "case {case}: {xs:?}"
                );
            }
            for _ in 0..200 {
                let q: Point<f64> =
                    Point::new(rng.random_range(179.0..181.0), rng.random_range(-1.0..1.0));
                if (q.x() - 180.0).abs() < 1e-9 {
                    continue;
                }
                let back = if q.x() > 180.0 {
                    Point::new(q.x() - 360.0, q.y())
                } else {
                    q
                };
                assert_eq!(
                    outline.intersects(&q),
                    cut.intersects(&back),
                    "case {case}: {q:?}"
                );
            }
        }
        assert!(
            multi > 10,
            "only {multi} outlines fell into several parts on a side"
        );
    }
}
