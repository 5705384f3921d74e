//! Country polygons and international borders: which country an incident lies in, how far it
//! is from the nearest border and which border that is, border bands per year, and clusters
//! that cross a border.

use std::collections::BTreeMap;
use std::fmt;

use geo::{BoundingRect, Coord, Intersects, MultiLineString, MultiPolygon, Point, Rect};
use rstar::{AABB, PointDistance, RTree, RTreeObject};
use serde::Serialize;

use crate::cluster::{ClusterSummary, Clustering};
use crate::geodesy::{EARTH_RADIUS_KM, arc_distance, unit_vector};
use crate::incident::{CountryCode, Incident};
use crate::tally::Count;
use crate::validate::IncidentSet;

/// A country's outline.
#[derive(Clone, Debug, PartialEq)]
pub struct Country {
    /// ISO 3166-1 alpha-3 code (Natural Earth `ADM0_A3`).
    pub code: CountryCode,
    /// Its name (Natural Earth `ADMIN` or `NAME`).
    pub name: String,
    /// The outline, lon/lat.
    pub shape: MultiPolygon<f64>,
    pub(crate) bbox: Option<Rect<f64>>,
    /// Cells of the bounding box wholly inside or outside the outline.
    pub(crate) grid: Option<InsideGrid>,
}

impl Country {
    pub(crate) fn new(code: CountryCode, name: String, shape: MultiPolygon<f64>) -> Country {
        let bbox = shape.bounding_rect();
        Country {
            code,
            name,
            grid: bbox.and_then(|b| InsideGrid::new(&shape, b)),
            bbox,
            shape,
        }
    }

    /// Whether the outline holds `c` (its boundary included), as `shape.intersects(&c)`
    /// answers: from the grid where `c`'s cell lies wholly inside or outside, else by that test.
    fn holds(&self, c: &Coord) -> bool {
        if !self.bbox.is_some_and(|b| b.intersects(c)) {
            return false;
        }
        match self.grid.as_ref().map(|g| g.at(c)) {
            Some(Cell::Inside) => true,
            Some(Cell::Outside) => false,
            _ => self.shape.intersects(c),
        }
    }
}

/// What a cell of an [`InsideGrid`] holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Cell {
    Outside,
    Inside,
    /// Near an edge of the outline: the exact test decides.
    Edge,
}

/// A regular lon/lat grid over a country's bounding box, each cell known to lie wholly inside
/// the outline, wholly outside, or near an edge. A cell is near an edge when it, or a cell
/// beside it, meets the bounding box of an edge of a ring; the others are classed by counting
/// the rings' crossings of the row's centre line left of the cell's centre (even-odd per
/// polygon, any polygon for the multipolygon), far from every edge, so no rounding can flip it.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct InsideGrid {
    x0: f64,
    y0: f64,
    step_x: f64,
    step_y: f64,
    cells: Vec<Cell>,
}

/// Cells per side of an [`InsideGrid`].
const GRID_SIDE: usize = 256;

impl InsideGrid {
    fn new(shape: &MultiPolygon<f64>, bbox: Rect<f64>) -> Option<InsideGrid> {
        let (w, h) = (bbox.width(), bbox.height());
        if !(w.is_finite() && h.is_finite() && w > 0.0 && h > 0.0) {
            return None;
        }
        let n = GRID_SIDE;
        let mut g = InsideGrid {
            x0: bbox.min().x,
            y0: bbox.min().y,
            step_x: w / n as f64,
            step_y: h / n as f64,
            cells: vec![Cell::Outside; n * n],
        };
        let rings = || {
            shape
                .iter()
                .flat_map(|p| std::iter::once(p.exterior()).chain(p.interiors()))
        };
        for ring in rings() {
            for e in ring.lines() {
                let (x_lo, x_hi) = (
                    g.column(e.start.x.min(e.end.x)),
                    g.column(e.start.x.max(e.end.x)),
                );
                let (y_lo, y_hi) = (g.row(e.start.y.min(e.end.y)), g.row(e.start.y.max(e.end.y)));
                for y in y_lo.saturating_sub(1)..=(y_hi + 1).min(n - 1) {
                    for x in x_lo.saturating_sub(1)..=(x_hi + 1).min(n - 1) {
                        g.cells[y * n + x] = Cell::Edge;
                    }
                }
            }
        }
        for y in 0..n {
            let cy = g.y0 + (y as f64 + 0.5) * g.step_y;
            // Per polygon, the x of each crossing of the line y = cy, sorted.
            let crossings: Vec<Vec<f64>> = shape
                .iter()
                .map(|p| {
                    let mut xs: Vec<f64> = std::iter::once(p.exterior())
                        .chain(p.interiors())
                        .flat_map(|r| r.lines())
                        .filter(|e| (e.start.y > cy) != (e.end.y > cy))
                        .map(|e| {
                            e.start.x
                                + (cy - e.start.y) * (e.end.x - e.start.x) / (e.end.y - e.start.y)
                        })
                        .collect();
                    xs.sort_unstable_by(f64::total_cmp);
                    xs
                })
                .collect();
            for x in 0..n {
                let cell = &mut g.cells[y * n + x];
                if *cell == Cell::Edge {
                    continue;
                }
                let cx = g.x0 + (x as f64 + 0.5) * g.step_x;
                let inside = crossings
                    .iter()
                    .any(|xs| xs.partition_point(|&v| v < cx) % 2 == 1);
                *cell = if inside { Cell::Inside } else { Cell::Outside };
            }
        }
        Some(g)
    }

