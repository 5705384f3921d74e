//! Kernel density risk surfaces on a grid: Σ weight · K(d / h) over the incidents within the
//! bandwidth `h` of each cell centre, `d` the great-circle distance.

use geo::Point;
use rstar::RTree;
use rstar::primitives::GeomWithData;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::geodesy::{chord2_to_km, dist2, km_to_chord2, unit_vector};
use crate::index::IncidentIndex;
use crate::surface::grid::CellId;
use crate::surface::weight::{WeightPolicy, WeightReport, Weighted};

impl std::str::FromStr for Kernel {
    type Err = Error;

    /// A kernel by its [`label`](Kernel::label), in any case.
    ///
    /// ```
    /// use conflict_risk::Kernel;
    /// assert_eq!("Gaussian".parse::<Kernel>()?, Kernel::TruncatedGaussian);
    /// assert!("cubic".parse::<Kernel>().is_err());
    /// # Ok::<(), conflict_risk::Error>(())
    /// ```
    fn from_str(text: &str) -> Result<Self> {
        Kernel::ALL
            .into_iter()
            .find(|k| k.label().eq_ignore_ascii_case(text.trim()))
            .ok_or_else(|| {
                Error::invalid(
                    "kernel",
                    text,
                    "is none of quartic, epanechnikov, triangular, uniform, gaussian",
                )
            })
    }
}

/// The kernel's shape K(u) for u = d / h in [0, 1], each 1 at the centre and 0 beyond the
/// bandwidth.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Kernel {
    /// (1 − u²)², the quartic (biweight) kernel of ArcGIS's Kernel Density.
    #[default]
    Quartic,
    /// 1 − u².
    Epanechnikov,
    /// 1 − u.
    Triangular,
    /// 1.
    Uniform,
    /// exp(−u² · 4.5): a Gaussian with σ = h / 3, cut at the bandwidth.
    TruncatedGaussian,
}

impl Kernel {
    /// The kernel's name in words, as the `risk_map` example takes it: "quartic",
    /// "epanechnikov", "triangular", "uniform", "gaussian".
    ///
    /// ```
    /// use conflict_risk::Kernel;
    /// assert_eq!(Kernel::TruncatedGaussian.label(), "gaussian");
    /// ```
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Kernel::Quartic => "quartic",
            Kernel::Epanechnikov => "epanechnikov",
            Kernel::Triangular => "triangular",
            Kernel::Uniform => "uniform",
            Kernel::TruncatedGaussian => "gaussian",
        }
    }

    /// Every kernel, in the order of [`Kernel::label`]'s list.
    pub const ALL: [Kernel; 5] = [
        Kernel::Quartic,
        Kernel::Epanechnikov,
        Kernel::Triangular,
        Kernel::Uniform,
        Kernel::TruncatedGaussian,
    ];

    /// K(u); 0 for u > 1.
    ///
    /// ```
    /// use conflict_risk::Kernel;
    /// assert_eq!(Kernel::Quartic.value(0.5), 0.5625);
    /// assert_eq!(Kernel::Uniform.value(1.01), 0.0);
    /// ```
    #[must_use]
    pub fn value(self, u: f64) -> f64 {
        if !(0.0..=1.0).contains(&u) {
            return 0.0;
        }
        match self {
            Kernel::Quartic => {
                let a = 1.0 - u * u;
                a * a
            }
            Kernel::Epanechnikov => 1.0 - u * u,
            Kernel::Triangular => 1.0 - u,
            Kernel::Uniform => 1.0,
            Kernel::TruncatedGaussian => (-4.5 * u * u).exp(),
        }
    }
}

/// Parameters of a kernel density surface.
///
/// ```
/// use conflict_risk::{BoundingBox, Grid, IncidentIndex, IncidentSet, KernelSurface, WeightPolicy};
/// use conflict_risk::{DEMO_AS_OF, demo_incidents};
/// let (set, _) = IncidentSet::validate(demo_incidents());
/// let index = IncidentIndex::new(&set);
/// let cells = Grid::PrioGrid.cover(&BoundingBox::new(-1.0, 10.0, 2.0, 12.0)?)?;
/// let surface = KernelSurface::new(50.0, WeightPolicy::new(DEMO_AS_OF))?.run(&index, &cells);
/// let top = surface.top(1)[0];
/// assert_eq!(top.normalised, 1.0);
/// assert_eq!(surface.policy.as_of(), DEMO_AS_OF);
/// # Ok::<(), conflict_risk::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct KernelSurface {
    bandwidth_km: f64,
    kernel: Kernel,
    policy: WeightPolicy,
}

