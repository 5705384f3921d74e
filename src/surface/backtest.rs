//! How good is the map: a rolling-origin backtest of risk surfaces. At each origin `t` a
//! surface is built from the incidents known by `t` (their last day on or before it) and
//! scored against where the incidents of the horizon `(t, t + h]` fell, beside three
//! baselines scored the same way.
//!
//! The scores are those of crime forecasting (Chainey, Tompson & Uhlig 2008, "The utility of
//! hotspot mapping for predicting spatial patterns of crime", *Security Journal* 21): the
//! **hit rate** at an area share `p` is the share of the horizon's incidents that fall in the
//! highest-ranked cells making up `p` of the covered area; the **Predictive Accuracy Index**
//! is the hit rate divided by `p` (1 is no better than chance); the **AUC** is the area under
//! the hit-rate curve over all area shares (0.5 for a random ranking, 1 at best). Cells of
//! equal score are taken together: where such a group straddles the cut, the share of its
//! area that fits counts the same share of its incidents (for cells of equal area, the
//! expectation under random tie-breaking).
//! **Precision** and **recall** at `p` count cells instead: the share of the chosen cells that
//! hold any incident of the horizon, and the share of such cells that were chosen (the
//! recapture of cells with events). The fatality-weighted hit rate counts deaths in place of
//! incidents.

use jiff::civil::Date;
use rand::{RngExt, SeedableRng};
use rand_pcg::Pcg64Mcg;
use rstar::RTree;
use rstar::primitives::GeomWithData;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::geodesy::{chord2_to_km, dist2, km_to_chord2, unit_vector};
use crate::incident::day_number;
use crate::index::IncidentIndex;
use crate::surface::{CellId, Kernel, SliceLength};

/// The area shares every score is given at: 1, 5, 10 and 20% of the covered area.
pub const AREA_SHARES: [f64; 4] = [0.01, 0.05, 0.10, 0.20];

/// The position of 10% in [`AREA_SHARES`].
const AT_10: usize = 2;

/// The most origins a backtest runs.
pub const MAX_ORIGINS: usize = 2_000;

/// The most surface configurations a backtest scores.
pub const MAX_CONFIGS: usize = 500;

/// The most values (cells × surfaces) a backtest keeps: 20 million (160 MB, held three
/// times while incidents are added).
pub const MAX_CELL_SURFACES: usize = 20_000_000;

/// The fewest blocks of origins (with incidents) a skill interval is drawn from; with fewer
/// the skill has no interval.
pub const MIN_BLOCKS: usize = 5;

/// The most bootstrap resamples of the origins.
pub const MAX_BOOTSTRAP: usize = 100_000;

/// One risk surface to score: a kernel, its bandwidth and its half-life (none: no decay).
/// Every incident weighs 1.
///
/// ```
/// use conflict_risk::surface::SurfaceConfig;
/// use conflict_risk::Kernel;
/// let c = SurfaceConfig::new(Kernel::Quartic, 50.0, Some(180.0))?;
/// assert_eq!(c.name(), "quartic 50 km, half-life 180 d");
/// assert!(SurfaceConfig::new(Kernel::Quartic, 0.0, None).is_err());
/// # Ok::<(), conflict_risk::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct SurfaceConfig {
    /// The kernel.
    pub kernel: Kernel,
    /// Its bandwidth, km.
    pub bandwidth_km: f64,
    /// The half-life of an incident's weight, days; `None` for no decay.
    pub half_life_days: Option<f64>,
}

impl SurfaceConfig {
    /// A configuration; `Err` unless the bandwidth is from 0.001 to 5,000 km and the
    /// half-life, if any, above 0 and finite.
    pub fn new(kernel: Kernel, bandwidth_km: f64, half_life_days: Option<f64>) -> Result<Self> {
        SurfaceConfig {
            kernel,
            bandwidth_km,
            half_life_days,
        }
        .checked()
    }

    fn checked(self) -> Result<Self> {
        if !(self.bandwidth_km.is_finite() && (0.001..=5000.0).contains(&self.bandwidth_km)) {
            return Err(Error::invalid(
                "bandwidth_km",
                self.bandwidth_km,
                "must be a distance from 0.001 to 5000 km",
            ));
        }
        if let Some(h) = self.half_life_days
            && !(h.is_finite() && h > 0.0)
        {
            return Err(Error::invalid(
                "half_life_days",
                h,
                "must be a finite number of days above 0",
            ));
        }
        Ok(self)
    }

    /// `quartic 50 km, half-life 180 d`, or `quartic 50 km, no decay`.
    #[must_use]
    pub fn name(&self) -> String {
        match self.half_life_days {
            Some(h) => format!(
                "{} {} km, half-life {h} d",
                self.kernel.label(),
                self.bandwidth_km
            ),
            None => format!("{} {} km, no decay", self.kernel.label(), self.bandwidth_km),
        }
    }

    /// The surface at `origin` computed directly: at each cell centre, the sum over the
    /// incidents whose last day is on or before `origin` of K(d / h) × 0.5^(age / half-life),
    /// the age measured from the middle of the incident's date span. The backtest reaches the
    /// same values origin by origin (tested); this is the reference.
    #[must_use]
    pub fn values_at(&self, index: &IncidentIndex, cells: &[CellId], origin: Date) -> Vec<f64> {
        let t = f64::from(day_number(origin));
        cells
            .iter()
            .map(|c| {
                let centre = c.centre();
                index
                    .set()
                    .incidents()
                    .iter()
                    .filter(|i| i.date.end <= origin)
                    .map(|i| {
                        let d = crate::geodesy::haversine_km(centre, i.point());
                        let age = t - mid_day(i);
                        self.kernel.value(d / self.bandwidth_km) * self.decay(age.max(0.0))
                    })
                    .sum()
            })
            .collect()
    }

    fn decay(&self, age_days: f64) -> f64 {
        self.half_life_days
            .map_or(1.0, |h| 0.5f64.powf(age_days / h))
    }
}

fn mid_day(i: &crate::incident::Incident) -> f64 {
    f64::from(day_number(i.date.start) + day_number(i.date.end)) / 2.0
}

/// What a scored method is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MethodKind {
    /// A kernel surface ([`SurfaceConfig`]).
    Kernel,
    /// The counts per cell of the last horizon-length period before the origin.
    Persistence,
    /// Every cell alike: the hit rate at `p` is `p`.
    Uniform,
    /// The counts per cell of every incident known by the origin, without decay.
    History,
}

