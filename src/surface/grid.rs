//! The two grids analysts map risk on: H3 hexagons (kepler.gl, humanitarian dashboards) and
//! PRIO-GRID 0.5° squares (UCDP's `priogrid_gid`).

use std::f64::consts::{FRAC_PI_2, PI};
use std::fmt;

use geo::{Contains, Coord, LineString, Point, Polygon};
use h3o::{CellIndex, LatLng, Resolution};
use serde::{Deserialize, Serialize, Serializer};

use crate::error::{Error, Result};
use crate::index::BoundingBox;

/// Side of a PRIO-GRID cell, degrees.
pub const PRIO_GRID_DEGREES: f64 = 0.5;
const PRIO_COLUMNS: u32 = 720;
const PRIO_ROWS: u32 = 360;

/// The most cells [`Grid::cover`] and [`Grid::cover_polygon`] take on for one region.
///
/// The count is estimated before any work: for H3, the region's area on the sphere, grown by a
/// rim three parent-cell edges wide (the band along the edges where the cover examines cells
/// it then drops), over the resolution's average cell area; for PRIO-GRID, the rows times the
/// columns the box spans, exactly. A region over the budget is an [`Error::InvalidParameter`]
/// naming the estimate and the budget, returned in microseconds: resolution 8 over
/// [`BoundingBox::CORRIDOR`] (about 4.2 million cells) is refused, and so is every finer
/// resolution over it, sevenfold a step (29 million cells at resolution 9).
///
/// An H3 cover costs about 0.75 µs and 25 bytes a cell at its peak, nearly all of the time in
/// h3o's cell centres (release build, a shared two-core machine). The whole globe at
/// resolution 5 (2 016 842 cells) fits the budget: 1.5 s and 50 MB peak resident memory, of
/// which the result is 32 MB. A full budget is about 2 s and 65 MB. Resolution 6 over the
/// globe (14.1 million cells) does not fit. Every PRIO-GRID region fits (259 200 cells in
/// all).
pub const MAX_COVER_CELLS: usize = 2_500_000;

/// A grid system: H3 at a resolution, or PRIO-GRID.
///
/// ```
/// use conflict_risk::{Grid, CellId};
/// let grid = Grid::h3(5)?;
/// let cell = grid.cell_of(0.207, 10.862)?; // Dapaong
/// assert!(matches!(cell, CellId::H3(_)));
/// let prio = Grid::PrioGrid.cell_of(-3.7, 12.7)?;
/// assert_eq!(prio.to_string(), "147953");
/// # Ok::<(), conflict_risk::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Grid {
    /// H3 hexagons at a resolution 0–15 (5: about 252 km² a cell, 8.5 km edges).
    H3 {
        /// The H3 resolution.
        #[serde(
            serialize_with = "resolution_number",
            deserialize_with = "resolution_from_number"
        )]
        resolution: Resolution,
    },
    /// PRIO-GRID 0.5° × 0.5° cells, numbered as UCDP's `priogrid_gid`.
    PrioGrid,
}

fn resolution_from_number<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> std::result::Result<Resolution, D::Error> {
    let n = u8::deserialize(d)?;
    Resolution::try_from(n).map_err(|_| serde::de::Error::custom("H3 resolutions are 0 to 15"))
}

fn resolution_number<S: Serializer>(r: &Resolution, s: S) -> std::result::Result<S::Ok, S::Error> {
    s.serialize_u8(u8::from(*r))
}

impl std::fmt::Display for Grid {
    /// "H3 resolution 5" or "PRIO-GRID 0.5°".
    ///
    /// ```
    /// use conflict_risk::Grid;
    /// assert_eq!(Grid::h3(5)?.to_string(), "H3 resolution 5");
    /// assert_eq!(Grid::PrioGrid.to_string(), "PRIO-GRID 0.5°");
    /// # Ok::<(), conflict_risk::Error>(())
    /// ```
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Grid::H3 { resolution } => write!(f, "H3 resolution {}", u8::from(*resolution)),
            Grid::PrioGrid => f.write_str("PRIO-GRID 0.5°"),
        }
    }
}

