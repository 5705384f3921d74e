//! [`IncidentIndex`]: exact great-circle queries over an R-tree of unit-sphere points, the hot
//! path every analysis stands on.
//!
//! rstar measures Euclidean distance, so lon/lat degrees never go into it. Each incident is
//! stored as its unit vector with its `u32` id; a radius of `d` km is the exact squared-chord
//! threshold `(2·sin(d / 2R))²` (see `km_to_chord2` in `geodesy.rs`), and nearest-neighbour order by chord is
//! order by great-circle distance. The tree's leaves are buckets of up to 16 nearby points
//! stored contiguously: a leaf per point would cost rstar's 80-byte node each (80 MB at a
//! million incidents), a bucket costs 5 bytes per point, and scanning 16 contiguous vectors is
//! faster than visiting 16 nodes. A side array of ids sorted by start date answers date
//! windows; when a window holds few incidents, a query scans them instead of the tree.

use std::cmp::Ordering;
use std::ops::{ControlFlow, Range};

use geo::{BoundingRect, Coord, CoordsIter, Intersects, Point, Rect};
use rstar::{AABB, Envelope, RTree};
use serde::{Deserialize, Serialize};

mod bucket;
pub(crate) mod pairs;
#[cfg(test)]
mod tests;
mod windowed;

pub use crate::bbox::BoundingBox;
pub use crate::window::DateWindow;
pub use windowed::Windowed;

use crate::error::{Error, Result};
use crate::geodesy::{chord2_to_km, dist2, km_to_chord2, unit_vector};
use crate::incident::{Incident, IncidentId, day_number};
use crate::validate::IncidentSet;
use crate::window::DayRange;
use bucket::{BUCKET, Bucket, Params, bucket_order};

/// A window at or below this many candidate incidents is scanned directly rather than
/// filtered out of a tree query.
const SCAN_LIMIT: usize = 4096;

/// An incident found by a distance query, with its great-circle distance from the query point.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Neighbor {
    /// The incident.
    pub id: IncidentId,
    /// Great-circle distance from the query point, in km.
    pub distance_km: f64,
}

/// The unit vector of a query point, after checking it is a valid WGS 84 position.
/// Check that a query point is a finite lon/lat within range.
pub(crate) fn check_point(center: Point<f64>) -> Result<()> {
    query_vector(center).map(|_| ())
}

fn query_vector(center: Point<f64>) -> Result<[f64; 3]> {
    let (lon, lat) = (center.x(), center.y());
    if !lon.is_finite() || lon.abs() > 180.0 {
        return Err(Error::invalid(
            "center.lon",
            lon,
            "must be a finite longitude in [-180, 180]",
        ));
    }
    if !lat.is_finite() || lat.abs() > 90.0 {
        return Err(Error::invalid(
            "center.lat",
            lat,
            "must be a finite latitude in [-90, 90]",
        ));
    }
    Ok(unit_vector(center))
}

/// The squared-chord threshold of a radius, after checking the radius.
fn radius_chord2(radius_km: f64) -> Result<f64> {
    if !radius_km.is_finite() || radius_km < 0.0 {
        return Err(Error::invalid(
            "radius_km",
            radius_km,
            "must be a finite, non-negative distance in km",
        ));
    }
    Ok(km_to_chord2(radius_km))
}

/// Order (distance in km, id) pairs by distance, then id: the crate's deterministic result
/// order.
fn by_distance_then_id(a: &(f64, u32), b: &(f64, u32)) -> Ordering {
    a.0.total_cmp(&b.0).then(a.1.cmp(&b.1))
}

/// How a query with a date window finds its candidates.
enum Plan {
    /// Ask the tree, then drop what is outside the window (if any).
    Tree(Option<DayRange>),
    /// Scan the date-sorted ids in this range plus the long-span ids: together they hold every
    /// incident of the window.
    Scan(Range<usize>, DayRange),
}