    fn column(&self, x: f64) -> usize {
        (((x - self.x0) / self.step_x).floor().max(0.0) as usize).min(GRID_SIDE - 1)
    }

    fn row(&self, y: f64) -> usize {
        (((y - self.y0) / self.step_y).floor().max(0.0) as usize).min(GRID_SIDE - 1)
    }

    /// The cell of `c` (a point within the bounding box).
    fn at(&self, c: &Coord) -> Cell {
        self.cells[self.row(c.y) * GRID_SIDE + self.column(c.x)]
    }
}

/// The two countries a border separates, in alphabetical order: `BFA–TGO`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct BorderPair(pub CountryCode, pub CountryCode);

impl BorderPair {
    /// The pair of two codes, ordered.
    #[must_use]
    pub fn new(a: CountryCode, b: CountryCode) -> Self {
        if a <= b {
            BorderPair(a, b)
        } else {
            BorderPair(b, a)
        }
    }

    /// Whether the border touches `country`.
    #[must_use]
    pub fn touches(&self, country: CountryCode) -> bool {
        self.0 == country || self.1 == country
    }
}

impl fmt::Display for BorderPair {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}–{}", self.0, self.1)
    }
}

impl Serialize for BorderPair {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// One border line between two countries.
#[derive(Clone, Debug, PartialEq)]
pub struct BorderLine {
    /// The countries on either side.
    pub pair: BorderPair,
    /// The line, lon/lat.
    pub line: MultiLineString<f64>,
}

/// A border segment in the tree: two unit vectors and an envelope padded by the arc's bulge.
#[derive(Clone, Debug)]
struct Segment {
    a: [f64; 3],
    b: [f64; 3],
    line: u32,
    envelope: AABB<[f64; 3]>,
}

impl RTreeObject for Segment {
    type Envelope = AABB<[f64; 3]>;
    fn envelope(&self) -> Self::Envelope {
        self.envelope
    }
}

impl PointDistance for Segment {
    fn distance_2(&self, p: &[f64; 3]) -> f64 {
        self.envelope.distance_2(p)
    }
}

/// Borders and country outlines, from Natural Earth style GeoJSON: polygons carrying
/// `ADM0_A3` (and `ADMIN` or `NAME`), lines carrying `adm0_a3_l` and `adm0_a3_r`.
///
/// ```
/// use conflict_risk::{Borders, geo::Point};
/// let geojson = r#"{"type":"FeatureCollection","features":[
///   {"type":"Feature","properties":{"adm0_a3_l":"TGO","adm0_a3_r":"BFA"},
///    "geometry":{"type":"LineString","coordinates":[[0.0,11.0],[1.0,11.0]]}}]}"#;
/// let borders = Borders::from_reader(geojson.as_bytes())?;
/// let near = borders.nearest_border(Point::new(0.5, 11.1)).unwrap();
/// assert_eq!(near.pair.to_string(), "BFA–TGO");
/// // 0.1° of latitude is 11.12 km; the great-circle arc bows 0.05 km north of the parallel.
/// assert!((near.distance_km - 11.07).abs() < 0.01);
/// # Ok::<(), conflict_risk::Error>(())
/// ```
#[derive(Clone, Debug, Default)]
pub struct Borders {
    pub(crate) countries: Vec<Country>,
    pub(crate) lines: Vec<BorderLine>,
    segments: RTree<Segment>,
    pub(crate) files: Vec<String>,
    pub(crate) admin_labels: Vec<AdminLabel>,
}

/// A first-order administrative area (region, province, state) known by its label point, as
/// Natural Earth's `admin_1_label_points` give them (`name`, `adm0_a3` or `sr_adm0_a3`).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct AdminLabel {
    /// The area's name.
    pub name: String,
    /// Its country.
    pub country: CountryCode,
    /// Its label point, lon/lat.
    pub point: Point<f64>,
}

