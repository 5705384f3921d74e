//! Where two armed groups' zones meet.

use jiff::civil::Date;
use rand::{RngExt, SeedableRng};
use rand_pcg::Pcg64Mcg;
use rustc_hash::FxHashSet;
use serde::{Deserialize, Serialize};

use super::ActorGroups;
use crate::error::{Error, Result};
use crate::geodesy::km_to_chord2;
use crate::incident::Incident;
use crate::index::{DateWindow, IncidentIndex};
use crate::surface::{CellId, Grid, SliceLength};
use crate::validate::IncidentSet;

/// Where two armed groups meet: their closest approach per period, the pairs of their
/// incidents close in space and time, the cells both are active in, the incidents naming both,
/// and a cross-K-style test of whether they are closer than chance.
///
/// ```
/// use conflict_risk::{ActorGroups, CorridorScenario, DateWindow, IncidentIndex, IncidentSet, Nexus};
/// use conflict_risk::jiff::civil::date;
/// let (set, _) = IncidentSet::validate(CorridorScenario::new(5_000).generate());
/// let index = IncidentIndex::new(&set);
/// let years = DateWindow::new(date(2020, 1, 1), date(2024, 12, 31))?;
/// let meet = Nexus::new("JNIM", "IS Sahel")?
///     .permutations(99)?
///     .run(&index, &ActorGroups::corridor(), years)?;
/// assert!(meet.incidents.a > 0 && meet.incidents.b > 0);
/// assert_eq!(meet.min_km_by_period.len(), 5);
/// assert_eq!(meet.params.pair_km(), 50.0);
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
    permutations: usize,
    seed: u64,
}

