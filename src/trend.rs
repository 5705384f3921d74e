//! The corridor questions over time: the tempo of attacks, where activity spreads
//! (relocation or escalation, after Schutte & Weidmann 2011), and whether two armed groups'
//! zones meet.

use std::collections::BTreeMap;

use geo::{ChamberlainDuquetteArea, ConvexHull, MultiPoint, Point};
use jiff::civil::Date;
use rand::{RngExt, SeedableRng};
use rand_pcg::Pcg64Mcg;
use rustc_hash::FxHashSet;
use serde::{Deserialize, Serialize};

use crate::cluster::Dbscan;
use crate::error::{Error, Result};
use crate::geodesy::{KM_PER_DEGREE, km_to_chord2, lon_lat_of, unit_vector};
use crate::incident::{ActorKind, CountryCode, Incident};
use crate::index::{DateWindow, IncidentIndex};
use crate::stats::{MannKendall, mann_kendall, poisson_rate_test};
use crate::surface::{CellId, Grid, SliceLength};
use crate::validate::IncidentSet;

// ---------------------------------------------------------------------------------------
// Actor groups

/// One name an actor group goes by, optionally only for incidents recorded in (or outside) a
/// country.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Alias {
    /// Lower-case text matched as whole words against actor names.
    pub text: String,
    /// Match only a name that is exactly the text (UCDP's bare "IS").
    pub exact: bool,
    /// Only for incidents recorded in this country.
    pub only_in: Option<CountryCode>,
    /// Not for incidents recorded in this country.
    pub not_in: Option<CountryCode>,
}

impl Alias {
    /// An alias valid everywhere.
    #[must_use]
    pub fn new(text: &str) -> Self {
        Alias {
            text: text.to_lowercase(),
            exact: false,
            only_in: None,
            not_in: None,
        }
    }
}

/// A named armed group and the names it goes by.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActorGroup {
    /// The group's name in reports.
    pub name: String,
    /// Its aliases.
    pub aliases: Vec<Alias>,
    /// Actors of this kind belong to the group whatever their name (state forces).
    pub kind: Option<ActorKind>,
}

/// Armed groups defined by alias lists, matched case-insensitively as whole words against
/// every actor of an incident. [`ActorGroups::corridor`] holds defaults for the corridor.
///
/// ```
/// use conflict_risk::{Actor, ActorGroups, ActorKind, DateSpan, Incident, jiff::civil::date};
/// let groups = ActorGroups::corridor();
/// let mut i = Incident::new("x", 0.8, 10.9, DateSpan::day(date(2024, 7, 20)));
/// i.primary_actor = Some(Actor::new("JNIM: Group for Support of Islam and Muslims", ActorKind::Rebel));
/// assert_eq!(groups.names_of(&i), vec!["JNIM"]);
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActorGroups {
    groups: Vec<ActorGroup>,
}

impl ActorGroups {
    /// No groups.
    #[must_use]
    pub fn new() -> Self {
        ActorGroups::default()
    }

