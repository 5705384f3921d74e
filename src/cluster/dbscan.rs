//! DBSCAN (Ester, Kriegel, Sander & Xu 1996, "A density-based algorithm for discovering
//! clusters in large spatial databases with noise", KDD-96) with exact great-circle
//! neighbourhoods, on the index's unit vectors.
//!
//! Neighbourhoods are never materialised:
//! 1. Points fall in 3-D grid cells of side `eps_chord / √3`, so any two points of a cell are
//!    within `eps` of each other. A cell holding `min_points` (or the minimum weight) makes all
//!    its points core at once.
//! 2. Every other point counts its neighbours in the R-tree and stops at `min_points`.
//! 3. Core points of one cell are joined outright; two cells' core points are joined (union-find)
//!    as soon as one cross pair is within `eps`, checked only for cells not joined already.
//! 4. A non-core point within `eps` of a core point joins the cluster of its nearest core point
//!    (ties by id); the rest is noise.
//!
//! ST-DBSCAN also splits cells by start day, in buckets of `eps_days + 1` days. The joins of
//! step 3 reach as many buckets as two short spans can be apart, and look only at the cells
//! there are (a binary search among a spatial cell's cells, in time order), never at each
//! calendar day. A span longer than 62 days and than `eps_days` (a year's precision, or a typo
//! running to 9999) is left out of that reach: each such core point finds its core neighbours
//! in the R-tree instead, so one of them costs its own neighbourhood, not every cell's.

use std::ops::ControlFlow;

use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

use super::union_find::UnionFind;
use crate::error::{Error, Result};
use crate::geodesy::{box_gap_2, dist2, km_to_chord2};
use crate::incident::IncidentId;
use crate::index::{IncidentIndex, LONG_SPAN_DAYS};
use crate::precision::PrecisionPolicy;

/// A cluster's number: 0, 1, 2, ... in order of first appearance in the set.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ClusterId(u32);

impl ClusterId {
    pub(crate) const fn new(n: u32) -> Self {
        ClusterId(n)
    }

    /// The number.
    #[must_use]
    pub const fn get(self) -> u32 {
        self.0
    }
}

/// DBSCAN parameters: `eps_km` (great-circle, inclusive) and `min_points` (the point counts
/// itself, as in scikit-learn).
///
/// ```
/// use conflict_risk::{CorridorScenario, Dbscan, IncidentIndex, IncidentSet};
/// let (set, _) = IncidentSet::validate(CorridorScenario::new(5_000).generate());
/// let index = IncidentIndex::new(&set);
/// let clustering = Dbscan::new(25.0, 5)?.run(&index);
/// assert_eq!(clustering.labels().len(), set.len());
/// assert!(clustering.cluster_count() > 0);
/// # Ok::<(), conflict_risk::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "RawDbscan")]
pub struct Dbscan {
    eps_km: f64,
    min_points: usize,
    precision: PrecisionPolicy,
    eps_days: Option<u32>,
}

/// The serialised form of a [`Dbscan`], checked on the way in as [`Dbscan::new`] checks it.
#[derive(Deserialize)]
struct RawDbscan {
    eps_km: f64,
    min_points: usize,
    precision: PrecisionPolicy,
    eps_days: Option<u32>,
}

impl TryFrom<RawDbscan> for Dbscan {
    type Error = Error;
    fn try_from(raw: RawDbscan) -> Result<Self> {
        let d = Dbscan::new(raw.eps_km, raw.min_points)?.precision(raw.precision)?;
        Ok(Dbscan {
            eps_days: raw.eps_days,
            ..d
        })
    }
}

impl Dbscan {
    /// 25 km and 5 incidents, the corridor report's clusters.
    pub const DEFAULT: Dbscan = Dbscan {
        eps_km: 25.0,
        min_points: 5,
        precision: PrecisionPolicy::Keep,
        eps_days: None,
    };

