//! Getis-Ord Gi* hot spots (Ord & Getis 1995) on cell values, and emerging hot spots: the
//! space-time Gi* of cells × time slices with a Mann-Kendall trend on each cell's z-scores.

use geo::Point;
use rand::{RngExt, SeedableRng};
use rand_pcg::Pcg64Mcg;
use rstar::RTree;
use rstar::primitives::GeomWithData;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::geodesy::{km_to_chord2, unit_vector};
use crate::stats::{MannKendall, benjamini_hochberg, normal_two_sided_p};

/// Which cells are a cell's neighbours. Every cell is its own neighbour too (the "star"),
/// and weights are binary: 1 for a neighbour, 0 otherwise.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Neighbours {
    /// Cells whose centres are within this great-circle distance, km.
    DistanceBand {
        /// The band, km.
        km: f64,
    },
    /// The k nearest other cells (ties at the k-th distance broken by position in the list).
    KNearest {
        /// How many.
        k: usize,
    },
}

/// The Getis-Ord Gi* local statistic, computed as PySAL's `esda.G_Local(star=True)` with
/// binary weights: for cell i with neighbourhood weight W_i (its neighbours plus itself) among
/// N cells,
///
/// - G_i = Σ_j w_ij y_j / Σ_j y_j,
/// - `E[G_i] = W_i / N`,
/// - `Var[G_i] = W_i (N − W_i) / (N − 1) / N² · s² / ȳ²`, with ȳ and s² the mean and
///   (population) variance of y,
/// - `z_i = (G_i − E[G_i]) / √Var[G_i]`, and the two-sided p-value of z_i.
///
/// With permutations, each cell's pseudo p-value comes from conditional randomisation: its
/// own value fixed, its neighbours drawn at random from the other cells (seeded, so runs
/// repeat exactly); `p_sim = (m + 1) / (permutations + 1)` with m the number of draws at least
/// as extreme on the side of the observed value (PySAL's folded definition). A cell whose
/// neighbourhood is itself alone, or every cell, has nothing to permute: its `p_sim` is 1.
///
/// ```
/// use conflict_risk::{GiStar, Neighbours, geo::Point};
/// // A 5 × 5 grid of cells 10 km apart with a hot corner.
/// let mut centres = Vec::new();
/// let mut values = Vec::new();
/// for r in 0..5 {
///     for c in 0..5 {
///         centres.push(Point::new(c as f64 * 0.0915, 10.0 + r as f64 * 0.09));
///         values.push(if r < 2 && c < 2 { 50.0 } else { 1.0 + ((r * 5 + c) % 3) as f64 });
///     }
/// }
/// let gi = GiStar::new(Neighbours::DistanceBand { km: 15.0 })?.run(&centres, &values)?;
/// assert!(gi.cells[0].z > 2.0 && gi.cells[0].bin > 0);
/// assert!(gi.cells[24].z < 0.0);
/// assert_eq!(gi.params.neighbourhood(), Neighbours::DistanceBand { km: 15.0 });
/// # Ok::<(), conflict_risk::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GiStar {
    neighbours: Neighbours,
    permutations: usize,
    seed: u64,
    fdr: bool,
}

impl std::fmt::Display for Neighbours {
    /// "cells within 50 km" or "the 6 nearest cells".
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Neighbours::DistanceBand { km } => write!(f, "cells within {km} km"),
            Neighbours::KNearest { k } => write!(f, "the {k} nearest cells"),
        }
    }
}

/// The most (cell, neighbour) pairs a Gi* neighbourhood list may hold: 50 million (200 MB).
/// A band wide enough to make every cell every other's neighbour is refused before it fills
/// the memory.
pub const MAX_NEIGHBOUR_PAIRS: usize = 50_000_000;

/// The most values the conditional permutations of one [`GiStar::run`] may draw
/// (permutations × the neighbours of every cell): one billion, about a minute on one core.
/// More is refused before the work starts, with the figure.
pub const MAX_PERMUTATION_DRAWS: u64 = 1_000_000_000;

/// The most conditional permutations [`GiStar::permutations`] accepts: 99,999.
pub const MAX_GI_PERMUTATIONS: usize = 99_999;

