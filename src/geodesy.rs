//! Great-circle geometry on a spherical Earth: the one Earth radius, haversine distances, and
//! the exact conversion between kilometres and chords of the unit sphere that makes the R-tree
//! answer great-circle queries exactly.
//!
//! The index stores every incident as a unit vector. The straight-line (chord) distance between
//! two unit vectors is `c = 2·sin(θ/2)`, θ the central angle, and it grows strictly with θ on
//! `[0, π]`. So "within `d` km" is exactly "squared chord ≤ `(2·sin(d / 2R))²`", and ordering by
//! chord is ordering by great-circle distance. The small-angle form `(d/R)²` is *not* exact and
//! is not used anywhere.

use geo::Point;

/// Mean Earth radius in kilometres: the IUGG mean radius R₁ = (2a + b)/3 of the GRS 80 ellipsoid,
/// 6371.0088 km (H. Moritz, "Geodetic Reference System 1980", *Journal of Geodesy* 74 (2000),
/// 128–133). It is the radius geo's `Haversine` uses too, so distances agree with geo.
pub const EARTH_RADIUS_KM: f64 = 6371.0088;

/// Kilometres in one degree of arc along a great circle (`π·R / 180`, about 111.195 km).
pub const KM_PER_DEGREE: f64 = EARTH_RADIUS_KM * std::f64::consts::PI / 180.0;

/// Half the Earth's circumference: no two points are farther apart than this, in km.
pub const MAX_DISTANCE_KM: f64 = EARTH_RADIUS_KM * std::f64::consts::PI;

/// Great-circle distance in kilometres between two lon/lat points (degrees), by the haversine
/// formula on the sphere of radius [`EARTH_RADIUS_KM`].
///
/// ```
/// use conflict_risk::{geo::Point, haversine_km};
/// let ouagadougou = Point::new(-1.5197, 12.3714);
/// let lome = Point::new(1.2228, 6.1375);
/// let d = haversine_km(ouagadougou, lome);
/// assert!((d - 755.64).abs() < 0.01, "{d}");
/// ```
#[must_use]
pub fn haversine_km(a: Point<f64>, b: Point<f64>) -> f64 {
    let (lat1, lat2) = (a.y().to_radians(), b.y().to_radians());
    let dlat = lat2 - lat1;
    let dlon = (b.x() - a.x()).to_radians();
    let h = (dlat / 2.0).sin().powi(2) + lat1.cos() * lat2.cos() * (dlon / 2.0).sin().powi(2);
    2.0 * EARTH_RADIUS_KM * h.sqrt().min(1.0).asin()
}

/// The unit vector `[x, y, z]` of a lon/lat point (degrees): x towards (0°, 0°), y towards
/// (90°E, 0°), z towards the North Pole.
#[must_use]
pub(crate) fn unit_vector(p: Point<f64>) -> [f64; 3] {
    let (sin_lat, cos_lat) = p.y().to_radians().sin_cos();
    let (sin_lon, cos_lon) = p.x().to_radians().sin_cos();
    [cos_lat * cos_lon, cos_lat * sin_lon, sin_lat]
}

/// The lon/lat point (degrees) of a non-zero vector, the inverse of [`unit_vector`]. The vector
/// need not be normalised: the direction is what counts (a mean of unit vectors works).
#[must_use]
pub(crate) fn lon_lat_of(v: [f64; 3]) -> Point<f64> {
    let [x, y, z] = v;
    let lat = z.atan2(x.hypot(y)).to_degrees();
    let lon = y.atan2(x).to_degrees();
    Point::new(lon, lat)
}

/// The squared chord between two points of the unit sphere that are `distance_km` apart along a
/// great circle: `(2·sin(d / 2R))²`. Distances beyond [`MAX_DISTANCE_KM`] give 4, the squared
/// diameter. This is the exact threshold for an R-tree radius query over unit vectors.
#[must_use]
pub(crate) fn km_to_chord2(distance_km: f64) -> f64 {
    let theta = (distance_km / EARTH_RADIUS_KM).clamp(0.0, std::f64::consts::PI);
    let chord = 2.0 * (theta / 2.0).sin();
    chord * chord
}

