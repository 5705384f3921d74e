//! Where two armed groups' zones meet.

use jiff::civil::Date;
use rand::{RngExt, SeedableRng};
use rand_pcg::Pcg64Mcg;
use rustc_hash::{FxHashMap, FxHashSet};
use serde::{Deserialize, Serialize};

use super::ActorGroups;
use crate::error::{Error, Result};
use crate::geodesy::{chord2_to_km, km_to_chord2};
use crate::index::pairs::{Limits, PairTree};
use crate::index::{DateWindow, IncidentIndex};
use crate::surface::{CellId, Grid, SliceLength};

/// Where two armed groups meet: their closest approach per period, the pairs of their
/// incidents close in space and time, the cells both are active in, the incidents naming both,
/// and a cross-K-style test of whether they are closer than chance.
///
/// Every count is exact and none lists the pairs it counts: pairs are counted a tree node pair
/// at a time (see [`CrossK`]), so the work grows with the incidents, not with their pairs.
///
/// ```
/// use conflict_risk::{ActorGroups, CorridorScenario, DateWindow, IncidentIndex, IncidentSet, Nexus};
/// use conflict_risk::trend::CrossKTest;
/// use conflict_risk::jiff::civil::date;
/// let (set, _) = IncidentSet::validate(CorridorScenario::new(5_000).generate());
/// let index = IncidentIndex::new(&set);
/// let years = DateWindow::new(date(2020, 1, 1), date(2024, 12, 31))?;
/// let meet = Nexus::new("JNIM", "IS Sahel")?.run(&index, &ActorGroups::corridor(), years)?;
/// assert!(meet.incidents.a > 0 && meet.incidents.b > 0);
/// assert_eq!(meet.min_km_by_period.len(), 5);
/// assert_eq!(meet.params.pair_km(), 50.0);
/// assert_eq!(meet.cross_k.test, CrossKTest::Normal);
/// # Ok::<(), conflict_risk::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Nexus {
    a: String,
    b: String,
    period: SliceLength,
    pair_km: f64,
    pair_days: u32,
    grid: Grid,
    radius_km: f64,
    test: CrossKTest,
    seed: u64,
}

/// The most label shuffles [`Nexus::permutations`] accepts: 99,999 (999 give p to 0.001).
pub const MAX_PERMUTATIONS: usize = 99_999;

/// The most neighbour entries (twice the pairs within the cross-K radius) the shuffle test may
/// list: 50 million (200 MB). More is refused with the figure; the normal test needs no list.
pub const MAX_SHUFFLE_PAIRS: u64 = 50_000_000;

/// The most work the shuffles may do (shuffles × the neighbour entries they visit and the
/// incidents they relabel): ten billion steps, about a minute on one core.
pub const MAX_SHUFFLE_STEPS: u64 = 10_000_000_000;

/// How the cross-K count is tested against random relabelling of the two groups' incidents
/// (their numbers kept).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CrossKTest {
    /// The exact mean and variance of the count under relabelling, computed from the pooled
    /// incidents' pair count and degrees (a join count under sampling without replacement,
    /// Cliff & Ord 1981, "Spatial Processes", ch. 2), and the normal upper-tail p of the
    /// z-score. Needs no pair list and no shuffle: the default.
    Normal,
    /// This many random relabellings; p = (relabellings with at least the observed count + 1)
    /// / (relabellings + 1). For small sets and for checking the normal test; it lists the
    /// pairs, up to [`MAX_SHUFFLE_PAIRS`].
    Shuffles(usize),
}

impl std::fmt::Display for CrossKTest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CrossKTest::Normal => write!(f, "normal test of the exact relabelling moments"),
            CrossKTest::Shuffles(n) => write!(f, "{n} label shuffles"),
        }
    }
}

/// Both names of a pair of groups given (not blank), and two different groups.
pub(super) fn check_pair(a: &str, b: &str) -> Result<()> {
    for (name, g) in [("a", a), ("b", b)] {
        if g.trim().is_empty() {
            return Err(Error::invalid(name, "\"\"", "needs a group name"));
        }
    }
    if a.trim() == b.trim() {
        return Err(Error::invalid(
            "b",
            b,
            "is the first group again: a pair needs two groups",
        ));
    }
    Ok(())
}