    /// The smallest `eps_km` accepted: 1 m (0.001 km). The algorithm numbers grid cells about
    /// `eps / √3` wide on the unit sphere; at 1 m the numbers stay within ±1.2e7, exact in an
    /// `f64` and an `i32`, while far smaller eps made them saturate (at 1e-20 km every point
    /// fell in a couple of cells) or the cells finer than the rounding of the unit vectors.
    /// Incident positions are not that precise anyway: sources give 4 to 6 decimals of a
    /// degree, 0.1 m to 10 m.
    pub const MIN_EPS_KM: f64 = 0.001;

    /// Parameters; `Err` unless `eps_km` is finite and at least [`Dbscan::MIN_EPS_KM`] (1 m)
    /// and `min_points >= 1`.
    ///
    /// ```
    /// use conflict_risk::Dbscan;
    /// assert!(Dbscan::new(Dbscan::MIN_EPS_KM, 5).is_ok());
    /// assert!(Dbscan::new(1e-12, 5).is_err());
    /// ```
    pub fn new(eps_km: f64, min_points: usize) -> Result<Self> {
        if !(eps_km.is_finite() && eps_km >= Self::MIN_EPS_KM) {
            return Err(Error::invalid(
                "eps_km",
                eps_km,
                "must be a finite distance of at least 0.001 km (1 m), the clustering floor",
            ));
        }
        if min_points == 0 {
            return Err(Error::invalid(
                "min_points",
                min_points,
                "must be at least 1 (the point counts itself)",
            ));
        }
        Ok(Dbscan {
            eps_km,
            min_points,
            precision: PrecisionPolicy::Keep,
            eps_days: None,
        })
    }

    /// Make it ST-DBSCAN (Birant & Kut 2007, "ST-DBSCAN: an algorithm for clustering
    /// spatial-temporal data", *Data & Knowledge Engineering* 60(1)): neighbours must also be
    /// at most `eps_days` apart in time, date spans compared by their nearest days (two spans
    /// that overlap are 0 days apart). Spans of any length are fine: a long one costs a
    /// neighbourhood lookup of its own, not a wider search for every incident.
    ///
    /// ```
    /// use conflict_risk::{CorridorScenario, Dbscan, IncidentIndex, IncidentSet};
    /// let (set, _) = IncidentSet::validate(CorridorScenario::new(5_000).generate());
    /// let index = IncidentIndex::new(&set);
    /// let spatial = Dbscan::new(10.0, 5)?.run(&index);
    /// let weekly = Dbscan::new(10.0, 5)?.time_window_days(7).run(&index);
    /// // A time limit can only take neighbours away.
    /// let cores = |c: &conflict_risk::Clustering| c.core().iter().filter(|c| **c).count();
    /// assert!(cores(&weekly) <= cores(&spatial));
    /// # Ok::<(), conflict_risk::Error>(())
    /// ```
    #[must_use]
    pub fn time_window_days(self, eps_days: u32) -> Self {
        Dbscan {
            eps_days: Some(eps_days),
            ..self
        }
    }

    /// What to do with coarse incidents: `Keep` (the default), `Drop` or `NeverCore`; the
    /// surface policies are refused.
    pub fn precision(self, precision: PrecisionPolicy) -> Result<Self> {
        Ok(Dbscan {
            precision: precision.for_clustering()?,
            ..self
        })
    }

    /// Cluster every incident of the index.
    #[must_use]
    pub fn run(&self, index: &IncidentIndex) -> Clustering {
        self.cluster(index, None, self.min_points as f64)
    }

    /// Cluster with a weight per incident (in id order): a point is core when the weights of
    /// its neighbours, its own included, add up to `min_weight`, like scikit-learn's
    /// `sample_weight`. `Err` if the weights are not one finite, non-negative number per
    /// incident or `min_weight` is not finite and positive.
    pub fn run_weighted(
        &self,
        index: &IncidentIndex,
        weights: &[f64],
        min_weight: f64,
    ) -> Result<Clustering> {
        if weights.len() != index.len() {
            return Err(Error::invalid(
                "weights",
                weights.len(),
                format!("need one weight per incident ({})", index.len()),
            ));
        }
        if let Some((i, w)) = weights
            .iter()
            .enumerate()
            .find(|(_, w)| !(w.is_finite() && **w >= 0.0))
        {
            return Err(Error::invalid(
                "weights",
                format!("#{i} = {w}"),
                "weights must be finite and non-negative",
            ));
        }
        if !(min_weight.is_finite() && min_weight > 0.0) {
            return Err(Error::invalid(
                "min_weight",
                min_weight,
                "must be finite and above 0",
            ));
        }
        Ok(self.cluster(index, Some(weights), min_weight))
    }