    /// The corridor's groups: JNIM, IS Sahel (ISGS), Ansaru, Boko Haram/JAS, ISWAP and state
    /// forces. UCDP names every Islamic State province "IS": it counts as IS Sahel outside
    /// Nigeria and as ISWAP in Nigeria.
    #[must_use]
    pub fn corridor() -> Self {
        let nga = CountryCode::new("NGA");
        let all = |names: &[&str]| names.iter().map(|n| Alias::new(n)).collect::<Vec<_>>();
        let is_outside = Alias {
            not_in: nga,
            exact: true,
            ..Alias::new("is")
        };
        let is_nigeria = Alias {
            only_in: nga,
            exact: true,
            ..Alias::new("is")
        };
        let mut is_sahel = all(&[
            "islamic state sahel",
            "is sahel",
            "is-sahel",
            "isgs",
            "islamic state in the greater sahara",
            "islamic state (greater sahara)",
            "islamic state sahel province",
        ]);
        is_sahel.push(is_outside);
        let mut iswap = all(&[
            "iswap",
            "islamic state west africa",
            "islamic state (west africa)",
            "islamic state west africa province",
        ]);
        iswap.push(is_nigeria);
        let group = |name: &str, aliases: Vec<Alias>, kind| ActorGroup {
            name: name.to_string(),
            aliases,
            kind,
        };
        ActorGroups {
            groups: vec![
                group(
                    "JNIM",
                    all(&[
                        "jnim",
                        "jama'at nusrat al-islam wal-muslimin",
                        "jamaat nusrat al-islam wal muslimin",
                        "group for support of islam and muslims",
                        "gsim",
                    ]),
                    None,
                ),
                group("IS Sahel", is_sahel, None),
                group(
                    "Ansaru",
                    all(&["ansaru", "jama'atu ansarul muslimina fi biladis sudan"]),
                    None,
                ),
                group(
                    "Boko Haram/JAS",
                    all(&[
                        "boko haram",
                        "jas",
                        "jama'atu ahlis sunna lidda'awati wal-jihad",
                        "jamaatu ahlis sunna liddaawati wal-jihad",
                    ]),
                    None,
                ),
                group("ISWAP", iswap, None),
                group(
                    "State forces",
                    all(&["military forces of", "police forces of", "government of"]),
                    Some(ActorKind::State),
                ),
            ],
        }
    }

    /// Add a group or replace the one of that name.
    #[must_use]
    pub fn with_group(mut self, name: &str, aliases: &[&str]) -> Self {
        let g = ActorGroup {
            name: name.to_string(),
            aliases: aliases.iter().map(|a| Alias::new(a)).collect(),
            kind: None,
        };
        match self.groups.iter_mut().find(|x| x.name == name) {
            Some(x) => *x = g,
            None => self.groups.push(g),
        }
        self
    }

    /// The groups.
    #[must_use]
    pub fn groups(&self) -> &[ActorGroup] {
        &self.groups
    }

    /// The position of a group by name.
    #[must_use]
    pub fn position(&self, name: &str) -> Option<usize> {
        self.groups.iter().position(|g| g.name == name)
    }

    /// Whether group `g` appears in the incident.
    #[must_use]
    pub fn involves(&self, g: usize, incident: &Incident) -> bool {
        let Some(group) = self.groups.get(g) else {
            return false;
        };
        incident.actors().any(|a| {
            if group.kind == Some(a.kind) {
                return true;
            }
            let name = a.name.to_lowercase();
            group.aliases.iter().any(|al| {
                al.only_in.is_none_or(|c| incident.country == Some(c))
                    && al.not_in.is_none_or(|c| incident.country != Some(c))
                    && if al.exact {
                        name.trim() == al.text
                    } else {
                        contains_words(&name, &al.text)
                    }
            })
        })
    }

    /// The names of the groups that appear in the incident, in group order.
    #[must_use]
    pub fn names_of(&self, incident: &Incident) -> Vec<&str> {
        (0..self.groups.len())
            .filter(|&g| self.involves(g, incident))
            .map(|g| self.groups[g].name.as_str())
            .collect()
    }
}

/// Whether `needle` occurs in `hay` bounded by non-alphanumeric characters or the ends.
fn contains_words(hay: &str, needle: &str) -> bool {
    if needle.is_empty() {
        return false;
    }
    let bytes = hay.as_bytes();
    let mut from = 0;
    while let Some(at) = hay[from..].find(needle) {
        let start = from + at;
        let end = start + needle.len();
        let before = start == 0 || !bytes[start - 1].is_ascii_alphanumeric();
        let after = end == bytes.len() || !bytes[end].is_ascii_alphanumeric();
        if before && after {
            return true;
        }
        from = start + 1;
        while !hay.is_char_boundary(from) {
            from += 1;
        }
    }
    false
}

// ---------------------------------------------------------------------------------------
// Tempo