fn checked_shuffles(permutations: usize) -> Result<usize> {
    if (1..=MAX_PERMUTATIONS).contains(&permutations) {
        Ok(permutations)
    } else {
        Err(Error::invalid(
            "permutations",
            permutations,
            format!("must be from 1 to {MAX_PERMUTATIONS}"),
        ))
    }
}

fn positive_km(name: &'static str, km: f64) -> Result<f64> {
    if km.is_finite() && km > 0.0 {
        Ok(km)
    } else {
        Err(Error::invalid(
            name,
            km,
            "must be a finite distance above 0 km",
        ))
    }
}

impl Nexus {
    /// Where groups `a` and `b` (names of the [`ActorGroups`] given to [`Nexus::run`]) meet:
    /// yearly periods, pairs within 50 km and 30 days, PRIO-GRID cells, cross-K at 50 km with
    /// the normal test ([`CrossKTest::Normal`]).
    pub fn new(a: &str, b: &str) -> Result<Self> {
        check_pair(a, b)?;
        Ok(Nexus {
            a: a.to_string(),
            b: b.to_string(),
            period: SliceLength::Year,
            pair_km: 50.0,
            pair_days: 30,
            grid: Grid::PrioGrid,
            radius_km: 50.0,
            test: CrossKTest::Normal,
            seed: 0x4E58,
        })
    }

    /// The periods of the closest approach.
    #[must_use]
    pub fn period(self, period: SliceLength) -> Self {
        Nexus { period, ..self }
    }

    /// Co-location: pairs within `km` (above 0) and `days` days of each other.
    pub fn pairs_within(self, km: f64, days: u32) -> Result<Self> {
        Ok(Nexus {
            pair_km: positive_km("pair_km", km)?,
            pair_days: days,
            ..self
        })
    }

    /// The cells for "both active".
    #[must_use]
    pub fn grid(self, grid: Grid) -> Self {
        Nexus { grid, ..self }
    }

    /// The cross-K radius, km (above 0).
    pub fn radius_km(self, km: f64) -> Result<Self> {
        Ok(Nexus {
            radius_km: positive_km("radius_km", km)?,
            ..self
        })
    }

    /// Test the cross-K count with this many label shuffles, 1 to [`MAX_PERMUTATIONS`], in
    /// place of the normal test ([`CrossKTest::Shuffles`]).
    pub fn permutations(self, permutations: usize) -> Result<Self> {
        Ok(Nexus {
            test: CrossKTest::Shuffles(checked_shuffles(permutations)?),
            ..self
        })
    }

    /// Test the cross-K count with the normal test (the default).
    #[must_use]
    pub fn normal_test(self) -> Self {
        Nexus {
            test: CrossKTest::Normal,
            ..self
        }
    }

    /// The seed of the shuffles.
    #[must_use]
    pub fn seed(self, seed: u64) -> Self {
        Nexus { seed, ..self }
    }

    /// The first group's name.
    #[must_use]
    pub fn group_a(&self) -> &str {
        &self.a
    }

    /// The second group's name.
    #[must_use]
    pub fn group_b(&self) -> &str {
        &self.b
    }

    /// The co-location distance, km.
    #[must_use]
    pub fn pair_km(&self) -> f64 {
        self.pair_km
    }

    /// The co-location time, days.
    #[must_use]
    pub fn pair_days(&self) -> u32 {
        self.pair_days
    }

    /// The grid of the "both active" cells.
    #[must_use]
    pub fn cell_grid(&self) -> Grid {
        self.grid
    }

    /// The cross-K radius, km.
    #[must_use]
    pub fn cross_k_radius_km(&self) -> f64 {
        self.radius_km
    }

    /// How the cross-K count is tested.
    #[must_use]
    pub fn cross_k_test(&self) -> CrossKTest {
        self.test
    }
}

/// Incidents of each of two groups.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PairCounts {
    /// Of the first group.
    pub a: usize,
    /// Of the second group.
    pub b: usize,
}

/// The closest approach of two groups in one period.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct PeriodDistance {
    /// The period's first day.
    pub start: Date,
    /// The smallest great-circle distance (km) between an incident of one group and one of
    /// the other; `None` if either is absent.
    pub km: Option<f64>,
}