/// Scores at the [`AREA_SHARES`]; `None` where nothing fell in the horizon.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Scores {
    /// Incidents of the horizon in the covered cells.
    pub events: u64,
    /// Their deaths.
    pub deaths: u64,
    /// Hit rate at each area share.
    pub hit_rate: [Option<f64>; 4],
    /// Predictive Accuracy Index at each area share (hit rate / share).
    pub pai: [Option<f64>; 4],
    /// The deaths' hit rate at each area share.
    pub death_hit_rate: [Option<f64>; 4],
    /// Precision: the share of the chosen cells holding an incident.
    pub precision: [Option<f64>; 4],
    /// Recall: the share of cells holding an incident that were chosen.
    pub recall: [Option<f64>; 4],
    /// The area under the hit-rate curve.
    pub auc: Option<f64>,
}

/// One method's scores: per origin and pooled over the origins.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MethodScores {
    /// Its name (`quartic 50 km, half-life 180 d`, `persistence`, ...).
    pub name: String,
    /// What it is.
    pub kind: MethodKind,
    /// The configuration, for a kernel.
    pub config: Option<SurfaceConfig>,
    /// Per origin, in order.
    pub per_origin: Vec<Scores>,
    /// Pooled: hits summed over the origins over the incidents summed (each origin weighs by
    /// its incidents), the deaths' hit rate likewise by deaths, the AUC averaged with the
    /// incidents as weights; precision and recall are plain means over the origins with
    /// incidents.
    pub pooled: Scores,
    /// The standard deviation across origins of the PAI at 10% (origins with incidents).
    pub pai_10_sd: Option<f64>,
}

/// The best kernel's skill over persistence: the difference of their pooled PAI at 10%, and
/// its 90% interval from a paired moving-block bootstrap over the origins (blocks as long as
/// the horizon spans origins, since neighbouring origins share incidents). The interval does
/// not allow for the best having been picked among the surfaces on the same origins.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Skill {
    /// Pooled PAI at 10%, best kernel minus persistence.
    pub pai_10_difference: f64,
    /// The 5th percentile of the bootstrap differences; `None` without resamples, or with
    /// fewer than [`MIN_BLOCKS`] blocks of origins.
    pub low: Option<f64>,
    /// The 95th percentile; `None` without resamples.
    pub high: Option<f64>,
    /// Resamples.
    pub resamples: usize,
    /// Origins per block.
    pub block: usize,
}

impl Skill {
    /// `+0.39 (90% bootstrap interval +0.23 to +0.58, 999 resamples in blocks of 3 origins)`,
    /// the difference of PAI at 10%; without an interval, said so.
    #[must_use]
    pub fn in_words(&self) -> String {
        match (self.low, self.high) {
            (Some(low), Some(high)) => format!(
                "{:+.2} (90% bootstrap interval {low:+.2} to {high:+.2}, {} resamples in blocks of {} origins)",
                self.pai_10_difference, self.resamples, self.block
            ),
            _ => format!(
                "{:+.2} (too few origins for an interval)",
                self.pai_10_difference
            ),
        }
    }
}

/// The result of [`Backtest::run`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BacktestResult {
    /// What made it.
    pub params: Backtest,
    /// The origins scored.
    pub origins: Vec<Date>,
    /// The covered cells scored.
    pub cells: usize,
    /// The kernels in the order given, then persistence, history and uniform.
    pub methods: Vec<MethodScores>,
    /// The position in `methods` of the best kernel (highest pooled PAI at 10%, then AUC);
    /// `None` when no horizon held an incident.
    pub best: Option<usize>,
    /// The best kernel's skill over persistence.
    pub skill: Option<Skill>,
}

impl BacktestResult {
    /// The method of this kind (the first, for kernels).
    #[must_use]
    pub fn method(&self, kind: MethodKind) -> Option<&MethodScores> {
        self.methods.iter().find(|m| m.kind == kind)
    }

    /// Kernels whose pooled PAI at 10% does not exceed persistence's.
    #[must_use]
    pub fn not_beating_persistence(&self) -> Vec<&MethodScores> {
        let persistence = self
            .method(MethodKind::Persistence)
            .and_then(|m| m.pooled.pai[AT_10]);
        self.methods
            .iter()
            .filter(|m| m.kind == MethodKind::Kernel)
            .filter(|m| match (m.pooled.pai[AT_10], persistence) {
                (Some(k), Some(p)) => k <= p,
                _ => false,
            })
            .collect()
    }
}

/// A rolling-origin backtest: origins every `step` from `from` to `to` (each with its whole
/// horizon inside the data), the horizon `h` days, the surfaces to score (default the
/// report's map: quartic, 50 km, 180-day half-life), and a paired bootstrap of the best
/// kernel's skill over persistence (999 resamples, seeded).
///
/// Surfaces at successive origins reuse the previous origin's: the decay is a multiplication
/// and only the incidents that became known since are added, each incident's cells found
/// once for every configuration. An incident becomes known on its last day: a span reaching past the
/// origin is not used (no leakage). The horizon's incidents are those that start in it.
///
/// ```
/// use conflict_risk::surface::{Backtest, Grid, MethodKind};
/// use conflict_risk::{BoundingBox, CorridorScenario, IncidentIndex, IncidentSet};
/// use conflict_risk::jiff::civil::date;
/// let (set, _) = IncidentSet::validate(CorridorScenario::new(4_000).generate());
/// let index = IncidentIndex::new(&set);
/// let cells = Grid::PrioGrid.cover(&BoundingBox::new(-6.0, 4.0, 15.0, 16.0)?)?;
/// let result = Backtest::new(date(2023, 1, 1), date(2024, 6, 30), 90)?
///     .run(&index, &cells)?;
/// assert_eq!(result.origins.len(), 18);
/// let uniform = result.method(MethodKind::Uniform).unwrap();
/// assert!((uniform.pooled.hit_rate[2].unwrap() - 0.10).abs() < 1e-9);
/// let map = &result.methods[0];
/// assert!(map.pooled.pai[2].unwrap() > 2.0); // the synthetic violence is clustered
/// # Ok::<(), conflict_risk::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Backtest {
    from: Date,
    to: Date,
    horizon_days: u32,
    step: SliceLength,
    configs: Vec<SurfaceConfig>,
    resamples: usize,
    seed: u64,
    #[serde(default)]
    data_end: Option<Date>,
}