/// Incidents and deaths per calendar month (by the first day of each date span), in total and
/// by country, actor group and event kind.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Tempo {
    /// First day of each month.
    pub months: Vec<Date>,
    /// Incidents per month.
    pub incidents: Vec<u64>,
    /// Deaths (best estimates) per month.
    pub fatalities: Vec<i64>,
    /// Incidents per month by recorded country (`"unknown"` when none).
    pub by_country: BTreeMap<String, Vec<u64>>,
    /// Incidents per month by actor group (an incident counts for each group in it).
    pub by_group: BTreeMap<String, Vec<u64>>,
    /// Incidents per month by event kind.
    pub by_kind: BTreeMap<String, Vec<u64>>,
}

/// The last twelve months against the twelve before.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct YearOnYear {
    /// Incidents in the last 12 months of the series.
    pub last_12: u64,
    /// Incidents in the 12 months before.
    pub previous_12: u64,
    /// Change in percent (infinite from 0, NaN for 0 to 0).
    pub change_pct: f64,
    /// Two-sided p-value of equal rates (exact conditional Poisson test).
    pub p_value: f64,
}

impl Tempo {
    /// Count the incidents whose first day is from `from` to `to` (whole months).
    ///
    /// ```
    /// use conflict_risk::{ActorGroups, Tempo, brief_incidents, jiff::civil::date};
    /// let t = Tempo::new(&brief_incidents(), &ActorGroups::corridor(), date(2022, 1, 1), date(2024, 12, 31))?;
    /// assert_eq!(t.months.len(), 36);
    /// assert_eq!(t.incidents.iter().sum::<u64>(), 3);
    /// # Ok::<(), conflict_risk::Error>(())
    /// ```
    pub fn new(incidents: &[Incident], groups: &ActorGroups, from: Date, to: Date) -> Result<Self> {
        let m = SliceLength::Month;
        let (lo, hi) = (m.number(from), m.number(to));
        if hi < lo {
            return Err(Error::invalid("to", to, format!("is before from ({from})")));
        }
        let n = (hi - lo + 1) as usize;
        let mut t = Tempo {
            months: (lo..=hi).map(|k| m.start(k)).collect(),
            incidents: vec![0; n],
            fatalities: vec![0; n],
            by_country: BTreeMap::new(),
            by_group: BTreeMap::new(),
            by_kind: BTreeMap::new(),
        };
        for i in incidents {
            let k = m.number(i.date.start);
            if k < lo || k > hi {
                continue;
            }
            let k = (k - lo) as usize;
            t.incidents[k] += 1;
            t.fatalities[k] += i64::from(i.fatalities.best.max(0));
            let country = i.country.map_or("unknown".to_string(), |c| c.to_string());
            t.by_country.entry(country).or_insert_with(|| vec![0; n])[k] += 1;
            for g in groups.names_of(i) {
                t.by_group
                    .entry(g.to_string())
                    .or_insert_with(|| vec![0; n])[k] += 1;
            }
            t.by_kind
                .entry(i.kind.label().to_string())
                .or_insert_with(|| vec![0; n])[k] += 1;
        }
        Ok(t)
    }

    /// Mann-Kendall with Sen's slope (incidents per month, per month) over the last `months`
    /// months of a series (`None`: the total).
    pub fn trend(&self, series: Option<&[u64]>, months: usize) -> Result<MannKendall> {
        let s = series.unwrap_or(&self.incidents);
        let from = s.len().saturating_sub(months);
        let x: Vec<f64> = s[from..].iter().map(|&v| v as f64).collect();
        mann_kendall(&x)
    }

    /// The last 12 months of the series against the 12 before; `None` when the series has
    /// fewer than 24 months (the two periods would not be equally long).
    #[must_use]
    pub fn year_on_year(&self, series: Option<&[u64]>) -> Option<YearOnYear> {
        let s = series.unwrap_or(&self.incidents);
        let n = s.len();
        if n < 24 {
            return None;
        }
        let last: u64 = s[n - 12..].iter().sum();
        let prev: u64 = s[n - 24..n - 12].iter().sum();
        let (_, p) = poisson_rate_test(last, prev);
        Some(YearOnYear {
            last_12: last,
            previous_12: prev,
            change_pct: (last as f64 - prev as f64) / prev as f64 * 100.0,
            p_value: p,
        })
    }
}