/// One cell of a [`RiskSurface`].
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct CellRisk {
    /// The cell.
    pub cell: CellId,
    /// Its centre, where the kernel was evaluated.
    #[serde(skip)]
    pub centre: Point<f64>,
    /// Σ weight · K(d / h).
    pub raw: f64,
    /// Incidents with a positive weight within the bandwidth.
    pub count: u32,
    /// Their deaths (best estimates).
    pub fatalities: i64,
    /// `raw` over the largest `raw` of the surface (0 when the surface is empty).
    pub normalised: f64,
    /// Percent of the surface's cells with a lower `raw` ("riskier than p% of the region";
    /// 0 for a cell with no risk).
    pub percentile: f64,
}

/// The kernel risk at one point, made by [`KernelSurface::at`].
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct PointRisk {
    /// Σ weight · K(d / h).
    pub raw: f64,
    /// Incidents with a positive weight within the bandwidth.
    pub count: u32,
    /// Their deaths (best estimates).
    pub fatalities: i64,
}

/// A kernel density surface over a list of cells, with the parameters that made it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RiskSurface {
    /// The cells, in the order given.
    pub cells: Vec<CellRisk>,
    /// Bandwidth, km.
    pub bandwidth_km: f64,
    /// The kernel.
    pub kernel: Kernel,
    /// The weight policy, with its as-of date.
    pub policy: WeightPolicy,
    /// What the policy did to the incidents.
    pub weights: WeightReport,
}

impl KernelSurface {
    /// The smallest bandwidth accepted: 1 m (0.001 km), the floor of every distance parameter
    /// (as [`Dbscan::MIN_EPS_KM`](crate::Dbscan::MIN_EPS_KM)); incident positions are not
    /// more precise than that.
    pub const MIN_BANDWIDTH_KM: f64 = 0.001;

    /// A quartic kernel of `bandwidth_km` (finite, at least [`Self::MIN_BANDWIDTH_KM`]) under
    /// `policy`.
    ///
    /// ```
    /// use conflict_risk::{KernelSurface, WeightPolicy, jiff::civil::date};
    /// let policy = WeightPolicy::new(date(2024, 12, 31));
    /// assert!(KernelSurface::new(50.0, policy.clone()).is_ok());
    /// assert!(KernelSurface::new(1e-20, policy).is_err());
    /// ```
    pub fn new(bandwidth_km: f64, policy: WeightPolicy) -> Result<Self> {
        if !(bandwidth_km.is_finite() && bandwidth_km >= Self::MIN_BANDWIDTH_KM) {
            return Err(Error::invalid(
                "bandwidth_km",
                bandwidth_km,
                "must be a finite distance of at least 0.001 km (1 m)",
            ));
        }
        Ok(KernelSurface {
            bandwidth_km,
            kernel: Kernel::Quartic,
            policy,
        })
    }

    /// Use another kernel.
    #[must_use]
    pub fn kernel(mut self, kernel: Kernel) -> Self {
        self.kernel = kernel;
        self
    }

    /// The bandwidth, km.
    #[must_use]
    pub fn bandwidth_km(&self) -> f64 {
        self.bandwidth_km
    }

    /// The weight policy.
    #[must_use]
    pub fn policy(&self) -> &WeightPolicy {
        &self.policy
    }

    /// Evaluate the surface at every cell centre. With fewer weighted incidents than half the
    /// cells, each incident adds itself to the cells within reach (one query per incident in
    /// a tree of cell centres); otherwise each cell sums the incidents within reach (one index
    /// query per cell, on all cores with the `parallel` feature). Both give the same values.
    #[must_use]
    pub fn run(&self, index: &IncidentIndex, cells: &[CellId]) -> RiskSurface {
        let incidents = index.set().incidents();
        let (weights, report) = self.policy.weigh_all(incidents, self.bandwidth_km);
        let centres: Vec<Point<f64>> = cells.iter().map(CellId::centre).collect();
        let sums = if report.weighted < cells.len() / 2 {
            self.by_incident(index, &weights, &centres)
        } else {
            self.by_cell(index, &weights, &centres)
        };
        let mut out: Vec<CellRisk> = cells
            .iter()
            .zip(centres)
            .zip(sums)
            .map(|((cell, centre), (raw, count, fatalities))| CellRisk {
                cell: *cell,
                centre,
                raw,
                count,
                fatalities,
                normalised: 0.0,
                percentile: 0.0,
            })
            .collect();
        rank(&mut out);
        RiskSurface {
            cells: out,
            bandwidth_km: self.bandwidth_km,
            kernel: self.kernel,
            policy: self.policy.clone(),
            weights: report,
        }
    }