impl Backtest {
    /// Origins monthly from `from` to `to`, a horizon of `horizon_days` (1 to 3,660).
    pub fn new(from: Date, to: Date, horizon_days: u32) -> Result<Self> {
        if to < from {
            return Err(Error::invalid("to", to, format!("is before from ({from})")));
        }
        if !(1..=3660).contains(&horizon_days) {
            return Err(Error::invalid(
                "horizon_days",
                horizon_days,
                "must be 1 to 3660 days",
            ));
        }
        Ok(Backtest {
            from,
            to,
            horizon_days,
            step: SliceLength::Month,
            configs: vec![SurfaceConfig {
                kernel: Kernel::Quartic,
                bandwidth_km: 50.0,
                half_life_days: Some(180.0),
            }],
            resamples: 999,
            seed: 0xBAC7,
            data_end: None,
        })
    }

    /// The first origin of (up to) three years of monthly origins whose horizons end by
    /// `data_end`: the first day of the month after `data_end` less the horizon and three
    /// years, or after `data_first` if the data begin later (an origin before the data
    /// would score a map of nothing).
    ///
    /// ```
    /// use conflict_risk::surface::Backtest;
    /// use conflict_risk::jiff::civil::date;
    /// assert_eq!(Backtest::default_from(date(2016, 1, 15), date(2023, 12, 30), 90)?, date(2020, 11, 1));
    /// assert_eq!(Backtest::default_from(date(2022, 1, 1), date(2023, 12, 31), 90)?, date(2022, 2, 1));
    /// # Ok::<(), conflict_risk::Error>(())
    /// ```
    pub fn default_from(data_first: Date, data_end: Date, horizon_days: u32) -> Result<Date> {
        let back = jiff::Span::new()
            .years(3)
            .days(i64::from(horizon_days.min(3660)));
        let start = data_end
            .checked_sub(back)
            .map_err(|e| Error::invalid("data_end", data_end, e.to_string()))?
            .max(data_first);
        start
            .first_of_month()
            .checked_add(jiff::Span::new().months(1))
            .map_err(|e| Error::invalid("data_end", data_end, e.to_string()))
    }

    /// The step between origins.
    #[must_use]
    pub fn step(self, step: SliceLength) -> Self {
        Backtest { step, ..self }
    }

    /// The surfaces scored (1 to [`MAX_CONFIGS`]), in order.
    pub fn configs(self, configs: Vec<SurfaceConfig>) -> Result<Self> {
        if configs.is_empty() || configs.len() > MAX_CONFIGS {
            return Err(Error::invalid(
                "configs",
                configs.len(),
                format!("must be 1 to {MAX_CONFIGS} surfaces"),
            ));
        }
        let configs = configs
            .into_iter()
            .map(SurfaceConfig::checked)
            .collect::<Result<_>>()?;
        Ok(Backtest { configs, ..self })
    }

    /// Every combination of kernels × bandwidths × half-lives (`None`: no decay), in that
    /// order.
    ///
    /// ```
    /// use conflict_risk::surface::Backtest;
    /// use conflict_risk::{Kernel, jiff::civil::date};
    /// let b = Backtest::new(date(2021, 1, 1), date(2023, 12, 31), 90)?
    ///     .grid(&[Kernel::Quartic, Kernel::TruncatedGaussian], &[25.0, 50.0, 100.0],
    ///           &[Some(90.0), Some(180.0), Some(365.0), None])?;
    /// assert_eq!(b.surface_configs().len(), 24);
    /// # Ok::<(), conflict_risk::Error>(())
    /// ```
    pub fn grid(
        self,
        kernels: &[Kernel],
        bandwidths_km: &[f64],
        half_lives_days: &[Option<f64>],
    ) -> Result<Self> {
        let mut configs = Vec::new();
        for &kernel in kernels {
            for &bandwidth_km in bandwidths_km {
                for &half_life_days in half_lives_days {
                    configs.push(SurfaceConfig::new(kernel, bandwidth_km, half_life_days)?);
                }
            }
        }
        self.configs(configs)
    }

    /// The bootstrap: `resamples` (0 to [`MAX_BOOTSTRAP`]; 0 for none) and their seed.
    pub fn bootstrap(self, resamples: usize, seed: u64) -> Result<Self> {
        if resamples > MAX_BOOTSTRAP {
            return Err(Error::invalid(
                "resamples",
                resamples,
                format!("must be at most {MAX_BOOTSTRAP}"),
            ));
        }
        Ok(Backtest {
            resamples,
            seed,
            ..self
        })
    }

    /// Score only horizons that end by `day` (the earliest end of several sources: a
    /// horizon past it would count a country whose data have ended as calm).
    #[must_use]
    pub fn data_end(self, day: Date) -> Self {
        Backtest {
            data_end: Some(day),
            ..self
        }
    }

    /// The surfaces scored.
    #[must_use]
    pub fn surface_configs(&self) -> &[SurfaceConfig] {
        &self.configs
    }

    /// The horizon, days.
    #[must_use]
    pub fn horizon(&self) -> u32 {
        self.horizon_days
    }

    /// The origins for data that end on `data_end`: every step from `from` to `to` whose
    /// horizon ends by `data_end`; `Err` past [`MAX_ORIGINS`] steps.
    pub fn origins(&self, data_end: Date) -> Result<Vec<Date>> {
        let months = match self.step {
            SliceLength::Month => 1,
            SliceLength::Quarter => 3,
            SliceLength::Year => 12,
        };
        let horizon = jiff::Span::new().days(i64::from(self.horizon_days));
        let steps: Vec<Date> = (0..=MAX_ORIGINS as i64)
            .map_while(|k| {
                self.from
                    .checked_add(jiff::Span::new().months(k * months))
                    .ok()
                    .filter(|t| *t <= self.to)
            })
            .collect();
        if steps.len() > MAX_ORIGINS {
            return Err(Error::invalid(
                "from",
                self.from,
                format!(
                    "to {} makes more than {MAX_ORIGINS} origins: choose a later first origin \
                     or a longer step",
                    self.to
                ),
            ));
        }
        Ok(steps
            .into_iter()
            .filter(|t| t.checked_add(horizon).is_ok_and(|end| end <= data_end))
            .collect())
    }