/// Where an incident stands against the borders.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct BorderPlace {
    /// The country whose polygon holds the point (`None` outside every polygon).
    pub country: Option<CountryCode>,
    /// The country the record names.
    pub recorded: Option<CountryCode>,
    /// The point lies in another country's polygon than the record names (or in none, for a
    /// record that names one).
    pub disagrees: bool,
    /// The nearest border, if any line is loaded.
    pub nearest: Option<BorderDistance>,
}

/// Distance to a border.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct BorderDistance {
    /// Great-circle distance, km.
    pub distance_km: f64,
    /// The border.
    pub pair: BorderPair,
}

/// The OECD-SWAC border bands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BorderBand {
    /// 0–10 km from a border.
    Within10Km,
    /// 10–50 km.
    From10To50Km,
    /// 50–100 km.
    From50To100Km,
    /// Over 100 km.
    Beyond100Km,
}

impl BorderBand {
    /// The band of a distance (lower bounds inclusive: 10 km is in 10–50).
    #[must_use]
    pub fn of(distance_km: f64) -> Self {
        if distance_km < 10.0 {
            BorderBand::Within10Km
        } else if distance_km < 50.0 {
            BorderBand::From10To50Km
        } else if distance_km < 100.0 {
            BorderBand::From50To100Km
        } else {
            BorderBand::Beyond100Km
        }
    }

    /// Every band, nearest first.
    pub const ALL: [BorderBand; 4] = [
        BorderBand::Within10Km,
        BorderBand::From10To50Km,
        BorderBand::From50To100Km,
        BorderBand::Beyond100Km,
    ];

    /// A short label: `0-10 km`.
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            BorderBand::Within10Km => "0-10 km",
            BorderBand::From10To50Km => "10-50 km",
            BorderBand::From50To100Km => "50-100 km",
            BorderBand::Beyond100Km => ">100 km",
        }
    }
}

impl Borders {
    /// Rebuild the segment tree after lines were added.
    pub(crate) fn rebuild(&mut self) {
        let mut segments = Vec::new();
        for (k, l) in (0u32..).zip(&self.lines) {
            for ls in &l.line.0 {
                for w in ls.0.windows(2) {
                    let a = unit_vector(Point::from(w[0]));
                    let b = unit_vector(Point::from(w[1]));
                    // The arc bulges beyond the chord by at most 1 − cos(θ/2) ≤ chord²/8·…:
                    // pad by the chord²/4, comfortably more.
                    let chord_2 = crate::geodesy::dist2(&a, &b);
                    let pad = chord_2 / 4.0 + 1e-12;
                    let lo = [
                        a[0].min(b[0]) - pad,
                        a[1].min(b[1]) - pad,
                        a[2].min(b[2]) - pad,
                    ];
                    let hi = [
                        a[0].max(b[0]) + pad,
                        a[1].max(b[1]) + pad,
                        a[2].max(b[2]) + pad,
                    ];
                    segments.push(Segment {
                        a,
                        b,
                        line: k,
                        envelope: AABB::from_corners(lo, hi),
                    });
                }
            }
        }
        self.segments = RTree::bulk_load(segments);
    }

    /// The countries loaded.
    #[must_use]
    pub fn countries(&self) -> &[Country] {
        &self.countries
    }

    /// Whether a polygon was loaded for `code`.
    ///
    /// ```
    /// use conflict_risk::{Borders, CountryCode};
    /// let doc = r#"{"type":"FeatureCollection","features":[{"type":"Feature",
    ///   "properties":{"ADM0_A3":"BFA"},"geometry":{"type":"Polygon",
    ///   "coordinates":[[[-2,10],[0,10],[0,12],[-2,12],[-2,10]]]}}]}"#;
    /// let borders = Borders::from_reader(doc.as_bytes())?;
    /// assert!(borders.has_polygon(CountryCode::new("BFA").unwrap()));
    /// assert!(!borders.has_polygon(CountryCode::new("TGO").unwrap()));
    /// # Ok::<(), conflict_risk::Error>(())
    /// ```
    #[must_use]
    pub fn has_polygon(&self, code: CountryCode) -> bool {
        self.countries.iter().any(|c| c.code == code)
    }

    /// The names of the files read by [`Borders::from_paths`], in order.
    #[must_use]
    pub fn files(&self) -> &[String] {
        &self.files
    }

    /// The border lines loaded.
    #[must_use]
    pub fn lines(&self) -> &[BorderLine] {
        &self.lines
    }

    /// The country whose polygon holds the point (boundary included; the first loaded wins
    /// where polygons overlap).
    #[must_use]
    pub fn country_at(&self, point: Point<f64>) -> Option<CountryCode> {
        let c = Coord::from(point);
        self.countries.iter().find(|k| k.holds(&c)).map(|k| k.code)
    }

    /// The admin-1 label points loaded.
    #[must_use]
    pub fn admin_labels(&self) -> &[AdminLabel] {
        &self.admin_labels
    }