/// Gi* of every cell, made by [`GiStar::run`].
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct HotSpots {
    /// What made it.
    pub params: GiStar,
    /// One entry per cell, in the order given.
    pub cells: Vec<GiCell>,
}

/// Gi* of one cell.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct GiCell {
    /// G_i*.
    pub g: f64,
    /// `E[G_i*]` under no clustering.
    pub expected: f64,
    /// `Var[G_i*]`.
    pub variance: f64,
    /// z-score; 0 when the neighbourhood is every cell (the variance is then 0).
    pub z: f64,
    /// Two-sided p-value of z.
    pub p: f64,
    /// Benjamini–Hochberg adjusted p over all cells.
    pub q: f64,
    /// Pseudo p-value from conditional permutations, when asked for.
    pub p_sim: Option<f64>,
    /// Neighbourhood size W_i, the cell included.
    pub neighbours: usize,
    /// Hot (+) or cold (−) at 99% (±3), 95% (±2), 90% (±1), or 0: ArcGIS's `Gi_Bin`. Judged on
    /// `p`, or on `q` with [`GiStar::fdr`].
    pub bin: i8,
}

impl GiStar {
    /// Gi* over `neighbours` (a band must be finite and above 0 km, k at least 1), analytic
    /// p-values only, no false-discovery correction of the bins.
    pub fn new(neighbours: Neighbours) -> Result<Self> {
        match neighbours {
            Neighbours::DistanceBand { km } if !km.is_finite() || km <= 0.0 => {
                return Err(Error::invalid("band km", km, "must be finite and above 0"));
            }
            Neighbours::KNearest { k: 0 } => {
                return Err(Error::invalid("k", 0, "ask for at least one neighbour"));
            }
            _ => {}
        }
        Ok(GiStar {
            neighbours,
            permutations: 0,
            seed: 0x5EED,
            fdr: false,
        })
    }

    /// Also compute pseudo p-values from this many conditional permutations (e.g. 999; 0
    /// for none, at most [`MAX_GI_PERMUTATIONS`]). Each costs one draw of a neighbourhood per
    /// cell: 9,999 took 42 s on 1,504 incidents.
    pub fn permutations(mut self, permutations: usize) -> Result<Self> {
        if permutations > MAX_GI_PERMUTATIONS {
            return Err(Error::invalid(
                "permutations",
                permutations,
                format!("must be at most {MAX_GI_PERMUTATIONS}"),
            ));
        }
        self.permutations = permutations;
        Ok(self)
    }

    /// Seed of the permutations.
    #[must_use]
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// Judge the bins on Benjamini–Hochberg adjusted p-values (ArcGIS's FDR correction).
    #[must_use]
    pub fn fdr(mut self, on: bool) -> Self {
        self.fdr = on;
        self
    }

    /// The neighbourhood rule.
    #[must_use]
    pub fn neighbourhood(&self) -> Neighbours {
        self.neighbours
    }