    fn by_cell(
        &self,
        index: &IncidentIndex,
        weights: &[Weighted],
        centres: &[Point<f64>],
    ) -> Vec<(f64, u32, i64)> {
        // Each incident's weight and deaths laid out in the index's storage order: a cell's
        // query reads them in sequence (in id order they were a cache miss per hit).
        let incidents = index.set().incidents();
        let laid: Vec<(Weighted, i64)> = index
            .ids_in_storage_order()
            .iter()
            .map(|&i| {
                let deaths = incidents[i as usize].fatalities.best.max(0);
                (weights[i as usize], i64::from(deaths))
            })
            .collect();
        let reach_2 = km_to_chord2(self.reach_km());
        // The same sums, in the same order, as `at_with` (tested).
        let one = |c: &Point<f64>| {
            let mut sum = (0.0, 0u32, 0i64);
            index.visit_positions_within_chord_2(unit_vector(*c), reach_2, |chord_2, at| {
                let (w, d) = laid[at];
                if w.weight > 0.0 {
                    self.add(&mut sum, w, chord2_to_km(chord_2), d);
                }
            });
            sum
        };
        #[cfg(feature = "parallel")]
        {
            use rayon::prelude::*;
            centres.par_iter().map(one).collect()
        }
        #[cfg(not(feature = "parallel"))]
        centres.iter().map(one).collect()
    }

    fn by_incident(
        &self,
        index: &IncidentIndex,
        weights: &[Weighted],
        centres: &[Point<f64>],
    ) -> Vec<(f64, u32, i64)> {
        let incidents = index.set().incidents();
        let tree: RTree<GeomWithData<[f64; 3], u32>> = RTree::bulk_load(
            centres
                .iter()
                .zip(0u32..)
                .map(|(c, k)| GeomWithData::new(unit_vector(*c), k))
                .collect(),
        );
        let reach_2 = km_to_chord2(self.reach_km());
        let mut sums = vec![(0.0, 0u32, 0i64); centres.len()];
        for (i, w) in (0u32..).zip(weights) {
            if w.weight <= 0.0 {
                continue;
            }
            let q = index.vector(i);
            for e in tree.locate_within_distance(q, reach_2) {
                let deaths = i64::from(incidents[i as usize].fatalities.best.max(0));
                let km = chord2_to_km(dist2(&q, e.geom()));
                self.add(&mut sums[e.data as usize], *w, km, deaths);
            }
        }
        sums
    }

    /// The farthest any incident reaches: the bandwidth, widened by up to 100 km of position
    /// uncertainty under [`PrecisionPolicy::Widen`](crate::PrecisionPolicy::Widen).
    fn reach_km(&self) -> f64 {
        let h = self.bandwidth_km;
        if self.policy.widens() {
            (h * h + 100.0 * 100.0).sqrt()
        } else {
            h
        }
    }

    /// Add to `sum` (raw kernel value, count, deaths) what an incident of weight `w` and
    /// `deaths` at `distance_km` brings: its weighted kernel value, and itself and its deaths
    /// when within the nominal bandwidth. One place for every way the surface is summed.
    fn add(&self, sum: &mut (f64, u32, i64), w: Weighted, distance_km: f64, deaths: i64) {
        let h = self.bandwidth_km;
        let hi = if w.uncertainty_km > 0.0 {
            (h * h + w.uncertainty_km * w.uncertainty_km).sqrt()
        } else {
            h
        };
        if distance_km <= hi {
            sum.0 += w.weight * self.kernel.value(distance_km / hi);
        }
        if distance_km <= h {
            sum.1 += 1;
            sum.2 += deaths;
        }
    }

