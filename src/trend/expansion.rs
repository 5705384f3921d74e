//! Where a group's activity spreads, period by period.

use geo::{ChamberlainDuquetteArea, ConvexHull, MultiPoint, Point};
use jiff::civil::Date;
use rustc_hash::FxHashSet;
use serde::{Deserialize, Serialize};

use crate::cluster::Dbscan;
use crate::error::{Error, Result};
use crate::geodesy::{KM_PER_DEGREE, chord2_to_km, dist2, lon_lat_of, unit_vector};
use crate::incident::Incident;
use crate::index::{DateWindow, IncidentIndex};
use crate::surface::{CellId, Grid, SliceLength};
use crate::validate::IncidentSet;

/// How a group's map changed from one period to the next, after Schutte & Weidmann (2011),
/// "Diffusion patterns of violence in civil wars", Political Geography 30(3): escalation
/// spreads to new places while the old ones stay active; relocation moves to new places while
/// the old ones fall quiet. Their types describe violence that spreads; a period with fewer
/// incidents in fewer cells than the last is a decline, whatever new cells it has (this
/// crate's rule, checked first, so that a falling year is never called escalation).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SpreadKind {
    /// Fewer incidents and fewer active cells than the last period.
    Decline,
    /// New cells, and at least as many of the last period's cells still active as gone quiet.
    Escalation,
    /// New cells, and more of the last period's cells gone quiet than still active.
    Relocation,
    /// No new cells, more cells gone quiet than still active.
    Contraction,
    /// No new cells, most cells still active.
    Stable,
}

impl SpreadKind {
    /// The kind in words, as the report prints it (`"escalation"`).
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            SpreadKind::Decline => "decline",
            SpreadKind::Escalation => "escalation",
            SpreadKind::Relocation => "relocation",
            SpreadKind::Contraction => "contraction",
            SpreadKind::Stable => "stable",
        }
    }
}

/// One period of a group's activity.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ExpansionStep {
    /// First day of the period.
    pub start: Date,
    /// Incidents in the period.
    pub incidents: usize,
    /// Spherical centroid (mean unit vector) of their positions.
    pub centroid: Option<Point<f64>>,
    /// 10th percentile of their latitudes (linear interpolation): how far south the southern
    /// edge of the activity lies.
    pub lat_p10: Option<f64>,
    /// Area of the convex hull of their positions on the sphere, km².
    pub hull_area_km2: f64,
    /// Grid cells with activity.
    pub active_cells: usize,
    /// Active cells with no activity in the previous `lookback` periods.
    pub new_cells: usize,
    /// Cells active in the previous period and in this one.
    pub retained_cells: usize,
    /// Cells active in the previous period but not in this one.
    pub quiet_cells: usize,
    /// Median great-circle distance (km) from the incidents in new cells to the nearest
    /// incident of the previous period's DBSCAN clusters.
    pub new_km_from_previous_clusters: Option<f64>,
    /// The change from the previous period (`None` for the first, and when either period has
    /// no incidents).
    pub change: Option<SpreadKind>,
}

/// Follows where a set of incidents (a group, a country) is active, period by period:
/// cells active, new and gone quiet, the centroid, the southern edge, the hull, and whether
/// the change was escalation or relocation (after Schutte & Weidmann 2011, "Diffusion
/// patterns of violence in civil wars", *Political Geography* 30(3)).
///
/// ```
/// use conflict_risk::{ActorGroups, DateWindow, Expansion, IncidentIndex, IncidentSet};
/// use conflict_risk::{CorridorScenario, jiff::civil::date};
/// let (set, _) = IncidentSet::validate(CorridorScenario::new(5_000).generate());
/// let index = IncidentIndex::new(&set);
/// let groups = ActorGroups::corridor();
/// let jnim = groups.position("JNIM").expect("a corridor group");
/// let years = DateWindow::new(date(2019, 1, 1), date(2024, 12, 31))?;
/// let spread = Expansion::yearly().run(&index, years, |i| groups.involves(jnim, i))?;
/// assert_eq!(spread.steps.len(), 6);
/// assert_eq!(spread.params, Expansion::yearly());
/// # Ok::<(), conflict_risk::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Expansion {
    period: SliceLength,
    grid: Grid,
    lookback: usize,
    dbscan: Dbscan,
}