/// Where two groups meet, made by [`Nexus::run`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NexusFindings {
    /// What made it.
    pub params: Nexus,
    /// The window.
    pub window: DateWindow,
    /// Incidents of each group (an incident with both counts for both).
    pub incidents: PairCounts,
    /// The closest approach per period.
    pub min_km_by_period: Vec<PeriodDistance>,
    /// Pairs (one of each group, different incidents) within the pair distance and days.
    pub colocated_pairs: u64,
    /// Grid cells where both groups are active.
    pub shared_cells: usize,
    /// Incidents in which both groups appear.
    pub joint_incidents: usize,
    /// The cross-K-style test.
    pub cross_k: CrossK,
}

/// A cross-K-style test: the number of (A, B) pairs within `radius_km` of each other, against
/// the same count with the A/B labels relabelled at random among the two groups' incidents
/// (sizes kept). Incidents naming both groups stay out (they would pair with themselves).
/// A small `p_value` says the groups are closer than chance.
///
/// With [`CrossKTest::Normal`], the pooled incidents' graph of pairs within the radius (E
/// pairs, degrees d_i) gives the count's exact moments under relabelling of a of the N pooled
/// incidents as A and b as B: with p₂ = 2ab/N(N−1), p₃ = ab/N(N−1) and
/// p₄ = 4a(a−1)b(b−1)/N(N−1)(N−2)(N−3), `E[C] = E·p₂` and
/// `E[C²] = E·p₂ + S·p₃ + (E(E−1) − S)·p₄` with S = Σ d_i(d_i − 1) (ordered pairs of pairs
/// sharing an incident).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct CrossK {
    /// The radius, km.
    pub radius_km: f64,
    /// Observed cross pairs.
    pub observed: u64,
    /// Its mean under relabelling: exact (normal test) or over the shuffles.
    pub expected: f64,
    /// Its standard deviation under relabelling: exact (normal test) or over the shuffles.
    pub sd: f64,
    /// (observed − expected) / sd; 0 when sd is 0.
    pub z: f64,
    /// The normal upper-tail p of z, or (shuffles with at least the observed count + 1) /
    /// (shuffles + 1); 1 when sd is 0.
    pub p_value: f64,
    /// Which test made `p_value`.
    pub test: CrossKTest,
}

impl Nexus {
    /// Where the two groups meet among the incidents of `index` whose first day is in
    /// `window`; `Err` if `groups` has no group of either name, or if the shuffle test would
    /// list more than [`MAX_SHUFFLE_PAIRS`] pairs or take more than [`MAX_SHUFFLE_STEPS`].
    pub fn run(
        &self,
        index: &IncidentIndex,
        groups: &ActorGroups,
        window: DateWindow,
    ) -> Result<NexusFindings> {
        self.run_with(index, groups, window, &SharedCounts::default())
    }

    /// [`run`](Self::run) for several pairs over the same incidents and window, on all
    /// cores with the `parallel` feature: the same findings, in the same order, but a group
    /// in more than one pair (JNIM against IS Sahel and against Ansaru) has its incidents'
    /// neighbour counts within the cross-K radius computed once. The first error in the
    /// list's order is returned.
    ///
    /// ```
    /// use conflict_risk::{ActorGroups, CorridorScenario, DateWindow, IncidentIndex};
    /// use conflict_risk::{IncidentSet, Nexus, jiff::civil::date};
    /// let (set, _) = IncidentSet::validate(CorridorScenario::new(3_000).generate());
    /// let index = IncidentIndex::new(&set);
    /// let groups = ActorGroups::corridor();
    /// let window = DateWindow::new(date(2019, 1, 1), date(2024, 12, 31))?;
    /// let pairs = [Nexus::new("JNIM", "IS Sahel")?, Nexus::new("JNIM", "Ansaru")?];
    /// let all = Nexus::run_all(&pairs, &index, &groups, window)?;
    /// for (pair, found) in pairs.iter().zip(&all) {
    ///     assert_eq!(found, &pair.run(&index, &groups, window)?);
    /// }
    /// # Ok::<(), conflict_risk::Error>(())
    /// ```
    pub fn run_all(
        pairs: &[Nexus],
        index: &IncidentIndex,
        groups: &ActorGroups,
        window: DateWindow,
    ) -> Result<Vec<NexusFindings>> {
        // The groups in more than one pair at one radius (parameters checked first).
        let mut seen: FxHashMap<(usize, u64), usize> = FxHashMap::default();
        for pair in pairs {
            positive_km("radius_km", pair.radius_km)?;
            for name in [pair.a.as_str(), pair.b.as_str()] {
                if let Some(g) = groups.position(name) {
                    *seen.entry((g, pair.radius_km.to_bits())).or_default() += 1;
                }
            }
        }
        let mut shared = SharedCounts::default();
        for (&(g, radius), _) in seen.iter().filter(|(_, n)| **n > 1) {
            let chord_2 = km_to_chord2(f64::from_bits(radius));
            let ids = members(index, groups, g, window);
            shared
                .groups
                .insert((g, radius), GroupCounts::new(index, ids, chord_2));
        }
        crate::parallel::each(pairs, |pair| pair.run_with(index, groups, window, &shared))
    }