    fn cluster(
        &self,
        index: &IncidentIndex,
        weights: Option<&[f64]>,
        threshold: f64,
    ) -> Clustering {
        let n = index.len();
        let xyz = |i: u32| index.vector(i);
        let incidents = index.set().incidents();
        let coarse = |i: usize| incidents[i].geo_precision.is_coarse();
        // Who takes part at all, and who may be core.
        let member: Vec<bool> = (0..n)
            .map(|i| !(self.precision == PrecisionPolicy::Drop && coarse(i)))
            .collect();
        let may_be_core: Vec<bool> = (0..n)
            .map(|i| member[i] && !(self.precision == PrecisionPolicy::NeverCore && coarse(i)))
            .collect();
        let weight = |i: usize| weights.map_or(1.0, |w| w[i]);
        let max_chord_2 = km_to_chord2(self.eps_km);
        let spans = index.day_spans();
        // Time: the gap between two spans, and whether it is within eps_days.
        let eps_days = self.eps_days.map(i64::from);
        let in_time = |i: usize, j: usize| {
            eps_days.is_none_or(|eps| {
                let ([s1, e1], [s2, e2]) = (spans[i], spans[j]);
                let gap = (i64::from(s2) - i64::from(e1))
                    .max(i64::from(s1) - i64::from(e2))
                    .max(0);
                gap <= eps
            })
        };
        // With a time limit, cells are also split by start day, in buckets of eps_days + 1 days:
        // two starts in one bucket are at most eps_days apart, and a span's gap to another is
        // never more than the distance between their starts.
        let bucket_days = eps_days.map_or(i64::MAX, |d| d + 1);
        let time = |i: u32| {
            eps_days.map_or(0, |_| {
                i64::from(spans[i as usize][0]).div_euclid(bucket_days)
            })
        };
        let length = |i: u32| i64::from(spans[i as usize][1]) - i64::from(spans[i as usize][0]);
        // Spans longer than this (end - start, in days) are "long": the joins of step 3 do not
        // reach for them across time buckets, each long core point looks up its own neighbours
        // instead (step 3b). So one span to the year 9999, or a few decades-long ones, cannot
        // widen every cell's search.
        let short_limit = eps_days.map_or(0, |eps| i64::from(LONG_SPAN_DAYS - 1).max(eps));
        let is_long = |i: u32| eps_days.is_some() && length(i) > short_limit;

        // 1. Cells in which every pair is within eps (and eps_days): points sorted by spatial
        //    cell, then time bucket, then id.
        let side = cell_side(max_chord_2);
        let space = |i: u32| cell_key(&xyz(i), side);
        // Each member's keys computed once, then sorted (on all cores with `parallel`).
        let mut keyed: Vec<([i32; 3], i64, u32)> = (0..n as u32)
            .filter(|&i| member[i as usize])
            .map(|i| (space(i), time(i), i))
            .collect();
        #[cfg(feature = "parallel")]
        {
            use rayon::prelude::*;
            keyed.par_sort_unstable();
        }
        #[cfg(not(feature = "parallel"))]
        keyed.sort_unstable();
        let mut order: Vec<u32> = keyed.iter().map(|k| k.2).collect();
        let mut cells: Vec<(usize, usize)> = Vec::new(); // ranges of `order`
        let mut cell_time: Vec<i64> = Vec::new(); // the time bucket of each cell
        // The cells of one spatial cell are consecutive, in time order: a range of `cells`.
        let mut group_of_key: FxHashMap<[i32; 3], (usize, usize)> = FxHashMap::default();
        let mut start = 0;
        while start < keyed.len() {
            let (k, t, _) = keyed[start];
            let mut end = start + 1;
            while end < keyed.len() && keyed[end].1 == t && keyed[end].0 == k {
                end += 1;
            }
            group_of_key
                .entry(k)
                .and_modify(|g| g.1 = cells.len() + 1)
                .or_insert((cells.len(), cells.len() + 1));
            cells.push((start, end));
            cell_time.push(t);
            start = end;
        }

        // 2. Core points: whole dense cells at once, the rest by counting up to the threshold.
        let mut core = vec![false; n];
        let mut to_count: Vec<u32> = Vec::new();
        for &(s, e) in &cells {
            let cell_weight: f64 = order[s..e].iter().map(|&i| weight(i as usize)).sum();
            for &i in &order[s..e] {
                if !may_be_core[i as usize] {
                    continue;
                }
                if cell_weight >= threshold {
                    core[i as usize] = true;
                } else {
                    to_count.push(i);
                }
            }
        }
        let is_core = |i: u32| {
            let mut total = 0.0;
            let mut reached = false;
            index.visit_within_chord_2(xyz(i), max_chord_2, |_, j| {
                if member[j as usize] && in_time(i as usize, j as usize) {
                    total += weight(j as usize);
                    if total >= threshold {
                        reached = true;
                        return ControlFlow::Break(());
                    }
                }
                ControlFlow::Continue(())
            });
            reached
        };
        #[cfg(feature = "parallel")]
        let counted: Vec<bool> = {
            use rayon::prelude::*;
            to_count.par_iter().map(|&i| is_core(i)).collect()
        };
        #[cfg(not(feature = "parallel"))]
        let counted: Vec<bool> = to_count.iter().map(|&i| is_core(i)).collect();
        for (&i, c) in to_count.iter().zip(counted) {
            core[i as usize] = c;
        }

        // 3. Join core points: within a cell outright, across cells by one close pair.
        let mut sets = UnionFind::new(n);
        // Each cell's core points first, in id order: the cores of a cell are then a slice of
        // `order`, with no list per cell (a list each cost 40 MB at 1M points and 5 km).
        for &(s, e) in &cells {
            order[s..e].sort_unstable_by_key(|&i| (!core[i as usize], i));
        }
        let cores_of = |&(s, e): &(usize, usize)| {
            let cell = &order[s..e];
            &cell[..cell.iter().take_while(|&&i| core[i as usize]).count()]
        };
        let cell_cores: Vec<&[u32]> = cells.iter().map(cores_of).collect();
        drop(keyed);
        // The box of each cell's core points: two cells whose boxes lie farther apart than
        // eps hold no close pair, and a point farther than eps from the other's box none
        // either (the same floating-point steps as `dist2`, so never a pair it would accept).
        let boxes: Vec<CoreBox> = cell_cores
            .iter()
            .map(|c| CoreBox::around(c.iter().map(|&i| xyz(i))))
            .collect();
        for c in &cell_cores {
            for w in c.windows(2) {
                sets.union(w[0], w[1]);
            }
        }
        let reach = 2; // eps spans √3 < 2 cell sides
        // Time buckets a neighbour can be in when both spans are short: starts differ by at
        // most eps_days plus the longer span's end - start. Only cells that exist are visited
        // (a binary search in the spatial cell's time-ordered cells), so the reach costs
        // nothing where there are no incidents.
        let longest = order
            .iter()
            .map(|&i| length(i))
            .filter(|&l| l <= short_limit)
            .max()
            .unwrap_or(0);
        let time_reach = eps_days.map_or(0, |d| (d + longest) / bucket_days + 1);
        let offsets: Vec<[i32; 3]> = (-reach..=reach)
            .flat_map(|dx| (-reach..=reach).map(move |dy| (dx, dy)))
            .flat_map(|(dx, dy)| (-reach..=reach).map(move |dz| [dx, dy, dz]))
            .collect();
        for (a, cores_a) in cell_cores.iter().enumerate() {
            let Some(&first_a) = cores_a.first() else {
                continue;
            };
            let ka = space(first_a);
            let (t_from, t_to) = (
                cell_time[a].saturating_sub(time_reach),
                cell_time[a].saturating_add(time_reach),
            );
            for off in &offsets {
                // Cannot overflow: keys are within ±2^24 (see `cell_key`).
                let kb = [ka[0] + off[0], ka[1] + off[1], ka[2] + off[2]];
                let Some(&(g_start, g_end)) = group_of_key.get(&kb) else {
                    continue;
                };
                let from = g_start + cell_time[g_start..g_end].partition_point(|&t| t < t_from);
                for b in from..g_end {
                    if cell_time[b] > t_to {
                        break;
                    }
                    let cores_b = cell_cores[b];
                    if b <= a || cores_b.is_empty() || sets.find(first_a) == sets.find(cores_b[0]) {
                        continue;
                    }
                    if boxes[a].gap_2(&boxes[b]) > max_chord_2 {
                        continue;
                    }
                    let close = cores_a.iter().any(|&p| {
                        let xp = xyz(p);
                        boxes[b].to_point_2(&xp) <= max_chord_2
                            && cores_b.iter().any(|&q| {
                                dist2(&xp, &xyz(q)) <= max_chord_2
                                    && in_time(p as usize, q as usize)
                            })
                    });
                    if close {
                        sets.union(first_a, cores_b[0]);
                    }
                }
            }
        }
        // 3b. A long-span core point joins every core point within eps and eps_days, found in
        //     the tree: the time buckets of step 3 do not reach that far.
        if eps_days.is_some() {
            for p in (0..n as u32).filter(|&p| core[p as usize] && is_long(p)) {
                index.visit_within_chord_2(xyz(p), max_chord_2, |_, q| {
                    if core[q as usize] && in_time(p as usize, q as usize) {
                        sets.union(p, q);
                    }
                    ControlFlow::Continue(())
                });
            }
        }

        // 4. Border points join the cluster of their nearest core point (ties by id).
        let border: Vec<u32> = (0..n as u32)
            .filter(|&i| member[i as usize] && !core[i as usize])
            .collect();
        let nearest_core = |i: u32| {
            let mut best: Option<(f64, u32)> = None;
            index.visit_within_chord_2(xyz(i), max_chord_2, |d2, j| {
                if core[j as usize]
                    && in_time(i as usize, j as usize)
                    && best.is_none_or(|b| (d2, j) < b)
                {
                    best = Some((d2, j));
                }
                ControlFlow::Continue(())
            });
            best.map(|(_, j)| j)
        };
        #[cfg(feature = "parallel")]
        let anchors: Vec<Option<u32>> = {
            use rayon::prelude::*;
            border.par_iter().map(|&i| nearest_core(i)).collect()
        };
        #[cfg(not(feature = "parallel"))]
        let anchors: Vec<Option<u32>> = border.iter().map(|&i| nearest_core(i)).collect();
        let mut anchor: Vec<Option<u32>> = (0..n as u32)
            .map(|i| core[i as usize].then_some(i))
            .collect();
        for (&i, a) in border.iter().zip(anchors) {
            anchor[i as usize] = a;
        }

        // 5. Number the clusters by first appearance.
        let mut number: FxHashMap<u32, ClusterId> = FxHashMap::default();
        let labels: Vec<Option<ClusterId>> = anchor
            .iter()
            .map(|a| {
                a.map(|a| {
                    let root = sets.find(a);
                    let next = ClusterId(number.len() as u32);
                    *number.entry(root).or_insert(next)
                })
            })
            .collect();
        Clustering {
            params: self.clone(),
            clusters: number.len(),
            labels,
            core,
            dropped: member.iter().filter(|m| !**m).count(),
        }
    }
}