/// The great-circle distance in km that a squared unit-sphere chord stands for: the inverse of
/// [`km_to_chord2`]. Values are clamped to the chord's range `[0, 4]`.
#[must_use]
pub(crate) fn chord2_to_km(chord2: f64) -> f64 {
    let half = (chord2.clamp(0.0, 4.0).sqrt() / 2.0).min(1.0);
    2.0 * EARTH_RADIUS_KM * half.asin()
}

/// The smallest squared distance between two boxes `[a_lo, a_hi]` and `[b_lo, b_hi]`: a lower
/// bound of [`dist2`] for every pair of points in them, with the same steps, each rounded no
/// higher, so a box pair judged beyond a limit holds no pair that `dist2` would accept.
#[inline]
pub(crate) fn box_gap_2(a_lo: &[f64; 3], a_hi: &[f64; 3], b_lo: &[f64; 3], b_hi: &[f64; 3]) -> f64 {
    let g: [f64; 3] = std::array::from_fn(|k| (b_lo[k] - a_hi[k]).max(a_lo[k] - b_hi[k]).max(0.0));
    g[0] * g[0] + g[1] * g[1] + g[2] * g[2]
}

/// Squared Euclidean distance between two 3-vectors (a squared chord for unit vectors).
#[inline]
#[must_use]
pub(crate) fn dist2(a: &[f64; 3], b: &[f64; 3]) -> f64 {
    let (dx, dy, dz) = (a[0] - b[0], a[1] - b[1], a[2] - b[2]);
    dx * dx + dy * dy + dz * dz
}

/// The point reached from `start` after `distance_km` along the great circle leaving it at
/// `bearing_deg` (clockwise from north), on the sphere of radius [`EARTH_RADIUS_KM`].
///
/// ```
/// use conflict_risk::geodesy::destination;
/// use conflict_risk::{geo::Point, haversine_km};
/// let dori = Point::new(-0.028, 14.034);
/// let p = destination(dori, 135.0, 40.0);
/// assert!((haversine_km(dori, p) - 40.0).abs() < 1e-9);
/// ```
#[must_use]
pub fn destination(start: Point<f64>, bearing_deg: f64, distance_km: f64) -> Point<f64> {
    let delta = distance_km / EARTH_RADIUS_KM;
    let (sin_d, cos_d) = delta.sin_cos();
    let (sin_b, cos_b) = bearing_deg.to_radians().sin_cos();
    let (sin_lat1, cos_lat1) = start.y().to_radians().sin_cos();
    let sin_lat2 = (sin_lat1 * cos_d + cos_lat1 * sin_d * cos_b).clamp(-1.0, 1.0);
    let lat2 = sin_lat2.asin();
    let dlon = (sin_b * sin_d * cos_lat1).atan2(cos_d - sin_lat1 * sin_lat2);
    let lon2 = (start.x().to_radians() + dlon).to_degrees();
    Point::new(wrap_lon(lon2), lat2.to_degrees())
}

/// The initial great-circle bearing from `from` to `to`, degrees clockwise from north in
/// `[0, 360)` (0 for the same point).
///
/// ```
/// use conflict_risk::geodesy::{destination, initial_bearing_deg};
/// use conflict_risk::geo::Point;
/// let ouaga = Point::new(-1.527, 12.372);
/// let p = destination(ouaga, 200.0, 90.0);
/// assert!((initial_bearing_deg(ouaga, p) - 200.0).abs() < 1e-9);
/// // Due north across the line of 0°: 0, never 360.
/// assert_eq!(initial_bearing_deg(ouaga, Point::new(-1.527, 13.0)), 0.0);
/// ```
#[must_use]
pub fn initial_bearing_deg(from: Point<f64>, to: Point<f64>) -> f64 {
    let (sin_lat1, cos_lat1) = from.y().to_radians().sin_cos();
    let (sin_lat2, cos_lat2) = to.y().to_radians().sin_cos();
    let (sin_dlon, cos_dlon) = (to.x() - from.x()).to_radians().sin_cos();
    let y = sin_dlon * cos_lat2;
    let x = cos_lat1 * sin_lat2 - sin_lat1 * cos_lat2 * cos_dlon;
    let deg = y.atan2(x).to_degrees().rem_euclid(360.0);
    // rem_euclid of a tiny negative angle rounds to 360.0 itself.
    if deg >= 360.0 { 0.0 } else { deg }
}