// ---------------------------------------------------------------------------------------
// Expansion

/// How a group's map changed from one period to the next, after Schutte & Weidmann (2011):
/// escalation spreads to new places while the old ones stay active; relocation moves to new
/// places while the old ones fall quiet.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SpreadKind {
    /// New cells, and at least as many of the last period's cells still active as gone quiet.
    Escalation,
    /// New cells, and more of the last period's cells gone quiet than still active.
    Relocation,
    /// No new cells, more cells gone quiet than still active.
    Contraction,
    /// No new cells, most cells still active.
    Stable,
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

/// Parameters of [`expansion`].
#[derive(Clone, Debug, PartialEq)]
pub struct ExpansionSpec {
    /// Period length.
    pub period: SliceLength,
    /// The cells that count as places.
    pub grid: Grid,
    /// How many earlier periods a cell must have been quiet for to count as new.
    pub lookback: usize,
    /// DBSCAN of each period, for the distance of new activity from the old clusters.
    pub dbscan: Dbscan,
}

impl ExpansionSpec {
    /// Yearly periods on PRIO-GRID, lookback 1, DBSCAN 25 km / 5.
    pub fn yearly() -> Result<Self> {
        Ok(ExpansionSpec {
            period: SliceLength::Year,
            grid: Grid::PrioGrid,
            lookback: 1,
            dbscan: Dbscan::new(25.0, 5)?,
        })
    }
}

