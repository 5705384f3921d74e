//! How surrounded a site is: the circle around it cut into sectors of great-circle bearing,
//! an annulus of distance, and which sectors hold violence. The largest run of quiet sectors
//! is the open gap, the way out; its closing over the years is the ring tightening.

use jiff::civil::Date;
use rand::{RngExt, SeedableRng};
use rand_pcg::Pcg64Mcg;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::geodesy::{haversine_km, initial_bearing_deg};
use crate::incident::Incident;
use crate::index::{DateWindow, IncidentIndex};
use crate::site::Site;

/// The most simulated rings of [`Encirclement::simulations`].
pub const MAX_SIMULATIONS: usize = 100_000;

/// How surrounded a site is, over a window and for the incidents a filter keeps (a group, or
/// all): the circle around the site is cut into equal sectors of initial great-circle bearing
/// (default 36 of 10°, the first from 0° to 10° east of north) and an annulus (default 20 to
/// 150 km); a sector is active when it holds at least `k` incidents (default 1). The result
/// gives the share of sectors active, the largest run of inactive sectors (the open gap, across
/// north if need be) as a bearing range, and the places of a list that lie in it.
///
/// A seeded check compares the active sectors with rings of as many incidents spread
/// uniformly over the same annulus (uniform in area, hence in bearing): the expected count
/// is exact (a binomial tail per sector); the p-value of as few active sectors as observed
/// (violence on fewer sides than chance) comes from the simulations.
///
/// ```
/// use conflict_risk::trend::Encirclement;
/// use conflict_risk::{DateWindow, IncidentIndex, IncidentSet, Site, Incident, DateSpan};
/// use conflict_risk::geodesy::destination;
/// use conflict_risk::jiff::civil::date;
/// let ouaga = Site::new("Ouagadougou", -1.527, 12.372)?;
/// // One incident 60 km out every 10° but for 150°-210°.
/// let day = DateSpan::day(date(2023, 5, 1));
/// let incidents: Vec<Incident> = (0..36)
///     .filter(|k| !(15..21).contains(k))
///     .map(|k| {
///         let p = destination(ouaga.point(), 10.0 * k as f64 + 5.0, 60.0);
///         Incident::new(format!("i{k}").as_str(), p.x(), p.y(), day)
///     })
///     .collect();
/// let (set, _) = IncidentSet::validate(incidents);
/// let year = DateWindow::new(date(2023, 1, 1), date(2023, 12, 31))?;
/// let ring = Encirclement::new().run(&IncidentIndex::new(&set), &ouaga, year, |_| true, &[])?;
/// assert_eq!((ring.active, ring.sectors), (30, 36));
/// let gap = ring.gap.expect("an open gap");
/// assert_eq!((gap.from_deg, gap.to_deg, gap.width_deg), (150.0, 210.0, 60.0));
/// # Ok::<(), conflict_risk::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Encirclement {
    sectors: u16,
    inner_km: f64,
    outer_km: f64,
    min_incidents: u64,
    simulations: usize,
    seed: u64,
}

impl Default for Encirclement {
    fn default() -> Self {
        Encirclement::new()
    }
}

/// One window's ring around a site, made by [`Encirclement::run`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Ring {
    /// The window's first day.
    pub first_day: Date,
    /// Its last day.
    pub last_day: Date,
    /// Incidents kept in the annulus over the window.
    pub incidents: u64,
    /// Incidents per sector, clockwise from north.
    pub counts: Vec<u64>,
    /// Sectors.
    pub sectors: usize,
    /// Active sectors (at least `k` incidents).
    pub active: usize,
    /// Active sectors in percent of the covered sectors.
    pub active_pct: f64,
    /// The largest run of inactive sectors inside the coverage; `None` when every covered
    /// sector is active. Ties go to the run that starts nearest north, clockwise.
    pub gap: Option<Gap>,
    /// The places of the list that lie in the gap within the annulus' outer distance.
    pub gap_places: Vec<String>,
    /// Active sectors expected of as many incidents spread uniformly over the annulus'
    /// covered sectors.
    pub expected_active: f64,
    /// Per sector, clockwise from north: outside the data's coverage and holding too few
    /// incidents to be active (quiet there is no data, not calm; [`Encirclement::run_covered`]).
    #[serde(default)]
    pub no_data: Vec<bool>,
    /// The share of simulated uniform rings with no more active sectors than observed (the
    /// observed ring counted among them); `None` without simulations or incidents.
    pub p_fewer: Option<f64>,
}

