//! [`BoundingBox`]: a lon/lat box, and the 3-D envelopes that hold its unit vectors.

use rstar::AABB;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// Padding added to 3-D envelopes so that rounding in `unit_vector` can never exclude a point
/// that the exact lon/lat test would keep (1e-9 of the unit sphere is about 6 mm).
pub(crate) const ENVELOPE_PAD: f64 = 1e-9;

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
    pub(crate) fn envelopes(&self) -> impl Iterator<Item = AABB<[f64; 3]>> {
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

impl std::str::FromStr for BoundingBox {
    type Err = Error;

    /// A box written `west,south,east,north` in degrees (spaces allowed).
    ///
    /// ```
    /// use conflict_risk::BoundingBox;
    /// let b: BoundingBox = "-6, 4, 15, 16".parse()?;
    /// assert_eq!((b.west(), b.north()), (-6.0, 16.0));
    /// assert!("1,2,3".parse::<BoundingBox>().is_err());
    /// assert!("0,95,1,96".parse::<BoundingBox>().is_err());
    /// # Ok::<(), conflict_risk::Error>(())
    /// ```
    fn from_str(text: &str) -> Result<Self> {
        let numbers: Vec<Option<f64>> = text.split(',').map(|p| p.trim().parse().ok()).collect();
        match numbers[..] {
            [Some(w), Some(s), Some(e), Some(n)] => BoundingBox::new(w, s, e, n),
            _ => Err(Error::invalid(
                "box",
                text,
                "needs four numbers: west,south,east,north",
            )),
        }
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
pub(crate) fn envelope_3d(w: f64, e: f64, s: f64, n: f64) -> AABB<[f64; 3]> {
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