    /// The first-order admin area a point most likely lies in: of the label points of the
    /// country whose polygon holds the point, the nearest by great-circle distance (a
    /// Voronoi partition of the labels: an approximation near admin boundaries, since no
    /// admin-1 polygons are read). `None` outside every polygon or without a label of that
    /// country.
    ///
    /// ```
    /// use conflict_risk::Borders;
    /// use conflict_risk::geo::Point;
    /// let doc = r#"{"type":"FeatureCollection","features":[
    ///   {"type":"Feature","properties":{"ADM0_A3":"TGO"},"geometry":{"type":"Polygon",
    ///    "coordinates":[[[-0.2,6],[1.8,6],[1.8,11.2],[-0.2,11.2],[-0.2,6]]]}},
    ///   {"type":"Feature","properties":{"name":"Savanes","sr_adm0_a3":"TGO","adm1_code":"TGO-90"},
    ///    "geometry":{"type":"Point","coordinates":[0.4,10.5]}},
    ///   {"type":"Feature","properties":{"name":"Kara","sr_adm0_a3":"TGO","adm1_code":"TGO-88"},
    ///    "geometry":{"type":"Point","coordinates":[0.8,9.6]}}]}"#;
    /// let borders = Borders::from_reader(doc.as_bytes())?;
    /// assert_eq!(borders.admin_area_at(Point::new(0.3, 10.8)).map(|a| a.name.as_str()), Some("Savanes"));
    /// assert_eq!(borders.admin_area_at(Point::new(1.0, 9.0)).map(|a| a.name.as_str()), Some("Kara"));
    /// assert!(borders.admin_area_at(Point::new(3.0, 9.0)).is_none());
    /// # Ok::<(), conflict_risk::Error>(())
    /// ```
    #[must_use]
    pub fn admin_area_at(&self, point: Point<f64>) -> Option<&AdminLabel> {
        let country = self.country_at(point)?;
        self.admin_labels
            .iter()
            .filter(|a| a.country == country)
            .map(|a| (crate::geodesy::haversine_km(point, a.point), a))
            .min_by(|x, y| x.0.total_cmp(&y.0))
            .map(|(_, a)| a)
    }

    /// The nearest border line and the great-circle distance to it (segments are taken as
    /// great-circle arcs between their vertices).
    #[must_use]
    pub fn nearest_border(&self, point: Point<f64>) -> Option<BorderDistance> {
        let p = unit_vector(point);
        let mut best: Option<(f64, u32)> = None; // (angle, line)
        for (seg, envelope_2) in self.segments.nearest_neighbor_iter_with_distance_2(&p) {
            if let Some((angle, _)) = best {
                // The envelope's chord is a lower bound of the chord to any point of the arc.
                let chord = 2.0 * (angle / 2.0).sin();
                if envelope_2 > chord * chord {
                    break;
                }
            }
            let angle = arc_distance(&p, &seg.a, &seg.b);
            if best.is_none_or(|(b, line)| (angle, seg.line) < (b, line)) {
                best = Some((angle, seg.line));
            }
        }
        best.map(|(angle, line)| BorderDistance {
            distance_km: angle * EARTH_RADIUS_KM,
            pair: self.lines[line as usize].pair,
        })
    }

    /// Locate one incident.
    #[must_use]
    pub fn place(&self, incident: &Incident) -> BorderPlace {
        let country = self.country_at(incident.point());
        let recorded = incident.country;
        BorderPlace {
            country,
            recorded,
            disagrees: recorded.is_some() && !self.countries.is_empty() && country != recorded,
            nearest: self.nearest_border(incident.point()),
        }
    }

    /// Locate every incident of a set, in set order (on all cores with `parallel`).
    #[must_use]
    pub fn place_all(&self, set: &IncidentSet) -> Vec<BorderPlace> {
        #[cfg(feature = "parallel")]
        {
            use rayon::prelude::*;
            set.incidents().par_iter().map(|i| self.place(i)).collect()
        }
        #[cfg(not(feature = "parallel"))]
        set.incidents().iter().map(|i| self.place(i)).collect()
    }

    /// Incidents per border band (indexed as [`BorderBand::ALL`]) and year of the first day;
    /// with `pair` (e.g. BFA–TGO), only the incidents whose nearest border is that one. `places`
    /// are the set's incidents placed by [`Borders::place_all`].
    ///
    /// ```
    /// use conflict_risk::{Borders, IncidentSet};
    /// let set = IncidentSet::validate(Vec::new()).0;
    /// let borders = Borders::default();
    /// let by_year = borders.bands_by_year(&set, &borders.place_all(&set), None);
    /// assert!(by_year.is_empty());
    /// ```
    #[must_use]
    pub fn bands_by_year(
        &self,
        set: &IncidentSet,
        places: &[BorderPlace],
        pair: Option<BorderPair>,
    ) -> BTreeMap<i16, [u64; 4]> {
        let mut out: BTreeMap<i16, [u64; 4]> = BTreeMap::new();
        for (i, p) in set.incidents().iter().zip(places) {
            let Some(n) = p.nearest else { continue };
            if pair.is_some_and(|q| q != n.pair) {
                continue;
            }
            let band = BorderBand::of(n.distance_km) as usize;
            out.entry(i.date.start.year()).or_default()[band] += 1;
        }
        out
    }