impl Default for Expansion {
    fn default() -> Self {
        Expansion::yearly()
    }
}

impl Expansion {
    /// Yearly periods on PRIO-GRID, lookback 1, DBSCAN 25 km / 5 for the distance of new
    /// activity from the previous period's clusters.
    #[must_use]
    pub fn yearly() -> Self {
        Expansion {
            period: SliceLength::Year,
            grid: Grid::PrioGrid,
            lookback: 1,
            dbscan: Dbscan::DEFAULT,
        }
    }

    /// The period length.
    #[must_use]
    pub fn period(self, period: SliceLength) -> Self {
        Expansion { period, ..self }
    }

    /// The cells that count as places.
    #[must_use]
    pub fn grid(self, grid: Grid) -> Self {
        Expansion { grid, ..self }
    }

    /// How many earlier periods a cell must have been quiet for to count as new (at least 1).
    pub fn lookback(self, lookback: usize) -> Result<Self> {
        if lookback == 0 {
            return Err(Error::invalid(
                "lookback",
                0,
                "needs at least one earlier period",
            ));
        }
        Ok(Expansion { lookback, ..self })
    }

    /// The clustering of each period, for the distance of new activity from the old clusters.
    #[must_use]
    pub fn dbscan(self, dbscan: Dbscan) -> Self {
        Expansion { dbscan, ..self }
    }

    /// Activity per period, from the period of the window's first day to that of its last,
    /// of the incidents of `index` that `keep` accepts (a group, a country).
    pub fn run(
        &self,
        index: &IncidentIndex,
        window: DateWindow,
        keep: impl Fn(&Incident) -> bool,
    ) -> Result<ExpansionSeries> {
        let steps = steps(self, index.set().incidents(), keep, window)?;
        Ok(ExpansionSeries {
            params: self.clone(),
            window,
            steps,
        })
    }
}

/// A set of incidents' activity period by period, made by [`Expansion::run`].
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ExpansionSeries {
    /// What made it.
    pub params: Expansion,
    /// The window asked for.
    pub window: DateWindow,
    /// One step per period, in order.
    pub steps: Vec<ExpansionStep>,
}