/// The bounding box of a few unit vectors (empty: lo above hi, so every gap is infinite).
struct CoreBox {
    lo: [f64; 3],
    hi: [f64; 3],
}

impl CoreBox {
    fn around(points: impl Iterator<Item = [f64; 3]>) -> Self {
        let mut b = CoreBox {
            lo: [f64::INFINITY; 3],
            hi: [f64::NEG_INFINITY; 3],
        };
        for p in points {
            b.lo = std::array::from_fn(|k| b.lo[k].min(p[k]));
            b.hi = std::array::from_fn(|k| b.hi[k].max(p[k]));
        }
        b
    }

    /// A lower bound of `dist2` between any point of `self` and any point of `other`.
    fn gap_2(&self, other: &CoreBox) -> f64 {
        box_gap_2(&self.lo, &self.hi, &other.lo, &other.hi)
    }

    /// A lower bound of `dist2` between `p` and any point of `self`.
    fn to_point_2(&self, p: &[f64; 3]) -> f64 {
        box_gap_2(p, p, &self.lo, &self.hi)
    }
}

/// Side of the grid cells for a squared-chord eps: the cube's diagonal (side·√3) stays just
/// under eps, so every pair of points in a cell is within eps.
fn cell_side(max_chord_2: f64) -> f64 {
    max_chord_2.sqrt() / 3f64.sqrt() * (1.0 - 1e-9)
}