    /// Gi* of every cell, from cell centres (lon/lat) and one finite value per cell.
    pub fn run(&self, centres: &[Point<f64>], values: &[f64]) -> Result<HotSpots> {
        if centres.len() != values.len() {
            return Err(Error::invalid(
                "values",
                values.len(),
                format!("needs one value per cell ({} cells)", centres.len()),
            ));
        }
        let hoods = neighbourhoods(centres, self.neighbours)?;
        let n = centres.len();
        let draws = (self.permutations as u64).saturating_mul(
            hoods
                .iter()
                .filter(|h| !fixed_under_permutation(h.len(), n))
                .map(|h| h.len().saturating_sub(1) as u64)
                .sum::<u64>(),
        );
        if draws > MAX_PERMUTATION_DRAWS {
            return Err(Error::invalid(
                "permutations",
                self.permutations,
                format!(
                    "over {} cells and their neighbours they would draw {draws} values, more than \
                     the limit of {MAX_PERMUTATION_DRAWS}: use fewer permutations or a smaller neighbourhood",
                    centres.len()
                ),
            ));
        }
        let moments = Moments::of(values)?;
        // The other cells of cell i, in order: cell 0's to start with, then one entry changes
        // from each cell to the next (building the list anew for every cell was quadratic).
        let mut others: Vec<u32> = if self.permutations > 0 {
            (1..centres.len() as u32).collect()
        } else {
            Vec::new()
        };
        let mut cells: Vec<GiCell> = hoods
            .iter()
            .enumerate()
            .map(|(i, hood)| {
                let sum: f64 = hood.iter().map(|&j| values[j as usize]).sum();
                let (g, expected, variance, z) = moments.gi(sum, hood.len());
                if i > 0 && !others.is_empty() {
                    others[i - 1] = (i - 1) as u32;
                }
                let p_sim = (self.permutations > 0)
                    .then(|| self.pseudo_p(values, &moments, &mut others, i, hood.len(), g));
                GiCell {
                    g,
                    expected,
                    variance,
                    z,
                    p: normal_two_sided_p(z),
                    q: 1.0,
                    p_sim,
                    neighbours: hood.len(),
                    bin: 0,
                }
            })
            .collect();
        let p: Vec<f64> = cells.iter().map(|c| c.p).collect();
        for (c, q) in cells.iter_mut().zip(benjamini_hochberg(&p)) {
            c.q = q;
            c.bin = gi_bin(c.z, if self.fdr { q } else { c.p });
        }
        Ok(HotSpots {
            params: self.clone(),
            cells,
        })
    }

    /// Conditional permutation: cell `i` keeps its value, `w − 1` of `others` (every other
    /// cell, in order) are drawn without replacement (a partial Fisher–Yates shuffle, undone
    /// after each draw, so `others` comes back as it went in).
    fn pseudo_p(
        &self,
        y: &[f64],
        m: &Moments,
        others: &mut [u32],
        i: usize,
        w: usize,
        g: f64,
    ) -> f64 {
        if fixed_under_permutation(w, others.len() + 1) {
            return 1.0;
        }
        let k = w - 1;
        let mut rng =
            Pcg64Mcg::seed_from_u64(self.seed ^ (i as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15));
        let mut swaps: Vec<usize> = Vec::with_capacity(k);
        let mut at_least = 0usize;
        for _ in 0..self.permutations {
            swaps.clear();
            let mut sum = y[i];
            for s in 0..k {
                let r = rng.random_range(s..others.len());
                others.swap(s, r);
                swaps.push(r);
                sum += y[others[s] as usize];
            }
            if sum / m.sum >= g {
                at_least += 1;
            }
            for (s, &r) in swaps.iter().enumerate().rev() {
                others.swap(s, r);
            }
        }
        let larger = at_least.min(self.permutations - at_least);
        (larger as f64 + 1.0) / (self.permutations as f64 + 1.0)
    }
}

/// Whether every conditional permutation of a neighbourhood of `w` cells (itself included)
/// among `n` cells gives back the observed G_i*: a cell alone in its neighbourhood keeps only
/// its own value, and a neighbourhood of every cell always sums to the total. Such a cell's
/// pseudo p-value is 1 (the draws carry no evidence), not the smallest p the count of draws
/// allows, which a literal count of "draws at least as extreme, folded" would give.
fn fixed_under_permutation(w: usize, n: usize) -> bool {
    w <= 1 || w >= n
}

/// ArcGIS's Gi_Bin: ±3 at p ≤ 0.01, ±2 at p ≤ 0.05, ±1 at p ≤ 0.10, signed by z.
fn gi_bin(z: f64, p: f64) -> i8 {
    let level = if p <= 0.01 {
        3
    } else if p <= 0.05 {
        2
    } else if p <= 0.10 {
        1
    } else {
        0
    };
    if z > 0.0 {
        level
    } else if z < 0.0 {
        -level
    } else {
        0
    }
}

/// The global moments Gi* needs.
struct Moments {
    n: f64,
    sum: f64,
    /// s² / ȳ².
    relative_variance: f64,
}