    /// Incidents within `km` of the border `pair` (by distance to that border's line, whichever
    /// border is nearest), per year of the first day.
    #[must_use]
    pub fn near_border_by_year(
        &self,
        set: &IncidentSet,
        pair: BorderPair,
        km: f64,
    ) -> BTreeMap<i16, u64> {
        let mut out = BTreeMap::new();
        if !self.lines.iter().any(|l| l.pair == pair) {
            return out;
        }
        let max_angle = km / EARTH_RADIUS_KM;
        // The border's segments whose padded envelope comes within the chord of `km`, then the
        // exact arc distance: the same test as over every segment of the border, in log time.
        let reach_2 = crate::geodesy::km_to_chord2(km);
        let own: RTree<Segment> = RTree::bulk_load(
            self.segments
                .iter()
                .filter(|s| self.lines[s.line as usize].pair == pair)
                .cloned()
                .collect(),
        );
        let near = |i: &Incident| {
            let p = unit_vector(i.point());
            own.locate_within_distance(p, reach_2)
                .any(|s| arc_distance(&p, &s.a, &s.b) <= max_angle)
        };
        #[cfg(feature = "parallel")]
        let years: Vec<i16> = {
            use rayon::prelude::*;
            set.incidents()
                .par_iter()
                .filter(|i| near(i))
                .map(|i| i.date.start.year())
                .collect()
        };
        #[cfg(not(feature = "parallel"))]
        let years: Vec<i16> = set
            .incidents()
            .iter()
            .filter(|i| near(i))
            .map(|i| i.date.start.year())
            .collect();
        for y in years {
            *out.entry(y).or_default() += 1;
        }
        out
    }

    /// Clusters that cross a border: members in more than one country by polygon, or a hull
    /// that crosses a border line. In the order of `summaries` (any subset or order of the
    /// clustering's summaries).
    #[must_use]
    pub fn cross_border_clusters(
        &self,
        clustering: &Clustering,
        summaries: &[ClusterSummary],
        places: &[BorderPlace],
    ) -> Vec<CrossBorderCluster> {
        let mut members: Vec<BTreeMap<CountryCode, u64>> = vec![BTreeMap::new(); summaries.len()];
        for (label, place) in clustering.labels().iter().zip(places) {
            if let (Some(c), Some(country)) = (label, place.country)
                && let Some(m) = members.get_mut(c.get() as usize)
            {
                *m.entry(country).or_default() += 1;
            }
        }
        summaries
            .iter()
            .filter_map(|s| {
                let countries = members
                    .get(s.id.get() as usize)
                    .cloned()
                    .unwrap_or_default();
                let crossed: Vec<BorderPair> = self
                    .lines
                    .iter()
                    .filter(|l| l.line.intersects(&s.hull))
                    .map(|l| l.pair)
                    .collect();
                (countries.len() > 1 || !crossed.is_empty()).then(|| CrossBorderCluster {
                    cluster: s.id.get(),
                    countries: countries
                        .into_iter()
                        .map(|(key, count)| Count { key, count })
                        .collect(),
                    hull_crosses: crossed,
                })
            })
            .collect()
    }
}