    fn run_with(
        &self,
        index: &IncidentIndex,
        groups: &ActorGroups,
        window: DateWindow,
        shared: &SharedCounts,
    ) -> Result<NexusFindings> {
        // Parameters read back from a file were not checked when set: check them here.
        positive_km("pair_km", self.pair_km)?;
        positive_km("radius_km", self.radius_km)?;
        if let CrossKTest::Shuffles(n) = self.test {
            checked_shuffles(n)?;
        }
        let (a, b) = (self.a.as_str(), self.b.as_str());
        let (from, to) = (window.first_day(), window.last_day());
        let ga = groups
            .position(a)
            .ok_or_else(|| Error::invalid("group", a, "no such actor group"))?;
        let gb = groups
            .position(b)
            .ok_or_else(|| Error::invalid("group", b, "no such actor group"))?;
        let incidents = index.set().incidents();
        let shared_a = shared.groups.get(&(ga, self.radius_km.to_bits()));
        let shared_b = shared.groups.get(&(gb, self.radius_km.to_bits()));
        // A shared group's incidents were listed once, for its counts.
        let listed = |g, counts: Option<&GroupCounts>| {
            counts.map_or_else(|| members(index, groups, g, window), |c| c.ids.clone())
        };
        let (ia, ib) = (listed(ga, shared_a), listed(gb, shared_b));
        let is_b: FxHashSet<u32> = ib.iter().copied().collect();
        let joint_incidents = ia.iter().filter(|i| is_b.contains(i)).count();
        let tree = |ids: &[u32], limits: &Limits| {
            let points: Vec<[f64; 3]> = ids.iter().map(|&i| index.vector(i)).collect();
            let days: Vec<[i32; 2]> = ids.iter().map(|&i| index.day_spans()[i as usize]).collect();
            PairTree::new(&points, &days, limits)
        };

        // Closest approach per period: the closest pair of the period's A and B trees.
        let p = self.period;
        let (lo, hi) = (p.number(from), p.number(to));
        let mut min_km_by_period = Vec::new();
        for k in lo..=hi.max(lo) {
            let of_period = |ids: &[u32]| -> Vec<u32> {
                ids.iter()
                    .copied()
                    .filter(|&i| p.number(incidents[i as usize].date.start) == k)
                    .collect()
            };
            let (pa, pb) = (of_period(&ia), of_period(&ib));
            let space = Limits::distance(0.0);
            let km = tree(&pa, &space)
                .closest(&tree(&pb, &space), |x, y| pa[x as usize] == pb[y as usize])
                .map(chord2_to_km);
            min_km_by_period.push(PeriodDistance {
                start: p.start(k),
                km,
            });
        }

        // Co-located pairs: every (A, B) pair within the limits, less each incident of both
        // groups with itself.
        let days = i32::try_from(self.pair_days).unwrap_or(i32::MAX);
        let colocated = Limits {
            chord_2: km_to_chord2(self.pair_km),
            days: Some(days),
        };
        let (tree_a, tree_b) = (tree(&ia, &colocated), tree(&ib, &colocated));
        let colocated_pairs = tree_a
            .count_pairs(&tree_b, &colocated)
            .saturating_sub(joint_incidents as u64);
        drop((tree_a, tree_b));

        let cells = |ids: &[u32]| -> FxHashSet<CellId> {
            ids.iter()
                .filter_map(|&i| {
                    self.grid
                        .cell_of(incidents[i as usize].lon, incidents[i as usize].lat)
                        .ok()
                })
                .collect()
        };
        let shared_cells = cells(&ia).intersection(&cells(&ib)).count();
        let is_a: FxHashSet<u32> = ia.iter().copied().collect();
        let only_a: Vec<u32> = ia.iter().copied().filter(|i| !is_b.contains(i)).collect();
        let only_b: Vec<u32> = ib.iter().copied().filter(|i| !is_a.contains(i)).collect();
        let cross_k = if shared_a.is_some() || shared_b.is_some() {
            // A group's counts computed once for all its pairs: the pooled degrees from them.
            let chord_2 = km_to_chord2(self.radius_km);
            let (own_a, own_b);
            let ca = match shared_a {
                Some(c) => c,
                None => {
                    own_a = GroupCounts::new(index, ia.clone(), chord_2);
                    &own_a
                }
            };
            let cb = match shared_b {
                Some(c) => c,
                None => {
                    own_b = GroupCounts::new(index, ib.clone(), chord_2);
                    &own_b
                }
            };
            let (degrees, observed) = pooled_degrees(index, ca, cb, chord_2);
            self.test_cross_k(index, &only_a, &only_b, degrees, observed)?
        } else {
            self.cross_k(index, &only_a, &only_b, &tree)?
        };
        Ok(NexusFindings {
            params: self.clone(),
            window,
            incidents: PairCounts {
                a: ia.len(),
                b: ib.len(),
            },
            min_km_by_period,
            colocated_pairs,
            shared_cells,
            joint_incidents,
            cross_k,
        })
    }