/// Incidents whose date span is longer than this many days (UCDP `date_prec` 5, a year) are
/// kept apart from the date-sorted array, so one of them cannot widen every window's scan.
pub(crate) const LONG_SPAN_DAYS: i32 = 62;

/// A lon/lat area a query can select by: [`geo::Polygon`], [`geo::MultiPolygon`] and the other
/// geo types with a bounding rectangle, a point-in-area test and coordinates. Implemented for
/// every type that has these.
pub trait QueryArea:
    BoundingRect<f64, Output = Option<Rect<f64>>> + Intersects<Coord<f64>> + CoordsIter<Scalar = f64>
{
}

impl<G> QueryArea for G where
    G: BoundingRect<f64, Output = Option<Rect<f64>>>
        + Intersects<Coord<f64>>
        + CoordsIter<Scalar = f64>
{
}

/// A spatial and temporal index over an [`IncidentSet`]: exact great-circle radius and
/// nearest-neighbour queries, lon/lat bounding box and polygon queries, each of them also
/// within a date window (see [`IncidentIndex::during`]).
///
/// Distances are great-circle distances in km on the sphere of radius
/// [`EARTH_RADIUS_KM`](crate::geodesy::EARTH_RADIUS_KM), computed from unit vectors: they agree with
/// [`haversine_km`](crate::haversine_km) to floating-point rounding (about 1e-9 km).
///
/// ```
/// use conflict_risk::{CorridorScenario, IncidentIndex, IncidentSet, geo::Point};
/// let (set, _report) = IncidentSet::validate(CorridorScenario::new(5_000).generate());
/// let index = IncidentIndex::new(&set);
/// let dapaong = Point::new(0.207, 10.862);
/// let near = index.within_radius(dapaong, 50.0)?;
/// assert!(!near.is_empty() && near.iter().all(|n| n.distance_km <= 50.0));
/// let five = index.nearest(dapaong, 5)?;
/// assert_eq!(five.len(), 5);
/// assert!(five[4].distance_km >= five[0].distance_km);
/// # Ok::<(), conflict_risk::Error>(())
/// ```
#[derive(Debug)]
pub struct IncidentIndex {
    /// The set, shared (an `IncidentSet` is a cheap handle).
    set: IncidentSet,
    tree: RTree<Bucket, Params>,
    /// Unit vectors in bucket order.
    points: Vec<[f64; 3]>,
    /// The id at each position of `points`.
    ids: Vec<u32>,
    /// The position in `points` of each id.
    slot: Vec<u32>,
    /// `[start, end]` day numbers per id: the window test without touching the incidents.
    spans: Vec<[i32; 2]>,
    /// Ids with spans of at most `LONG_SPAN_DAYS`, sorted by (start day, id).
    by_start: Vec<u32>,
    /// Start day of each entry of `by_start`, for binary search.
    start_days: Vec<i32>,
    /// Ids with longer spans, in id order.
    long_spans: Vec<u32>,
    /// Longest span among `by_start`, in days (1 for a single day).
    max_span_days: i32,
    /// Windows with at most this many candidates are scanned instead of queried in the tree.
    scan_limit: usize,
}

