//! The two grids analysts map risk on: H3 hexagons (kepler.gl, humanitarian dashboards) and
//! PRIO-GRID 0.5° squares (UCDP's `priogrid_gid`).

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
    /// overhang it; the union of the cells covers the box but for slivers at its rim.
    ///
    /// ```
    /// use conflict_risk::{BoundingBox, Grid};
    /// let corridor = BoundingBox::new(-6.0, 4.0, 15.0, 16.0)?;
    /// assert_eq!(Grid::PrioGrid.cover(&corridor)?.len(), 42 * 24);
    /// # Ok::<(), conflict_risk::Error>(())
    /// ```
    pub fn cover(&self, bbox: &BoundingBox) -> Result<Vec<CellId>> {
        self.cover_where(bbox, |c| bbox.contains(c.x, c.y))
    }

    /// Every cell whose centre lies in the polygon (lon/lat, boundary included), ordered by id.
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
        let mut cells: Vec<CellId> = match self {
            Grid::PrioGrid => {
                let row = |lat: f64| PrioCell::row_of(lat);
                let col = |lon: f64| PrioCell::col_of(lon);
                let cols: Vec<u32> = if bbox.crosses_antimeridian() {
                    (col(bbox.west())..PRIO_COLUMNS)
                        .chain(0..=col(bbox.east()))
                        .collect()
                } else {
                    (col(bbox.west())..=col(bbox.east())).collect()
                };
                (row(bbox.south())..=row(bbox.north()))
                    .flat_map(|r| cols.iter().map(move |&c| PrioCell::from_row_col(r, c)))
                    .map(CellId::Prio)
                    .collect()
            }
            Grid::H3 { resolution } => h3_candidates(*resolution, bbox)?
                .into_iter()
                .map(CellId::H3)
                .collect(),
        };
        cells.retain(|c| inside(c.centre().0));
        cells.sort_unstable();
        cells.dedup();
        Ok(cells)
    }
}

/// The H3 cells of a lattice of points over the box, spaced closely enough that every cell
/// whose centre is in the box holds a lattice point, with their neighbours for the rim.
fn h3_candidates(resolution: Resolution, bbox: &BoundingBox) -> Result<Vec<CellIndex>> {
    // A point within the inradius (edge·√3/2) of a centre is in the cell; the lattice leaves no
    // point further than spacing/√2 from its nearest node.
    let spacing_km = resolution.edge_length_km() * 0.5;
    let spacing_lat = spacing_km / crate::geodesy::KM_PER_DEGREE;
    let widest_lat = bbox.south().abs().max(bbox.north().abs()).min(89.0);
    let spacing_lon = spacing_lat / widest_lat.to_radians().cos();
    let width = if bbox.crosses_antimeridian() {
        bbox.east() + 360.0 - bbox.west()
    } else {
        bbox.east() - bbox.west()
    };
    let rows = ((bbox.north() - bbox.south()) / spacing_lat).ceil() as u64 + 1;
    let cols = (width / spacing_lon).ceil() as u64 + 1;
    const LIMIT: u64 = 50_000_000;
    if rows.saturating_mul(cols) > LIMIT {
        return Err(Error::invalid(
            "resolution",
            u8::from(resolution),
            format!(
                "the region needs over {LIMIT} lattice points at this resolution: use a coarser one or a smaller region"
            ),
        ));
    }
    let mut cells = Vec::new();
    for r in 0..rows {
        let lat = (bbox.south() + r as f64 * spacing_lat).min(bbox.north());
        for c in 0..cols {
            let mut lon = (bbox.west() + c as f64 * spacing_lon).min(bbox.west() + width);
            if lon > 180.0 {
                lon -= 360.0;
            }
            if let Ok(ll) = LatLng::new(lat, lon) {
                cells.push(ll.to_cell(resolution));
            }
        }
    }
    cells.sort_unstable();
    cells.dedup();
    let mut with_rim: Vec<CellIndex> = cells
        .iter()
        .flat_map(|c| c.grid_disk::<Vec<CellIndex>>(1))
        .collect();
    with_rim.sort_unstable();
    with_rim.dedup();
    Ok(with_rim)
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
