//! [`IncidentIndex`]: exact great-circle queries over an R-tree of unit-sphere points, the hot
//! path every analysis stands on.
//!
//! rstar measures Euclidean distance, so lon/lat degrees never go into it. Each incident is
//! stored as its unit vector with its `u32` id; a radius of `d` km is the exact squared-chord
//! threshold `(2·sin(d / 2R))²` (see [`km_to_chord2`]), and nearest-neighbour order by chord is
//! order by great-circle distance. The tree's leaves are buckets of up to 16 nearby points
//! stored contiguously: a leaf per point would cost rstar's 80-byte node each (80 MB at a
//! million incidents), a bucket costs 5 bytes per point, and scanning 16 contiguous vectors is
//! faster than visiting 16 nodes. A side array of ids sorted by start date answers date
//! windows; when a window holds few incidents, a query scans them instead of the tree.

use std::cmp::Ordering;
use std::ops::{ControlFlow, Range};

use geo::{BoundingRect, Coord, CoordsIter, Intersects, Point, Rect};
use jiff::civil::Date;
use rstar::{
    AABB, Envelope, PointDistance, RStarInsertionStrategy, RTree, RTreeObject, RTreeParams,
};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::geodesy::{chord2_to_km, dist2, km_to_chord2, unit_vector};
use crate::incident::{Incident, IncidentId, day_number};
use crate::validate::IncidentSet;

/// A leaf of the tree: the positions `start..end` of [`IncidentIndex`]'s bucket-ordered
/// vectors, with their envelope. Its distance to a point is the envelope's, a lower bound of
/// every member's, so the tree's walks visit every bucket that may hold a hit.
#[derive(Clone, Debug)]
struct Bucket {
    envelope: AABB<[f64; 3]>,
    start: u32,
    end: u32,
}

impl Bucket {
    fn range(&self) -> Range<usize> {
        self.start as usize..self.end as usize
    }
}

impl RTreeObject for Bucket {
    type Envelope = AABB<[f64; 3]>;

    fn envelope(&self) -> Self::Envelope {
        self.envelope
    }
}

impl PointDistance for Bucket {
    fn distance_2(&self, point: &[f64; 3]) -> f64 {
        self.envelope.distance_2(point)
    }
}

/// Points per bucket. At 1M synthetic incidents 8, 16 and 32 measured within noise of each
/// other for 25 km queries (0.24-0.35 ms); 16 was fastest for DBSCAN at 5 km (1.47 s against
/// 1.64 s and 1.80 s).
const BUCKET: usize = 16;

/// Order `items` so that every aligned run of `BUCKET` is spatially compact: split at a
/// multiple of `BUCKET` near the middle, across the widest axis, and recurse (a k-d tree's
/// leaves, laid out flat).
fn bucket_order(items: &mut [([f64; 3], u32)]) {
    if items.len() <= BUCKET {
        return;
    }
    let (mut lo, mut hi) = ([f64::INFINITY; 3], [f64::NEG_INFINITY; 3]);
    for (v, _) in items.iter() {
        for a in 0..3 {
            lo[a] = lo[a].min(v[a]);
            hi[a] = hi[a].max(v[a]);
        }
    }
    let axis = (0..3)
        .max_by(|&a, &b| (hi[a] - lo[a]).total_cmp(&(hi[b] - lo[b])))
        .unwrap_or(0);
    // A multiple of BUCKET strictly inside (see the length check above).
    let half = (items.len() / BUCKET).div_ceil(2) * BUCKET;
    items.select_nth_unstable_by(half, |a, b| {
        a.0[axis].total_cmp(&b.0[axis]).then(a.1.cmp(&b.1))
    });
    let (left, right) = items.split_at_mut(half);
    #[cfg(feature = "parallel")]
    if left.len() > 1 << 16 {
        rayon::join(|| bucket_order(left), || bucket_order(right));
        return;
    }
    bucket_order(left);
    bucket_order(right);
}

/// Node sizes of the tree. Wider nodes than rstar's default (6) make bulk loading faster and
/// the tree shallower: at 1M synthetic incidents, 24 measured 0.22 s to build and 0.44 ms per
/// 25 km query (23.6k hits each), against 0.26 s and 0.69 ms for 16, and 0.29 s, 0.73 ms for 8.
struct Params;

impl RTreeParams for Params {
    const MIN_SIZE: usize = NODE_MIN;
    const MAX_SIZE: usize = NODE_MAX;
    const REINSERTION_COUNT: usize = 2;
    type DefaultInsertionStrategy = RStarInsertionStrategy;
}