/// The open gap: a run of inactive sectors, as bearings clockwise from north.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Gap {
    /// Where it starts, degrees (the start of its first sector).
    pub from_deg: f64,
    /// Where it ends, degrees (the end of its last sector; may be less than `from_deg` when
    /// the gap spans north).
    pub to_deg: f64,
    /// Its width, degrees.
    pub width_deg: f64,
}

impl Gap {
    /// Whether a bearing (degrees) lies in the gap.
    #[must_use]
    pub fn holds(&self, bearing_deg: f64) -> bool {
        let from_start = (bearing_deg - self.from_deg).rem_euclid(360.0);
        from_start < self.width_deg || self.width_deg >= 360.0
    }
}

impl Encirclement {
    /// 36 sectors of 10°, an annulus of 20 to 150 km, active from 1 incident, 999 seeded
    /// simulations.
    #[must_use]
    pub fn new() -> Self {
        Encirclement {
            sectors: 36,
            inner_km: 20.0,
            outer_km: 150.0,
            min_incidents: 1,
            simulations: 999,
            seed: 0x5EED,
        }
    }

    /// The number of sectors (4 to 360).
    pub fn sectors(mut self, sectors: u16) -> Result<Self> {
        if !(4..=360).contains(&sectors) {
            return Err(Error::invalid("sectors", sectors, "must be from 4 to 360"));
        }
        self.sectors = sectors;
        Ok(self)
    }

    /// The annulus, km: `0 <= inner < outer <= 2000`.
    pub fn annulus(mut self, inner_km: f64, outer_km: f64) -> Result<Self> {
        if !(inner_km.is_finite()
            && outer_km.is_finite()
            && inner_km >= 0.0
            && inner_km < outer_km
            && outer_km <= 2000.0)
        {
            return Err(Error::invalid(
                "annulus",
                format!("{inner_km}..{outer_km} km"),
                "needs 0 <= inner < outer <= 2000 km",
            ));
        }
        self.inner_km = inner_km;
        self.outer_km = outer_km;
        Ok(self)
    }

    /// The incidents a sector needs to be active (at least 1).
    pub fn min_incidents(mut self, k: u64) -> Result<Self> {
        if k == 0 {
            return Err(Error::invalid("min_incidents", k, "needs at least 1"));
        }
        self.min_incidents = k;
        Ok(self)
    }

    /// Simulated uniform rings for the p-value (0 to [`MAX_SIMULATIONS`]) and their seed.
    pub fn simulations(mut self, simulations: usize, seed: u64) -> Result<Self> {
        if simulations > MAX_SIMULATIONS {
            return Err(Error::invalid(
                "simulations",
                simulations,
                format!("must be at most {MAX_SIMULATIONS}"),
            ));
        }
        self.simulations = simulations;
        self.seed = seed;
        Ok(self)
    }

    /// The sectors.
    #[must_use]
    pub fn sector_count(&self) -> usize {
        usize::from(self.sectors)
    }

    /// The annulus, km.
    #[must_use]
    pub fn annulus_km(&self) -> (f64, f64) {
        (self.inner_km, self.outer_km)
    }

    /// The incidents a sector needs to be active.
    #[must_use]
    pub fn min_incidents_per_sector(&self) -> u64 {
        self.min_incidents
    }

    fn width_deg(&self) -> f64 {
        360.0 / f64::from(self.sectors)
    }

    fn sector_of(&self, bearing_deg: f64) -> usize {
        let n = self.sector_count();
        ((bearing_deg / self.width_deg()) as usize).min(n - 1)
    }