    /// Score every surface and the baselines at every origin, on `cells` (the covered cells
    /// of one grid); `Err` if the cells are empty or of several grids, or no origin has its
    /// horizon inside the data.
    pub fn run(&self, index: &IncidentIndex, cells: &[CellId]) -> Result<BacktestResult> {
        for c in &self.configs {
            c.checked()?;
        }
        if self.resamples > MAX_BOOTSTRAP {
            return Err(Error::invalid(
                "resamples",
                self.resamples,
                format!("must be at most {MAX_BOOTSTRAP}"),
            ));
        }
        let incidents = index.set().incidents();
        let at = crate::surface::series::cell_positions(incidents, cells)?;
        let last = incidents
            .iter()
            .map(|i| i.date.end)
            .max()
            .ok_or_else(|| Error::invalid("index", 0, "holds no incident to score against"))?;
        let data_end = self.data_end.map_or(last, |d| d.min(last));
        // An origin before anything is known scores an empty map: left out.
        let first_known = incidents
            .iter()
            .map(|i| i.date.end)
            .min()
            .unwrap_or(data_end);
        let origins: Vec<Date> = self
            .origins(data_end)?
            .into_iter()
            .filter(|t| *t >= first_known)
            .collect();
        if origins.is_empty() {
            return Err(Error::invalid(
                "origins",
                format!("{} to {}", self.from, self.to),
                format!(
                    "hold no origin with its whole {}-day horizon inside the data, which run \
                     from {first_known} to {data_end}",
                    self.horizon_days
                ),
            ));
        }
        let areas: Vec<f64> = cells.iter().map(CellId::area_km2).collect();
        let h = i32::try_from(self.horizon_days).unwrap_or(i32::MAX);
        // The incidents in the scored cells.
        let located: Vec<u32> = (0u32..)
            .zip(&at)
            .filter(|(_, c)| c.is_some())
            .map(|(i, _)| i)
            .collect();
        // Day numbers once per incident (a date's day number is not free).
        let starts: Vec<i32> = incidents.iter().map(|i| day_number(i.date.start)).collect();
        let ends: Vec<i32> = incidents.iter().map(|i| day_number(i.date.end)).collect();
        let mids: Vec<f64> = starts
            .iter()
            .zip(&ends)
            .map(|(s, e)| f64::from(s + e) / 2.0)
            .collect();
        let start_of = |i: u32| starts[i as usize];
        let end_of = |i: u32| ends[i as usize];
        // Every incident feeds the surfaces (one outside the scored cells still raises the
        // cells near it, as on the map); only those in the cells are scored and counted.
        let mut by_known: Vec<u32> = (0u32..).take(incidents.len()).collect();
        by_known.sort_unstable_by_key(|&i| (end_of(i), i));
        let mut by_start = located;
        by_start.sort_unstable_by_key(|&i| (start_of(i), i));
        let cell_of = |i: u32| at[i as usize].unwrap_or(0);
        let deaths_of =
            |i: u32| u64::try_from(incidents[i as usize].fatalities.best.max(0)).unwrap_or(0);

        // The horizon's incidents per origin: (cell, deaths) of those starting in (t, t + h].
        let targets: Vec<Vec<(usize, u64)>> = origins
            .iter()
            .map(|o| {
                let t = day_number(*o);
                let first = by_start.partition_point(|&i| start_of(i) <= t);
                let last = by_start.partition_point(|&i| start_of(i) <= t + h);
                by_start[first..last]
                    .iter()
                    .map(|&i| (cell_of(i), deaths_of(i)))
                    .collect()
            })
            .collect();

        let n = cells.len();
        let mut methods: Vec<MethodScores> = Vec::new();
        let centres = RTree::bulk_load(
            cells
                .iter()
                .zip(0u32..)
                .map(|(c, k)| GeomWithData::new(unit_vector(c.centre()), k))
                .collect(),
        );
        // Every surface carried from origin to origin: multiplied by its decay over the
        // step, then each incident that became known added once, its cells found once for
        // the widest bandwidth and its distance shared by every configuration.
        let configs = &self.configs;
        let reach_2 = km_to_chord2(configs.iter().map(|c| c.bandwidth_km).fold(0.0, f64::max));
        let m = configs.len();
        if n.saturating_mul(m) > MAX_CELL_SURFACES {
            return Err(Error::invalid(
                "configs",
                m,
                format!(
                    "{m} surfaces on {n} cells would hold {} values, more than {MAX_CELL_SURFACES}: \
                     score fewer surfaces or fewer cells",
                    n.saturating_mul(m)
                ),
            ));
        }
        // Cell-major: a cell's values for every configuration side by side.
        let mut surfaces = vec![0.0f64; n * m];
        let mut per_origin: Vec<Vec<Scores>> = vec![Vec::with_capacity(origins.len()); m];
        // Each distinct kernel and bandwidth evaluated once per incident and cell.
        let mut shapes: Vec<(Kernel, f64)> = Vec::new();
        let shape_of: Vec<usize> = configs
            .iter()
            .map(|c| {
                let key = (c.kernel, c.bandwidth_km);
                shapes.iter().position(|s| *s == key).unwrap_or_else(|| {
                    shapes.push(key);
                    shapes.len() - 1
                })
            })
            .collect();
        // Add the incidents `part` (known by day `t`) into `out`.
        let add = |part: &[u32], t: i32, out: &mut [f64]| {
            let mut decays = vec![0.0f64; m];
            let mut values = vec![0.0f64; shapes.len()];
            for &i in part {
                let q = index.vector(i);
                let age = (f64::from(t) - mids[i as usize]).max(0.0);
                for (d, c) in decays.iter_mut().zip(configs) {
                    *d = c.decay(age);
                }
                for e in centres.locate_within_distance(q, reach_2) {
                    let km = chord2_to_km(dist2(&q, e.geom()));
                    for (v, (kernel, bandwidth)) in values.iter_mut().zip(&shapes) {
                        *v = kernel.value(km / bandwidth);
                    }
                    let at = e.data as usize * m;
                    for ((x, &shape), d) in out[at..at + m].iter_mut().zip(&shape_of).zip(&decays) {
                        *x += values[shape] * d;
                    }
                }
            }
        };
        let mut next = 0usize;
        let mut last_t: Option<i32> = None;
        let mut column = vec![0.0f64; n];
        let (mut da, mut db) = (vec![0.0f64; n * m], vec![0.0f64; n * m]);
        for (o, origin) in origins.iter().enumerate() {
            let t = day_number(*origin);
            if let Some(prev) = last_t {
                let factors: Vec<f64> = configs
                    .iter()
                    .map(|c| c.decay(f64::from(t - prev)))
                    .collect();
                if factors.iter().any(|&f| f != 1.0) {
                    for row in surfaces.chunks_exact_mut(m) {
                        row.iter_mut().zip(&factors).for_each(|(v, f)| *v *= f);
                    }
                }
            }
            last_t = Some(t);
            let known = next + by_known[next..].partition_point(|&i| end_of(i) <= t);
            let batch = &by_known[next..known];
            next = known;
            // Two halves, each summed on its own (beside each other with `parallel`), so the
            // sums are the same on one core or two.
            let (a, b) = batch.split_at(batch.len() / 2);
            da.iter_mut().for_each(|v| *v = 0.0);
            db.iter_mut().for_each(|v| *v = 0.0);
            #[cfg(feature = "parallel")]
            rayon::join(|| add(a, t, &mut da), || add(b, t, &mut db));
            #[cfg(not(feature = "parallel"))]
            {
                add(a, t, &mut da);
                add(b, t, &mut db);
            }
            for ((v, x), y) in surfaces.iter_mut().zip(&da).zip(&db) {
                *v += x + y;
            }
            for (k, out) in per_origin.iter_mut().enumerate() {
                for (c, v) in column.iter_mut().enumerate() {
                    *v = surfaces[c * m + k];
                }
                out.push(score(&column, &areas, &targets[o]));
            }
        }
        methods.extend(
            configs
                .iter()
                .zip(per_origin)
                .map(|(c, p)| method(c.name(), MethodKind::Kernel, Some(*c), p)),
        );

        // Persistence and history: counts of known incidents, in the last horizon or ever.
        let mut history = vec![0.0f64; n];
        let mut next = 0usize;
        let (mut persistence_scores, mut history_scores, mut uniform_scores) =
            (Vec::new(), Vec::new(), Vec::new());
        let flat = vec![1.0f64; n];
        for (o, origin) in origins.iter().enumerate() {
            let t = day_number(*origin);
            while next < by_known.len() && end_of(by_known[next]) <= t {
                if let Some(c) = at[by_known[next] as usize] {
                    history[c] += 1.0;
                }
                next += 1;
            }
            let mut recent = vec![0.0f64; n];
            let first = by_start.partition_point(|&i| start_of(i) <= t - h);
            for &i in &by_start[first..by_start.partition_point(|&i| start_of(i) <= t)] {
                if end_of(i) <= t {
                    recent[cell_of(i)] += 1.0;
                }
            }
            persistence_scores.push(score(&recent, &areas, &targets[o]));
            history_scores.push(score(&history, &areas, &targets[o]));
            uniform_scores.push(score(&flat, &areas, &targets[o]));
        }
        methods.push(method(
            "persistence".into(),
            MethodKind::Persistence,
            None,
            persistence_scores,
        ));
        methods.push(method(
            "history".into(),
            MethodKind::History,
            None,
            history_scores,
        ));
        methods.push(method(
            "uniform".into(),
            MethodKind::Uniform,
            None,
            uniform_scores,
        ));

        let best = methods
            .iter()
            .enumerate()
            .filter(|(_, m)| m.kind == MethodKind::Kernel)
            .filter_map(|(k, m)| Some((k, m.pooled.pai[AT_10]?, m.pooled.auc.unwrap_or(0.0))))
            .max_by(|x, y| {
                x.1.total_cmp(&y.1)
                    .then(x.2.total_cmp(&y.2))
                    .then(y.0.cmp(&x.0))
            })
            .map(|(k, ..)| k);
        let skill = best.and_then(|b| {
            let p = methods
                .iter()
                .position(|m| m.kind == MethodKind::Persistence)?;
            self.skill(&methods[b], &methods[p])
        });
        Ok(BacktestResult {
            params: self.clone(),
            origins,
            cells: n,
            methods,
            best,
            skill,
        })
    }