impl Moments {
    fn of(y: &[f64]) -> Result<Self> {
        if let Some(v) = y.iter().find(|v| !v.is_finite()) {
            return Err(Error::invalid("values", v, "every value must be finite"));
        }
        let n = y.len() as f64;
        let sum: f64 = y.iter().sum();
        let mean = sum / n;
        let mean_sq = y.iter().map(|v| v * v).sum::<f64>() / n;
        let var = mean_sq - mean * mean;
        if y.len() < 2 || sum.is_nan() || sum <= 0.0 || var.is_nan() || var <= 0.0 {
            return Err(Error::invalid(
                "values",
                format!("{} cells summing to {sum}", y.len()),
                "Gi* needs at least 2 cells, a positive total and values that are not all equal",
            ));
        }
        Ok(Moments {
            n,
            sum,
            relative_variance: var / (mean * mean),
        })
    }

    /// (G, E[G], Var[G], z) for a neighbourhood of weight `w` whose values sum to `hood_sum`.
    fn gi(&self, hood_sum: f64, w: usize) -> (f64, f64, f64, f64) {
        let w = w as f64;
        let g = hood_sum / self.sum;
        let expected = w / self.n;
        let variance =
            w * (self.n - w) / (self.n - 1.0) / (self.n * self.n) * self.relative_variance;
        let z = if variance > 0.0 {
            (g - expected) / variance.sqrt()
        } else {
            0.0
        };
        (g, expected, variance, z)
    }
}

/// Each cell's neighbourhood (itself included), sorted by position.
fn neighbourhoods(centres: &[Point<f64>], rule: Neighbours) -> Result<Vec<Vec<u32>>> {
    for c in centres {
        crate::index::check_point(*c)?;
    }
    let tree: RTree<GeomWithData<[f64; 3], u32>> = RTree::bulk_load(
        centres
            .iter()
            .zip(0u32..)
            .map(|(c, i)| GeomWithData::new(unit_vector(*c), i))
            .collect(),
    );
    // Refuse before the work when a sample of the neighbourhoods says the whole would be over
    // the limit: counting up to it takes seconds at fine resolutions.
    let too_many = |pairs: usize| {
        Error::invalid(
            "neighbours",
            rule,
            format!(
                "the neighbourhoods of {} cells hold about {pairs} (cell, neighbour) pairs, over \
                 {MAX_NEIGHBOUR_PAIRS} (the limit, about {} MB): use a smaller band, fewer \
                 neighbours or fewer cells",
                centres.len(),
                MAX_NEIGHBOUR_PAIRS * 4 / 1_000_000
            ),
        )
    };
    let n = centres.len();
    let estimate = match rule {
        Neighbours::KNearest { k } => n.saturating_mul(k.saturating_add(1).min(n)),
        Neighbours::DistanceBand { km } => {
            let step = (n / 64).max(1);
            let sampled: Vec<usize> = (0..n)
                .step_by(step)
                .map(|i| {
                    tree.locate_within_distance(unit_vector(centres[i]), km_to_chord2(km))
                        .count()
                })
                .collect();
            let total: usize = sampled.iter().sum();
            total.saturating_mul(n) / sampled.len().max(1)
        }
    };
    // A sample can miss; only a clear excess is refused here, the count below is exact.
    if estimate / 2 > MAX_NEIGHBOUR_PAIRS {
        return Err(too_many(estimate));
    }
    let mut hoods = Vec::with_capacity(centres.len());
    let mut pairs = 0usize;
    for (i, c) in centres.iter().enumerate() {
        let hood = {
            let q = unit_vector(*c);
            let mut hood: Vec<u32> = match rule {
                Neighbours::DistanceBand { km } => tree
                    .locate_within_distance(q, km_to_chord2(km))
                    .map(|e| e.data)
                    .collect(),
                Neighbours::KNearest { k } => {
                    // Take k, then any tied with the k-th, so the tie-break below is exact.
                    let mut found: Vec<(f64, u32)> = Vec::new();
                    for (e, d2) in tree.nearest_neighbor_iter_with_distance_2(&q) {
                        if e.data as usize == i {
                            continue;
                        }
                        if found.len() >= k && found.last().is_some_and(|&(last, _)| d2 > last) {
                            break;
                        }
                        found.push((d2, e.data));
                    }
                    found.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
                    found.truncate(k);
                    let mut hood: Vec<u32> = found.into_iter().map(|(_, j)| j).collect();
                    hood.push(i as u32);
                    hood
                }
            };
            hood.sort_unstable();
            hood.dedup();
            hood
        };
        pairs = pairs.saturating_add(hood.len());
        if pairs > MAX_NEIGHBOUR_PAIRS {
            return Err(too_many(pairs.saturating_mul(n) / (i + 1)));
        }
        hoods.push(hood);
    }
    Ok(hoods)
}