impl Grid {
    /// H3 at `resolution` (0–15).
    pub fn h3(resolution: u8) -> Result<Self> {
        Resolution::try_from(resolution)
            .map(|resolution| Grid::H3 { resolution })
            .map_err(|_| Error::invalid("resolution", resolution, "H3 resolutions are 0 to 15"))
    }

    /// The cell holding a point (lon, lat in degrees).
    pub fn cell_of(&self, lon: f64, lat: f64) -> Result<CellId> {
        if !(-180.0..=180.0).contains(&lon) || !(-90.0..=90.0).contains(&lat) {
            return Err(Error::invalid(
                "point",
                format!("({lon}, {lat})"),
                "longitude must be within -180..180 and latitude within -90..90",
            ));
        }
        Ok(match self {
            Grid::H3 { resolution } => {
                let ll = LatLng::new(lat, lon).map_err(|e| {
                    Error::invalid("point", format!("({lon}, {lat})"), e.to_string())
                })?;
                CellId::H3(ll.to_cell(*resolution))
            }
            Grid::PrioGrid => CellId::Prio(PrioCell::of(lon, lat)),
        })
    }

    /// Every cell whose centre lies in the box, ordered by id. The cells on the box's edge
    /// overhang it; the union of the cells covers the box but for slivers at its rim. Any box
    /// on the sphere is covered: one reaching a pole, one crossing the antimeridian
    /// (`west > east`), the whole globe.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidParameter`] when the region needs more than [`MAX_COVER_CELLS`] cells at
    /// this resolution (estimated from its area, before any work).
    ///
    /// ```
    /// use conflict_risk::{BoundingBox, Grid};
    /// let corridor = BoundingBox::new(-6.0, 4.0, 15.0, 16.0)?;
    /// assert_eq!(Grid::PrioGrid.cover(&corridor)?.len(), 42 * 24);
    /// assert!(Grid::h3(8)?.cover(&corridor).is_err()); // about 4.2 million cells
    /// # Ok::<(), conflict_risk::Error>(())
    /// ```
    pub fn cover(&self, bbox: &BoundingBox) -> Result<Vec<CellId>> {
        self.cover_where(bbox, |c| bbox.contains(c.x, c.y))
    }

    /// Every cell whose centre lies in the polygon (lon/lat, boundary included), ordered by id.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidParameter`] when the polygon's bounding box needs more than
    /// [`MAX_COVER_CELLS`] cells at this resolution.
    pub fn cover_polygon(&self, polygon: &Polygon<f64>) -> Result<Vec<CellId>> {
        let Some(rect) = geo::BoundingRect::bounding_rect(polygon) else {
            return Ok(Vec::new());
        };
        let bbox = BoundingBox::new(
            rect.min().x.max(-180.0),
            rect.min().y.max(-90.0),
            rect.max().x.min(180.0),
            rect.max().y.min(90.0),
        )?;
        self.cover_where(&bbox, |c| {
            polygon.contains(&c) || geo::Intersects::intersects(polygon, &c)
        })
    }

    fn cover_where(
        &self,
        bbox: &BoundingBox,
        inside: impl Fn(Coord) -> bool,
    ) -> Result<Vec<CellId>> {
        self.check_budget(bbox)?;
        let mut cells: Vec<CellId> = match self {
            Grid::PrioGrid => prio_rows(bbox)
                .flat_map(|r| prio_columns(bbox).map(move |c| PrioCell::from_row_col(r, c)))
                .map(CellId::Prio)
                .filter(|c| inside(c.centre().0))
                .collect(),
            Grid::H3 { resolution } => h3_cover(*resolution, bbox, inside)
                .into_iter()
                .map(CellId::H3)
                .collect(),
        };
        cells.sort_unstable();
        cells.dedup();
        Ok(cells)
    }