impl IncidentIndex {
    /// Bulk-load the index over a validated set. With the `parallel` feature the unit vectors
    /// are computed and the date order sorted on all cores.
    ///
    /// ```
    /// use conflict_risk::{IncidentIndex, IncidentSet, brief_incidents};
    /// let (set, _) = IncidentSet::validate(brief_incidents());
    /// let index = IncidentIndex::new(&set);
    /// assert_eq!(index.len(), 3);
    /// ```
    #[must_use]
    pub fn new(set: &IncidentSet) -> Self {
        let set = set.clone();
        let incidents = set.incidents();
        let vector = |inc: &Incident| unit_vector(inc.point());
        let span = |inc: &Incident| [day_number(inc.date.start), day_number(inc.date.end)];
        #[cfg(feature = "parallel")]
        let (xyz, spans): (Vec<[f64; 3]>, Vec<[i32; 2]>) = {
            use rayon::prelude::*;
            rayon::join(
                || incidents.par_iter().map(vector).collect(),
                || incidents.par_iter().map(span).collect(),
            )
        };
        #[cfg(not(feature = "parallel"))]
        let (xyz, spans): (Vec<[f64; 3]>, Vec<[i32; 2]>) = (
            incidents.iter().map(vector).collect(),
            incidents.iter().map(span).collect(),
        );
        // A set holds at most u32::MAX incidents, so every id fits a u32.
        let mut items: Vec<([f64; 3], u32)> = xyz.into_iter().zip(0u32..).collect();
        let days_of = |s: &[i32; 2]| s[1] - s[0] + 1;
        let sort_dates = || {
            let (mut by_start, long_spans): (Vec<u32>, Vec<u32>) = (0..spans.len() as u32)
                .partition(|&i| days_of(&spans[i as usize]) <= LONG_SPAN_DAYS);
            by_start.sort_unstable_by_key(|&i| (spans[i as usize][0], i));
            let start_days: Vec<i32> = by_start.iter().map(|&i| spans[i as usize][0]).collect();
            let max_span_days = by_start
                .iter()
                .map(|&i| days_of(&spans[i as usize]))
                .max()
                .unwrap_or(1);
            (by_start, start_days, long_spans, max_span_days)
        };
        let build_tree = move || {
            bucket_order(&mut items);
            let (points, ids): (Vec<[f64; 3]>, Vec<u32>) = items.into_iter().unzip();
            let mut slot = vec![0u32; ids.len()];
            for (at, &i) in (0u32..).zip(&ids) {
                slot[i as usize] = at;
            }
            let buckets: Vec<Bucket> = (0..points.len())
                .step_by(BUCKET)
                .map(|start| {
                    let end = (start + BUCKET).min(points.len());
                    Bucket {
                        envelope: AABB::from_points(&points[start..end]),
                        start: start as u32,
                        end: end as u32,
                    }
                })
                .collect();
            (RTree::bulk_load_with_params(buckets), points, ids, slot)
        };
        #[cfg(feature = "parallel")]
        let ((tree, points, ids, slot), (by_start, start_days, long_spans, max_span_days)) =
            rayon::join(build_tree, sort_dates);
        #[cfg(not(feature = "parallel"))]
        let ((tree, points, ids, slot), (by_start, start_days, long_spans, max_span_days)) =
            (build_tree(), sort_dates());
        IncidentIndex {
            set,
            tree,
            points,
            ids,
            slot,
            spans,
            by_start,
            start_days,
            long_spans,
            max_span_days,
            scan_limit: SCAN_LIMIT,
        }
    }

    /// Set how many candidate incidents a date window may hold for a query to scan them
    /// rather than ask the tree (default 4096). Results are identical either way: this only
    /// moves the point where one strategy is faster than the other.
    #[must_use]
    pub fn with_scan_limit(mut self, limit: usize) -> Self {
        self.scan_limit = limit;
        self
    }

    /// The set this index was built over.
    #[must_use]
    pub fn set(&self) -> &IncidentSet {
        &self.set
    }