/// The grid cell of a unit vector: `floor(coordinate / side)` on each axis.
///
/// The conversion to `i32` is exact, never saturating, for every eps `Dbscan` accepts: a unit
/// vector's coordinates are within ±1 (plus rounding), and at the floor eps of
/// [`Dbscan::MIN_EPS_KM`] the side is about 9.1e-8, so a key is within ±1.2e7 < 2^24, and a
/// neighbour's key (±2) cannot overflow either. (Below the floor the keys would grow without
/// bound: at 1e-20 km they saturated and put unrelated points in one cell.) A quotient that
/// is not finite or beyond 2^24, which only a side below the floor's could give, is a bug and
/// trips the debug assertion.
fn cell_key(v: &[f64; 3], side: f64) -> [i32; 3] {
    v.map(|c| {
        let q = (c / side).floor();
        debug_assert!(q.abs() < MAX_CELL_KEY, "cell key {q} out of range");
        q as i32
    })
}

/// Bound on the magnitude of a cell key: 2^24, where an `f64` still holds every integer and
/// far inside `i32`.
const MAX_CELL_KEY: f64 = 16_777_216.0;

/// The result of a clustering, in the set's order. To export the incidents with their
/// cluster, attach `labels()` and `core()` as columns:
///
/// ```
/// use conflict_risk::{Dbscan, ExtraColumns, IncidentIndex, IncidentSet, brief_incidents, write_geojson};
/// let (set, _) = IncidentSet::validate(brief_incidents());
/// let c = Dbscan::new(5.0, 2)?.run(&IncidentIndex::new(&set));
/// let columns = ExtraColumns::new().with("cluster", c.labels())?.with("core", c.core())?;
/// let mut out = Vec::new();
/// write_geojson(&mut out, set.incidents(), &columns)?;
/// assert!(String::from_utf8_lossy(&out).contains("\"cluster\":0"));
/// # Ok::<(), conflict_risk::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Clustering {
    params: Dbscan,
    labels: Vec<Option<ClusterId>>,
    core: Vec<bool>,
    clusters: usize,
    dropped: usize,
}