/// Activity per period from the period of `from` to that of `to`, of the incidents `keep`
/// accepts (a group, a country).
pub fn expansion(
    incidents: &[Incident],
    keep: impl Fn(&Incident) -> bool,
    spec: &ExpansionSpec,
    from: Date,
    to: Date,
) -> Result<Vec<ExpansionStep>> {
    if spec.lookback == 0 {
        return Err(Error::invalid(
            "lookback",
            0,
            "needs at least one earlier period",
        ));
    }
    let p = spec.period;
    let (lo, hi) = (p.number(from), p.number(to));
    if hi < lo {
        return Err(Error::invalid("to", to, format!("is before from ({from})")));
    }
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
        let change = both_active.then_some(match (new.is_empty(), retained >= quiet) {
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

/// How far south (km, positive southward) the 10th-percentile latitude moved between two
/// steps.
#[must_use]
pub fn southward_km(first: &ExpansionStep, last: &ExpansionStep) -> Option<f64> {
    Some((first.lat_p10? - last.lat_p10?) * KM_PER_DEGREE)
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
    let (set, _) = IncidentSet::validate(before.iter().map(|i| (*i).clone()).collect());
    let index = IncidentIndex::new(&set);
    let clustering = dbscan.run(&index);
    let clustered: Vec<Incident> = set
        .incidents()
        .iter()
        .zip(clustering.labels())
        .filter(|(_, l)| l.is_some())
        .map(|(i, _)| i.clone())
        .collect();
    if clustered.is_empty() {
        return None;
    }
    let (cset, _) = IncidentSet::validate(clustered);
    let cindex = IncidentIndex::new(&cset);
    let mut d: Vec<f64> = movers
        .iter()
        .filter_map(|i| {
            cindex
                .nearest(i.point(), 1)
                .ok()?
                .first()
                .map(|n| n.distance_km)
        })
        .collect();
    crate::stats::median_opt(&mut d)
}

// ---------------------------------------------------------------------------------------
// Nexus

/// Where two groups meet.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Nexus {
    /// The two groups.
    pub groups: (String, String),
    /// Incidents of each group (an incident with both counts for both).
    pub incidents: (usize, usize),
    /// Per period: its first day and the smallest great-circle distance (km) between an
    /// incident of one group and one of the other in that period (`None` if either is absent).
    pub min_km_by_period: Vec<(Date, Option<f64>)>,
    /// Pairs (one of each group, different incidents) within `pair_km` and `pair_days`.
    pub colocated_pairs: u64,
    /// The distance and day limits of those pairs.
    pub pair_km: f64,
    /// See `pair_km`.
    pub pair_days: u32,
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
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
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

/// Parameters of [`nexus`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NexusSpec {
    /// Periods for the minimum distance.
    pub period: SliceLength,
    /// Co-location distance, km.
    pub pair_km: f64,
    /// Co-location time, days between date spans.
    pub pair_days: u32,
    /// Cells for "both active".
    pub grid: Grid,
    /// Cross-K radius, km.
    pub radius_km: f64,
    /// Shuffles.
    pub permutations: usize,
    /// Seed of the shuffles.
    pub seed: u64,
}

impl Default for NexusSpec {
    /// Yearly periods, pairs within 50 km and 30 days, PRIO-GRID, cross-K at 50 km with 999
    /// shuffles.
    fn default() -> Self {
        NexusSpec {
            period: SliceLength::Year,
            pair_km: 50.0,
            pair_days: 30,
            grid: Grid::PrioGrid,
            radius_km: 50.0,
            permutations: 999,
            seed: 0x4E58,
        }
    }
}

/// Where groups `a` and `b` of `groups` meet, over the incidents of `index` from `from` to
/// `to` (by first day).
pub fn nexus(
    index: &IncidentIndex,
    groups: &ActorGroups,
    a: &str,
    b: &str,
    spec: &NexusSpec,
    from: Date,
    to: Date,
) -> Result<Nexus> {
    let ga = groups
        .position(a)
        .ok_or_else(|| Error::invalid("group", a, "no such actor group"))?;
    let gb = groups
        .position(b)
        .ok_or_else(|| Error::invalid("group", b, "no such actor group"))?;
    if !(spec.pair_km > 0.0 && spec.radius_km > 0.0) {
        return Err(Error::invalid(
            "nexus",
            "radius",
            "distances must be above 0 km",
        ));
    }
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
        let (b_set, _) = IncidentSet::validate(
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
        min_km_by_period.push((start, best));
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
    Ok(Nexus {
        groups: (a.to_string(), b.to_string()),
        incidents: (ia.len(), ib.len()),
        min_km_by_period,
        colocated_pairs,
        pair_km: spec.pair_km,
        pair_days: spec.pair_days,
        shared_cells,
        joint_incidents,
        cross_k,
    })
}

/// The cross-K-style count and its label-shuffle test. Incidents with both groups stay
/// out of the shuffle (they would pair with themselves); the rest are pooled and relabelled.
fn cross_k(
    index: &IncidentIndex,
    ia: &[u32],
    ib: &[u32],
    is_a: &FxHashSet<u32>,
    is_b: &FxHashSet<u32>,
    spec: &NexusSpec,
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
        expected: if perms > 0 {
            total as f64 / perms as f64
        } else {
            f64::NAN
        },
        p_value: (at_least as f64 + 1.0) / (perms as f64 + 1.0),
        permutations: perms,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::incident::{Actor, DateSpan};
    use crate::{destination, haversine_km};
    use jiff::civil::date;

    fn event(id: String, p: Point<f64>, d: Date, actor: &str) -> Incident {
        let mut i = Incident::new(id.as_str(), p.x(), p.y(), DateSpan::day(d));
        i.primary_actor = Some(Actor::new(actor, ActorKind::Rebel));
        i
    }

    fn day_in(year: i16, rng: &mut Pcg64Mcg) -> Date {
        date(year, 1, 1)
            .checked_add(jiff::Span::new().days(rng.random_range(0..360)))
            .expect("in range")
    }

    /// A group whose activity moves 100 km south every year, 200 incidents a year within
    /// 20 km of its centre.
    fn moving_south(rng: &mut Pcg64Mcg) -> Vec<Incident> {
        let mut out = Vec::new();
        for (k, year) in (2019..=2023).enumerate() {
            let centre = destination(Point::new(0.5, 13.5), 180.0, 100.0 * k as f64);
            for n in 0..200 {
                let p = destination(
                    centre,
                    rng.random_range(0.0..360.0),
                    rng.random_range(0.0..20.0),
                );
                out.push(event(format!("m{year}-{n}"), p, day_in(year, rng), "JNIM"));
            }
        }
        out
    }

    #[test]
    fn a_group_moving_south_by_100_km_a_year() {
        let mut rng = Pcg64Mcg::seed_from_u64(1);
        let incidents = moving_south(&mut rng);
        let spec = ExpansionSpec::yearly().expect("valid");
        let steps = expansion(
            &incidents,
            |_| true,
            &spec,
            date(2019, 1, 1),
            date(2023, 12, 31),
        )
        .expect("valid");
        assert_eq!(steps.len(), 5);
        for w in steps.windows(2) {
            let (a, b) = (
                w[0].centroid.expect("active"),
                w[1].centroid.expect("active"),
            );
            let moved = haversine_km(a, b);
            assert!((moved - 100.0).abs() < 5.0, "centroid moved {moved} km");
            assert!(b.y() < a.y());
            let south = southward_km(&w[0], &w[1]).expect("active");
            assert!((south - 100.0).abs() < 10.0, "p10 moved {south} km");
            // 100 km a year with 20 km of spread: the old cells fall quiet (no 55 km cell
            // reaches across the 60 km gap), new ones open.
            assert_eq!(w[1].change, Some(SpreadKind::Relocation));
            let d = w[1].new_km_from_previous_clusters.expect("new cells");
            assert!(d > 20.0 && d < 110.0, "{d}");
        }
        let total = southward_km(&steps[0], &steps[4]).expect("active");
        assert!((total - 400.0).abs() < 15.0, "{total}");
        assert!(steps[0].change.is_none());
    }

    #[test]
    fn a_group_that_grows_in_place_escalates() {
        let mut rng = Pcg64Mcg::seed_from_u64(2);
        let mut incidents = Vec::new();
        for (k, year) in (2020..=2022).enumerate() {
            let radius = 40.0 + 60.0 * k as f64;
            for n in 0..400 {
                let p = destination(
                    Point::new(1.0, 12.0),
                    rng.random_range(0.0..360.0),
                    radius * rng.random_range(0.0f64..1.0).sqrt(),
                );
                incidents.push(event(
                    format!("g{year}-{n}"),
                    p,
                    day_in(year, &mut rng),
                    "JNIM",
                ));
            }
        }
        let steps = expansion(
            &incidents,
            |_| true,
            &ExpansionSpec::yearly().expect("valid"),
            date(2020, 1, 1),
            date(2022, 12, 31),
        )
        .expect("valid");
        assert_eq!(steps[1].change, Some(SpreadKind::Escalation));
        assert_eq!(steps[2].change, Some(SpreadKind::Escalation));
        assert!(steps[2].hull_area_km2 > steps[0].hull_area_km2 * 5.0);
        // A year with no incidents between two active ones: no change is claimed either side.
        let gap: Vec<Incident> = incidents
            .iter()
            .filter(|i| i.date.start.year() != 2021)
            .cloned()
            .collect();
        let spec = ExpansionSpec::yearly().expect("valid");
        let steps =
            expansion(&gap, |_| true, &spec, date(2020, 1, 1), date(2022, 12, 31)).expect("valid");
        assert_eq!((steps[1].change, steps[2].change), (None, None));
    }

    fn two_groups(converge: bool, rng: &mut Pcg64Mcg) -> Vec<Incident> {
        let mut out = Vec::new();
        for (k, year) in (2019..=2023).enumerate() {
            // A at 0.0° E, B at 6.0° E (about 650 km apart); converging, each moves 60 km a
            // year towards the other.
            let step = if converge { 60.0 * k as f64 } else { 0.0 };
            let ca = destination(Point::new(0.0, 11.0), 90.0, step);
            let cb = destination(Point::new(6.0, 11.0), 270.0, step);
            for n in 0..150 {
                let pa = destination(
                    ca,
                    rng.random_range(0.0..360.0),
                    rng.random_range(0.0..25.0),
                );
                let pb = destination(
                    cb,
                    rng.random_range(0.0..360.0),
                    rng.random_range(0.0..25.0),
                );
                out.push(event(format!("a{year}-{n}"), pa, day_in(year, rng), "JNIM"));
                out.push(event(
                    format!("b{year}-{n}"),
                    pb,
                    day_in(year, rng),
                    "Ansaru",
                ));
            }
        }
        out
    }

    #[test]
    fn converging_groups_meet_and_distant_ones_never_do() {
        let groups = ActorGroups::corridor();
        let spec = NexusSpec {
            permutations: 199,
            ..NexusSpec::default()
        };
        let mut rng = Pcg64Mcg::seed_from_u64(5);
        let (set, _) = IncidentSet::validate(two_groups(true, &mut rng));
        let index = IncidentIndex::new(&set);
        let n = nexus(
            &index,
            &groups,
            "JNIM",
            "Ansaru",
            &spec,
            date(2019, 1, 1),
            date(2023, 12, 31),
        )
        .expect("valid");
        assert_eq!(n.incidents, (750, 750));
        let mins: Vec<f64> = n
            .min_km_by_period
            .iter()
            .map(|(_, d)| d.expect("both active"))
            .collect();
        // About 650, 530, 410, 290, 170 km between centres, less up to 50 km of spread.
        for w in mins.windows(2) {
            assert!(w[1] < w[0] - 90.0, "{mins:?}");
        }
        assert!(mins[4] < 180.0 && mins[0] > 550.0, "{mins:?}");
        // Still 120 km apart at the end: no pairs within 50 km, no shared cells.
        assert_eq!(n.colocated_pairs, 0);
        assert_eq!(n.cross_k.observed, 0);

        let mut rng = Pcg64Mcg::seed_from_u64(6);
        let (set, _) = IncidentSet::validate(two_groups(false, &mut rng));
        let index = IncidentIndex::new(&set);
        let n = nexus(
            &index,
            &groups,
            "JNIM",
            "Ansaru",
            &spec,
            date(2019, 1, 1),
            date(2023, 12, 31),
        )
        .expect("valid");
        let mins: Vec<f64> = n
            .min_km_by_period
            .iter()
            .map(|(_, d)| d.expect("both active"))
            .collect();
        assert!(mins.iter().all(|&d| d > 590.0), "{mins:?}");
        assert_eq!(n.shared_cells, 0);
        // Apart, the groups are far less close than shuffled labels would make them.
        assert!(n.cross_k.expected > 1000.0 && n.cross_k.p_value == 1.0);
    }

    #[test]
    fn groups_that_share_ground_are_closer_than_chance() {
        let groups = ActorGroups::corridor();
        let mut rng = Pcg64Mcg::seed_from_u64(8);
        let mut incidents = Vec::new();
        // A spread over 300 km; B only where A is densest, and A also there.
        for n in 0..300 {
            let pa = destination(
                Point::new(2.0, 11.0),
                rng.random_range(0.0..360.0),
                rng.random_range(0.0..300.0),
            );
            incidents.push(event(format!("a{n}"), pa, day_in(2022, &mut rng), "JNIM"));
        }
        for n in 0..100 {
            let pb = destination(
                Point::new(2.0, 11.0),
                rng.random_range(0.0..360.0),
                rng.random_range(0.0..20.0),
            );
            let pa = destination(
                Point::new(2.0, 11.0),
                rng.random_range(0.0..360.0),
                rng.random_range(0.0..20.0),
            );
            incidents.push(event(format!("b{n}"), pb, day_in(2022, &mut rng), "Ansaru"));
            incidents.push(event(format!("c{n}"), pa, day_in(2022, &mut rng), "JNIM"));
        }
        let (set, _) = IncidentSet::validate(incidents);
        let index = IncidentIndex::new(&set);
        let spec = NexusSpec {
            permutations: 199,
            radius_km: 25.0,
            ..NexusSpec::default()
        };
        let n = nexus(
            &index,
            &groups,
            "JNIM",
            "Ansaru",
            &spec,
            date(2022, 1, 1),
            date(2022, 12, 31),
        )
        .expect("valid");
        assert!(
            n.cross_k.observed as f64 > n.cross_k.expected * 1.3,
            "{:?}",
            n.cross_k
        );
        assert!(n.cross_k.p_value <= 0.01, "{:?}", n.cross_k);
        assert!(n.shared_cells > 0 && n.colocated_pairs > 0);
        // The observed count equals a brute-force count of cross pairs by haversine.
        let (a, b): (Vec<&Incident>, Vec<&Incident>) =
            set.incidents().iter().partition(|i| groups.involves(0, i));
        let brute = a
            .iter()
            .flat_map(|x| b.iter().map(move |y| haversine_km(x.point(), y.point())))
            .filter(|&d| d <= 25.0)
            .count() as u64;
        assert_eq!(n.cross_k.observed, brute);
    }

    #[test]
    fn tempo_counts_and_trends_by_hand() {
        let groups = ActorGroups::corridor();
        let mut incidents = Vec::new();
        // k incidents in month k of 2023 (1..=12), then 2k in 2024: a rising tempo.
        for (year, factor) in [(2023i16, 1u64), (2024, 2)] {
            for m in 1..=12i8 {
                for n in 0..(u64::from(m as u8) * factor) {
                    let mut i = event(
                        format!("{year}-{m}-{n}"),
                        Point::new(1.0, 11.0),
                        date(year, m, 10),
                        "JNIM",
                    );
                    i.country = CountryCode::new(if m % 2 == 0 { "TGO" } else { "BFA" });
                    incidents.push(i);
                }
            }
        }
        let t =
            Tempo::new(&incidents, &groups, date(2023, 1, 1), date(2024, 12, 31)).expect("valid");
        assert_eq!(t.incidents[0], 1);
        assert_eq!(t.incidents[23], 24);
        assert_eq!(t.by_group["JNIM"].iter().sum::<u64>(), 78 + 156);
        assert_eq!(t.by_country["TGO"][1], 2);
        let yoy = t.year_on_year(None).expect("24 months");
        assert!(t.year_on_year(Some(&t.incidents[..23])).is_none());
        assert_eq!((yoy.last_12, yoy.previous_12), (156, 78));
        assert!((yoy.change_pct - 100.0).abs() < 1e-12);
        assert!(yoy.p_value < 1e-6);
        let mk = t.trend(None, 24).expect("valid");
        assert!(mk.p < 0.001 && mk.slope > 0.0);
    }

    #[test]
    fn aliases_match_whole_words_and_countries() {
        let groups = ActorGroups::corridor();
        let at = |actor: &str, country: &str| {
            let mut i = event("x".into(), Point::new(0.0, 10.0), date(2023, 1, 1), actor);
            i.country = CountryCode::new(country);
            groups
                .names_of(&i)
                .into_iter()
                .map(str::to_string)
                .collect::<Vec<_>>()
        };
        assert_eq!(at("IS", "BFA"), vec!["IS Sahel"]);
        assert_eq!(at("IS", "NGA"), vec!["ISWAP"]);
        assert!(at("Ansaroul Islam", "BFA").is_empty());
        assert!(at("Crisis group", "BFA").is_empty());
        assert_eq!(
            at("Jama'atu Ahlis Sunna Lidda'awati wal-Jihad", "NGA"),
            vec!["Boko Haram/JAS"]
        );
        assert_eq!(
            at("Military Forces of Togo (2020-)", "TGO"),
            vec!["State forces"]
        );
        // UCDP's bare "IS" is matched whole, not as a word inside another name.
        assert_eq!(
            at(
                "Boko Haram - Jamaatu Ahli is-Sunnah lid-Dawati wal-Jihad",
                "NGA"
            ),
            vec!["Boko Haram/JAS"]
        );
        let custom = groups.with_group("Ansaru", &["ansaroul islam"]);
        let mut i = event(
            "x".into(),
            Point::new(0.0, 10.0),
            date(2023, 1, 1),
            "Ansaroul Islam",
        );
        i.country = CountryCode::new("BFA");
        assert_eq!(custom.names_of(&i), vec!["Ansaru"]);
    }
}