    /// Refuses a region whose estimated cell count is over [`MAX_COVER_CELLS`].
    fn check_budget(&self, bbox: &BoundingBox) -> Result<()> {
        let (name, value, estimate) = match self {
            Grid::PrioGrid => {
                let rows = prio_rows(bbox).count();
                (
                    "grid",
                    "PRIO-GRID".to_string(),
                    rows * prio_columns(bbox).count(),
                )
            }
            Grid::H3 { resolution } => {
                let estimate = h3_cell_estimate(*resolution, bbox);
                // Saturates: a float over usize::MAX becomes usize::MAX, still over the budget.
                (
                    "resolution",
                    u8::from(*resolution).to_string(),
                    estimate.ceil() as usize,
                )
            }
        };
        if estimate > MAX_COVER_CELLS {
            return Err(Error::invalid(
                name,
                value,
                format!(
                    "the region needs about {estimate} cells, over the budget of {MAX_COVER_CELLS} cells (MAX_COVER_CELLS): use a coarser resolution or a smaller region"
                ),
            ));
        }
        Ok(())
    }
}

/// The PRIO-GRID rows (0 at the south pole) that the box's latitudes span.
fn prio_rows(bbox: &BoundingBox) -> std::ops::RangeInclusive<u32> {
    PrioCell::row_of(bbox.south())..=PrioCell::row_of(bbox.north())
}

/// The PRIO-GRID columns (0 at the antimeridian) that the box's longitudes span, west to east
/// and across the antimeridian when the box crosses it; a column may come twice when the box
/// wraps all the way round.
fn prio_columns(bbox: &BoundingBox) -> impl Iterator<Item = u32> {
    let (west, east) = (PrioCell::col_of(bbox.west()), PrioCell::col_of(bbox.east()));
    let (first, second) = if bbox.crosses_antimeridian() {
        (west..=PRIO_COLUMNS - 1, Some(0..=east))
    } else {
        (west..=east, None)
    };
    first.chain(second.into_iter().flatten())
}

/// The box's width in degrees of longitude, 0 to 360, across the antimeridian when it crosses.
fn lon_width(bbox: &BoundingBox) -> f64 {
    if bbox.crosses_antimeridian() {
        bbox.east() + 360.0 - bbox.west()
    } else {
        bbox.east() - bbox.west()
    }
}

/// How far from a cell's centre, in average edges of the cell's resolution, the centre of any
/// of its descendants can lie: H3 children are not nested in their parent, so a descendant
/// may overhang its ancestor. Measured over every cell of resolutions 1 to 6 against each of
/// its ancestors: at most 1.133 (0.720, 0.981, 1.084, 1.121 and 1.133 for one to five levels
/// down, each step about a third of the one before, so the series stays under 1.15). 1.5
/// leaves a third more.
const H3_DESCENDANT_REACH: f64 = 1.5;

/// The number of H3 cells a cover of the box examines: the box's area on the unit sphere,
/// grown by a rim as wide as three parent edges (the parents kept along the edges hold
/// children that fall outside), as area + perimeter·rim + π·rim² at most the sphere, over the
/// resolution's average cell area.
fn h3_cell_estimate(resolution: Resolution, bbox: &BoundingBox) -> f64 {
    let width = lon_width(bbox).to_radians();
    let (south, north) = (bbox.south().to_radians(), bbox.north().to_radians());
    let area = width * (north.sin() - south.sin());
    // The parallels, and the meridians unless the box goes all the way round.
    let meridians = if lon_width(bbox) >= 360.0 {
        0.0
    } else {
        2.0 * (north - south)
    };
    let perimeter = width * (south.cos() + north.cos()) + meridians;
    let parent = resolution.pred().unwrap_or(resolution);
    let rim = 2.0 * H3_DESCENDANT_REACH * parent.edge_length_rads();
    let grown = (area + perimeter * rim + PI * rim * rim).min(4.0 * PI);
    grown / resolution.area_rads2()
}

/// The H3 cells at `resolution` whose centre is `inside`, ordered by id; `inside` holds no
/// point outside the box.
///
/// From the 122 base cells down, one resolution at a time: a cell is kept when its centre lies
/// within [`H3_DESCENDANT_REACH`] edges of the box, which every ancestor of a cell whose centre
/// is in the box does; the kept cells' children make the next resolution. At `resolution` the
/// centre itself is tested. Any box on the sphere works alike: one holding a pole, one
/// crossing the antimeridian, the globe (where every cell is kept).
fn h3_cover(
    resolution: Resolution,
    bbox: &BoundingBox,
    inside: impl Fn(Coord) -> bool,
) -> Vec<CellIndex> {
    let centre = |cell: CellIndex| {
        let ll = LatLng::from(cell);
        Coord {
            x: ll.lng(),
            y: ll.lat(),
        }
    };
    let mut cells: Vec<CellIndex> = CellIndex::base_cells().collect();
    let mut level = Resolution::Zero;
    while level != resolution {
        let reach = Reach::around(bbox, H3_DESCENDANT_REACH * level.edge_length_rads());
        cells.retain(|&c| reach.contains(centre(c)));
        let Some(next) = level.succ() else {
            break;
        };
        cells = cells.iter().flat_map(|c| c.children(next)).collect();
        level = next;
    }
    cells.retain(|&c| inside(centre(c)));
    // Children of distinct parents are distinct: sorting is all that is left.
    cells.sort_unstable();
    cells
}