impl Clustering {
    /// The parameters that made it.
    #[must_use]
    pub fn params(&self) -> &Dbscan {
        &self.params
    }

    /// The cluster of each incident, `None` for noise, by id.
    #[must_use]
    pub fn labels(&self) -> &[Option<ClusterId>] {
        &self.labels
    }

    /// The cluster of one incident.
    #[must_use]
    pub fn label(&self, id: IncidentId) -> Option<ClusterId> {
        self.labels.get(id.index()).copied().flatten()
    }

    /// Whether each incident is a core point, by id.
    #[must_use]
    pub fn core(&self) -> &[bool] {
        &self.core
    }

    /// Number of clusters.
    #[must_use]
    pub fn cluster_count(&self) -> usize {
        self.clusters
    }

    /// Number of incidents in no cluster.
    #[must_use]
    pub fn noise_count(&self) -> usize {
        self.labels.iter().filter(|l| l.is_none()).count()
    }

    /// Number of incidents the precision policy left out (labelled noise).
    #[must_use]
    pub fn dropped_count(&self) -> usize {
        self.dropped
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geodesy::{destination, unit_vector};
    use geo::Point;
    use rand::{RngExt, SeedableRng};

    /// The shortcut the whole algorithm leans on: any two points of one cell are within eps.
    #[test]
    fn every_pair_in_a_cell_is_within_eps() {
        let mut rng = rand_pcg::Pcg64Mcg::seed_from_u64(3);
        for eps_km in [Dbscan::MIN_EPS_KM, 0.5, 5.0, 25.0, 300.0] {
            let max_chord_2 = km_to_chord2(eps_km);
            let side = cell_side(max_chord_2);
            let centre = Point::new(
                rng.random_range(-180.0..180.0),
                rng.random_range(-85.0..85.0),
            );
            let mut cells: FxHashMap<[i32; 3], Vec<[f64; 3]>> = FxHashMap::default();
            for _ in 0..40_000 {
                let r = 3.0 * eps_km * rng.random::<f64>().sqrt();
                let v = unit_vector(destination(centre, rng.random_range(0.0..360.0), r));
                cells.entry(cell_key(&v, side)).or_default().push(v);
            }
            let mut widest: f64 = 0.0;
            for points in cells.values() {
                for a in points {
                    for b in points {
                        widest = widest.max(dist2(a, b));
                    }
                }
            }
            assert!(
                widest <= max_chord_2,
                "{eps_km} km: a cell spans {widest} > {max_chord_2}"
            );
            // And the cells are not needlessly small. (A sphere cuts a cube in a slice, so the
            // widest pair seen stays under the cube's diagonal.)
            assert!(
                widest > 0.5 * max_chord_2,
                "{eps_km} km: {widest} vs {max_chord_2}"
            );
        }
    }

    /// At the eps floor the cell keys of every unit vector, and of their neighbours two cells
    /// away, are exact integers far inside `i32`: no saturation, no overflow. (Below it they
    /// grew without bound: 1e-20 km saturated them and put every point in 2 clusters.)
    #[test]
    fn cell_keys_cannot_saturate_at_the_eps_floor() {
        let side = cell_side(km_to_chord2(Dbscan::MIN_EPS_KM));
        let widest = (1.0 + 1e-15) / side + 1.0;
        assert!(widest + 2.0 < MAX_CELL_KEY, "{widest}");
        assert!(MAX_CELL_KEY < f64::from(i32::MAX));
        for v in [
            [1.0, 0.0, 0.0],
            [-1.0, 0.0, 0.0],
            [0.0, -1.0, 0.0],
            [0.0, 0.0, 1.0],
        ] {
            let k = cell_key(&v, side);
            for (c, key) in v.iter().zip(k) {
                assert_eq!(f64::from(key), (c / side).floor());
            }
        }
    }

    /// A serialised `Dbscan` is checked as `new` checks it.
    #[test]
    fn deserialising_checks_the_parameters() {
        let d = Dbscan::new(2.5, 4)
            .and_then(|d| d.precision(PrecisionPolicy::NeverCore))
            .expect("valid")
            .time_window_days(3);
        let json = serde_json::to_string(&d).expect("json");
        assert_eq!(serde_json::from_str::<Dbscan>(&json).expect("back"), d);
        for bad in [
            json.replace("2.5", "1e-20"),
            json.replace("\"min_points\":4", "\"min_points\":0"),
            json.replace("never_core", "widen"),
        ] {
            assert!(serde_json::from_str::<Dbscan>(&bad).is_err(), "{bad}");
        }
    }
}