    /// The cross-K count of `only_a` × `only_b` and its test.
    fn cross_k(
        &self,
        index: &IncidentIndex,
        only_a: &[u32],
        only_b: &[u32],
        tree: &dyn Fn(&[u32], &Limits) -> PairTree,
    ) -> Result<CrossK> {
        let chord_2 = km_to_chord2(self.radius_km);
        let limits = Limits::distance(chord_2);
        let pool: Vec<u32> = only_a.iter().chain(only_b).copied().collect();
        let is_a: Vec<bool> = (0..pool.len()).map(|k| k < only_a.len()).collect();
        // One walk of the pooled incidents gives each one's degree and the cross pairs.
        let (degrees, observed) = tree(&pool, &limits).degrees(chord_2, &is_a);
        self.test_cross_k(index, only_a, only_b, degrees, observed)
    }

    /// The cross-K test of `observed` pairs, given the degree of every pooled incident
    /// (`only_a`, then `only_b`).
    fn test_cross_k(
        &self,
        index: &IncidentIndex,
        only_a: &[u32],
        only_b: &[u32],
        degrees: Vec<u64>,
        observed: u64,
    ) -> Result<CrossK> {
        let (mean, variance) =
            relabelling_moments(only_a.len() as u64, only_b.len() as u64, &degrees);
        let (expected, sd, p_value) = match self.test {
            CrossKTest::Normal => {
                let sd = variance.max(0.0).sqrt();
                let p = if sd > 0.0 {
                    upper_tail((observed as f64 - mean) / sd)
                } else {
                    1.0
                };
                (mean, sd, p)
            }
            CrossKTest::Shuffles(shuffles) => {
                let pool: Vec<u32> = only_a.iter().chain(only_b).copied().collect();
                self.shuffled(index, only_a.len(), &pool, &degrees, observed, shuffles)?
            }
        };
        Ok(CrossK {
            radius_km: self.radius_km,
            observed,
            expected,
            sd,
            z: if sd > 0.0 {
                (observed as f64 - expected) / sd
            } else {
                0.0
            },
            p_value,
            test: self.test,
        })
    }