    /// The paired bootstrap of pooled PAI at 10%, `a` minus `b`, over the origins.
    fn skill(&self, a: &MethodScores, b: &MethodScores) -> Option<Skill> {
        let rows: Vec<(f64, f64, f64)> = a
            .per_origin
            .iter()
            .zip(&b.per_origin)
            .filter(|(x, _)| x.events > 0)
            .map(|(x, y)| {
                let hits = |s: &Scores| s.hit_rate[AT_10].unwrap_or(0.0) * s.events as f64;
                (hits(x), hits(y), x.events as f64)
            })
            .collect();
        let pooled = |pick: &mut dyn FnMut() -> usize, n: usize| {
            let (mut ha, mut hb, mut e) = (0.0, 0.0, 0.0);
            for _ in 0..n {
                let (x, y, w) = rows[pick()];
                ha += x;
                hb += y;
                e += w;
            }
            (ha - hb) / e / AREA_SHARES[AT_10]
        };
        if rows.is_empty() {
            return None;
        }
        let mut k = 0;
        let observed = pooled(
            &mut || {
                k += 1;
                k - 1
            },
            rows.len(),
        );
        // Blocks of consecutive origins as long as a horizon spans (at least 1).
        let step_days = match self.step {
            SliceLength::Month => 30,
            SliceLength::Quarter => 91,
            SliceLength::Year => 365,
        };
        let block = (self.horizon_days as usize)
            .div_ceil(step_days)
            .clamp(1, rows.len());
        // Fewer than five blocks of origins give no interval worth the name.
        let resamples = if rows.len() / block < MIN_BLOCKS {
            0
        } else {
            self.resamples
        };
        let mut rng = Pcg64Mcg::seed_from_u64(self.seed);
        let mut draws: Vec<f64> = (0..resamples)
            .map(|_| {
                let (mut start, mut left) = (0usize, 0usize);
                pooled(
                    &mut || {
                        if left == 0 {
                            start = rng.random_range(0..=rows.len() - block);
                            left = block;
                        }
                        left -= 1;
                        start + (block - 1 - left)
                    },
                    rows.len(),
                )
            })
            .collect();
        draws.sort_by(f64::total_cmp);
        let at = |q: f64| {
            let k = ((q * draws.len() as f64).floor() as usize).min(draws.len().saturating_sub(1));
            draws.get(k).copied()
        };
        Some(Skill {
            pai_10_difference: observed,
            low: at(0.05),
            high: at(0.95),
            resamples,
            block,
        })
    }
}

