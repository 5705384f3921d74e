//! What each cluster holds: size, deaths, dates, where it is and how big, who and what, which
//! countries (and whether it crosses a border), month by month.

use arcstr::ArcStr;
use std::collections::BTreeMap;

use geo::{ConcaveHull, ConvexHull, MultiPoint, Point, Polygon, Rect};
use jiff::civil::Date;
use serde::Serialize;

use super::dbscan::{ClusterId, Clustering};
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
    /// Lon/lat bounding rectangle of the members.
    pub bbox: Rect<f64>,
    /// The outline, in lon/lat (degenerate for one or two distinct positions).
    pub hull: Polygon<f64>,
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
        Ok(members
            .iter()
            .enumerate()
            .filter(|(_, m)| !m.is_empty())
            .map(|(c, m)| summarize_one(c as u32, m, incidents, self.core(), hull))
            .collect())
    }
}

fn summarize_one(
    cluster: u32,
    members: &[usize],
    incidents: &[Incident],
    core: &[bool],
    hull: HullShape,
) -> ClusterSummary {
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
    let (mut west, mut south, mut east, mut north) = (180.0f64, 90.0f64, -180.0f64, -90.0f64);
    for &k in members {
        let i = of(k);
        west = west.min(i.lon);
        east = east.max(i.lon);
        south = south.min(i.lat);
        north = north.max(i.lat);
    }
    let points: MultiPoint<f64> = members.iter().map(|&k| of(k).point()).collect();
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
    ClusterSummary {
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
        bbox: Rect::new((west, south), (east, north)),
        hull: outline,
        actors: Count::most_first(actors),
        kinds: Count::most_first(kinds),
        countries: Count::most_first(countries),
        cross_border: known_countries > 1,
        monthly: monthly
            .into_iter()
            .map(|((year, month), count)| MonthCount { year, month, count })
            .collect(),
    }
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
        assert_eq!(s.bbox, Rect::new((-0.02, 11.09), (0.02, 11.14)));
        // The convex hull is the triangle a, d, b (c lies above the edge a-d, e and f inside):
        // a closed ring of four coordinates.
        assert_eq!(s.hull.exterior().0.len(), 4);
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
}