    /// The shuffle test over `pool` (its first `a` incidents labelled A): the mean and standard
    /// deviation of the shuffled counts, and the p-value.
    fn shuffled(
        &self,
        index: &IncidentIndex,
        a: usize,
        pool: &[u32],
        degrees: &[u64],
        observed: u64,
        shuffles: usize,
    ) -> Result<(f64, f64, f64)> {
        let entries: u64 = degrees.iter().sum();
        let small = a.min(pool.len() - a);
        let per_shuffle =
            (entries as f64 * small as f64 / pool.len().max(1) as f64) as u64 + pool.len() as u64;
        let steps = (shuffles as u64).saturating_mul(per_shuffle);
        if entries > MAX_SHUFFLE_PAIRS || steps > MAX_SHUFFLE_STEPS {
            return Err(Error::invalid(
                "permutations",
                shuffles,
                format!(
                    "the shuffle test over {} incidents would list {entries} neighbour entries \
                     (limit {MAX_SHUFFLE_PAIRS}) and take about {steps} steps (limit \
                     {MAX_SHUFFLE_STEPS}): use the normal test, which gives the same answer \
                     on sets this large without listing pairs",
                    pool.len()
                ),
            ));
        }
        // Neighbours within the radius of each pooled incident, by position in the pool (CSR).
        let at: rustc_hash::FxHashMap<u32, u32> =
            (0u32..).zip(pool).map(|(k, &i)| (i, k)).collect();
        let chord_2 = km_to_chord2(self.radius_km);
        let mut starts: Vec<usize> = Vec::with_capacity(pool.len() + 1);
        let mut adjacent: Vec<u32> = Vec::with_capacity(entries as usize);
        for &i in pool {
            starts.push(adjacent.len());
            index.visit_within_chord_2(index.vector(i), chord_2, |_, j| {
                if j != i
                    && let Some(&m) = at.get(&j)
                {
                    adjacent.push(m);
                }
                std::ops::ControlFlow::Continue(())
            });
        }
        starts.push(adjacent.len());
        // Cross pairs = Σ over the members of the smaller label of their neighbours of the
        // other label: each shuffle costs its members' degrees only.
        let cross = |members: &[u32], in_small: &[bool]| -> u64 {
            members
                .iter()
                .map(|&m| {
                    let nb = &adjacent[starts[m as usize]..starts[m as usize + 1]];
                    nb.iter().filter(|&&x| !in_small[x as usize]).count() as u64
                })
                .sum()
        };
        let mut rng = Pcg64Mcg::seed_from_u64(self.seed);
        let mut order: Vec<u32> = (0..pool.len() as u32).collect();
        let mut in_small = vec![false; pool.len()];
        let (mut at_least, mut sum, mut sum_2) = (0usize, 0.0f64, 0.0f64);
        for _ in 0..shuffles {
            // A random `small`-subset of the pool: a partial Fisher–Yates shuffle.
            for k in 0..small {
                let r = rng.random_range(k..order.len());
                order.swap(k, r);
            }
            let members = &order[..small];
            in_small.iter_mut().for_each(|x| *x = false);
            for &m in members {
                in_small[m as usize] = true;
            }
            let c = cross(members, &in_small);
            sum += c as f64;
            sum_2 += (c as f64) * (c as f64);
            at_least += usize::from(c >= observed);
        }
        let n = shuffles.max(1) as f64;
        let mean = sum / n;
        let sd = if shuffles > 1 {
            ((sum_2 - n * mean * mean) / (n - 1.0)).max(0.0).sqrt()
        } else {
            0.0
        };
        Ok((mean, sd, (at_least as f64 + 1.0) / (shuffles as f64 + 1.0)))
    }
}

/// `P(Z ≥ z)` for a standard normal Z.
fn upper_tail(z: f64) -> f64 {
    0.5 * libm::erfc(z / std::f64::consts::SQRT_2)
}

/// The in-window incidents of group `g` (ids, ascending).
fn members(index: &IncidentIndex, groups: &ActorGroups, g: usize, window: DateWindow) -> Vec<u32> {
    let (from, to) = (window.first_day(), window.last_day());
    let mut matcher = super::groups::GroupMatcher::new(groups);
    (0u32..)
        .zip(index.set().incidents())
        .filter(|(_, i)| i.date.start >= from && i.date.start <= to && matcher.involves(g, i))
        .map(|(k, _)| k)
        .collect()
}