const NODE_MAX: usize = 24;
const NODE_MIN: usize = 9;

/// A window at or below this many candidate incidents is scanned directly rather than
/// filtered out of a tree query.
const SCAN_LIMIT: usize = 4096;

/// Padding added to 3-D envelopes so that rounding in `unit_vector` can never exclude a point
/// that the exact lon/lat test would keep (1e-9 of the unit sphere is about 6 mm).
const ENVELOPE_PAD: f64 = 1e-9;

/// An incident found by a distance query, with its great-circle distance from the query point.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Neighbor {
    /// The incident.
    pub id: IncidentId,
    /// Great-circle distance from the query point, in km.
    pub distance_km: f64,
}

/// A closed range of days, `from` to `to` inclusive. An incident is in the window when its
/// [`DateSpan`](crate::DateSpan) shares at least one day with it, so an incident known only to
/// the month counts in every window that touches that month.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "RawWindow")]
pub struct DateWindow {
    from: Date,
    to: Date,
}

/// The serialised form of a [`DateWindow`], checked on the way in.
#[derive(Deserialize)]
struct RawWindow {
    from: Date,
    to: Date,
}

impl TryFrom<RawWindow> for DateWindow {
    type Error = Error;
    fn try_from(w: RawWindow) -> Result<Self> {
        DateWindow::new(w.from, w.to)
    }
}

impl DateWindow {
    /// The days `from` to `to`, both inclusive; `Err` if `to` is before `from`.
    ///
    /// ```
    /// use conflict_risk::{DateWindow, jiff::civil::date};
    /// assert!(DateWindow::new(date(2024, 1, 1), date(2024, 12, 31)).is_ok());
    /// assert!(DateWindow::new(date(2024, 2, 1), date(2024, 1, 31)).is_err());
    /// ```
    pub fn new(from: Date, to: Date) -> Result<Self> {
        if to < from {
            return Err(Error::invalid(
                "to",
                to,
                format!("the window ends before it starts ({from})"),
            ));
        }
        Ok(DateWindow { from, to })
    }

    /// The `days` days that end on `as_of`, inclusive: `last_days(d, 90)` is the 90 days up to
    /// and including `d`.
    ///
    /// ```
    /// use conflict_risk::{DateWindow, jiff::civil::date};
    /// let w = DateWindow::last_days(date(2024, 7, 20), 30)?;
    /// assert_eq!(w.first_day(), date(2024, 6, 21));
    /// assert!(DateWindow::last_days(date(2024, 7, 20), u32::MAX).is_err());
    /// # Ok::<(), conflict_risk::Error>(())
    /// ```
    pub fn last_days(as_of: Date, days: u32) -> Result<Self> {
        if days == 0 {
            return Err(Error::invalid(
                "days",
                days,
                "a window has at least one day",
            ));
        }
        let from = jiff::Span::new()
            .try_days(i64::from(days) - 1)
            .and_then(|span| as_of.checked_sub(span))
            .map_err(|e| Error::invalid("days", days, e.to_string()))?;
        DateWindow::new(from, as_of)
    }

    /// First day.
    #[must_use]
    pub fn first_day(&self) -> Date {
        self.from
    }

    /// Last day (inclusive).
    #[must_use]
    pub fn last_day(&self) -> Date {
        self.to
    }

    fn days(&self) -> DayRange {
        DayRange {
            from: day_number(self.from),
            to: day_number(self.to),
        }
    }
}

/// A window as day numbers, the form the hot loops compare.
#[derive(Clone, Copy)]
struct DayRange {
    from: i32,
    to: i32,
}

impl DayRange {
    fn overlaps(self, span: [i32; 2]) -> bool {
        span[0] <= self.to && span[1] >= self.from
    }
}

/// A lon/lat bounding box in WGS 84 degrees, as GeoJSON (RFC 7946 §5) writes one:
/// west, south, east, north. When `west > east` the box crosses the antimeridian.
///
/// A point is inside when `south <= lat <= north` and its longitude is between west and east,
/// edges included.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "RawBox")]
pub struct BoundingBox {
    west: f64,
    south: f64,
    east: f64,
    north: f64,
}

/// The serialised form of a [`BoundingBox`], checked on the way in.
#[derive(Deserialize)]
struct RawBox {
    west: f64,
    south: f64,
    east: f64,
    north: f64,
}