/// A lon/lat region holding every point within a great-circle distance of a box.
#[derive(Clone, Copy, Debug)]
struct Reach {
    south: f64,
    north: f64,
    /// West and east edges (west > east crosses the antimeridian); `None` for every longitude.
    lon: Option<(f64, f64)>,
}

impl Reach {
    /// The box grown by `distance` radians: latitudes by the distance, longitudes by the
    /// widest a cap of that radius spans around a point of the box, asin(sin d / cos φ) at the
    /// box's most poleward latitude φ; every longitude when such a cap holds a pole.
    fn around(bbox: &BoundingBox, distance: f64) -> Self {
        let pad = distance.to_degrees();
        let south = (bbox.south() - pad).max(-90.0);
        let north = (bbox.north() + pad).min(90.0);
        let poleward = bbox.south().abs().max(bbox.north().abs()).to_radians();
        let ratio = distance.sin() / poleward.cos();
        let every = Reach {
            south,
            north,
            lon: None,
        };
        if distance >= FRAC_PI_2 || ratio >= 1.0 || south <= -90.0 || north >= 90.0 {
            return every;
        }
        let spread = ratio.asin().to_degrees();
        if lon_width(bbox) + 2.0 * spread >= 360.0 {
            return every;
        }
        let wrap = |lon: f64| {
            if lon < -180.0 {
                lon + 360.0
            } else if lon > 180.0 {
                lon - 360.0
            } else {
                lon
            }
        };
        Reach {
            lon: Some((wrap(bbox.west() - spread), wrap(bbox.east() + spread))),
            ..every
        }
    }

    /// Whether the point is in the region, edges included; longitudes -180 and 180 are one.
    fn contains(&self, c: Coord) -> bool {
        let lon_in = |lon: f64| match self.lon {
            None => true,
            Some((west, east)) if west <= east => (west..=east).contains(&lon),
            Some((west, east)) => lon >= west || lon <= east,
        };
        (self.south..=self.north).contains(&c.y)
            && (lon_in(c.x) || (c.x.abs() == 180.0 && lon_in(-c.x)))
    }
}

/// A PRIO-GRID cell, by its `gid = row·720 + col + 1` (row counted from the south pole, col
/// from the antimeridian, both in 0.5° steps).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PrioCell(u32);

impl PrioCell {
    /// The cell with this gid (1 to 259 200).
    pub fn new(gid: u32) -> Result<Self> {
        if (1..=PRIO_COLUMNS * PRIO_ROWS).contains(&gid) {
            Ok(PrioCell(gid))
        } else {
            Err(Error::invalid(
                "gid",
                gid,
                "PRIO-GRID gids run from 1 to 259200",
            ))
        }
    }

    /// The gid.
    #[must_use]
    pub fn gid(self) -> u32 {
        self.0
    }

    fn row_of(lat: f64) -> u32 {
        (((lat + 90.0) / PRIO_GRID_DEGREES).floor().max(0.0) as u32).min(PRIO_ROWS - 1)
    }

    fn col_of(lon: f64) -> u32 {
        (((lon + 180.0) / PRIO_GRID_DEGREES).floor().max(0.0) as u32).min(PRIO_COLUMNS - 1)
    }

    fn from_row_col(row: u32, col: u32) -> Self {
        PrioCell(row * PRIO_COLUMNS + col + 1)
    }