/// The pattern of a cell's hot (or cold) spots over time, as ArcGIS's Emerging Hot Spot
/// Analysis defines them. "Hot" below means a significant positive space-time Gi* z-score in a
/// slice, "cold" a significant negative one, and "most" at least 90% of the slices.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum EmergingClass {
    /// No hot or cold pattern.
    NoPattern,
    /// Hot in the last slice only, never before.
    NewHotSpot,
    /// One uninterrupted run of at least two hot slices ending in the last, never hot before
    /// the run, hot in less than 90% of slices.
    ConsecutiveHotSpot,
    /// Hot in most slices including the last, with a significant upward Mann-Kendall trend in
    /// the z-scores.
    IntensifyingHotSpot,
    /// Hot in most slices, with no significant trend.
    PersistentHotSpot,
    /// Hot in most slices including the last, with a significant downward trend.
    DiminishingHotSpot,
    /// On-again, off-again: hot in some slices (less than 90%), never cold.
    SporadicHotSpot,
    /// Hot in the last slice, cold in some earlier one, hot in less than 90% of slices.
    OscillatingHotSpot,
    /// Not hot in the last slice, hot in most of the others.
    HistoricalHotSpot,
    /// Cold in the last slice only, never before.
    NewColdSpot,
    /// The cold counterpart of [`ConsecutiveHotSpot`](Self::ConsecutiveHotSpot).
    ConsecutiveColdSpot,
    /// Cold in most slices including the last, z-scores trending significantly down.
    IntensifyingColdSpot,
    /// Cold in most slices, no significant trend.
    PersistentColdSpot,
    /// Cold in most slices including the last, z-scores trending significantly up.
    DiminishingColdSpot,
    /// Cold in some slices (less than 90%), never hot.
    SporadicColdSpot,
    /// Cold in the last slice, hot in some earlier one, cold in less than 90% of slices.
    OscillatingColdSpot,
    /// Not cold in the last slice, cold in most of the others.
    HistoricalColdSpot,
}

impl EmergingClass {
    /// Classify one cell from its per-slice z-scores and p-values (time order), at significance
    /// `alpha` for both the slices and the Mann-Kendall trend.
    ///
    /// ```
    /// use conflict_risk::surface::EmergingClass;
    /// let z = [0.1, 0.3, -0.2, 0.0, 3.1];
    /// let p = [0.92, 0.76, 0.84, 1.0, 0.0019];
    /// assert_eq!(EmergingClass::classify(&z, &p, 0.05)?, EmergingClass::NewHotSpot);
    /// # Ok::<(), conflict_risk::Error>(())
    /// ```
    pub fn classify(z: &[f64], p: &[f64], alpha: f64) -> Result<EmergingClass> {
        if z.len() != p.len() || z.is_empty() {
            return Err(Error::invalid(
                "series",
                format!("{} z-scores, {} p-values", z.len(), p.len()),
                "needs one p-value per z-score and at least one slice",
            ));
        }
        let hot: Vec<bool> = z
            .iter()
            .zip(p)
            .map(|(&z, &p)| z > 0.0 && p <= alpha)
            .collect();
        let cold: Vec<bool> = z
            .iter()
            .zip(p)
            .map(|(&z, &p)| z < 0.0 && p <= alpha)
            .collect();
        let trend = if z.len() >= 2 {
            MannKendall::test(z)?.direction(alpha)
        } else {
            None
        };
        use EmergingClass as E;
        if let Some(class) = pattern(&hot, &cold, trend) {
            return Ok(match class {
                Pattern::New => E::NewHotSpot,
                Pattern::Consecutive => E::ConsecutiveHotSpot,
                Pattern::Intensifying => E::IntensifyingHotSpot,
                Pattern::Persistent => E::PersistentHotSpot,
                Pattern::Diminishing => E::DiminishingHotSpot,
                Pattern::Sporadic => E::SporadicHotSpot,
                Pattern::Oscillating => E::OscillatingHotSpot,
                Pattern::Historical => E::HistoricalHotSpot,
            });
        }
        // Cold spots: the same rules with hot and cold swapped and the trend reversed.
        if let Some(class) = pattern(&cold, &hot, trend.map(|up| !up)) {
            return Ok(match class {
                Pattern::New => E::NewColdSpot,
                Pattern::Consecutive => E::ConsecutiveColdSpot,
                Pattern::Intensifying => E::IntensifyingColdSpot,
                Pattern::Persistent => E::PersistentColdSpot,
                Pattern::Diminishing => E::DiminishingColdSpot,
                Pattern::Sporadic => E::SporadicColdSpot,
                Pattern::Oscillating => E::OscillatingColdSpot,
                Pattern::Historical => E::HistoricalColdSpot,
            });
        }
        Ok(E::NoPattern)
    }
}