impl TryFrom<RawBox> for BoundingBox {
    type Error = Error;
    fn try_from(b: RawBox) -> Result<Self> {
        BoundingBox::new(b.west, b.south, b.east, b.north)
    }
}

impl BoundingBox {
    /// The corridor of the brief: lon −6…15, lat 4…16 (Burkina Faso, Niger's south-west,
    /// Ghana's north, Togo, Benin and Nigeria's north-west).
    pub const CORRIDOR: BoundingBox = BoundingBox {
        west: -6.0,
        south: 4.0,
        east: 15.0,
        north: 16.0,
    };

    /// A box from its edges in degrees. Longitudes must lie in [-180, 180], latitudes in
    /// [-90, 90] with `south <= north`; `west > east` means the box crosses the antimeridian.
    ///
    /// ```
    /// use conflict_risk::BoundingBox;
    /// let corridor = BoundingBox::new(-6.0, 4.0, 15.0, 16.0)?;
    /// let pacific = BoundingBox::new(170.0, -20.0, -170.0, 0.0)?;
    /// assert!(pacific.crosses_antimeridian() && !corridor.crosses_antimeridian());
    /// assert!(BoundingBox::new(0.0, 10.0, 1.0, 5.0).is_err());
    /// # Ok::<(), conflict_risk::Error>(())
    /// ```
    pub fn new(west: f64, south: f64, east: f64, north: f64) -> Result<Self> {
        for (name, v, limit) in [
            ("west", west, 180.0),
            ("east", east, 180.0),
            ("south", south, 90.0),
            ("north", north, 90.0),
        ] {
            if !v.is_finite() || v.abs() > limit {
                return Err(Error::invalid(
                    name,
                    v,
                    format!("must be a finite number in [-{limit}, {limit}]"),
                ));
            }
        }
        if south > north {
            return Err(Error::invalid(
                "south",
                south,
                format!("is north of the box's north edge ({north})"),
            ));
        }
        Ok(BoundingBox {
            west,
            south,
            east,
            north,
        })
    }

    /// West edge, degrees.
    #[must_use]
    pub fn west(&self) -> f64 {
        self.west
    }
    /// South edge, degrees.
    #[must_use]
    pub fn south(&self) -> f64 {
        self.south
    }
    /// East edge, degrees.
    #[must_use]
    pub fn east(&self) -> f64 {
        self.east
    }
    /// North edge, degrees.
    #[must_use]
    pub fn north(&self) -> f64 {
        self.north
    }

    /// Whether the box crosses the antimeridian (`west > east`).
    #[must_use]
    pub fn crosses_antimeridian(&self) -> bool {
        self.west > self.east
    }

    /// Whether the point (lon, lat in degrees) is inside, edges included. Longitudes −180 and
    /// 180 are the same meridian: a point on it is inside a box that reaches either.
    #[must_use]
    pub fn contains(&self, lon: f64, lat: f64) -> bool {
        let lon_in = |lon: f64| {
            if self.crosses_antimeridian() {
                lon >= self.west || lon <= self.east
            } else {
                lon >= self.west && lon <= self.east
            }
        };
        let on_antimeridian = lon.abs() == 180.0;
        (lon_in(lon) || (on_antimeridian && lon_in(-lon))) && lat >= self.south && lat <= self.north
    }

    /// One or two 3-D envelopes that hold the unit vector of every point inside the box.
    fn envelopes(&self) -> impl Iterator<Item = AABB<[f64; 3]>> {
        let (first, second) = if self.crosses_antimeridian() {
            ((self.west, 180.0), Some((-180.0, self.east)))
        } else {
            ((self.west, self.east), None)
        };
        std::iter::once(first)
            .chain(second)
            .map(|(w, e)| envelope_3d(w, e, self.south, self.north))
    }
}

/// Range of `f` over the closed interval `[a, b]` of degrees for f = cos or sin, using the
/// extremes inside the interval.
fn trig_range(a: f64, b: f64, f: fn(f64) -> f64, peaks: &[(f64, f64)]) -> (f64, f64) {
    let (fa, fb) = (f(a.to_radians()), f(b.to_radians()));
    let (mut lo, mut hi) = (fa.min(fb), fa.max(fb));
    for &(at, value) in peaks {
        if a <= at && at <= b {
            lo = lo.min(value);
            hi = hi.max(value);
        }
    }
    (lo, hi)
}

/// Product of two closed intervals.
fn interval_product((a, b): (f64, f64), (c, d): (f64, f64)) -> (f64, f64) {
    let p = [a * c, a * d, b * c, b * d];
    let lo = p.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = p.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    (lo, hi)
}