    /// The cell holding a point; points on the north and east edges of the world fall in the
    /// last row or column.
    fn of(lon: f64, lat: f64) -> Self {
        Self::from_row_col(Self::row_of(lat), Self::col_of(lon))
    }

    /// South-west corner (lon, lat).
    fn south_west(self) -> (f64, f64) {
        let (row, col) = ((self.0 - 1) / PRIO_COLUMNS, (self.0 - 1) % PRIO_COLUMNS);
        (
            -180.0 + f64::from(col) * PRIO_GRID_DEGREES,
            -90.0 + f64::from(row) * PRIO_GRID_DEGREES,
        )
    }
}

/// A cell of either grid. Ordered by grid, then by id.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum CellId {
    /// An H3 cell.
    H3(CellIndex),
    /// A PRIO-GRID cell.
    Prio(PrioCell),
}

impl CellId {
    /// The cell's area on the sphere, km² (H3: as H3 computes it; PRIO-GRID: the exact
    /// area of the 0.5° quadrangle on a sphere of the mean Earth radius).
    ///
    /// ```
    /// use conflict_risk::surface::Grid;
    /// // A PRIO-GRID cell at the equator: 55.6 km by 55.3 km; near 60° N, half as wide.
    /// let equator = Grid::PrioGrid.cell_of(0.1, 0.1)?.area_km2();
    /// assert!((equator - 3091.0).abs() < 1.0, "{equator}");
    /// let north = Grid::PrioGrid.cell_of(0.1, 60.1)?.area_km2();
    /// assert!((north / equator - 0.5).abs() < 0.01);
    /// # Ok::<(), conflict_risk::Error>(())
    /// ```
    #[must_use]
    pub fn area_km2(&self) -> f64 {
        match self {
            CellId::H3(c) => c.area_km2(),
            CellId::Prio(p) => {
                let (_, south) = p.south_west();
                let r = crate::geodesy::EARTH_RADIUS_KM;
                let north = south + PRIO_GRID_DEGREES;
                r * r
                    * PRIO_GRID_DEGREES.to_radians()
                    * (north.to_radians().sin() - south.to_radians().sin())
            }
        }
    }

    /// The cell's centre (H3: the cell's centroid as H3 defines it; PRIO-GRID: the square's
    /// middle).
    #[must_use]
    pub fn centre(&self) -> Point<f64> {
        match self {
            CellId::H3(c) => {
                let ll = LatLng::from(*c);
                Point::new(ll.lng(), ll.lat())
            }
            CellId::Prio(p) => {
                let (w, s) = p.south_west();
                let half = PRIO_GRID_DEGREES / 2.0;
                Point::new(w + half, s + half)
            }
        }
    }

    /// The cell's outline as a lon/lat polygon with a counter-clockwise exterior (RFC 7946).
    #[must_use]
    pub fn polygon(&self) -> Polygon<f64> {
        let mut ring: Vec<Coord> = match self {
            CellId::H3(c) => c
                .boundary()
                .iter()
                .map(|ll| Coord {
                    x: ll.lng(),
                    y: ll.lat(),
                })
                .collect(),
            CellId::Prio(p) => {
                let (w, s) = p.south_west();
                let (e, n) = (w + PRIO_GRID_DEGREES, s + PRIO_GRID_DEGREES);
                vec![
                    Coord { x: w, y: s },
                    Coord { x: e, y: s },
                    Coord { x: e, y: n },
                    Coord { x: w, y: n },
                ]
            }
        };
        if let Some(&first) = ring.first() {
            ring.push(first);
        }
        let polygon = Polygon::new(LineString::new(ring), vec![]);
        geo::Orient::orient(&polygon, geo::orient::Direction::Default)
    }