enum Pattern {
    New,
    Consecutive,
    Intensifying,
    Persistent,
    Diminishing,
    Sporadic,
    Oscillating,
    Historical,
}

/// The rules for "hot" (`on`), with `off` the opposite kind and `up` the trend of the
/// z-scores towards `on` (`Some(true)` intensifying).
fn pattern(on: &[bool], off: &[bool], up: Option<bool>) -> Option<Pattern> {
    let t = on.len();
    let count = on.iter().filter(|&&h| h).count();
    if count == 0 {
        return None;
    }
    let most = count as f64 >= 0.9 * t as f64;
    let last = on[t - 1];
    if !last {
        return Some(if most {
            Pattern::Historical
        } else if !off.iter().any(|&c| c) {
            Pattern::Sporadic
        } else {
            return None;
        });
    }
    if most {
        return Some(match up {
            Some(true) => Pattern::Intensifying,
            Some(false) => Pattern::Diminishing,
            None => Pattern::Persistent,
        });
    }
    if count == 1 {
        return Some(Pattern::New);
    }
    let run = on.iter().rev().take_while(|&&h| h).count();
    if run >= 2 && run == count {
        return Some(Pattern::Consecutive);
    }
    if off[..t - 1].iter().any(|&c| c) {
        return Some(Pattern::Oscillating);
    }
    Some(Pattern::Sporadic)
}