    /// Number of incidents indexed.
    #[must_use]
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// Whether the index is empty.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// Queries restricted to incidents whose date span overlaps `window`.
    ///
    /// ```
    /// use conflict_risk::{CorridorScenario, DateWindow, IncidentIndex, IncidentSet};
    /// use conflict_risk::{geo::Point, jiff::civil::date};
    /// let (set, _) = IncidentSet::validate(CorridorScenario::new(5_000).generate());
    /// let index = IncidentIndex::new(&set);
    /// let last_90 = DateWindow::last_days(date(2024, 12, 31), 90)?;
    /// let recent = index.during(last_90).within_radius(Point::new(0.207, 10.862), 100.0)?;
    /// assert!(!recent.is_empty());
    /// for n in &recent {
    ///     let i = &set.incidents()[n.id.index()];
    ///     assert!(i.date.end >= last_90.first_day() && i.date.start <= last_90.last_day());
    /// }
    /// # Ok::<(), conflict_risk::Error>(())
    /// ```
    #[must_use]
    pub fn during(&self, window: DateWindow) -> Windowed<'_> {
        Windowed {
            index: self,
            window,
        }
    }

    /// Every incident within `radius_km` (great-circle, inclusive) of `center` (lon/lat
    /// degrees), nearest first, ties by id.
    pub fn within_radius(&self, center: Point<f64>, radius_km: f64) -> Result<Vec<Neighbor>> {
        self.radius_sorted(None, center, radius_km)
    }

    /// Call `f` for every incident within `radius_km` of `center`, in no particular order
    /// (but the same order every time). Nothing is allocated per call: the form for hot loops.
    ///
    /// ```
    /// use conflict_risk::{CorridorScenario, IncidentIndex, IncidentSet, geo::Point};
    /// let (set, _) = IncidentSet::validate(CorridorScenario::new(2_000).generate());
    /// let index = IncidentIndex::new(&set);
    /// let dori = Point::new(-0.028, 14.034);
    /// let (mut count, mut fatalities) = (0, 0);
    /// index.for_each_within_radius(dori, 25.0, |n| {
    ///     count += 1;
    ///     fatalities += set.incidents()[n.id.index()].fatalities.best;
    /// })?;
    /// assert_eq!(count, index.within_radius(dori, 25.0)?.len());
    /// # Ok::<(), conflict_risk::Error>(())
    /// ```
    pub fn for_each_within_radius(
        &self,
        center: Point<f64>,
        radius_km: f64,
        f: impl FnMut(Neighbor),
    ) -> Result<()> {
        self.radius_visit(None, center, radius_km, f)
    }

    /// The `k` incidents nearest to `center`, nearest first; among incidents at the same
    /// distance the lower id comes first. Fewer than `k` if the index holds fewer; `Err` for
    /// `k = 0`.
    ///
    /// ```
    /// use conflict_risk::{IncidentIndex, IncidentSet, brief_incidents, geo::Point};
    /// let (set, _) = IncidentSet::validate(brief_incidents());
    /// let index = IncidentIndex::new(&set);
    /// // All three sit on the same point: the tie is broken by id.
    /// let two = index.nearest(Point::new(0.2, 10.9), 2)?;
    /// assert_eq!(two.iter().map(|n| n.id.get()).collect::<Vec<_>>(), [0, 1]);
    /// assert!(index.nearest(Point::new(0.2, 10.9), 0).is_err());
    /// # Ok::<(), conflict_risk::Error>(())
    /// ```
    pub fn nearest(&self, center: Point<f64>, k: usize) -> Result<Vec<Neighbor>> {
        self.nearest_impl(None, center, k, |_| true)
    }

    /// The `k` nearest incidents for which `keep` is true, in the order of
    /// [`nearest`](Self::nearest). The tree is walked outward until `k` are kept, so a filter
    /// that keeps almost nothing visits almost everything.
    ///
    /// ```
    /// use conflict_risk::{CorridorScenario, IncidentIndex, IncidentSet, geo::Point};
    /// let (set, _) = IncidentSet::validate(CorridorScenario::new(5_000).generate());
    /// let index = IncidentIndex::new(&set);
    /// // The nearest incident located to the place, not to a whole region.
    /// let precise = index.nearest_where(Point::new(0.207, 10.862), 1, |i| !i.geo_precision.is_coarse())?;
    /// assert!(!set.incidents()[precise[0].id.index()].geo_precision.is_coarse());
    /// # Ok::<(), conflict_risk::Error>(())
    /// ```
    pub fn nearest_where(
        &self,
        center: Point<f64>,
        k: usize,
        keep: impl FnMut(&Incident) -> bool,
    ) -> Result<Vec<Neighbor>> {
        self.nearest_impl(None, center, k, keep)
    }

    /// Every incident inside the lon/lat box, in id order.
    ///
    /// ```
    /// use conflict_risk::{BoundingBox, CorridorScenario, IncidentIndex, IncidentSet};
    /// let (set, _) = IncidentSet::validate(CorridorScenario::new(5_000).generate());
    /// let index = IncidentIndex::new(&set);
    /// let northern_benin = BoundingBox::new(0.8, 10.0, 3.9, 12.4)?;
    /// let ids = index.within_bbox(&northern_benin);
    /// assert!(!ids.is_empty());
    /// assert!(ids.iter().all(|id| northern_benin.contains(set.incidents()[id.index()].lon, set.incidents()[id.index()].lat)));
    /// # Ok::<(), conflict_risk::Error>(())
    /// ```
    #[must_use]
    pub fn within_bbox(&self, bbox: &BoundingBox) -> Vec<IncidentId> {
        sorted_ids(|f| self.bbox_visit(None, bbox, f))
    }

    /// Call `f` for every incident inside the lon/lat box, in no particular order (but the
    /// same every time), allocating nothing per call.
    pub fn for_each_within_bbox(&self, bbox: &BoundingBox, f: impl FnMut(IncidentId)) {
        self.bbox_visit(None, bbox, f);
    }

    /// Every incident inside a lon/lat polygon or multipolygon, boundary included, in id order.
    ///
    /// As in GIS tools, the polygon's edges are straight lines in lon/lat degrees (planar
    /// point-in-polygon), not great circles. `Err` if a coordinate is NaN or infinite.
    ///
    /// ```
    /// use conflict_risk::{CorridorScenario, IncidentIndex, IncidentSet, geo::polygon};
    /// let (set, _) = IncidentSet::validate(CorridorScenario::new(5_000).generate());
    /// let index = IncidentIndex::new(&set);
    /// let northern_togo = polygon![(x: -0.2, y: 10.0), (x: 1.5, y: 10.0), (x: 0.9, y: 11.2), (x: -0.2, y: 11.2)];
    /// let inside = index.within_polygon(&northern_togo)?;
    /// assert!(!inside.is_empty() && inside.windows(2).all(|w| w[0] < w[1]));
    /// # Ok::<(), conflict_risk::Error>(())
    /// ```
    pub fn within_polygon<G: QueryArea>(&self, polygon: &G) -> Result<Vec<IncidentId>> {
        self.polygon_ids(None, polygon)
    }

    /// Call `f` for every incident inside a lon/lat polygon, in no particular order (but the
    /// same every time), allocating nothing per call.
    pub fn for_each_within_polygon<G: QueryArea>(
        &self,
        polygon: &G,
        f: impl FnMut(IncidentId),
    ) -> Result<()> {
        self.polygon_visit(None, polygon, f)
    }

    /// Every incident whose date span overlaps `window`, in id order.
    ///
    /// ```
    /// use conflict_risk::{DateWindow, IncidentIndex, IncidentSet, brief_incidents, jiff::civil::date};
    /// let (set, _) = IncidentSet::validate(brief_incidents());
    /// let index = IncidentIndex::new(&set);
    /// let feb_2023 = DateWindow::new(date(2023, 2, 14), date(2023, 2, 14))?;
    /// assert_eq!(index.in_window(feb_2023).len(), 1); // the month-precision February attack
    /// # Ok::<(), conflict_risk::Error>(())
    /// ```
    #[must_use]
    pub fn in_window(&self, window: DateWindow) -> Vec<IncidentId> {
        let days = window.days();
        sorted_ids(|f| {
            for i in self.scan_ids(self.window_range(days)) {
                if days.overlaps(self.spans[i as usize]) {
                    f(IncidentId::new(i));
                }
            }
        })
    }

    // ---- for the analyses of this crate ----

    /// Unit vector of incident `id`.
    pub(crate) fn vector(&self, id: u32) -> [f64; 3] {
        self.points[self.slot[id as usize] as usize]
    }

    /// `[start, end]` day numbers of every incident, by id.
    pub(crate) fn day_spans(&self) -> &[[i32; 2]] {
        &self.spans
    }

    /// The incident id at each storage position (the order of the tree's buckets), for
    /// per-incident data laid out in that order and read through
    /// [`visit_positions_within_chord_2`](Self::visit_positions_within_chord_2).
    pub(crate) fn ids_in_storage_order(&self) -> &[u32] {
        &self.ids
    }

    /// Visit (squared chord, storage position) of every incident within `max_chord_2` of `q`,
    /// in the order of [`visit_within_chord_2`](Self::visit_within_chord_2): data laid out in
    /// storage order is then read in sequence, not at random.
    pub(crate) fn visit_positions_within_chord_2(
        &self,
        q: [f64; 3],
        max_chord_2: f64,
        mut f: impl FnMut(f64, usize),
    ) {
        for bucket in self.tree.locate_within_distance(q, max_chord_2) {
            for at in bucket.range() {
                let chord_2 = dist2(&q, &self.points[at]);
                if chord_2 <= max_chord_2 {
                    f(chord_2, at);
                }
            }
        }
    }

    /// Visit (squared chord, id) of the incidents within `max_chord_2` of `q`, stopping when
    /// `f` breaks: the early-exit form the clustering's core test uses.
    pub(crate) fn visit_within_chord_2(
        &self,
        q: [f64; 3],
        max_chord_2: f64,
        mut f: impl FnMut(f64, u32) -> ControlFlow<()>,
    ) {
        for bucket in self.tree.locate_within_distance(q, max_chord_2) {
            for at in bucket.range() {
                let chord_2 = dist2(&q, &self.points[at]);
                if chord_2 <= max_chord_2 && f(chord_2, self.ids[at]).is_break() {
                    return;
                }
            }
        }
    }

    // ---- the one implementation behind both the plain and the windowed queries ----

    /// The range of `by_start` that holds every short-span incident overlapping `days`.
    fn window_range(&self, days: DayRange) -> Range<usize> {
        let earliest_start = days.from.saturating_sub(self.max_span_days - 1);
        let lo = self.start_days.partition_point(|&d| d < earliest_start);
        let hi = self.start_days.partition_point(|&d| d <= days.to);
        lo..hi.max(lo)
    }

    /// The candidates of a window scan: the date range, then every long-span incident.
    fn scan_ids(&self, range: Range<usize>) -> impl Iterator<Item = u32> + '_ {
        self.by_start[range].iter().chain(&self.long_spans).copied()
    }

    fn plan(&self, window: Option<DayRange>, scan_limit: usize) -> Plan {
        match window {
            Some(days) => {
                let range = self.window_range(days);
                if range.len() + self.long_spans.len() <= scan_limit {
                    Plan::Scan(range, days)
                } else {
                    Plan::Tree(Some(days))
                }
            }
            None => Plan::Tree(None),
        }
    }

    fn in_days(&self, window: Option<DayRange>, i: u32) -> bool {
        window.is_none_or(|d| d.overlaps(self.spans[i as usize]))
    }

    /// Visit (squared chord, id) of every incident within the squared-chord threshold.
    fn radius_visit_chord_2(
        &self,
        window: Option<DayRange>,
        q: [f64; 3],
        max_chord_2: f64,
        mut f: impl FnMut(f64, u32),
    ) {
        match self.plan(window, self.scan_limit) {
            Plan::Scan(range, days) => {
                for i in self.scan_ids(range) {
                    if days.overlaps(self.spans[i as usize]) {
                        let chord_2 = dist2(&q, &self.vector(i));
                        if chord_2 <= max_chord_2 {
                            f(chord_2, i);
                        }
                    }
                }
            }
            Plan::Tree(days) => {
                for bucket in self.tree.locate_within_distance(q, max_chord_2) {
                    for at in bucket.range() {
                        let (i, chord_2) = (self.ids[at], dist2(&q, &self.points[at]));
                        if chord_2 <= max_chord_2 && self.in_days(days, i) {
                            f(chord_2, i);
                        }
                    }
                }
            }
        }
    }

    fn radius_visit(
        &self,
        window: Option<DayRange>,
        center: Point<f64>,
        radius_km: f64,
        mut f: impl FnMut(Neighbor),
    ) -> Result<()> {
        let q = query_vector(center)?;
        let max_chord_2 = radius_chord2(radius_km)?;
        self.radius_visit_chord_2(window, q, max_chord_2, |chord_2, i| {
            f(Neighbor {
                id: IncidentId::new(i),
                distance_km: chord2_to_km(chord_2),
            });
        });
        Ok(())
    }

    fn radius_sorted(
        &self,
        window: Option<DayRange>,
        center: Point<f64>,
        radius_km: f64,
    ) -> Result<Vec<Neighbor>> {
        let q = query_vector(center)?;
        let max_chord_2 = radius_chord2(radius_km)?;
        let mut found = Vec::new();
        self.radius_visit_chord_2(window, q, max_chord_2, |chord_2, i| {
            found.push((chord_2, i));
        });
        Ok(finish_neighbors(found))
    }

    fn nearest_impl(
        &self,
        window: Option<DayRange>,
        center: Point<f64>,
        k: usize,
        mut keep: impl FnMut(&Incident) -> bool,
    ) -> Result<Vec<Neighbor>> {
        let q = query_vector(center)?;
        if k == 0 {
            return Err(Error::invalid("k", k, "ask for at least one neighbour"));
        }
        let incidents = self.set.incidents();
        // Walking the tree for a sparse window would visit most of it: scan small windows.
        let scan_limit = self.scan_limit.max(self.len() / 32);
        let mut found: Vec<(f64, u32)> = Vec::with_capacity(k.min(self.len()) + 1);
        match self.plan(window, scan_limit) {
            Plan::Scan(range, days) => {
                for i in self.scan_ids(range) {
                    if days.overlaps(self.spans[i as usize]) && keep(&incidents[i as usize]) {
                        found.push((chord2_to_km(dist2(&q, &self.vector(i))), i));
                    }
                }
                if found.len() > k {
                    found.select_nth_unstable_by(k - 1, by_distance_then_id);
                    found.truncate(k);
                }
            }
            Plan::Tree(days) => {
                // Buckets come nearest envelope first. Keep the k best so far and every one
                // tied with the k-th, so that the tie-break by id below sees all the tied
                // candidates, and stop at a bucket whose envelope is beyond the k-th.
                // Distances are compared in km, the unit results are ordered by, so that two
                // chords rounding to one distance count as a tie.
                let mut kth = f64::INFINITY;
                // Prune when the candidates have doubled, so that thousands of ties at one
                // spot cost linear time, not a selection per bucket.
                let mut prune_at = k;
                for (bucket, envelope_2) in self.tree.nearest_neighbor_iter_with_distance_2(&q) {
                    if chord2_to_km(envelope_2) > kth {
                        break;
                    }
                    for at in bucket.range() {
                        let i = self.ids[at];
                        if !self.in_days(days, i) || !keep(&incidents[i as usize]) {
                            continue;
                        }
                        let km = chord2_to_km(dist2(&q, &self.points[at]));
                        if km <= kth {
                            found.push((km, i));
                        }
                    }
                    if found.len() >= prune_at {
                        found.select_nth_unstable_by(k - 1, by_distance_then_id);
                        kth = found[k - 1].0;
                        found.retain(|&(km, _)| km <= kth);
                        prune_at = (2 * found.len()).max(k + BUCKET);
                    }
                }
            }
        }
        found.sort_unstable_by(by_distance_then_id);
        found.truncate(k);
        Ok(found.into_iter().map(neighbor).collect())
    }

    fn bbox_visit(&self, window: Option<DayRange>, bbox: &BoundingBox, f: impl FnMut(IncidentId)) {
        self.area_visit(
            window,
            bbox.envelopes(),
            |inc| bbox.contains(inc.lon, inc.lat),
            f,
        );
    }

    fn polygon_ids<G: QueryArea>(
        &self,
        window: Option<DayRange>,
        polygon: &G,
    ) -> Result<Vec<IncidentId>> {
        let mut out = Ok(());
        let ids = sorted_ids(|f| out = self.polygon_visit(window, polygon, f));
        out.map(|()| ids)
    }

    fn polygon_visit<G: QueryArea>(
        &self,
        window: Option<DayRange>,
        polygon: &G,
        f: impl FnMut(IncidentId),
    ) -> Result<()> {
        if let Some(c) = polygon
            .coords_iter()
            .find(|c| !c.x.is_finite() || !c.y.is_finite())
        {
            return Err(Error::invalid(
                "polygon",
                format!("vertex ({}, {})", c.x, c.y),
                "every coordinate must be a finite number",
            ));
        }
        let Some(rect) = polygon.bounding_rect() else {
            return Ok(());
        };
        let (min, max) = (rect.min(), rect.max());
        if max.x < -180.0 || min.x > 180.0 || max.y < -90.0 || min.y > 90.0 {
            return Ok(());
        }
        let bbox = BoundingBox::new(
            min.x.max(-180.0),
            min.y.max(-90.0),
            max.x.min(180.0),
            max.y.min(90.0),
        )?;
        self.area_visit(
            window,
            bbox.envelopes(),
            |inc| {
                polygon.intersects(&Coord {
                    x: inc.lon,
                    y: inc.lat,
                })
            },
            f,
        );
        Ok(())
    }

    /// Visit the incidents in the window, inside the envelopes, that pass `keep`, each once.
    fn area_visit(
        &self,
        window: Option<DayRange>,
        envelopes: impl Iterator<Item = AABB<[f64; 3]>>,
        keep: impl Fn(&Incident) -> bool,
        mut f: impl FnMut(IncidentId),
    ) {
        let incidents = self.set.incidents();
        match self.plan(window, self.scan_limit) {
            Plan::Scan(range, days) => {
                for i in self.scan_ids(range) {
                    if days.overlaps(self.spans[i as usize]) && keep(&incidents[i as usize]) {
                        f(IncidentId::new(i));
                    }
                }
            }
            Plan::Tree(days) => {
                let envelopes: Vec<AABB<[f64; 3]>> = envelopes.collect();
                for (k, envelope) in envelopes.iter().enumerate() {
                    for bucket in self.tree.locate_in_envelope_intersecting(envelope) {
                        for at in bucket.range() {
                            let (i, v) = (self.ids[at], &self.points[at]);
                            // A point on ±180° can lie in both envelopes of an antimeridian
                            // box: visit it from the first only.
                            if envelope.contains_point(v)
                                && !envelopes[..k].iter().any(|p| p.contains_point(v))
                                && self.in_days(days, i)
                                && keep(&incidents[i as usize])
                            {
                                f(IncidentId::new(i));
                            }
                        }
                    }
                }
            }
        }
    }
}

/// Collect the ids a visitor yields, sorted.
fn sorted_ids(visit: impl FnOnce(&mut dyn FnMut(IncidentId))) -> Vec<IncidentId> {
    let mut ids = Vec::new();
    visit(&mut |id| ids.push(id));
    ids.sort_unstable();
    ids
}

/// Convert (squared chord, id) pairs to km and sort them by distance, then id.
fn finish_neighbors(found: Vec<(f64, u32)>) -> Vec<Neighbor> {
    let mut km: Vec<(f64, u32)> = found
        .into_iter()
        .map(|(chord_2, i)| (chord2_to_km(chord_2), i))
        .collect();
    km.sort_unstable_by(by_distance_then_id);
    km.into_iter().map(neighbor).collect()
}

fn neighbor((distance_km, i): (f64, u32)) -> Neighbor {
    Neighbor {
        id: IncidentId::new(i),
        distance_km,
    }
}