    /// The largest great-circle distance (km) from this cell's centre to the centres of the
    /// cells that touch it: H3's ring 1 (six, or five around a pentagon), PRIO-GRID's eight
    /// around it (longitudes wrap; rows past a pole are left out).
    ///
    /// ```
    /// use conflict_risk::Grid;
    /// // Near 11° N a PRIO-GRID cell's diagonal neighbour is 77.9 km away: past a 50 km band.
    /// let prio = Grid::PrioGrid.cell_of(0.2, 11.1)?;
    /// assert!((prio.adjacent_km() - 77.9).abs() < 0.05, "{}", prio.adjacent_km());
    /// let hex = Grid::h3(5)?.cell_of(0.2, 11.1)?;
    /// assert!((14.0..20.0).contains(&hex.adjacent_km()));
    /// # Ok::<(), conflict_risk::Error>(())
    /// ```
    #[must_use]
    pub fn adjacent_km(&self) -> f64 {
        let centre = self.centre();
        let far = |points: &mut dyn Iterator<Item = Point<f64>>| {
            points
                .map(|p| crate::geodesy::haversine_km(centre, p))
                .fold(0.0, f64::max)
        };
        match self {
            CellId::H3(c) => far(&mut c
                .grid_disk::<Vec<_>>(1)
                .into_iter()
                .map(|n| CellId::H3(n).centre())),
            CellId::Prio(_) => {
                let d = PRIO_GRID_DEGREES;
                far(&mut [-d, 0.0, d]
                    .into_iter()
                    .flat_map(|dy| [-d, 0.0, d].into_iter().map(move |dx| (dx, dy)))
                    .filter(|&(_, dy)| (-90.0..=90.0).contains(&(centre.y() + dy)))
                    .map(|(dx, dy)| {
                        let lon = centre.x() + dx;
                        let lon = if lon > 180.0 {
                            lon - 360.0
                        } else if lon < -180.0 {
                            lon + 360.0
                        } else {
                            lon
                        };
                        Point::new(lon, centre.y() + dy)
                    }))
            }
        }
    }

    /// The column name this cell's id goes under in a flat CSV: `hex_id` or `gid`.
    #[must_use]
    pub fn id_column(&self) -> &'static str {
        match self {
            CellId::H3(_) => "hex_id",
            CellId::Prio(_) => "gid",
        }
    }
}

/// The H3 index in hexadecimal (`85754e67fffffff`) or the PRIO-GRID gid.
impl fmt::Display for CellId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CellId::H3(c) => write!(f, "{c}"),
            CellId::Prio(p) => write!(f, "{}", p.0),
        }
    }
}

impl Serialize for CellId {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl std::str::FromStr for CellId {
    type Err = Error;

    /// A cell as [`Display`](fmt::Display) writes it: a PRIO-GRID gid in decimal (1 to
    /// 259 200, at most six digits) or an H3 index in hexadecimal (15 digits).
    ///
    /// ```
    /// use conflict_risk::surface::{CellId, Grid};
    /// let prio = Grid::PrioGrid.cell_of(0.25, 10.25)?;
    /// let h3 = Grid::h3(5)?.cell_of(0.25, 10.25)?;
    /// for cell in [prio, h3] {
    ///     assert_eq!(cell.to_string().parse::<CellId>()?, cell);
    /// }
    /// assert!("0".parse::<CellId>().is_err());
    /// assert!("not a cell".parse::<CellId>().is_err());
    /// # Ok::<(), conflict_risk::Error>(())
    /// ```
    fn from_str(text: &str) -> Result<Self> {
        let text = text.trim();
        if text.len() <= 6 && text.bytes().all(|b| b.is_ascii_digit()) {
            let gid = text.parse::<u32>().unwrap_or(0);
            return PrioCell::new(gid).map(CellId::Prio);
        }
        text.parse::<CellIndex>().map(CellId::H3).map_err(|_| {
            Error::invalid(
                "cell",
                text,
                "is neither a PRIO-GRID gid (1 to 259200) nor an H3 cell index",
            )
        })
    }
}

impl<'de> Deserialize<'de> for CellId {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{Area, Contains};

    #[test]
    fn prio_grid_numbering_matches_ucdp() {
        // gid 1 is the south-west corner of the world; row 0 runs east.
        assert_eq!(
            Grid::PrioGrid
                .cell_of(-179.9, -89.9)
                .expect("valid test input")
                .to_string(),
            "1"
        );
        assert_eq!(
            Grid::PrioGrid
                .cell_of(179.9, -89.9)
                .expect("valid test input")
                .to_string(),
            "720"
        );
        assert_eq!(
            Grid::PrioGrid
                .cell_of(-179.9, -89.4)
                .expect("valid test input")
                .to_string(),
            "721"
        );
        assert_eq!(
            Grid::PrioGrid
                .cell_of(180.0, 90.0)
                .expect("valid test input")
                .to_string(),
            "259200"
        );
        // Row 205 (12.5..13.0° N), column 352 (-4.0..-3.5° E).
        let c = Grid::PrioGrid
            .cell_of(-3.75, 12.75)
            .expect("valid test input");
        assert_eq!(c.to_string(), "147953");
        assert_eq!(c.centre(), Point::new(-3.75, 12.75));
        assert!(PrioCell::new(0).is_err() && PrioCell::new(259_201).is_err());
    }