fn steps(
    spec: &Expansion,
    incidents: &[Incident],
    keep: impl Fn(&Incident) -> bool,
    window: DateWindow,
) -> Result<Vec<ExpansionStep>> {
    let (from, to) = (window.first_day(), window.last_day());
    let p = spec.period;
    let (lo, hi) = (p.number(from), p.number(to));
    let mut per: Vec<Vec<&Incident>> = vec![Vec::new(); (hi - lo + 1) as usize];
    for i in incidents.iter().filter(|i| keep(i)) {
        let k = p.number(i.date.start);
        if (lo..=hi).contains(&k) {
            per[(k - lo) as usize].push(i);
        }
    }
    let cells_of = |v: &[&Incident]| -> FxHashSet<CellId> {
        v.iter()
            .filter_map(|i| spec.grid.cell_of(i.lon, i.lat).ok())
            .collect()
    };
    let cells: Vec<FxHashSet<CellId>> = per.iter().map(|v| cells_of(v)).collect();
    let mut steps = Vec::with_capacity(per.len());
    for (k, now) in per.iter().enumerate() {
        let mut lats: Vec<f64> = now.iter().map(|i| i.lat).collect();
        lats.sort_unstable_by(f64::total_cmp);
        let centroid = (!now.is_empty()).then(|| {
            let mut s = [0.0; 3];
            for i in now {
                let v = unit_vector(i.point());
                s = [s[0] + v[0], s[1] + v[1], s[2] + v[2]];
            }
            lon_lat_of(s)
        });
        let hull =
            MultiPoint::from(now.iter().map(|i| i.point()).collect::<Vec<_>>()).convex_hull();
        let earlier: FxHashSet<&CellId> = cells[k.saturating_sub(spec.lookback)..k]
            .iter()
            .flatten()
            .collect();
        let new: Vec<&CellId> = cells[k].iter().filter(|c| !earlier.contains(c)).collect();
        let (retained, quiet) = match k.checked_sub(1) {
            Some(prev) => (
                cells[prev].intersection(&cells[k]).count(),
                cells[prev].difference(&cells[k]).count(),
            ),
            None => (0, 0),
        };
        let new_km = if k > 0 && !new.is_empty() {
            let new_cells: FxHashSet<&CellId> = new.iter().copied().collect();
            let movers: Vec<&Incident> = now
                .iter()
                .copied()
                .filter(|i| {
                    spec.grid
                        .cell_of(i.lon, i.lat)
                        .is_ok_and(|c| new_cells.contains(&c))
                })
                .collect();
            distance_from_clusters(&per[k - 1], &movers, &spec.dbscan)
        } else {
            None
        };
        // A change needs activity on both sides: from or to nothing there is no spread.
        let both_active = k > 0 && !per[k - 1].is_empty() && !now.is_empty();
        let fell = k > 0 && now.len() < per[k - 1].len() && cells[k].len() < cells[k - 1].len();
        let change = both_active.then_some(match (new.is_empty(), retained >= quiet) {
            _ if fell => SpreadKind::Decline,
            (false, true) => SpreadKind::Escalation,
            (false, false) => SpreadKind::Relocation,
            (true, true) => SpreadKind::Stable,
            (true, false) => SpreadKind::Contraction,
        });
        steps.push(ExpansionStep {
            start: p.start(lo + k as i32),
            incidents: now.len(),
            centroid,
            lat_p10: percentile(&lats, 0.10),
            hull_area_km2: hull.chamberlain_duquette_unsigned_area() / 1e6,
            active_cells: cells[k].len(),
            new_cells: if k > 0 { new.len() } else { 0 },
            retained_cells: retained,
            quiet_cells: quiet,
            new_km_from_previous_clusters: new_km,
            change,
        });
    }
    Ok(steps)
}

impl ExpansionStep {
    /// How far south (km, positive southward) the 10th-percentile latitude moved from this
    /// step to `later`.
    #[must_use]
    pub fn southward_km_to(&self, later: &ExpansionStep) -> Option<f64> {
        Some((self.lat_p10? - later.lat_p10?) * KM_PER_DEGREE)
    }
}

/// Linear-interpolation percentile of sorted values (numpy's default).
fn percentile(sorted: &[f64], q: f64) -> Option<f64> {
    let n = sorted.len();
    if n == 0 {
        return None;
    }
    let pos = q * (n - 1) as f64;
    let (lo, hi) = (pos.floor() as usize, pos.ceil() as usize);
    Some(sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo as f64))
}

/// Median distance from each of `movers` to the nearest clustered incident of `before`.
fn distance_from_clusters(
    before: &[&Incident],
    movers: &[&Incident],
    dbscan: &Dbscan,
) -> Option<f64> {
    if before.is_empty() || movers.is_empty() {
        return None;
    }
    let set = IncidentSet::from_valid(before.iter().map(|i| (*i).clone()).collect());
    let index = IncidentIndex::new(&set);
    let clustering = dbscan.run(&index);
    // The clustered incidents' unit vectors in a tree of their own (not a second copy of the
    // incidents): the nearest by chord is the nearest on the sphere, measured as the index
    // measures it.
    let clustered: Vec<[f64; 3]> = (0u32..)
        .zip(clustering.labels())
        .filter(|(_, l)| l.is_some())
        .map(|(k, _)| index.vector(k))
        .collect();
    if clustered.is_empty() {
        return None;
    }
    let tree = rstar::RTree::bulk_load(clustered);
    let mut d: Vec<f64> = movers
        .iter()
        .filter_map(|i| {
            let q = unit_vector(i.point());
            tree.nearest_neighbor(&q)
                .map(|c| chord2_to_km(dist2(&q, c)))
        })
        .collect();
    crate::stats::median_opt(&mut d)
}