    /// The raw kernel value at one point (a site), with the count and deaths within the
    /// bandwidth, under this surface's parameters.
    pub fn at(&self, index: &IncidentIndex, point: Point<f64>) -> Result<PointRisk> {
        crate::index::check_point(point)?;
        // One point: weigh only the incidents within reach, not the whole set.
        let incidents = index.set().incidents();
        let weigh = |i: usize| self.policy.weigh(&incidents[i], self.bandwidth_km).0;
        let (raw, count, fatalities) = self.at_with(index, weigh, point);
        Ok(PointRisk {
            raw,
            count,
            fatalities,
        })
    }

    fn at_with(
        &self,
        index: &IncidentIndex,
        weight_of: impl Fn(usize) -> Weighted,
        at: Point<f64>,
    ) -> (f64, u32, i64) {
        let incidents = index.set().incidents();
        let mut sum = (0.0, 0u32, 0i64);
        // The centre is a valid point (checked above or a cell centre), so the query succeeds.
        let _ = index.for_each_within_radius(at, self.reach_km(), |n| {
            let w = weight_of(n.id.index());
            if w.weight > 0.0 {
                let deaths = i64::from(incidents[n.id.index()].fatalities.best.max(0));
                self.add(&mut sum, w, n.distance_km, deaths);
            }
        });
        sum
    }
}

/// Fill `normalised` and `percentile`.
fn rank(cells: &mut [CellRisk]) {
    let max = cells.iter().map(|c| c.raw).fold(0.0, f64::max);
    let mut sorted: Vec<f64> = cells.iter().map(|c| c.raw).collect();
    sorted.sort_unstable_by(f64::total_cmp);
    let n = cells.len() as f64;
    for c in cells.iter_mut() {
        c.normalised = if max > 0.0 { c.raw / max } else { 0.0 };
        let below = sorted.partition_point(|&v| v < c.raw);
        c.percentile = 100.0 * below as f64 / n;
    }
}

impl RiskSurface {
    /// The parameters that made the surface.
    #[must_use]
    pub fn params(&self) -> KernelSurface {
        KernelSurface {
            bandwidth_km: self.bandwidth_km,
            kernel: self.kernel,
            policy: self.policy.clone(),
        }
    }

    /// The kernel risk at one point under this surface's parameters (see
    /// [`KernelSurface::at`]).
    pub fn at(&self, index: &IncidentIndex, point: Point<f64>) -> Result<PointRisk> {
        self.params().at(index, point)
    }

    /// The `n` cells with the highest `raw`, highest first (ties by cell id).
    #[must_use]
    pub fn top(&self, n: usize) -> Vec<&CellRisk> {
        let mut v: Vec<&CellRisk> = self.cells.iter().collect();
        v.sort_by(|a, b| b.raw.total_cmp(&a.raw).then(a.cell.cmp(&b.cell)));
        v.truncate(n);
        v
    }