    #[test]
    fn cell_polygons_hold_their_centres_and_run_counter_clockwise() {
        for grid in [
            Grid::PrioGrid,
            Grid::h3(5).expect("valid test input"),
            Grid::h3(7).expect("valid test input"),
        ] {
            let c = grid.cell_of(1.2, 10.9).expect("valid test input");
            let poly = c.polygon();
            assert!(poly.contains(&c.centre()), "{grid:?}");
            assert!(poly.contains(&Point::new(1.2, 10.9)) || grid != Grid::PrioGrid);
            assert!(
                poly.signed_area() > 0.0,
                "exterior must be counter-clockwise"
            );
        }
    }

    #[test]
    fn h3_cover_finds_every_cell_whose_centre_is_in_the_box() {
        let bbox = BoundingBox::new(0.0, 10.0, 1.0, 11.0).expect("valid test input");
        let grid = Grid::h3(5).expect("valid test input");
        let cover = grid.cover(&bbox).expect("valid test input");
        // Brute force: cells of a much finer lattice, kept when their centre is in the box.
        let mut fine = Vec::new();
        for r in 0..=400 {
            for c in 0..=400 {
                let (lon, lat) = (-0.2 + f64::from(c) * 0.0035, 9.8 + f64::from(r) * 0.0035);
                let cell = grid.cell_of(lon, lat).expect("valid test input");
                let p = cell.centre();
                if bbox.contains(p.x(), p.y()) {
                    fine.push(cell);
                }
            }
        }
        fine.sort_unstable();
        fine.dedup();
        assert_eq!(cover, fine);
        // About 12 000 km² over cells of 200-250 km² here (H3 cell areas vary by place).
        assert!((48..=62).contains(&cover.len()), "{}", cover.len());
    }