/// A 3-D box holding the unit vectors of every lon/lat point in `[w, e] × [s, n]` (w <= e).
fn envelope_3d(w: f64, e: f64, s: f64, n: f64) -> AABB<[f64; 3]> {
    let cos_lon = trig_range(w, e, f64::cos, &[(0.0, 1.0), (-180.0, -1.0), (180.0, -1.0)]);
    let sin_lon = trig_range(w, e, f64::sin, &[(90.0, 1.0), (-90.0, -1.0)]);
    let cos_lat = trig_range(s, n, f64::cos, &[(0.0, 1.0)]);
    let (x0, x1) = interval_product(cos_lat, cos_lon);
    let (y0, y1) = interval_product(cos_lat, sin_lon);
    let (z0, z1) = (s.to_radians().sin(), n.to_radians().sin());
    AABB::from_corners(
        [x0 - ENVELOPE_PAD, y0 - ENVELOPE_PAD, z0 - ENVELOPE_PAD],
        [x1 + ENVELOPE_PAD, y1 + ENVELOPE_PAD, z1 + ENVELOPE_PAD],
    )
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
const LONG_SPAN_DAYS: i32 = 62;

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
/// [`EARTH_RADIUS_KM`](crate::EARTH_RADIUS_KM), computed from unit vectors: they agree with
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

/// The queries of an [`IncidentIndex`] restricted to a [`DateWindow`]: made by
/// [`IncidentIndex::during`]. Each method means the same as its namesake on the index.
#[derive(Clone, Copy, Debug)]
pub struct Windowed<'i> {
    index: &'i IncidentIndex,
    window: DateWindow,
}

impl Windowed<'_> {
    /// The window.
    #[must_use]
    pub fn window(&self) -> DateWindow {
        self.window
    }

    fn days(&self) -> Option<DayRange> {
        Some(self.window.days())
    }

    /// See [`IncidentIndex::within_radius`].
    pub fn within_radius(&self, center: Point<f64>, radius_km: f64) -> Result<Vec<Neighbor>> {
        self.index.radius_sorted(self.days(), center, radius_km)
    }

    /// See [`IncidentIndex::for_each_within_radius`].
    pub fn for_each_within_radius(
        &self,
        center: Point<f64>,
        radius_km: f64,
        f: impl FnMut(Neighbor),
    ) -> Result<()> {
        self.index.radius_visit(self.days(), center, radius_km, f)
    }

    /// See [`IncidentIndex::nearest`].
    pub fn nearest(&self, center: Point<f64>, k: usize) -> Result<Vec<Neighbor>> {
        self.index.nearest_impl(self.days(), center, k, |_| true)
    }

    /// See [`IncidentIndex::nearest_where`].
    pub fn nearest_where(
        &self,
        center: Point<f64>,
        k: usize,
        keep: impl FnMut(&Incident) -> bool,
    ) -> Result<Vec<Neighbor>> {
        self.index.nearest_impl(self.days(), center, k, keep)
    }

    /// See [`IncidentIndex::within_bbox`].
    #[must_use]
    pub fn within_bbox(&self, bbox: &BoundingBox) -> Vec<IncidentId> {
        sorted_ids(|f| self.index.bbox_visit(self.days(), bbox, f))
    }

    /// See [`IncidentIndex::for_each_within_bbox`].
    pub fn for_each_within_bbox(&self, bbox: &BoundingBox, f: impl FnMut(IncidentId)) {
        self.index.bbox_visit(self.days(), bbox, f);
    }

    /// See [`IncidentIndex::within_polygon`].
    pub fn within_polygon<G: QueryArea>(&self, polygon: &G) -> Result<Vec<IncidentId>> {
        self.index.polygon_ids(self.days(), polygon)
    }

    /// See [`IncidentIndex::for_each_within_polygon`].
    pub fn for_each_within_polygon<G: QueryArea>(
        &self,
        polygon: &G,
        f: impl FnMut(IncidentId),
    ) -> Result<()> {
        self.index.polygon_visit(self.days(), polygon, f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::incident::DateSpan;
    use geo::polygon;
    use jiff::civil::date;

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
            serde_json::from_str::<DateWindow>(r#"{"from":"2024-02-01","to":"2024-01-31"}"#)
                .is_err()
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
        let square =
            polygon![(x: 0.5, y: 0.5), (x: 2.0, y: 0.5), (x: 2.0, y: 1.5), (x: 0.5, y: 1.5)];
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
}