/// Space-time Gi* of cells × slices: the neighbours of (cell, slice) are the cell's spatial
/// neighbours (itself included) in that slice and the `time_window` slices before it, and
/// the moments are taken over every (cell, slice). `values[c][t]` is cell c in slice t.
/// Returns (z, p) per cell and slice.
pub(crate) fn space_time_gi(
    centres: &[Point<f64>],
    values: &[Vec<f64>],
    neighbours: Neighbours,
    time_window: usize,
) -> Result<Vec<Vec<(f64, f64)>>> {
    if centres.len() != values.len() {
        return Err(Error::invalid(
            "values",
            values.len(),
            format!("needs one series per cell ({} cells)", centres.len()),
        ));
    }
    let slices = values.first().map_or(0, Vec::len);
    if values.iter().any(|v| v.len() != slices) {
        return Err(Error::invalid(
            "values",
            "ragged",
            "every series needs the same length",
        ));
    }
    GiStar::new(neighbours)?;
    let hoods = neighbourhoods(centres, neighbours)?;
    let flat: Vec<f64> = values.iter().flatten().copied().collect();
    let moments = Moments::of(&flat)?;
    Ok(hoods
        .iter()
        .map(|hood| {
            (0..slices)
                .map(|t| {
                    let from = t.saturating_sub(time_window);
                    let mut sum = 0.0;
                    for &j in hood {
                        sum += values[j as usize][from..=t].iter().sum::<f64>();
                    }
                    let (_, _, _, z) = moments.gi(sum, hood.len() * (t - from + 1));
                    (z, normal_two_sided_p(z))
                })
                .collect()
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn classify(z: &[f64]) -> EmergingClass {
        let p: Vec<f64> = z.iter().map(|&z| normal_two_sided_p(z)).collect();
        EmergingClass::classify(z, &p, 0.05).expect("valid test input")
    }

    #[test]
    fn every_emerging_class_from_a_hand_built_series() {
        use EmergingClass as E;
        let (h, c, o) = (3.0, -3.0, 0.0); // hot, cold, neither
        assert_eq!(classify(&[o, o, o, o, o, o]), E::NoPattern);
        assert_eq!(classify(&[o, o, o, o, o, h]), E::NewHotSpot);
        assert_eq!(classify(&[o, o, o, o, h, h, h]), E::ConsecutiveHotSpot);
        // Hot throughout, rising strongly: intensifying.
        let rising: Vec<f64> = (0..12).map(|t| 2.5 + t as f64).collect();
        assert_eq!(classify(&rising), E::IntensifyingHotSpot);
        let falling: Vec<f64> = rising.iter().rev().copied().collect();
        assert_eq!(classify(&falling), E::DiminishingHotSpot);
        let flat = [3.0, 3.5, 3.0, 3.5, 3.0, 3.5, 3.0, 3.5, 3.0, 3.5];
        assert_eq!(classify(&flat), E::PersistentHotSpot);
        assert_eq!(classify(&[h, o, h, o, o, h, o, h]), E::SporadicHotSpot);
        assert_eq!(classify(&[h, o, o, h, o, o]), E::SporadicHotSpot);
        assert_eq!(classify(&[o, c, o, o, h, o, h]), E::OscillatingHotSpot);
        assert_eq!(
            classify(&[h, h, h, h, h, h, h, h, h, h, o]),
            E::HistoricalHotSpot
        );
        // The cold counterparts.
        assert_eq!(classify(&[o, o, o, o, o, c]), E::NewColdSpot);
        assert_eq!(classify(&[o, o, o, c, c]), E::ConsecutiveColdSpot);
        let sinking: Vec<f64> = rising.iter().map(|z| -z).collect();
        assert_eq!(classify(&sinking), E::IntensifyingColdSpot);
        let easing: Vec<f64> = falling.iter().map(|z| -z).collect();
        assert_eq!(classify(&easing), E::DiminishingColdSpot);
        let cold_flat: Vec<f64> = flat.iter().map(|z| -z).collect();
        assert_eq!(classify(&cold_flat), E::PersistentColdSpot);
        assert_eq!(classify(&[c, o, c, o, o, c, o]), E::SporadicColdSpot);
        assert_eq!(classify(&[o, h, o, c, o, c]), E::OscillatingColdSpot);
        assert_eq!(
            classify(&[c, c, c, c, c, c, c, c, c, c, o]),
            E::HistoricalColdSpot
        );
    }

    #[test]
    fn gi_star_by_hand_on_a_line() {
        // Cells on a line 10 km apart; a 15 km band makes each cell's neighbours the
        // adjacent ones. y = 1, 2, 3, 4, 10.
        let centres: Vec<Point<f64>> = (0..5)
            .map(|k| crate::geodesy::destination(Point::new(1.0, 10.0), 90.0, 10.0 * f64::from(k)))
            .collect();
        let y = [1.0, 2.0, 3.0, 4.0, 10.0];
        let gi = GiStar::new(Neighbours::DistanceBand { km: 15.0 })
            .expect("valid test input")
            .run(&centres, &y)
            .expect("valid test input")
            .cells;
        // Cell 4: neighbourhood {3, 4}, W = 2, G = 14/20.
        let (n, sum) = (5.0, 20.0);
        let mean: f64 = sum / n;
        let var = (1.0 + 4.0 + 9.0 + 16.0 + 100.0) / n - mean * mean;
        let g = 14.0 / sum;
        let e = 2.0 / n;
        let v = 2.0 * (n - 2.0) / (n - 1.0) / (n * n) * var / (mean * mean);
        assert_eq!(gi[4].neighbours, 2);
        assert!((gi[4].g - g).abs() < 1e-15);
        assert!((gi[4].z - (g - e) / v.sqrt()).abs() < 1e-12);
        assert_eq!(gi[2].neighbours, 3);
        // k = 2 nearest: the end cells take the two cells on their one side.
        let knn = GiStar::new(Neighbours::KNearest { k: 2 })
            .expect("valid test input")
            .run(&centres, &y)
            .expect("valid test input")
            .cells;
        assert_eq!(knn[0].neighbours, 3);
        assert_eq!(knn[4].neighbours, 3);
    }

    #[test]
    fn permutations_repeat_with_their_seed_and_agree_with_the_normal_p() {
        let centres: Vec<Point<f64>> = (0..100)
            .map(|k| Point::new(f64::from(k % 10) * 0.1, 10.0 + f64::from(k / 10) * 0.1))
            .collect();
        let y: Vec<f64> = (0..100)
            .map(|k| {
                if k % 10 < 3 && k / 10 < 3 {
                    30.0
                } else {
                    f64::from(k % 7)
                }
            })
            .collect();
        let gi = GiStar::new(Neighbours::DistanceBand { km: 12.0 })
            .expect("valid test input")
            .permutations(999)
            .expect("valid")
            .seed(1);
        let a = gi.run(&centres, &y).expect("valid test input").cells;
        let b = gi.run(&centres, &y).expect("valid test input").cells;
        assert_eq!(a, b);
        // The hot corner: analytic p tiny, and no permutation reaches it.
        assert!(a[11].p < 0.001 && a[11].p_sim == Some(0.001));
        // A plain cell: both far from significant.
        assert!(a[77].p_sim.expect("valid test input") > 0.05);
    }

    #[test]
    fn a_neighbourhood_with_nothing_to_permute_has_p_sim_1_and_costs_no_draws() {
        // Cells 100 km apart with a 1 km band: each cell alone. Under the folded count every
        // draw equals the observed G, which would have read as p = 1/(P + 1).
        let centres: Vec<Point<f64>> = (0..50).map(|k| Point::new(f64::from(k), 10.0)).collect();
        let y: Vec<f64> = (0..50).map(|k| f64::from(k % 5)).collect();
        let alone = GiStar::new(Neighbours::DistanceBand { km: 1.0 })
            .and_then(|g| g.permutations(MAX_GI_PERMUTATIONS))
            .and_then(|g| g.run(&centres, &y))
            .expect("valid test input");
        assert!(
            alone
                .cells
                .iter()
                .all(|c| c.p_sim == Some(1.0) && c.neighbours == 1)
        );
        // A band around the whole set: every neighbourhood is every cell.
        let all = GiStar::new(Neighbours::DistanceBand { km: 20_000.0 })
            .and_then(|g| g.permutations(99))
            .and_then(|g| g.run(&centres, &y))
            .expect("valid test input");
        assert!(all.cells.iter().all(|c| c.p_sim == Some(1.0) && c.z == 0.0));
        // One neighbour each: 50 cells × 1 other × P draws counts against the budget.
        let pairs: Vec<Point<f64>> = (0..20_000)
            .map(|k| Point::new(f64::from(k / 2) * 0.01 + f64::from(k % 2) * 0.001, 10.0))
            .collect();
        let v: Vec<f64> = (0..20_000).map(|k| f64::from(k % 3)).collect();
        let refused = GiStar::new(Neighbours::DistanceBand { km: 0.5 })
            .and_then(|g| g.permutations(MAX_GI_PERMUTATIONS))
            .and_then(|g| g.run(&pairs, &v));
        assert!(
            matches!(refused, Err(Error::InvalidParameter { .. })),
            "{refused:?}"
        );
    }

    #[test]
    fn bad_input_is_an_error() {
        let c = [Point::new(0.0, 0.0), Point::new(0.1, 0.0)];
        let gi = GiStar::new(Neighbours::KNearest { k: 1 }).expect("valid test input");
        assert!(gi.run(&c, &[1.0, 1.0]).is_err()); // all equal
        assert!(gi.run(&c, &[0.0, 0.0]).is_err());
        assert!(gi.run(&c, &[1.0, f64::NAN]).is_err());
        assert!(GiStar::new(Neighbours::DistanceBand { km: -1.0 }).is_err());
        assert!(GiStar::new(Neighbours::KNearest { k: 0 }).is_err());
    }
}