    /// The grid of the cells (`None` for an empty surface).
    #[must_use]
    pub fn grid(&self) -> Option<&'static str> {
        self.cells.first().map(|c| match c.cell {
            CellId::H3(_) => "h3",
            CellId::Prio(_) => "prio_grid",
        })
    }

    /// Percent of the surface's cells with a `raw` below `raw`.
    #[must_use]
    pub fn percentile_of(&self, raw: f64) -> f64 {
        if self.cells.is_empty() {
            return 0.0;
        }
        let below = self.cells.iter().filter(|c| c.raw < raw).count();
        100.0 * below as f64 / self.cells.len() as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::incident::{DateSpan, Fatalities, GeoPrecision, Incident};
    use crate::precision::PrecisionPolicy;
    use crate::surface::grid::Grid;
    use crate::surface::weight::FatalityWeighting;
    use crate::validate::IncidentSet;
    use crate::{BoundingBox, haversine_km};
    use jiff::civil::date;
    use rand::{RngExt, SeedableRng};
    use rand_pcg::Pcg64Mcg;

    fn random_set(n: usize, seed: u64) -> IncidentSet {
        let mut rng = Pcg64Mcg::seed_from_u64(seed);
        let incidents: Vec<Incident> = (0..n)
            .map(|k| {
                let (lon, lat) = (rng.random_range(-1.0..3.0), rng.random_range(9.0..12.0));
                let day = date(2024, 1, 1)
                    .checked_add(jiff::Span::new().days(rng.random_range(0..500)))
                    .expect("valid test input");
                let mut i = Incident::new(format!("r{k}").as_str(), lon, lat, DateSpan::day(day));
                i.fatalities = Fatalities::best(rng.random_range(0..20));
                i.geo_precision = [
                    GeoPrecision::Exact,
                    GeoPrecision::Near,
                    GeoPrecision::Region,
                ][rng.random_range(0..3)];
                i
            })
            .collect();
        IncidentSet::validate(incidents).0
    }

    #[test]
    fn surface_matches_a_brute_force_sum() {
        let set = random_set(3000, 11);
        let index = IncidentIndex::new(&set);
        let cells = Grid::h3(5)
            .expect("valid test input")
            .cover(&BoundingBox::new(0.0, 10.0, 2.0, 11.0).expect("valid test input"))
            .expect("valid test input");
        for kernel in [
            Kernel::Quartic,
            Kernel::Epanechnikov,
            Kernel::Triangular,
            Kernel::Uniform,
            Kernel::TruncatedGaussian,
        ] {
            for precision in [PrecisionPolicy::Keep, PrecisionPolicy::Widen] {
                let policy = WeightPolicy::new(date(2025, 1, 31))
                    .fatalities(FatalityWeighting::LogOnePlus)
                    .half_life_days(90.0)
                    .expect("valid test input")
                    .precision(precision.clone())
                    .expect("valid test input");
                let spec = KernelSurface::new(40.0, policy.clone())
                    .expect("valid test input")
                    .kernel(kernel);
                let surface = spec.run(&index, &cells);
                // 3000 incidents over about 50 cells: the per-cell plan. The per-incident
                // plan must agree.
                let (weights, _) = policy.weigh_all(set.incidents(), 40.0);
                let centres: Vec<Point<f64>> = cells.iter().map(CellId::centre).collect();
                let scattered = spec.by_incident(&index, &weights, &centres);
                for (c, s) in surface.cells.iter().zip(&scattered) {
                    assert!((c.raw - s.0).abs() <= 1e-12 * c.raw.max(1.0));
                    assert_eq!((c.count, c.fatalities), (s.1, s.2));
                    // The one-point query sums the same terms in the same order.
                    let at = spec.at(&index, c.centre).expect("valid test input");
                    assert_eq!(
                        (at.raw, at.count, at.fatalities),
                        (c.raw, c.count, c.fatalities)
                    );
                }
                for c in &surface.cells {
                    let (mut raw, mut count) = (0.0, 0);
                    for inc in set.incidents() {
                        let (w, _) = policy.weigh(inc, 40.0);
                        if w.weight <= 0.0 {
                            continue;
                        }
                        let d = haversine_km(c.centre, inc.point());
                        let h = (40.0f64.powi(2) + w.uncertainty_km.powi(2)).sqrt();
                        if d <= h {
                            raw += w.weight * kernel.value(d / h);
                        }
                        count += u32::from(d <= 40.0);
                    }
                    assert!(
                        (c.raw - raw).abs() <= 1e-9 * raw.abs().max(1e-300),
                        "{kernel:?} {precision:?} {}: {} vs {raw}",
                        c.cell,
                        c.raw
                    );
                    assert_eq!(c.count, count);
                }
                assert!(surface.cells.iter().any(|c| c.normalised == 1.0));
            }
        }
    }

    #[test]
    fn percentiles_and_normalisation() {
        let mk = |raw| CellRisk {
            cell: Grid::PrioGrid.cell_of(0.0, 0.0).expect("valid test input"),
            centre: Point::new(0.0, 0.0),
            raw,
            count: 0,
            fatalities: 0,
            normalised: 0.0,
            percentile: 0.0,
        };
        let mut cells = vec![mk(0.0), mk(2.0), mk(4.0), mk(2.0)];
        rank(&mut cells);
        let got: Vec<(f64, f64)> = cells.iter().map(|c| (c.normalised, c.percentile)).collect();
        assert_eq!(got, vec![(0.0, 0.0), (0.5, 25.0), (1.0, 75.0), (0.5, 25.0)]);
    }

    #[test]
    fn bad_bandwidth_is_an_error() {
        let p = WeightPolicy::new(date(2024, 1, 1));
        assert!(KernelSurface::new(0.0, p.clone()).is_err());
        assert!(KernelSurface::new(f64::NAN, p).is_err());
    }
}