/// The most label shuffles [`Nexus::permutations`] accepts: 99,999 (about 7 minutes on 1,504
/// incidents at 50 km; 999 give p to 0.001).
pub const MAX_PERMUTATIONS: usize = 99_999;

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
    /// 999 shuffles.
    pub fn new(a: &str, b: &str) -> Result<Self> {
        for (name, g) in [("a", a), ("b", b)] {
            if g.trim().is_empty() {
                return Err(Error::invalid(name, "\"\"", "needs a group name"));
            }
        }
        Ok(Nexus {
            a: a.to_string(),
            b: b.to_string(),
            period: SliceLength::Year,
            pair_km: 50.0,
            pair_days: 30,
            grid: Grid::PrioGrid,
            radius_km: 50.0,
            permutations: 999,
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

    /// The number of label shuffles, 1 to [`MAX_PERMUTATIONS`].
    pub fn permutations(self, permutations: usize) -> Result<Self> {
        if !(1..=MAX_PERMUTATIONS).contains(&permutations) {
            return Err(Error::invalid(
                "permutations",
                permutations,
                format!("must be from 1 to {MAX_PERMUTATIONS}"),
            ));
        }
        Ok(Nexus {
            permutations,
            ..self
        })
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

    /// The cross-K radius, km.
    #[must_use]
    pub fn cross_k_radius_km(&self) -> f64 {
        self.radius_km
    }

    /// The number of label shuffles.
    #[must_use]
    pub fn permutation_count(&self) -> usize {
        self.permutations
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
/// the same count with the A/B labels shuffled among the two groups' incidents (sizes kept).
/// A small `p_value` says the groups are closer than chance.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct CrossK {
    /// The radius, km.
    pub radius_km: f64,
    /// Observed cross pairs.
    pub observed: u64,
    /// Mean over the shuffles.
    pub expected: f64,
    /// (shuffles with at least the observed count + 1) / (shuffles + 1).
    pub p_value: f64,
    /// Number of shuffles.
    pub permutations: usize,
}

impl Nexus {
    /// Where the two groups meet among the incidents of `index` whose first day is in
    /// `window`; `Err` if `groups` has no group of either name.
    pub fn run(
        &self,
        index: &IncidentIndex,
        groups: &ActorGroups,
        window: DateWindow,
    ) -> Result<NexusFindings> {
        let spec = self;
        let (a, b) = (self.a.as_str(), self.b.as_str());
        let (from, to) = (window.first_day(), window.last_day());
        let ga = groups
            .position(a)
            .ok_or_else(|| Error::invalid("group", a, "no such actor group"))?;
        let gb = groups
            .position(b)
            .ok_or_else(|| Error::invalid("group", b, "no such actor group"))?;
        let incidents = index.set().incidents();
        let in_range = |i: &Incident| i.date.start >= from && i.date.start <= to;
        let ids_of = |g: usize| -> Vec<u32> {
            (0u32..)
                .zip(incidents)
                .filter(|(_, i)| in_range(i) && groups.involves(g, i))
                .map(|(k, _)| k)
                .collect()
        };
        let (ia, ib) = (ids_of(ga), ids_of(gb));
        let is_b: FxHashSet<u32> = ib.iter().copied().collect();
        let is_a: FxHashSet<u32> = ia.iter().copied().collect();

        // Minimum distance per period: each A incident's nearest B incident of the period, in an
        // index of that period's B incidents alone (a filtered query over all incidents would
        // walk most of the tree for every A far from any B).
        let p = spec.period;
        let (lo, hi) = (p.number(from), p.number(to));
        let mut min_km_by_period = Vec::new();
        for k in lo..=hi.max(lo) {
            let start = p.start(k);
            let in_period = |i: u32| p.number(incidents[i as usize].date.start) == k;
            let b_ids: Vec<u32> = ib.iter().copied().filter(|&i| in_period(i)).collect();
            let b_set = IncidentSet::from_valid(
                b_ids
                    .iter()
                    .map(|&i| incidents[i as usize].clone())
                    .collect(),
            );
            let b_index = IncidentIndex::new(&b_set);
            let mut best: Option<f64> = None;
            for &i in ia.iter().filter(|&&i| in_period(i)) {
                // Two neighbours, so that an incident of both groups can skip itself.
                let found = b_index.nearest(incidents[i as usize].point(), 2)?;
                if let Some(n) = found.iter().find(|n| b_ids[n.id.index()] != i) {
                    best = Some(best.map_or(n.distance_km, |b: f64| b.min(n.distance_km)));
                }
            }
            min_km_by_period.push(PeriodDistance { start, km: best });
        }

        // Co-located pairs.
        let mut colocated_pairs = 0u64;
        for &i in &ia {
            let inc = &incidents[i as usize];
            let days = jiff::Span::new()
                .try_days(i64::from(spec.pair_days))
                .map_err(|_| {
                    Error::invalid("pair_days", spec.pair_days, "too many days for a date span")
                })?;
            let (Ok(w0), Ok(w1)) = (
                inc.date.start.checked_sub(days),
                inc.date.end.checked_add(days),
            ) else {
                continue;
            };
            index
                .during(DateWindow::new(w0, w1)?)
                .for_each_within_radius(inc.point(), spec.pair_km, |n| {
                    let j = n.id.get();
                    if j != i && is_b.contains(&j) && in_range(&incidents[j as usize]) {
                        colocated_pairs += 1;
                    }
                })?;
        }

        let cells = |ids: &[u32]| -> FxHashSet<CellId> {
            ids.iter()
                .filter_map(|&i| {
                    spec.grid
                        .cell_of(incidents[i as usize].lon, incidents[i as usize].lat)
                        .ok()
                })
                .collect()
        };
        let shared_cells = cells(&ia).intersection(&cells(&ib)).count();
        let joint_incidents = ia.iter().filter(|i| is_b.contains(i)).count();
        let cross_k = cross_k(index, &ia, &ib, &is_a, &is_b, spec)?;
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
}

/// The cross-K-style count and its label-shuffle test. Incidents with both groups stay
/// out of the shuffle (they would pair with themselves); the rest are pooled and relabelled.
fn cross_k(
    index: &IncidentIndex,
    ia: &[u32],
    ib: &[u32],
    is_a: &FxHashSet<u32>,
    is_b: &FxHashSet<u32>,
    spec: &Nexus,
) -> Result<CrossK> {
    let only_a: Vec<u32> = ia.iter().copied().filter(|i| !is_b.contains(i)).collect();
    let only_b: Vec<u32> = ib.iter().copied().filter(|i| !is_a.contains(i)).collect();
    let pool: Vec<u32> = only_a.iter().chain(&only_b).copied().collect();
    // Neighbours within the radius of each pooled incident, by position in the pool (CSR).
    let at: rustc_hash::FxHashMap<u32, u32> = (0u32..).zip(&pool).map(|(k, &i)| (i, k)).collect();
    let r2 = km_to_chord2(spec.radius_km);
    let mut starts: Vec<usize> = Vec::with_capacity(pool.len() + 1);
    let mut adjacent: Vec<u32> = Vec::new();
    for &i in &pool {
        starts.push(adjacent.len());
        index.visit_within_chord_2(index.vector(i), r2, |_, j| {
            if j != i
                && let Some(&m) = at.get(&j)
            {
                adjacent.push(m);
            }
            std::ops::ControlFlow::Continue(())
        });
    }
    starts.push(adjacent.len());
    // Cross pairs = Σ over the members of one label of their neighbours of the other label:
    // summed over the smaller group, so each shuffle costs its members' degrees only.
    let small = only_a.len().min(only_b.len());
    let small_is_a = only_a.len() <= only_b.len();
    let cross = |members: &[u32], in_small: &[bool]| -> u64 {
        members
            .iter()
            .map(|&m| {
                let nb = &adjacent[starts[m as usize]..starts[m as usize + 1]];
                nb.iter().filter(|&&x| !in_small[x as usize]).count() as u64
            })
            .sum()
    };
    let mut in_small = vec![false; pool.len()];
    let first_small: Vec<u32> = if small_is_a {
        (0..only_a.len() as u32).collect()
    } else {
        (only_a.len() as u32..pool.len() as u32).collect()
    };
    for &m in &first_small {
        in_small[m as usize] = true;
    }
    let observed = cross(&first_small, &in_small);
    let mut rng = Pcg64Mcg::seed_from_u64(spec.seed);
    let mut order: Vec<u32> = (0..pool.len() as u32).collect();
    let mut at_least = 0usize;
    let mut total = 0u64;
    for _ in 0..spec.permutations {
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
        total += c;
        at_least += usize::from(c >= observed);
    }
    let perms = spec.permutations;
    Ok(CrossK {
        radius_km: spec.radius_km,
        observed,
        expected: total as f64 / perms.max(1) as f64,
        p_value: (at_least as f64 + 1.0) / (perms as f64 + 1.0),
        permutations: perms,
    })
}