    /// The ring around `site` over `window`, counting the incidents `keep` keeps whose date
    /// span overlaps the window; `places` are named when they lie in the gap.
    pub fn run(
        &self,
        index: &IncidentIndex,
        site: &Site,
        window: DateWindow,
        keep: impl Fn(&Incident) -> bool,
        places: &[Site],
    ) -> Result<Ring> {
        self.run_covered(index, site, window, keep, places, |_| true)
    }

    /// [`run`](Self::run) where the data cover only part of the ring: a sector whose middle
    /// (its middle bearing, halfway across the annulus) `covered` says is outside, and that
    /// holds too few incidents to be active, is no data: neither quiet nor in the gap, and
    /// left out of the uniform check (the incidents are spread over the covered sectors).
    ///
    /// ```
    /// use conflict_risk::trend::Encirclement;
    /// use conflict_risk::{DateSpan, DateWindow, Incident, IncidentIndex, IncidentSet, Site};
    /// use conflict_risk::jiff::civil::date;
    /// let site = Site::new("Border town", 0.0, 11.0)?;
    /// let (set, _) = IncidentSet::validate(vec![
    ///     Incident::new("n", 0.0, 11.5, DateSpan::day(date(2023, 3, 1))),
    /// ]);
    /// let year = DateWindow::new(date(2023, 1, 1), date(2023, 12, 31))?;
    /// // The data cover only the land west of 0° E.
    /// let ring = Encirclement::new().run_covered(
    ///     &IncidentIndex::new(&set), &site, year, |_| true, &[], |p| p.x() <= 0.0)?;
    /// assert_eq!(ring.no_data.iter().filter(|&&x| x).count(), 17); // 10°..180° east
    /// let gap = ring.gap.expect("a gap");
    /// assert_eq!((gap.from_deg, gap.to_deg), (180.0, 0.0)); // the west half only
    /// # Ok::<(), conflict_risk::Error>(())
    /// ```
    pub fn run_covered(
        &self,
        index: &IncidentIndex,
        site: &Site,
        window: DateWindow,
        keep: impl Fn(&Incident) -> bool,
        places: &[Site],
        covered: impl Fn(geo::Point<f64>) -> bool,
    ) -> Result<Ring> {
        let at = site.point();
        let incidents = index.set().incidents();
        let mut counts = vec![0u64; self.sector_count()];
        index
            .during(window)
            .for_each_within_radius(at, self.outer_km, |n| {
                let i = &incidents[n.id.index()];
                if n.distance_km >= self.inner_km && keep(i) {
                    counts[self.sector_of(initial_bearing_deg(at, i.point()))] += 1;
                }
            })?;
        let n: u64 = counts.iter().sum();
        let active = counts.iter().filter(|&&c| c >= self.min_incidents).count();
        let w = self.width_deg();
        let middle_km = (self.inner_km + self.outer_km) / 2.0;
        let no_data: Vec<bool> = counts
            .iter()
            .enumerate()
            .map(|(k, &c)| {
                c < self.min_incidents
                    && !covered(crate::geodesy::destination(
                        at,
                        (k as f64 + 0.5) * w,
                        middle_km,
                    ))
            })
            .collect();
        let covered_sectors = no_data.iter().filter(|&&x| !x).count();
        let gap = self.gap(&counts, &no_data);
        let gap_places = gap.map_or_else(Vec::new, |g| {
            places
                .iter()
                .filter(|p| {
                    let d = haversine_km(at, p.point());
                    d > 0.0 && d <= self.outer_km && g.holds(initial_bearing_deg(at, p.point()))
                })
                .map(|p| p.name.clone())
                .collect()
        });
        Ok(Ring {
            first_day: window.first_day(),
            last_day: window.last_day(),
            incidents: n,
            sectors: counts.len(),
            active,
            active_pct: 100.0 * active as f64 / covered_sectors.max(1) as f64,
            gap,
            gap_places,
            expected_active: self.expected_active(n, covered_sectors),
            p_fewer: self.p_fewer(n, active, covered_sectors),
            no_data,
            counts,
        })
    }