/// Groups' neighbour counts shared by the pairs of [`Nexus::run_all`], by (group, radius).
#[derive(Default)]
struct SharedCounts {
    groups: FxHashMap<(usize, u64), GroupCounts>,
}

/// A group's in-window incidents, their tree, and how many of them lie within the cross-K
/// radius of each (itself included).
struct GroupCounts {
    ids: Vec<u32>,
    tree: PairTree,
    own: Vec<u64>,
}

impl GroupCounts {
    fn new(index: &IncidentIndex, ids: Vec<u32>, chord_2: f64) -> GroupCounts {
        let points: Vec<[f64; 3]> = ids.iter().map(|&i| index.vector(i)).collect();
        let days: Vec<[i32; 2]> = ids.iter().map(|&i| index.day_spans()[i as usize]).collect();
        let tree = PairTree::new(&points, &days, &Limits::distance(chord_2));
        let (degrees, _) = tree.degrees(chord_2, &vec![false; ids.len()]);
        GroupCounts {
            ids,
            tree,
            own: degrees.into_iter().map(|d| d + 1).collect(),
        }
    }
}

/// The degrees of the pooled incidents of two groups (those of A alone, then those of B
/// alone, each in id order) and the pairs joining one of each, from each group's own counts,
/// the counts between the groups, and the counts of the incidents in both: a point's
/// neighbours among A Δ B are its neighbours in A, plus those in B, less twice those in both,
/// less itself.
fn pooled_degrees(
    index: &IncidentIndex,
    a: &GroupCounts,
    b: &GroupCounts,
    chord_2: f64,
) -> (Vec<u64>, u64) {
    let (b_near_a, a_near_b) = a.tree.counts_between(&b.tree, chord_2);
    let in_b = |id: &u32| b.ids.binary_search(id).is_ok();
    let in_a = |id: &u32| a.ids.binary_search(id).is_ok();
    let joint: Vec<u32> = a.ids.iter().copied().filter(in_b).collect();
    let (joint_near_a, joint_near_b) = if joint.is_empty() {
        (vec![0; a.ids.len()], vec![0; b.ids.len()])
    } else {
        let joint = GroupCounts::new(index, joint, chord_2);
        (
            a.tree.counts_between(&joint.tree, chord_2).0,
            b.tree.counts_between(&joint.tree, chord_2).0,
        )
    };
    let mut degrees = Vec::with_capacity(a.ids.len() + b.ids.len());
    let mut observed = 0;
    for (k, _) in a.ids.iter().enumerate().filter(|(_, id)| !in_b(id)) {
        let both = 2 * joint_near_a[k] + 1;
        degrees.push((a.own[k] + b_near_a[k]).saturating_sub(both));
        observed += b_near_a[k].saturating_sub(joint_near_a[k]);
    }
    for (k, _) in b.ids.iter().enumerate().filter(|(_, id)| !in_a(id)) {
        let both = 2 * joint_near_b[k] + 1;
        degrees.push((b.own[k] + a_near_b[k]).saturating_sub(both));
    }
    (degrees, observed)
}