/// A method's pooled scores and spread from its per-origin scores.
fn method(
    name: String,
    kind: MethodKind,
    config: Option<SurfaceConfig>,
    per_origin: Vec<Scores>,
) -> MethodScores {
    let events: u64 = per_origin.iter().map(|s| s.events).sum();
    let deaths: u64 = per_origin.iter().map(|s| s.deaths).sum();
    let weighted = |f: &dyn Fn(&Scores) -> Option<f64>, w: &dyn Fn(&Scores) -> f64| {
        let total: f64 = per_origin.iter().map(w).sum();
        (total > 0.0).then(|| {
            per_origin
                .iter()
                .map(|s| f(s).unwrap_or(0.0) * w(s))
                .sum::<f64>()
                / total
        })
    };
    let by_events = |s: &Scores| s.events as f64;
    let by_deaths = |s: &Scores| s.deaths as f64;
    let hit_rate: [Option<f64>; 4] =
        std::array::from_fn(|p| weighted(&|s| s.hit_rate[p], &by_events));
    let pooled = Scores {
        events,
        deaths,
        pai: std::array::from_fn(|p| hit_rate[p].map(|h| h / AREA_SHARES[p])),
        hit_rate,
        death_hit_rate: std::array::from_fn(|p| weighted(&|s| s.death_hit_rate[p], &by_deaths)),
        precision: std::array::from_fn(|p| {
            let with: Vec<f64> = per_origin.iter().filter_map(|s| s.precision[p]).collect();
            (!with.is_empty()).then(|| with.iter().sum::<f64>() / with.len() as f64)
        }),
        recall: std::array::from_fn(|p| {
            let with: Vec<f64> = per_origin.iter().filter_map(|s| s.recall[p]).collect();
            (!with.is_empty()).then(|| with.iter().sum::<f64>() / with.len() as f64)
        }),
        auc: weighted(&|s| s.auc, &by_events),
    };
    let pai: Vec<f64> = per_origin.iter().filter_map(|s| s.pai[AT_10]).collect();
    let pai_10_sd = (pai.len() > 1).then(|| {
        let mean = pai.iter().sum::<f64>() / pai.len() as f64;
        (pai.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (pai.len() - 1) as f64).sqrt()
    });
    MethodScores {
        name,
        kind,
        config,
        per_origin,
        pooled,
        pai_10_sd,
    }
}