/// A sector of the annulus `inner_km`–`outer_km` around `centre`, from initial bearing
/// `from_deg` clockwise over `width_deg`, as a closed lon/lat ring: the outer arc point by
/// point (at most 2° apart, each on its great circle from the centre), then the inner arc
/// back. The shape [`Encirclement`](crate::trend::Encirclement) counts in, for maps.
///
/// ```
/// use conflict_risk::geodesy::{annulus_sector, initial_bearing_deg};
/// use conflict_risk::{geo::Point, haversine_km};
/// let ouaga = Point::new(-1.527, 12.372);
/// let ring = annulus_sector(ouaga, 90.0, 10.0, 20.0, 150.0);
/// let first = ring.exterior().0[0];
/// assert!((haversine_km(ouaga, first.into()) - 150.0).abs() < 1e-9);
/// assert!((initial_bearing_deg(ouaga, first.into()) - 90.0).abs() < 1e-9);
/// assert_eq!(ring.exterior().0.len(), 2 * 6 + 1); // closed
/// ```
#[must_use]
pub fn annulus_sector(
    centre: Point<f64>,
    from_deg: f64,
    width_deg: f64,
    inner_km: f64,
    outer_km: f64,
) -> geo::Polygon<f64> {
    let steps = (width_deg / 2.0).ceil().max(1.0) as usize;
    let at = |k: usize, km: f64| {
        let bearing = from_deg + width_deg * k as f64 / steps as f64;
        geo::Coord::from(destination(centre, bearing, km))
    };
    let mut ring: Vec<geo::Coord<f64>> = (0..=steps).map(|k| at(k, outer_km)).collect();
    ring.extend((0..=steps).rev().map(|k| at(k, inner_km)));
    geo::Polygon::new(geo::LineString::new(ring), Vec::new())
}

/// Wrap a longitude in degrees into `[-180, 180)`.
fn wrap_lon(lon: f64) -> f64 {
    (lon + 180.0).rem_euclid(360.0) - 180.0
}

// ---- arcs on the unit sphere

pub(crate) fn cross(a: &[f64; 3], b: &[f64; 3]) -> [f64; 3] {
    [
        a[1] * b[2] - a[2] * b[1],
        a[2] * b[0] - a[0] * b[2],
        a[0] * b[1] - a[1] * b[0],
    ]
}

pub(crate) fn dot(a: &[f64; 3], b: &[f64; 3]) -> f64 {
    a[0] * b[0] + a[1] * b[1] + a[2] * b[2]
}

/// The angle (radians) between two unit vectors, stable at every size: atan2(|a×b|, a·b).
pub(crate) fn angle(a: &[f64; 3], b: &[f64; 3]) -> f64 {
    let c = cross(a, b);
    dot(&c, &c).sqrt().atan2(dot(a, b))
}