/// The exact mean and variance of the number of pairs (one labelled A, one B) of a graph
/// whose vertices have `degrees`, when `a` of its vertices are labelled A and `b` B at random
/// (a + b = the number of vertices). See [`CrossK`].
pub(crate) fn relabelling_moments(a: u64, b: u64, degrees: &[u64]) -> (f64, f64) {
    let n = a + b;
    debug_assert_eq!(n as usize, degrees.len());
    if a == 0 || b == 0 || n < 2 {
        return (0.0, 0.0);
    }
    let sum_d: u128 = degrees.iter().map(|&d| u128::from(d)).sum();
    let e = (sum_d / 2) as f64;
    let s = degrees
        .iter()
        .map(|&d| u128::from(d) * u128::from(d.saturating_sub(1)))
        .sum::<u128>() as f64;
    let (af, bf, nf) = (a as f64, b as f64, n as f64);
    let p2 = 2.0 * af * bf / (nf * (nf - 1.0));
    let p3 = if n >= 3 { p2 / 2.0 } else { 0.0 };
    let p4 = if n >= 4 {
        4.0 * af * (af - 1.0) * bf * (bf - 1.0) / (nf * (nf - 1.0) * (nf - 2.0) * (nf - 3.0))
    } else {
        0.0
    };
    // p₄ − p₂², whose two terms nearly cancel, as p₂² · (r − 1) with r − 1 exact in integers:
    // r = (a−1)(b−1)N(N−1) / (ab(N−2)(N−3)).
    let p4_less_p2_2 = if n >= 4 {
        let (a, b, n) = (i128::from(a), i128::from(b), i128::from(n));
        let over = (a - 1) * (b - 1) * n * (n - 1) - a * b * (n - 2) * (n - 3);
        let under = a * b * (n - 2) * (n - 3);
        p2 * p2 * (over as f64 / under as f64)
    } else {
        -p2 * p2
    };
    let mean = e * p2;
    let variance = e * (p2 - p4) + s * (p3 - p4) + e * e * p4_less_p2_2;
    (mean, variance.max(0.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every way of labelling `a` of the graph's vertices A: the exact mean and variance of
    /// the number of edges with one end of each label.
    fn enumerated(n: usize, a: usize, edges: &[(usize, usize)]) -> (f64, f64) {
        let (mut count, mut sum, mut sum_2) = (0.0, 0.0, 0.0);
        for mask in 0u32..(1 << n) {
            if mask.count_ones() as usize != a {
                continue;
            }
            let is_a = |v: usize| mask & (1 << v) != 0;
            let c = edges.iter().filter(|&&(u, v)| is_a(u) != is_a(v)).count() as f64;
            count += 1.0;
            sum += c;
            sum_2 += c * c;
        }
        let mean = sum / count;
        (mean, sum_2 / count - mean * mean)
    }

    #[test]
    fn parameters_read_back_from_a_file_are_checked_when_run() {
        let (set, _) = crate::validate::IncidentSet::validate(
            crate::synthetic::CorridorScenario::new(300).generate(),
        );
        let index = IncidentIndex::new(&set);
        let years = DateWindow::new(
            jiff::civil::date(2019, 1, 1),
            jiff::civil::date(2024, 12, 31),
        )
        .expect("a window");
        let groups = ActorGroups::corridor();
        let good = serde_json::to_value(Nexus::new("JNIM", "IS Sahel").expect("valid"))
            .expect("serialised");
        assert!(
            serde_json::from_value::<Nexus>(good.clone())
                .expect("read back")
                .run(&index, &groups, years)
                .is_ok()
        );
        for (field, bad) in [
            ("pair_km", serde_json::json!(-5.0)),
            ("radius_km", serde_json::json!(0.0)),
            ("test", serde_json::json!({"shuffles": 0})),
        ] {
            let mut v = good.clone();
            v[field] = bad;
            let n: Nexus = serde_json::from_value(v).expect("read back");
            assert!(
                matches!(
                    n.run(&index, &groups, years),
                    Err(Error::InvalidParameter { .. })
                ),
                "{field}"
            );
        }
    }

    #[test]
    fn the_relabelling_moments_equal_an_enumeration_of_every_labelling() {
        let mut rng = Pcg64Mcg::seed_from_u64(3);
        for case in 0..60 {
            let n = rng.random_range(2..=12usize);
            let density = rng.random_range(0.0..1.0);
            let mut edges = Vec::new();
            for u in 0..n {
                for v in u + 1..n {
                    if rng.random_range(0.0..1.0) < density {
                        edges.push((u, v));
                    }
                }
            }
            let mut degrees = vec![0u64; n];
            for &(u, v) in &edges {
                degrees[u] += 1;
                degrees[v] += 1;
            }
            for a in 0..=n {
                let (mean, var) = relabelling_moments(a as u64, (n - a) as u64, &degrees);
                let (want_mean, want_var) = enumerated(n, a, &edges);
                assert!((mean - want_mean).abs() < 1e-9, "case {case}, a = {a}");
                assert!(
                    (var - want_var).abs() < 1e-9 * want_var.max(1.0),
                    "case {case}: n = {n}, a = {a}, {var} against {want_var}"
                );
            }
        }
    }
}