    /// [`Encirclement::run`] for each window, in order: the ring closing, or opening, over time.
    pub fn run_periods(
        &self,
        index: &IncidentIndex,
        site: &Site,
        windows: &[DateWindow],
        keep: impl Fn(&Incident) -> bool,
        places: &[Site],
    ) -> Result<Vec<Ring>> {
        windows
            .iter()
            .map(|w| self.run(index, site, *w, &keep, places))
            .collect()
    }

    /// The largest circular run of inactive covered sectors.
    fn gap(&self, counts: &[u64], no_data: &[bool]) -> Option<Gap> {
        let n = counts.len();
        let quiet = |k: usize| counts[k % n] < self.min_incidents && !no_data[k % n];
        if (0..n).all(quiet) {
            return Some(Gap {
                from_deg: 0.0,
                to_deg: 360.0,
                width_deg: 360.0,
            });
        }
        // Runs start after an active sector; walking twice round finds those across north.
        let mut best: Option<(usize, usize)> = None; // (length, start)
        for start in 0..n {
            if !quiet(start) || quiet(start + n - 1) {
                continue;
            }
            let len = (0..n).take_while(|&k| quiet(start + k)).count();
            if best.is_none_or(|(l, s)| len > l || (len == l && start < s)) {
                best = Some((len, start));
            }
        }
        let w = self.width_deg();
        best.map(|(len, start)| Gap {
            from_deg: start as f64 * w,
            to_deg: ((start + len) % n) as f64 * w,
            width_deg: len as f64 * w,
        })
    }

    /// Active sectors expected of `n` incidents uniform in bearing over `sectors` sectors:
    /// sectors times the binomial probability of at least `k` in one.
    fn expected_active(&self, n: u64, sectors: usize) -> f64 {
        if sectors == 0 {
            return 0.0;
        }
        let s = sectors as f64;
        let p = 1.0 / s;
        // P(X < k) for X ~ Binomial(n, p), summed term by term.
        let k = self.min_incidents.min(n + 1);
        let mut term = (1.0 - p).powf(n as f64); // P(X = 0)
        let mut below = 0.0;
        for j in 0..k {
            below += term;
            term *= (n - j) as f64 / (j + 1) as f64 * p / (1.0 - p);
        }
        s * (1.0 - below).clamp(0.0, 1.0)
    }