/// Great-circle angle (radians) from `p` to the shorter arc from `a` to `b`.
pub(crate) fn arc_distance(p: &[f64; 3], a: &[f64; 3], b: &[f64; 3]) -> f64 {
    let n = cross(a, b);
    let nn = dot(&n, &n).sqrt();
    let ends = angle(p, a).min(angle(p, b));
    if nn < 1e-15 {
        return ends; // a degenerate arc: a point
    }
    let n = [n[0] / nn, n[1] / nn, n[2] / nn];
    // The foot of p on the great circle lies within the arc when it is on the inner side of
    // both a and b.
    let along_a = dot(&cross(a, p), &n);
    let along_b = dot(&cross(p, b), &n);
    if along_a >= 0.0 && along_b >= 0.0 {
        dot(p, &n).abs().min(1.0).asin()
    } else {
        ends
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unit_vectors_and_chords_by_hand() {
        let [x, y, z] = unit_vector(Point::new(90.0, 0.0));
        assert!(x.abs() < 1e-15 && (y - 1.0).abs() < 1e-15 && z.abs() < 1e-15);
        let c2 = km_to_chord2(25.0);
        assert!((chord2_to_km(c2) - 25.0).abs() < 1e-9);
    }

    fn rel(a: f64, b: f64) -> f64 {
        (a - b).abs() / b.abs().max(f64::MIN_POSITIVE)
    }

    #[test]
    fn ouagadougou_lome_by_hand() {
        // Hand computation with the haversine formula (R = 6371.0088 km):
        // φ1 = 12.3714°, φ2 = 6.1375°, Δλ = 2.7425°;
        // h = sin²(Δφ/2) + cos φ1 cos φ2 sin²(Δλ/2), d = 2R asin(√h). The reference value was
        // computed independently with Python's math module from the same formula.
        let d = haversine_km(Point::new(-1.5197, 12.3714), Point::new(1.2228, 6.1375));
        let reference = 755.639_511_622_394_9;
        assert!(rel(d, reference) < 1e-6, "{d} vs {reference}");
    }

    #[test]
    fn quarter_and_half_circumference() {
        let q = haversine_km(Point::new(0.0, 0.0), Point::new(90.0, 0.0));
        assert!(rel(q, MAX_DISTANCE_KM / 2.0) < 1e-12);
        let pole = haversine_km(Point::new(17.0, 90.0), Point::new(-120.0, -90.0));
        assert!(rel(pole, MAX_DISTANCE_KM) < 1e-12);
        // Across the antimeridian, 1° of longitude at the equator.
        let am = haversine_km(Point::new(179.5, 0.0), Point::new(-179.5, 0.0));
        assert!(rel(am, KM_PER_DEGREE) < 1e-12);
    }

    #[test]
    fn chord_conversion_is_exact_not_small_angle() {
        for d in [0.001, 1.0, 25.0, 100.0, 1000.0, 10_000.0, 20_000.0] {
            let c2 = km_to_chord2(d);
            assert!(rel(chord2_to_km(c2), d) < 1e-12, "{d}");
        }
        // At 10,000 km the small-angle form (d/R)² is off by more than 20 %.
        let small_angle = (10_000.0 / EARTH_RADIUS_KM).powi(2);
        assert!(rel(small_angle, km_to_chord2(10_000.0)) > 0.2);
        assert_eq!(km_to_chord2(1e9), 4.0);
        assert_eq!(km_to_chord2(0.0), 0.0);
    }

    #[test]
    fn chord_between_unit_vectors_matches_haversine() {
        let pairs = [
            ((-1.5197, 12.3714), (1.2228, 6.1375)),
            ((179.9, -45.0), (-179.9, -45.1)),
            ((0.0, 89.99), (180.0, 89.99)),
            ((10.0, 10.0), (10.000001, 10.0)),
        ];
        for ((a0, a1), (b0, b1)) in pairs {
            let (a, b) = (Point::new(a0, a1), Point::new(b0, b1));
            let via_chord = chord2_to_km(dist2(&unit_vector(a), &unit_vector(b)));
            let hav = haversine_km(a, b);
            assert!((via_chord - hav).abs() < 1e-9 * hav.max(1.0), "{a:?} {b:?}");
        }
    }

    #[test]
    fn unit_vector_round_trip() {
        for (lon, lat) in [(0.0, 0.0), (-179.0, 45.0), (123.4, -67.8), (1.0, 89.0)] {
            let p = lon_lat_of(unit_vector(Point::new(lon, lat)));
            assert!((p.x() - lon).abs() < 1e-12 && (p.y() - lat).abs() < 1e-12);
        }
    }

    #[test]
    fn destination_lands_at_distance_and_wraps() {
        let p = destination(Point::new(179.9, 0.0), 90.0, 2.0 * KM_PER_DEGREE);
        assert!(
            (p.x() - (-178.1)).abs() < 1e-9 && p.y().abs() < 1e-9,
            "{p:?}"
        );
        let north = destination(Point::new(0.0, 0.0), 0.0, KM_PER_DEGREE);
        assert!((north.y() - 1.0).abs() < 1e-12);
    }
}