    #[test]
    fn reach_holds_every_point_within_its_distance() {
        use crate::geodesy::{EARTH_RADIUS_KM, destination};
        for (w, s, e, n) in [
            (-6.0, 4.0, 15.0, 16.0),
            (170.0, -20.0, -170.0, 0.0),
            (-180.0, 60.0, 180.0, 85.0),
            (10.0, -89.0, 20.0, -70.0),
            (-180.0, -10.0, -179.0, 10.0),
            (0.0, 0.0, 0.0, 0.0),
        ] {
            let bbox = BoundingBox::new(w, s, e, n).expect("valid test input");
            for distance_km in [1.0, 50.0, 500.0, 3000.0] {
                let reach = Reach::around(&bbox, distance_km / EARTH_RADIUS_KM);
                for i in 0..=10 {
                    for j in 0..=10 {
                        let lon = w + lon_width(&bbox) * f64::from(i) / 10.0;
                        let lon = if lon > 180.0 { lon - 360.0 } else { lon };
                        let lat = s + (n - s) * f64::from(j) / 10.0;
                        for bearing in (0..360).step_by(5) {
                            let p = destination(
                                Point::new(lon, lat),
                                f64::from(bearing),
                                distance_km * (1.0 - 1e-9),
                            );
                            assert!(
                                reach.contains(p.0),
                                "{p:?}, {distance_km} km from ({lon}, {lat}) in {bbox:?}: {reach:?}"
                            );
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn estimates_follow_the_area() {
        let globe = BoundingBox::new(-180.0, -90.0, 180.0, 90.0).expect("valid test input");
        for r in 0..=15u8 {
            let res = Resolution::try_from(r).expect("valid test input");
            // The average area leaves out the 12 smaller pentagons: 4% at resolution 0.
            let ratio = h3_cell_estimate(res, &globe) / res.cell_count() as f64;
            assert!((0.95..=1.0).contains(&ratio), "{r}: {ratio}");
        }
        // The corridor at resolution 5: 13 878 cells, and a rim of some 2 000.
        let corridor = h3_cell_estimate(Resolution::Five, &BoundingBox::CORRIDOR);
        assert!((13_878.0..16_000.0).contains(&corridor), "{corridor}");
        // A line holds no centre but crosses cells all the same: the rim counts them.
        let equator = BoundingBox::new(-180.0, 0.0, 180.0, 0.0).expect("valid test input");
        assert!(h3_cell_estimate(Resolution::Twelve, &equator) > MAX_COVER_CELLS as f64);
        let whole = Grid::PrioGrid
            .cover(&globe)
            .expect("every PRIO-GRID region fits");
        assert_eq!(whole.len(), (PRIO_ROWS * PRIO_COLUMNS) as usize);
    }

    #[test]
    fn over_the_budget_is_refused_with_the_count() {
        let err = Grid::h3(8)
            .expect("valid test input")
            .cover(&BoundingBox::CORRIDOR)
            .expect_err("over the budget");
        let text = err.to_string();
        assert!(
            text.starts_with("invalid parameter `resolution` = 8: the region needs about 4"),
            "{text}"
        );
        assert!(text.contains("over the budget of 2500000 cells"), "{text}");
        // Resolution 7 (about 680 000 cells) fits.
        assert!(h3_cell_estimate(Resolution::Seven, &BoundingBox::CORRIDOR) < 1e6);
    }

    #[test]
    fn prio_columns_wrap_the_antimeridian() {
        let pacific = BoundingBox::new(179.0, 0.0, -179.0, 1.0).expect("valid test input");
        // Column 2 starts at -179°, on the east edge: a candidate whose centre is outside.
        assert_eq!(
            prio_columns(&pacific).collect::<Vec<_>>(),
            [718, 719, 0, 1, 2]
        );
        let cover = Grid::PrioGrid.cover(&pacific).expect("valid test input");
        let centres: Vec<(f64, f64)> = cover.iter().map(|c| c.centre().x_y()).collect();
        assert_eq!(
            centres,
            [
                (-179.75, 0.25),
                (-179.25, 0.25),
                (179.25, 0.25),
                (179.75, 0.25),
                (-179.75, 0.75),
                (-179.25, 0.75),
                (179.25, 0.75),
                (179.75, 0.75),
            ]
        );
        // The pole rows: the whole top row of 720 cells, centres at 89.75° N.
        let cap = BoundingBox::new(-180.0, 89.6, 180.0, 90.0).expect("valid test input");
        let top = Grid::PrioGrid.cover(&cap).expect("valid test input");
        assert_eq!(top.len(), 720);
        assert!(top.iter().all(|c| c.centre().y() == 89.75));
    }

    #[test]
    fn h3_cover_reaches_the_poles_and_crosses_the_antimeridian() {
        // Every cell of resolution 2, kept when the box holds its centre.
        let all: Vec<CellIndex> = CellIndex::base_cells()
            .flat_map(|b| b.children(Resolution::Two))
            .collect();
        let grid = Grid::h3(2).expect("valid test input");
        for (w, s, e, n) in [
            (-180.0, 70.0, 180.0, 90.0),
            (150.0, -90.0, -150.0, -50.0),
            (100.0, -40.0, 99.0, 40.0),
        ] {
            let bbox = BoundingBox::new(w, s, e, n).expect("valid test input");
            let expected: Vec<CellId> = all
                .iter()
                .map(|&c| CellId::H3(c))
                .filter(|c| bbox.contains(c.centre().x(), c.centre().y()))
                .collect();
            let cover = grid.cover(&bbox).expect("valid test input");
            assert!(!cover.is_empty());
            assert_eq!(cover, expected, "{bbox:?}");
        }
    }

    #[test]
    fn bad_points_and_resolutions_are_errors() {
        assert!(Grid::h3(16).is_err());
        assert!(Grid::PrioGrid.cell_of(f64::NAN, 0.0).is_err());
        assert!(
            Grid::h3(5)
                .expect("valid test input")
                .cell_of(0.0, 91.0)
                .is_err()
        );
    }
}