    /// The share of uniform rings of `n` incidents with at most `active` active sectors, the
    /// observed ring counted among them.
    fn p_fewer(&self, n: u64, active: usize, sectors: usize) -> Option<f64> {
        if self.simulations == 0 || n == 0 || sectors == 0 {
            return None;
        }
        let mut rng = Pcg64Mcg::seed_from_u64(self.seed ^ n.wrapping_mul(0x9E37_79B9_7F4A_7C15));
        let mut counts = vec![0u64; sectors];
        let mut at_most = 1usize;
        for _ in 0..self.simulations {
            counts.iter_mut().for_each(|c| *c = 0);
            for _ in 0..n {
                counts[rng.random_range(0..sectors)] += 1;
            }
            let simulated = counts.iter().filter(|&&c| c >= self.min_incidents).count();
            at_most += usize::from(simulated <= active);
        }
        Some(at_most as f64 / (self.simulations + 1) as f64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geodesy::{destination, unit_vector};
    use crate::incident::DateSpan;
    use crate::validate::IncidentSet;
    use geo::Point;
    use jiff::civil::date;

    fn ouaga() -> Site {
        Site::new("Ouagadougou", -1.527, 12.372).expect("a site")
    }

    /// One incident per listed bearing, `km` out, on `day`.
    fn ring_of(bearings: &[f64], km: f64, day: Date) -> Vec<Incident> {
        bearings
            .iter()
            .enumerate()
            .map(|(k, &b)| {
                let p = destination(ouaga().point(), b, km);
                Incident::new(
                    format!("r{k}-{day}").as_str(),
                    p.x(),
                    p.y(),
                    DateSpan::day(day),
                )
            })
            .collect()
    }

    fn year(y: i16) -> DateWindow {
        DateWindow::new(date(y, 1, 1), date(y, 12, 31)).expect("a year")
    }

    fn run(incidents: Vec<Incident>, e: &Encirclement, w: DateWindow, places: &[Site]) -> Ring {
        let (set, report) = IncidentSet::validate(incidents);
        assert!(report.rejected.is_empty());
        e.run(&IncidentIndex::new(&set), &ouaga(), w, |_| true, places)
            .expect("a ring")
    }

    #[test]
    fn bearings_equal_a_brute_force_computation_on_the_sphere() {
        // Brute force: the target's unit vector against the site's north and east unit
        // vectors (the tangent plane), no spherical trigonometry.
        let brute = |from: Point<f64>, to: Point<f64>| {
            let (lat, lon) = (from.y().to_radians(), from.x().to_radians());
            let north = [-lat.sin() * lon.cos(), -lat.sin() * lon.sin(), lat.cos()];
            let east = [-lon.sin(), lon.cos(), 0.0];
            let t = unit_vector(to);
            let dot = |a: [f64; 3]| a[0] * t[0] + a[1] * t[1] + a[2] * t[2];
            dot(east).atan2(dot(north)).to_degrees().rem_euclid(360.0)
        };
        let mut state = 0x1234_5678_u64;
        let mut next = || {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (state >> 11) as f64 / (1u64 << 53) as f64
        };
        for _ in 0..10_000 {
            let from = Point::new(next() * 360.0 - 180.0, next() * 170.0 - 85.0);
            let to = Point::new(next() * 360.0 - 180.0, next() * 170.0 - 85.0);
            let (a, b) = (initial_bearing_deg(from, to), brute(from, to));
            let diff = (a - b).rem_euclid(360.0);
            assert!(diff.min(360.0 - diff) < 1e-9, "{from:?} {to:?}: {a} vs {b}");
            assert!((0.0..360.0).contains(&a));
        }
    }

    #[test]
    fn a_full_ring_has_every_sector_active_and_no_gap() {
        let bearings: Vec<f64> = (0..36).map(|k| 10.0 * f64::from(k) + 5.0).collect();
        let r = run(
            ring_of(&bearings, 80.0, date(2023, 3, 1)),
            &Encirclement::new(),
            year(2023),
            &[],
        );
        assert_eq!((r.active, r.active_pct, r.gap), (36, 100.0, None));
        assert_eq!(r.incidents, 36);
    }

    #[test]
    fn a_ring_with_a_60_degree_gap_finds_it_at_the_right_bearings_and_names_its_towns() {
        let bearings: Vec<f64> = (0..36)
            .filter(|k| !(15..21).contains(k))
            .map(|k| 10.0 * f64::from(k) + 5.0)
            .collect();
        let po = Site::new("Po", -1.135, 11.169).expect("a site"); // 190°, 139 km
        let kaya = Site::new("Kaya", -1.090, 13.090).expect("a site"); // 31°, 93 km
        let far = Site::new("Far south", -1.6, 10.0).expect("a site"); // 262 km: outside
        let r = run(
            ring_of(&bearings, 60.0, date(2023, 3, 1)),
            &Encirclement::new(),
            year(2023),
            &[po, kaya, far],
        );
        let gap = r.gap.expect("a gap");
        assert_eq!(
            (gap.from_deg, gap.to_deg, gap.width_deg),
            (150.0, 210.0, 60.0)
        );
        assert_eq!(r.active, 30);
        assert_eq!(r.gap_places, ["Po"]);
    }

    #[test]
    fn a_gap_across_north_is_one_gap() {
        // Quiet from 350° to 20°: sectors 35, 0 and 1.
        let bearings: Vec<f64> = (2..35).map(|k| 10.0 * f64::from(k) + 5.0).collect();
        let r = run(
            ring_of(&bearings, 60.0, date(2023, 3, 1)),
            &Encirclement::new(),
            year(2023),
            &[],
        );
        let gap = r.gap.expect("a gap");
        assert_eq!(
            (gap.from_deg, gap.to_deg, gap.width_deg),
            (350.0, 20.0, 30.0)
        );
        assert!(gap.holds(355.0) && gap.holds(5.0) && !gap.holds(25.0) && !gap.holds(345.0));
    }

    #[test]
    fn a_ring_that_closes_over_three_years_shows_the_trend() {
        // 2021: a half ring; 2022: three quarters; 2023: all but one sector.
        let mut incidents = Vec::new();
        for (y, sectors) in [(2021, 18), (2022, 27), (2023, 35)] {
            let bearings: Vec<f64> = (0..sectors).map(|k| 10.0 * f64::from(k) + 5.0).collect();
            incidents.extend(ring_of(&bearings, 100.0, date(y, 6, 1)));
        }
        let (set, _) = IncidentSet::validate(incidents);
        let rings = Encirclement::new()
            .run_periods(
                &IncidentIndex::new(&set),
                &ouaga(),
                &[year(2021), year(2022), year(2023)],
                |_| true,
                &[],
            )
            .expect("rings");
        let widths: Vec<(usize, f64)> = rings
            .iter()
            .map(|r| (r.active, r.gap.map_or(0.0, |g| g.width_deg)))
            .collect();
        assert_eq!(widths, [(18, 180.0), (27, 90.0), (35, 10.0)]);
    }

    #[test]
    fn incidents_inside_the_inner_radius_or_outside_the_window_do_not_count() {
        let mut incidents = ring_of(&[5.0], 10.0, date(2023, 3, 1)); // inside 20 km
        incidents.extend(ring_of(&[95.0], 60.0, date(2022, 3, 1))); // the year before
        incidents.extend(ring_of(&[185.0], 60.0, date(2023, 3, 2)));
        let r = run(incidents, &Encirclement::new(), year(2023), &[]);
        assert_eq!((r.incidents, r.active), (1, 1));
        assert_eq!(r.counts[18], 1);
    }

    #[test]
    fn the_uniform_check_is_exact_in_expectation_and_flags_a_concentrated_ring() {
        let e = Encirclement::new().sectors(4).expect("4");
        // 2 incidents in 4 sectors: E = 4 (1 - (3/4)^2) = 1.75.
        assert!((e.expected_active(2, 4) - 1.75).abs() < 1e-12);
        // k = 2 of 3 incidents in 4 sectors: P(X >= 2) = 3 (1/4)^2 (3/4) + (1/4)^3 = 10/64.
        let e2 = e.clone().min_incidents(2).expect("2");
        assert!((e2.expected_active(3, 4) - 4.0 * 10.0 / 64.0).abs() < 1e-12);
        assert_eq!(e2.expected_active(1, 4), 0.0);
        // 40 incidents all in one 10° sector: far fewer sides than chance.
        let r = run(
            ring_of(&[45.0; 40], 60.0, date(2023, 3, 1)),
            &Encirclement::new(),
            year(2023),
            &[],
        );
        assert_eq!(r.active, 1);
        assert!((r.expected_active - 36.0 * (1.0 - (35.0f64 / 36.0).powi(40))).abs() < 1e-9);
        assert_eq!(r.p_fewer, Some(1.0 / 1000.0));
        // Seeded: the same answer twice.
        let again = run(
            ring_of(&[45.0; 40], 60.0, date(2023, 3, 1)),
            &Encirclement::new(),
            year(2023),
            &[],
        );
        assert_eq!(again.p_fewer, r.p_fewer);
    }

    #[test]
    fn an_empty_ring_is_all_gap() {
        let r = run(
            ring_of(&[45.0], 60.0, date(2020, 3, 1)),
            &Encirclement::new(),
            year(2023),
            &[],
        );
        assert_eq!((r.incidents, r.active, r.p_fewer), (0, 0, None));
        assert_eq!(r.gap.map(|g| g.width_deg), Some(360.0));
        assert_eq!(r.expected_active, 0.0);
    }

    #[test]
    fn parameters_are_checked_when_set() {
        assert!(Encirclement::new().sectors(3).is_err());
        assert!(Encirclement::new().annulus(150.0, 20.0).is_err());
        assert!(Encirclement::new().annulus(f64::NAN, 20.0).is_err());
        assert!(Encirclement::new().min_incidents(0).is_err());
        assert!(
            Encirclement::new()
                .simulations(MAX_SIMULATIONS + 1, 1)
                .is_err()
        );
    }
}