/// Score one ranking of the cells (`values`, higher is riskier) against the horizon's
/// incidents (`targets`: cell and deaths of each).
pub(crate) fn score(values: &[f64], areas: &[f64], targets: &[(usize, u64)]) -> Scores {
    let n = values.len();
    let mut events = vec![0u64; n];
    let mut deaths = vec![0u64; n];
    for &(c, d) in targets {
        events[c] += 1;
        deaths[c] += d;
    }
    let total_events: u64 = events.iter().sum();
    let total_deaths: u64 = deaths.iter().sum();
    let event_cells = events.iter().filter(|&&e| e > 0).count();
    let total_area: f64 = areas.iter().sum();
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| values[b].total_cmp(&values[a]));
    // Walk groups of equal value: area, events, deaths, cells, cells with events.
    let mut hits = [0.0f64; 4];
    let mut death_hits = [0.0f64; 4];
    let mut chosen_cells = [0.0f64; 4];
    let mut chosen_event_cells = [0.0f64; 4];
    let mut before = (0.0f64, 0u64, 0u64, 0usize, 0usize); // area, events, deaths, cells, event cells
    let mut auc = 0.0;
    let mut k = 0;
    while k < n {
        let v = values[order[k]];
        let mut end = k;
        let mut g = (0.0f64, 0u64, 0u64, 0usize, 0usize);
        while end < n && values[order[end]].total_cmp(&v).is_eq() {
            let c = order[end];
            g.0 += areas[c];
            g.1 += events[c];
            g.2 += deaths[c];
            g.3 += 1;
            g.4 += usize::from(events[c] > 0);
            end += 1;
        }
        for (p, share) in AREA_SHARES.iter().enumerate() {
            let budget = share * total_area;
            if before.0 < budget && g.0 > 0.0 {
                let f = ((budget - before.0) / g.0).min(1.0);
                hits[p] = before.1 as f64 + f * g.1 as f64;
                death_hits[p] = before.2 as f64 + f * g.2 as f64;
                chosen_cells[p] = before.3 as f64 + f * g.3 as f64;
                chosen_event_cells[p] = before.4 as f64 + f * g.4 as f64;
            }
        }
        if total_events > 0 && total_area > 0.0 {
            let x = g.0 / total_area;
            let y0 = before.1 as f64 / total_events as f64;
            let y1 = (before.1 + g.1) as f64 / total_events as f64;
            auc += x * (y0 + y1) / 2.0;
        }
        before = (
            before.0 + g.0,
            before.1 + g.1,
            before.2 + g.2,
            before.3 + g.3,
            before.4 + g.4,
        );
        k = end;
    }
    let rate = |x: f64, of: u64| (of > 0 && total_area > 0.0).then(|| x / of as f64);
    let hit_rate: [Option<f64>; 4] = std::array::from_fn(|p| rate(hits[p], total_events));
    Scores {
        events: total_events,
        deaths: total_deaths,
        pai: std::array::from_fn(|p| hit_rate[p].map(|h| h / AREA_SHARES[p])),
        hit_rate,
        death_hit_rate: std::array::from_fn(|p| rate(death_hits[p], total_deaths)),
        precision: std::array::from_fn(|p| {
            (total_events > 0 && chosen_cells[p] > 0.0)
                .then(|| chosen_event_cells[p] / chosen_cells[p])
        }),
        recall: std::array::from_fn(|p| {
            (event_cells > 0).then(|| chosen_event_cells[p] / event_cells as f64)
        }),
        auc: (total_events > 0 && total_area > 0.0).then_some(auc),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::incident::{DateSpan, Incident};
    use crate::index::BoundingBox;
    use crate::surface::Grid;
    use crate::validate::IncidentSet;
    use jiff::civil::date;

    fn day(d: Date, k: i64) -> Date {
        d.checked_add(jiff::Span::new().days(k)).expect("in range")
    }

    fn box_cells(west: f64, south: f64, east: f64, north: f64) -> Vec<CellId> {
        Grid::PrioGrid
            .cover(&BoundingBox::new(west, south, east, north).expect("box"))
            .expect("cells")
    }

    fn index_of(incidents: Vec<Incident>) -> IncidentIndex {
        let (set, report) = IncidentSet::validate(incidents);
        assert!(report.rejected.is_empty());
        IncidentIndex::new(&set)
    }

    /// The brute-force hit rate at `share`: cells by value, highest first, their areas
    /// accumulated up to the share, the cell that crosses it counted in part.
    fn brute_hit_rate(values: &[f64], areas: &[f64], counts: &[u64], share: f64) -> f64 {
        let mut order: Vec<usize> = (0..values.len()).collect();
        order.sort_by(|&a, &b| values[b].partial_cmp(&values[a]).expect("no NaN"));
        let budget = share * areas.iter().sum::<f64>();
        let (mut area, mut hits) = (0.0, 0.0);
        for c in order {
            let take = (budget - area).clamp(0.0, areas[c]);
            hits += counts[c] as f64 * take / areas[c];
            area += areas[c];
        }
        hits / counts.iter().sum::<u64>() as f64
    }

    #[test]
    fn hit_rate_and_pai_equal_a_brute_force_ranking_on_random_surfaces() {
        let mut rng = Pcg64Mcg::seed_from_u64(3);
        for round in 0..50 {
            let n = rng.random_range(5..300);
            let values: Vec<f64> = (0..n).map(|_| rng.random_range(0.0..10.0)).collect();
            let areas: Vec<f64> = (0..n).map(|_| rng.random_range(100.0..3000.0)).collect();
            let targets: Vec<(usize, u64)> = (0..rng.random_range(1..200))
                .map(|_| (rng.random_range(0..n), rng.random_range(0..5)))
                .collect();
            let mut counts = vec![0u64; n];
            for &(c, _) in &targets {
                counts[c] += 1;
            }
            let s = score(&values, &areas, &targets);
            for (p, share) in AREA_SHARES.iter().enumerate() {
                let brute = brute_hit_rate(&values, &areas, &counts, *share);
                let got = s.hit_rate[p].expect("events");
                assert!((got - brute).abs() < 1e-12, "round {round} share {share}");
                let pai = s.pai[p].expect("events");
                assert!((pai - brute / share).abs() < 1e-9);
            }
            // The AUC is the hit-rate curve's integral: a fine sum of brute-force hit rates.
            let steps = 1000;
            let integral: f64 = (0..steps)
                .map(|k| {
                    let x = (k as f64 + 0.5) / steps as f64;
                    brute_hit_rate(&values, &areas, &counts, x)
                })
                .sum::<f64>()
                / steps as f64;
            assert!(
                (s.auc.expect("events") - integral).abs() < 1e-3,
                "round {round}"
            );
        }
    }

    #[test]
    fn tied_cells_count_their_expected_share() {
        // Four cells of equal area and value, one holding 4 events: any 10% of the area is
        // 0.4 of a cell, and the expected hits over random orders of the ties are 10%.
        let s = score(&[1.0; 4], &[1.0; 4], &[(2, 0), (2, 0), (2, 0), (2, 0)]);
        assert!((s.hit_rate[2].expect("events") - 0.10).abs() < 1e-12);
        assert!((s.auc.expect("events") - 0.5).abs() < 1e-12);
        assert!((s.recall[3].expect("events") - 0.2).abs() < 1e-12);
        assert!((s.precision[3].expect("events") - 0.25).abs() < 1e-12);
        // No events: no rates.
        let none = score(&[1.0, 2.0], &[1.0, 1.0], &[]);
        assert_eq!((none.hit_rate[0], none.auc), (None, None));
    }

    /// `per_month` incidents a month for `months` months from 2022-01-01, each placed by
    /// `place(month, k)`.
    fn monthly(
        per_month: usize,
        months: i64,
        place: impl Fn(i64, usize) -> (f64, f64),
    ) -> Vec<Incident> {
        let mut out = Vec::new();
        for m in 0..months {
            for k in 0..per_month {
                let d = day(date(2022, 1, 1), m * 30 + (k as i64 % 28));
                let (lon, lat) = place(m, k);
                let mut i = Incident::new(format!("m{m}-{k}").as_str(), lon, lat, DateSpan::day(d));
                i.fatalities.best = (k % 3) as i32;
                out.push(i);
            }
        }
        out
    }

    fn configs() -> Backtest {
        Backtest::new(date(2022, 7, 1), date(2023, 6, 30), 30)
            .expect("valid")
            .grid(&[Kernel::Quartic], &[60.0], &[Some(30.0), None])
            .expect("valid")
    }

    #[test]
    fn a_static_hotspot_is_found_by_the_kernel_and_by_persistence() {
        let mut rng = Pcg64Mcg::seed_from_u64(11);
        let jitter: Vec<(f64, f64)> = (0..2000)
            .map(|_| (rng.random_range(-0.05..0.05), rng.random_range(-0.05..0.05)))
            .collect();
        let incidents = monthly(40, 24, |m, k| {
            let (dx, dy) = jitter[(m as usize * 40 + k) % jitter.len()];
            (2.25 + dx, 5.25 + dy)
        });
        let cells = box_cells(0.0, 0.0, 10.0, 10.0);
        let r = configs().run(&index_of(incidents), &cells).expect("runs");
        assert_eq!(r.origins.len(), 12);
        for m in &r.methods {
            let hr = m.pooled.hit_rate[2].expect("events");
            match m.kind {
                MethodKind::Uniform => assert!((hr - 0.10).abs() < 1e-9),
                _ => assert!(hr > 0.99, "{}: {hr}", m.name),
            }
        }
        // The maximum PAI at 1% is 100: every incident in the first 1% of the area, by the
        // kernels, by persistence and by history.
        for m in r.methods.iter().filter(|m| m.kind != MethodKind::Uniform) {
            assert!(m.pooled.pai[0].expect("events") > 99.0, "{}", m.name);
        }
    }

    #[test]
    fn a_moving_hotspot_is_followed_better_with_decay_than_without() {
        // The hotspot moves 0.375° east a month along 5.25° N.
        let incidents = monthly(40, 24, |m, k| {
            (0.25 + 0.5 * m as f64 * 0.75 + 0.002 * k as f64, 5.25)
        });
        let cells = box_cells(0.0, 0.0, 20.0, 10.0);
        let r = configs().run(&index_of(incidents), &cells).expect("runs");
        let (decay, none) = (&r.methods[0], &r.methods[1]);
        assert_eq!(decay.config.and_then(|c| c.half_life_days), Some(30.0));
        assert_eq!(none.config.and_then(|c| c.half_life_days), None);
        let hr = |m: &MethodScores| m.pooled.hit_rate[0].expect("events");
        assert!(hr(decay) > hr(none) + 0.2, "{} vs {}", hr(decay), hr(none));
        assert_eq!(r.best, Some(0));
    }

    #[test]
    fn pure_noise_scores_chance_for_every_method() {
        let mut rng = Pcg64Mcg::seed_from_u64(5);
        let places: Vec<(f64, f64)> = (0..24 * 300)
            .map(|_| (rng.random_range(0.0..10.0), rng.random_range(0.0..10.0)))
            .collect();
        let incidents = monthly(300, 24, |m, k| places[m as usize * 300 + k]);
        let cells = box_cells(0.0, 0.0, 10.0, 10.0);
        let r = configs().run(&index_of(incidents), &cells).expect("runs");
        for m in &r.methods {
            let hr = m.pooled.hit_rate[2].expect("events");
            let pai = m.pooled.pai[2].expect("events");
            assert!((hr - 0.10).abs() < 0.02, "{}: {hr}", m.name);
            assert!((pai - 1.0).abs() < 0.2, "{}: {pai}", m.name);
            let auc = m.pooled.auc.expect("events");
            assert!((auc - 0.5).abs() < 0.03, "{}: {auc}", m.name);
        }
    }

    #[test]
    fn the_surface_reached_origin_by_origin_equals_the_direct_computation() {
        let mut rng = Pcg64Mcg::seed_from_u64(9);
        let places: Vec<(f64, f64)> = (0..24 * 30)
            .map(|_| (rng.random_range(0.0..4.0), rng.random_range(0.0..4.0)))
            .collect();
        // Some just outside the scored box: they raise the cells near them, as on the map.
        let mut incidents = monthly(30, 24, |m, k| {
            let (lon, lat) = places[m as usize * 30 + k];
            if k % 7 == 0 {
                (4.2 + lon / 20.0, lat)
            } else {
                (lon, lat)
            }
        });
        // A span: known only from its last day.
        incidents[5].date = DateSpan::new(date(2022, 6, 20), date(2022, 8, 10));
        let index = index_of(incidents);
        let cells = box_cells(0.0, 0.0, 4.0, 4.0);
        let b = configs();
        let r = b.run(&index, &cells).expect("runs");
        let areas: Vec<f64> = cells.iter().map(CellId::area_km2).collect();
        for (o, origin) in r.origins.iter().enumerate() {
            let t = day_number(*origin);
            let targets: Vec<(usize, u64)> = index
                .set()
                .incidents()
                .iter()
                .filter(|i| {
                    let s = day_number(i.date.start);
                    s > t && s <= t + 30
                })
                .filter_map(|i| {
                    let c = Grid::PrioGrid.cell_of(i.lon, i.lat).expect("cell");
                    let at = cells.iter().position(|x| *x == c)?;
                    Some((at, u64::try_from(i.fatalities.best).unwrap_or(0)))
                })
                .collect();
            for (m, config) in b.surface_configs().iter().enumerate() {
                let direct = score(&config.values_at(&index, &cells, *origin), &areas, &targets);
                let got = &r.methods[m].per_origin[o];
                for p in 0..4 {
                    let (x, y) = (
                        got.hit_rate[p].unwrap_or(-1.0),
                        direct.hit_rate[p].unwrap_or(-1.0),
                    );
                    assert!((x - y).abs() < 1e-9, "origin {origin} config {m}");
                }
            }
        }
    }

    #[test]
    fn an_incident_after_the_origin_never_changes_its_surface() {
        let mut rng = Pcg64Mcg::seed_from_u64(21);
        let places: Vec<(f64, f64)> = (0..24 * 30)
            .map(|_| (rng.random_range(0.0..4.0), rng.random_range(0.0..4.0)))
            .collect();
        let base = monthly(30, 24, |m, k| places[m as usize * 30 + k]);
        let origin = date(2022, 9, 1);
        let cells = box_cells(0.0, 0.0, 4.0, 4.0);
        // Two incidents the origin cannot know: one that started before it but ends after
        // (not in the surface, and not in the horizon), one after the horizon.
        let mut late = base.clone();
        let mut spanning = Incident::new("spanning", 1.1, 1.1, DateSpan::day(origin));
        spanning.date = DateSpan::new(day(origin, -3), day(origin, 2));
        late.push(spanning);
        late.push(Incident::new(
            "after",
            3.3,
            3.3,
            DateSpan::day(day(origin, 40)),
        ));
        let b = Backtest::new(origin, origin, 30).expect("valid");
        let without = b.run(&index_of(base.clone()), &cells).expect("runs");
        let with = b.run(&index_of(late.clone()), &cells).expect("runs");
        assert_eq!(without.origins, [origin]);
        for (x, y) in without.methods.iter().zip(&with.methods) {
            assert_eq!(x.per_origin, y.per_origin, "{}", x.name);
        }
        // An incident in the horizon, alone in an empty corner: were it in the surface, its
        // cell would rank first; it is missed instead, by every method but uniform's share.
        let mut lone = base.clone();
        lone.push(Incident::new(
            "lone",
            9.6,
            9.6,
            DateSpan::day(day(origin, 10)),
        ));
        let wide = box_cells(0.0, 0.0, 10.0, 10.0);
        let before = b.run(&index_of(base.clone()), &wide).expect("runs");
        let after = b.run(&index_of(lone), &wide).expect("runs");
        for (x, y) in before.methods.iter().zip(&after.methods) {
            if x.kind == MethodKind::Uniform {
                continue;
            }
            let (hx, ex) = (
                x.per_origin[0].hit_rate[0].expect("events"),
                x.per_origin[0].events,
            );
            let hy = y.per_origin[0].hit_rate[0].expect("events");
            assert_eq!(y.per_origin[0].events, ex + 1);
            assert!(
                (hy - hx * ex as f64 / (ex + 1) as f64).abs() < 1e-12,
                "{}",
                x.name
            );
        }
        let config = b.surface_configs()[0];
        assert_eq!(
            config.values_at(&index_of(base), &cells, origin),
            config.values_at(&index_of(late), &cells, origin)
        );
    }

    #[test]
    fn parameters_are_checked_when_set() {
        assert!(Backtest::new(date(2023, 1, 1), date(2022, 1, 1), 30).is_err());
        assert!(Backtest::new(date(2022, 1, 1), date(2023, 1, 1), 0).is_err());
        let b = Backtest::new(date(2022, 1, 1), date(2023, 1, 1), 30).expect("valid");
        assert!(b.clone().configs(Vec::new()).is_err());
        assert!(
            b.clone()
                .grid(&[Kernel::Quartic], &[50.0], &[Some(-1.0)])
                .is_err()
        );
        assert!(b.clone().bootstrap(MAX_BOOTSTRAP + 1, 1).is_err());
        // Origins stop where the horizon would run past the data.
        assert_eq!(b.origins(date(2022, 3, 31)).expect("few").len(), 3);
        let too_many = Backtest::new(date(1800, 1, 1), date(2023, 1, 1), 30).expect("valid");
        assert!(too_many.origins(date(2024, 1, 1)).is_err());
        let quarterly = b.step(SliceLength::Quarter);
        assert_eq!(
            quarterly.origins(date(2024, 1, 1)).expect("few"),
            [
                date(2022, 1, 1),
                date(2022, 4, 1),
                date(2022, 7, 1),
                date(2022, 10, 1),
                date(2023, 1, 1)
            ]
        );
    }
}