/// A cluster that crosses a border.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CrossBorderCluster {
    /// The cluster's number.
    pub cluster: u32,
    /// Members per country, by polygon.
    pub countries: Vec<Count<CountryCode>>,
    /// Borders the cluster's hull crosses.
    pub hull_crosses: Vec<BorderPair>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geodesy::{angle, destination, haversine_km};
    use rand::{RngExt, SeedableRng};
    use rand_pcg::Pcg64Mcg;

    fn km_per_degree() -> f64 {
        EARTH_RADIUS_KM * std::f64::consts::PI / 180.0
    }

    /// A jagged star of `n` points around (`lon`, `lat`), with a square hole in the middle.
    fn star(rng: &mut Pcg64Mcg, lon: f64, lat: f64, n: usize) -> geo::Polygon<f64> {
        let outer: Vec<Coord> = (0..n)
            .map(|k| {
                let a = k as f64 / n as f64 * std::f64::consts::TAU;
                let r = if k % 2 == 0 {
                    2.0
                } else {
                    rng.random_range(0.6..1.8)
                };
                Coord {
                    x: lon + r * a.cos(),
                    y: lat + r * a.sin(),
                }
            })
            .collect();
        let hole = vec![
            Coord {
                x: lon - 0.2,
                y: lat - 0.2,
            },
            Coord {
                x: lon + 0.2,
                y: lat - 0.2,
            },
            Coord {
                x: lon + 0.2,
                y: lat + 0.2,
            },
            Coord {
                x: lon - 0.2,
                y: lat + 0.2,
            },
        ];
        geo::Polygon::new(outer.into(), vec![hole.into()])
    }

    #[test]
    fn the_inside_grid_answers_as_the_polygon_test() {
        let mut rng = Pcg64Mcg::seed_from_u64(7);
        for n in [8, 60, 600] {
            // Two stars, the second one touching the first's bounding box, and one with a
            // hole: points everywhere in the box, on the vertices and halfway along the edges.
            let shape = MultiPolygon::new(vec![
                star(&mut rng, 1.0, 11.0, n),
                star(&mut rng, 4.5, 12.0, n / 2 + 3),
            ]);
            let country = Country::new(CountryCode::new("BFA").expect("a code"), "B".into(), shape);
            let grid = country.grid.as_ref().expect("a grid");
            let (mut inside, mut outside) = (0, 0);
            let mut points: Vec<Coord> = (0..10_000)
                .map(|_| Coord {
                    x: rng.random_range(-1.5..7.0),
                    y: rng.random_range(8.5..14.5),
                })
                .collect();
            for p in country.shape.iter() {
                for e in p
                    .exterior()
                    .lines()
                    .chain(p.interiors().iter().flat_map(|r| r.lines()))
                {
                    points.push(e.start);
                    points.push(Coord {
                        x: (e.start.x + e.end.x) / 2.0,
                        y: (e.start.y + e.end.y) / 2.0,
                    });
                }
            }
            for c in &points {
                assert_eq!(
                    country.holds(c),
                    country.shape.intersects(c),
                    "{c:?}, {n} points"
                );
                if country.bbox.is_some_and(|b| b.intersects(c)) {
                    match grid.at(c) {
                        Cell::Inside => inside += 1,
                        Cell::Outside => outside += 1,
                        Cell::Edge => {}
                    }
                }
            }
            // The grid answers most points itself.
            assert!(
                inside > 200 && outside > 1_000,
                "{inside} inside, {outside} outside"
            );
        }
    }

    fn v(lon: f64, lat: f64) -> [f64; 3] {
        unit_vector(Point::new(lon, lat))
    }

    #[test]
    fn near_border_counts_equal_a_scan_of_every_segment() {
        // Two borders with long and short segments, one crossing the other's neighbourhood.
        let geojson = r#"{"type":"FeatureCollection","features":[
          {"type":"Feature","properties":{"adm0_a3_l":"BFA","adm0_a3_r":"TGO"},
           "geometry":{"type":"LineString","coordinates":[[0.0,11.0],[0.4,11.1],[0.45,11.13],[1.5,11.0],[1.6,10.2]]}},
          {"type":"Feature","properties":{"adm0_a3_l":"BFA","adm0_a3_r":"BEN"},
           "geometry":{"type":"MultiLineString","coordinates":[[[1.6,10.2],[2.0,11.5]],[[2.0,11.5],[2.4,11.6],[3.0,12.0]]]}}]}"#;
        let borders = Borders::from_reader(geojson.as_bytes()).expect("valid borders");
        let mut rng = Pcg64Mcg::seed_from_u64(4);
        let mut incidents = Vec::new();
        for k in 0..3_000 {
            let p = Point::new(rng.random_range(-1.0..4.0), rng.random_range(9.0..13.0));
            let day = jiff::civil::date(2018 + (k % 5) as i16, 3, 1);
            incidents.push(Incident::new(
                format!("{k}").as_str(),
                p.x(),
                p.y(),
                crate::DateSpan::day(day),
            ));
        }
        let (set, _) = IncidentSet::validate(incidents);
        for (pair, km) in [
            (("BFA", "TGO"), 25.0),
            (("BFA", "TGO"), 100.0),
            (("BEN", "BFA"), 60.0),
        ] {
            let pair = BorderPair::new(
                CountryCode::new(pair.0).expect("a code"),
                CountryCode::new(pair.1).expect("a code"),
            );
            let mut want: BTreeMap<i16, u64> = BTreeMap::new();
            for i in set.incidents() {
                let p = unit_vector(i.point());
                let near = borders.segments.iter().any(|s| {
                    borders.lines[s.line as usize].pair == pair
                        && arc_distance(&p, &s.a, &s.b) <= km / EARTH_RADIUS_KM
                });
                if near {
                    *want.entry(i.date.start.year()).or_default() += 1;
                }
            }
            assert!(want.values().sum::<u64>() > 50, "{want:?}");
            assert_eq!(borders.near_border_by_year(&set, pair, km), want);
        }
    }

    #[test]
    fn arc_distances_by_hand() {
        // An arc along the equator from 0° to 10° E.
        let (a, b) = (v(0.0, 0.0), v(10.0, 0.0));
        // 1° north of its middle: 1° of arc.
        let d = arc_distance(&v(5.0, 1.0), &a, &b) * EARTH_RADIUS_KM;
        assert!((d - km_per_degree()).abs() < 1e-9, "{d}");
        // Beyond its east end: the distance to that end, 2° along the equator.
        let d = arc_distance(&v(12.0, 0.0), &a, &b) * EARTH_RADIUS_KM;
        assert!((d - 2.0 * km_per_degree()).abs() < 1e-9, "{d}");
        // On it.
        assert!(arc_distance(&v(3.0, 0.0), &a, &b) < 1e-15);
    }

    /// Brute force: the minimum haversine distance to 2001 points along the arc.
    fn densified(p: Point<f64>, a: Point<f64>, b: Point<f64>) -> f64 {
        let (va, vb) = (unit_vector(a), unit_vector(b));
        let theta = angle(&va, &vb);
        let bearing_free = |t: f64| {
            // Slerp between the ends.
            let (s0, s1) = (((1.0 - t) * theta).sin(), (t * theta).sin());
            let s = theta.sin();
            let w = [
                (s0 * va[0] + s1 * vb[0]) / s,
                (s0 * va[1] + s1 * vb[1]) / s,
                (s0 * va[2] + s1 * vb[2]) / s,
            ];
            crate::geodesy::lon_lat_of(w)
        };
        (0..=2000)
            .map(|k| haversine_km(p, bearing_free(f64::from(k) / 2000.0)))
            .fold(f64::INFINITY, f64::min)
    }

    #[test]
    fn arc_distance_matches_a_densified_brute_force() {
        let mut rng = Pcg64Mcg::seed_from_u64(3);
        for _ in 0..300 {
            let a = Point::new(rng.random_range(-5.0..10.0), rng.random_range(5.0..15.0));
            let b = destination(a, rng.random_range(0.0..360.0), rng.random_range(1.0..80.0));
            let p = destination(
                a,
                rng.random_range(0.0..360.0),
                rng.random_range(0.0..150.0),
            );
            let exact =
                arc_distance(&unit_vector(p), &unit_vector(a), &unit_vector(b)) * EARTH_RADIUS_KM;
            let brute = densified(p, a, b);
            // The densified minimum is at most (80 km / 2000)²/(2·R) above the true one.
            assert!(
                exact <= brute + 1e-9 && brute - exact < 1e-3,
                "{exact} vs {brute}"
            );
        }
    }

    #[test]
    fn nearest_border_equals_a_scan_of_every_segment() {
        let mut rng = Pcg64Mcg::seed_from_u64(9);
        let codes = ["BFA", "TGO", "BEN", "NER"];
        let mut features = Vec::new();
        for k in 0..12 {
            let mut p = Point::new(rng.random_range(-2.0..4.0), rng.random_range(9.0..14.0));
            let mut coords = vec![[p.x(), p.y()]];
            for _ in 0..30 {
                p = destination(p, rng.random_range(0.0..360.0), rng.random_range(0.5..20.0));
                coords.push([p.x(), p.y()]);
            }
            features.push(serde_json::json!({"type": "Feature",
                "properties": {"adm0_a3_l": codes[k % 4], "adm0_a3_r": codes[(k + 1) % 4]},
                "geometry": {"type": "LineString", "coordinates": coords}}));
        }
        let doc = serde_json::json!({"type": "FeatureCollection", "features": features});
        let borders = Borders::from_reader(doc.to_string().as_bytes()).expect("valid borders");
        for _ in 0..500 {
            let p = Point::new(rng.random_range(-3.0..5.0), rng.random_range(8.0..15.0));
            let got = borders.nearest_border(p).expect("lines loaded");
            let pv = unit_vector(p);
            let mut best = (f64::INFINITY, 0u32);
            for s in borders.segments.iter() {
                let d = arc_distance(&pv, &s.a, &s.b);
                if (d, s.line) < best {
                    best = (d, s.line);
                }
            }
            assert_eq!(got.distance_km, best.0 * EARTH_RADIUS_KM);
            assert_eq!(got.pair, borders.lines[best.1 as usize].pair);
        }
    }

    #[test]
    fn countries_by_polygon_and_disagreement() {
        let doc = r#"{"type":"FeatureCollection","features":[
          {"type":"Feature","properties":{"ADM0_A3":"BFA","ADMIN":"Burkina Faso"},
           "geometry":{"type":"Polygon","coordinates":[[[-5,10],[0,10],[0,15],[-5,15],[-5,10]]]}},
          {"type":"Feature","properties":{"ADM0_A3":"NER","ADMIN":"Niger"},
           "geometry":{"type":"Polygon","coordinates":[[[0,10],[5,10],[5,15],[0,15],[0,10]]]}},
          {"type":"Feature","properties":{"adm0_a3_l":"NER","adm0_a3_r":"BFA"},
           "geometry":{"type":"LineString","coordinates":[[0,10],[0,15]]}}]}"#;
        let borders = Borders::from_reader(doc.as_bytes()).expect("valid");
        let bfa = CountryCode::new("BFA");
        let mut i = Incident::new(
            "501478",
            3.658818,
            12.5,
            crate::DateSpan::day(jiff::civil::date(2023, 1, 1)),
        );
        i.country = bfa;
        let place = borders.place(&i);
        assert_eq!(place.country, CountryCode::new("NER"));
        assert!(place.disagrees);
        let n = place.nearest.expect("a line");
        assert_eq!(n.pair.to_string(), "BFA–NER");
        // 3.658818° of longitude at 12.5° N, along a great circle's foot: close to the
        // cosine-scaled figure.
        assert!(
            (n.distance_km - 3.658818 * km_per_degree() * 12.5f64.to_radians().cos()).abs() < 1.0
        );
        i.lon = -3.658818;
        assert!(!borders.place(&i).disagrees);
        assert_eq!(BorderBand::of(10.0), BorderBand::From10To50Km);
        assert!(
            Borders::from_reader(r#"{"type":"Point","coordinates":[0,0]}"#.as_bytes()).is_err()
        );

        // Two clusters, one astride the BFA–NER line at 0° E, one inside Burkina; the answer
        // must not depend on the order of the summaries.
        let mut incidents = Vec::new();
        for k in 0..20 {
            let d = f64::from(k) * 0.002;
            let day = crate::DateSpan::day(jiff::civil::date(2023, 1, 1));
            incidents.push(Incident::new(
                format!("x{k}").as_str(),
                -0.02 + d,
                12.0,
                day,
            ));
            incidents.push(Incident::new(format!("y{k}").as_str(), -3.0 + d, 12.0, day));
        }
        let (set, _) = IncidentSet::validate(incidents);
        let index = crate::IncidentIndex::new(&set);
        let clustering = crate::Dbscan::new(5.0, 3).expect("valid").run(&index);
        let mut summaries = clustering
            .summarize(&set, crate::HullShape::Convex)
            .expect("valid");
        let places = borders.place_all(&set);
        let forward = borders.cross_border_clusters(&clustering, &summaries, &places);
        summaries.reverse();
        let backward = borders.cross_border_clusters(&clustering, &summaries, &places);
        assert_eq!(forward, backward);
        assert_eq!(forward.len(), 1);
        assert_eq!(forward[0].countries.len(), 2);
        assert_eq!(forward[0].hull_crosses.len(), 1);
    }

    /// A cluster astride the antimeridian (around Fiji) crosses the border line through it,
    /// and not one on the other side of the globe: its hull used to be a band from 179.98° W
    /// to 179.98° E that every meridian crossed.
    #[test]
    fn a_cluster_astride_the_antimeridian_crosses_only_the_lines_it_reaches() {
        let doc = r#"{"type":"FeatureCollection","features":[
          {"type":"Feature","properties":{"adm0_a3_l":"AAA","adm0_a3_r":"BBB"},
           "geometry":{"type":"LineString","coordinates":[[-179.97,-18.0],[-179.97,-17.4]]}},
          {"type":"Feature","properties":{"adm0_a3_l":"CCC","adm0_a3_r":"DDD"},
           "geometry":{"type":"LineString","coordinates":[[0.0,-30.0],[0.0,0.0]]}}]}"#;
        let borders = Borders::from_reader(doc.as_bytes()).expect("valid");
        let day = crate::DateSpan::day(jiff::civil::date(2024, 3, 1));
        let incidents: Vec<Incident> = [179.95, 179.97, 179.99, -179.99, -179.97, -179.95]
            .iter()
            .enumerate()
            .flat_map(|(k, &lon)| {
                [-17.69, -17.71]
                    .map(|lat| Incident::new(format!("f{k}{lat}").as_str(), lon, lat, day))
            })
            .collect();
        let (set, _) = IncidentSet::validate(incidents);
        let index = crate::IncidentIndex::new(&set);
        let clustering = crate::Dbscan::new(5.0, 3).expect("valid").run(&index);
        assert_eq!(clustering.cluster_count(), 1);
        let summaries = clustering
            .summarize(&set, crate::HullShape::Convex)
            .expect("valid");
        let places = borders.place_all(&set);
        let crossing = borders.cross_border_clusters(&clustering, &summaries, &places);
        assert_eq!(crossing.len(), 1);
        let pairs: Vec<String> = crossing[0]
            .hull_crosses
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(pairs, ["AAA–BBB"]);
    }
}
