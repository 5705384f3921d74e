//! The crossroads between two armed groups: each group's zone per period (the union of discs
//! around its incidents), the gap between the two zones (its great-circle width and the
//! closest pair), the grid cells of that gap and the countries and admin areas they lie in,
//! and the incidents that fall in the gap over time: is the bridge filling in?

use geo::Point;
use jiff::civil::Date;
use rstar::RTree;
use rstar::primitives::GeomWithData;
use rustc_hash::FxHashSet;
use serde::{Deserialize, Serialize};

use super::groups::{GroupMatcher, normal_name};
use super::{ActorGroups, PairCounts};
use crate::borders::Borders;
use crate::error::{Error, Result};
use crate::geodesy::{KM_PER_DEGREE, chord2_to_km, dist2, unit_vector};
use crate::incident::{CountryCode, Incident, IncidentId};
use crate::index::{BoundingBox, DateWindow, IncidentIndex};
use crate::surface::{CellId, Grid, SliceLength};

/// The most a path through a gap cell may exceed the gap's width, as a share of it:
/// [`Crossroads::detour`] accepts above 0 up to 5.
pub const MAX_DETOUR: f64 = 5.0;

/// Where two groups' zones come closest, per period, on a grid.
///
/// A group's **zone** in a period is the union of discs of `zone_km` (default 25 km) around
/// its incidents of that period (water included: the discs are not clipped to land). The **gap** between the zones is `closest − 2 × zone_km`
/// (0 when the zones touch or overlap), where `closest` is the great-circle distance of the
/// closest pair of one incident of each (an incident naming both groups is a pair at 0 km).
/// The **gap cells** are the cells (default PRIO-GRID) that hold no incident of either group
/// in the period and whose centre lies in neither zone and on a bridge between them: its
/// distances to the two zones sum to at most the gap width × (1 + `detour`) (default 0.25),
/// an ellipse around the shortest crossing, and neither exceeds the gap width (which keeps
/// out the ellipse's ends behind either zone). When the zones touch, no cell qualifies: the
/// gap has closed.
///
/// Each period also counts its incidents in its own gap cells (necessarily of neither group)
/// and in the previous period's gap cells (of either group, of unknown actors, of others):
/// the previous gap filling in.
///
/// ```
/// use conflict_risk::trend::Crossroads;
/// use conflict_risk::{ActorGroups, DateSpan, DateWindow, Incident, IncidentIndex, IncidentSet};
/// use conflict_risk::{Actor, ActorKind, jiff::civil::date};
/// let groups = ActorGroups::new().with_group("A", &["Group A"]).with_group("B", &["Group B"]);
/// let at = |id: &str, actor: &str, lon: f64| {
///     let mut i = Incident::new(id, lon, 10.0, DateSpan::day(date(2023, 6, 1)));
///     i.primary_actor = Some(Actor::new(actor, ActorKind::Rebel));
///     i
/// };
/// // A at 0° E, B at 3° E on the 10th parallel: 328.6 km apart.
/// let (set, _) = IncidentSet::validate(vec![at("a", "Group A", 0.0), at("b", "Group B", 3.0)]);
/// let year = DateWindow::new(date(2023, 1, 1), date(2023, 12, 31))?;
/// let found = Crossroads::new("A", "B")?.run(&IncidentIndex::new(&set), &groups, year, None)?;
/// let p = &found.periods[0];
/// assert!((p.closest.as_ref().unwrap().km - 328.6).abs() < 0.1);
/// assert!((p.gap_km.unwrap() - 278.6).abs() < 0.1); // less two 25 km discs
/// assert!(!p.gap_cells.is_empty());
/// # Ok::<(), conflict_risk::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Crossroads {
    a: String,
    b: String,
    period: SliceLength,
    zone_km: f64,
    detour: f64,
    grid: Grid,
}

/// The closest pair of one incident of each group.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct ClosestPair {
    /// The first group's incident.
    pub a: IncidentId,
    /// The second group's incident.
    pub b: IncidentId,
    /// Their great-circle distance, km.
    pub km: f64,
}

/// The gap cells of one country.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GapArea {
    /// The country whose polygon holds the cells' centres; `None` for cells outside every
    /// polygon loaded.
    pub country: Option<CountryCode>,
    /// Its gap cells.
    pub cells: usize,
    /// The admin-1 areas of those cells, by name: each cell's nearest admin-1 label point of
    /// its country ([`Borders::admin_area_at`], a guess near admin boundaries).
    pub admin: Vec<String>,
}

/// Incidents in gap cells, by who they name.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GapIncidents {
    /// Naming the first group.
    pub a: usize,
    /// Naming the second group (an incident naming both counts for both).
    pub b: usize,
    /// Naming neither, with an unidentified or unknown actor, or none.
    pub unknown: usize,
    /// Naming neither, with known other actors (state forces, militias, civilians).
    pub other: usize,
    /// Of `a` and `b`, incidents naming both groups (counted in each).
    pub both: usize,
}

impl GapIncidents {
    /// Incidents counted, each once.
    #[must_use]
    pub fn total(&self) -> usize {
        (self.a + self.b + self.unknown + self.other).saturating_sub(self.both)
    }
}

/// One period of a [`Crossroads`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CrossroadsPeriod {
    /// The period's first day (in the window).
    pub first_day: Date,
    /// Its last day (in the window).
    pub last_day: Date,
    /// Incidents of each group.
    pub incidents: PairCounts,
    /// The closest pair; `None` when either group is absent.
    pub closest: Option<ClosestPair>,
    /// The gap between the zones, km: 0 when they touch; `None` when either group is absent.
    pub gap_km: Option<f64>,
    /// The gap cells, ordered by id.
    pub gap_cells: Vec<CellId>,
    /// The countries of the gap cells, most cells first; empty without country polygons.
    pub areas: Vec<GapArea>,
    /// The period's incidents in its own gap cells.
    pub in_gap: GapIncidents,
    /// The period's incidents in the previous period's gap cells; `None` for the first
    /// period and after a period without gap cells.
    pub in_last_gap: Option<GapIncidents>,
}

/// The crossroads of two groups over a window, made by [`Crossroads::run`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CrossroadsFindings {
    /// What made it.
    pub params: Crossroads,
    /// The window.
    pub window: DateWindow,
    /// One entry per period of the window, in order.
    pub periods: Vec<CrossroadsPeriod>,
}

impl CrossroadsFindings {
    /// The last period with both groups present.
    #[must_use]
    pub fn last_met(&self) -> Option<&CrossroadsPeriod> {
        self.periods.iter().rev().find(|p| p.gap_km.is_some())
    }
}

impl Crossroads {
    /// The crossroads of groups `a` and `b` (names of the [`ActorGroups`] given to
    /// [`Crossroads::run`]): yearly periods, 25 km discs, a 25% detour, PRIO-GRID cells.
    pub fn new(a: &str, b: &str) -> Result<Self> {
        super::nexus::check_pair(a, b)?;
        Ok(Crossroads {
            a: a.to_string(),
            b: b.to_string(),
            period: SliceLength::Year,
            zone_km: 25.0,
            detour: 0.25,
            grid: Grid::PrioGrid,
        })
    }

    /// The periods.
    #[must_use]
    pub fn period(self, period: SliceLength) -> Self {
        Crossroads { period, ..self }
    }

    /// The radius of the disc around each incident that makes a group's zone, km (above 0,
    /// at most 1,000).
    pub fn zone_km(self, km: f64) -> Result<Self> {
        Ok(Crossroads {
            zone_km: checked_zone(km)?,
            ..self
        })
    }

    /// How much longer than the gap a crossing through a gap cell may be, as a share of the
    /// gap's width (above 0, at most [`MAX_DETOUR`]; a crossing can never be shorter than
    /// the gap, so 0 would keep no cell).
    pub fn detour(self, share: f64) -> Result<Self> {
        Ok(Crossroads {
            detour: checked_detour(share)?,
            ..self
        })
    }

    /// The grid of the gap cells.
    #[must_use]
    pub fn grid(self, grid: Grid) -> Self {
        Crossroads { grid, ..self }
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

    /// The zone disc radius, km.
    #[must_use]
    pub fn zone_radius_km(&self) -> f64 {
        self.zone_km
    }

    /// The detour share.
    #[must_use]
    pub fn detour_share(&self) -> f64 {
        self.detour
    }

    /// The grid of the gap cells.
    #[must_use]
    pub fn cell_grid(&self) -> Grid {
        self.grid
    }

    /// The periods.
    #[must_use]
    pub fn period_length(&self) -> SliceLength {
        self.period
    }

    /// The crossroads among the incidents of `index` whose first day is in `window`, the gap
    /// cells placed in the countries and admin areas of `borders` when given; `Err` if
    /// `groups` has no group of either name, or if a gap's region needs more cells than the
    /// grid covers at once ([`MAX_COVER_CELLS`](crate::surface::MAX_COVER_CELLS)).
    pub fn run(
        &self,
        index: &IncidentIndex,
        groups: &ActorGroups,
        window: DateWindow,
        borders: Option<&Borders>,
    ) -> Result<CrossroadsFindings> {
        // Parameters read back from a file were not checked when set: check them here.
        checked_zone(self.zone_km)?;
        checked_detour(self.detour)?;
        let position = |name: &str| {
            groups
                .position(name)
                .ok_or_else(|| Error::invalid("group", name, "no such actor group"))
        };
        let (ga, gb) = (position(&self.a)?, position(&self.b)?);
        let p = self.period;
        let (from, to) = (window.first_day(), window.last_day());
        let (lo, hi) = (p.number(from), p.number(to));
        let n_periods = (hi - lo + 1) as usize;
        let incidents = index.set().incidents();
        // Each incident of the window: its period, and which of the two groups it names.
        let mut matcher = GroupMatcher::new(groups);
        let mut of_period: Vec<(u32, usize, bool, bool)> = Vec::new();
        let mut members = vec![(Vec::new(), Vec::new()); n_periods];
        for (k, i) in (0u32..).zip(incidents) {
            if i.date.start < from || i.date.start > to {
                continue;
            }
            let period = (p.number(i.date.start) - lo) as usize;
            let (in_a, in_b) = (matcher.involves(ga, i), matcher.involves(gb, i));
            if in_a {
                members[period].0.push(k);
            }
            if in_b {
                members[period].1.push(k);
            }
            of_period.push((k, period, in_a, in_b));
        }
        let mut periods: Vec<CrossroadsPeriod> = Vec::with_capacity(n_periods);
        for (n, (ia, ib)) in members.iter().enumerate() {
            let number = lo + n as i32;
            let first_day = p.start(number).max(from);
            let last_day = p
                .start(number + 1)
                .yesterday()
                .map_or(to, |d: Date| d.min(to));
            let zones = Zones::new(index, ia, ib);
            let closest = zones.as_ref().and_then(Zones::closest);
            let gap_km = closest.map(|c| (c.km - 2.0 * self.zone_km).max(0.0));
            let in_words = |e: Error| {
                Error::invalid(
                    "crossroads",
                    format!("{}-{} from {first_day}", self.a, self.b),
                    format!("the gap between the zones cannot be mapped on this grid: {e}"),
                )
            };
            let gap_cells = match (&zones, gap_km) {
                (Some(z), Some(w)) if w > 0.0 => {
                    let occupied: FxHashSet<CellId> = ia
                        .iter()
                        .chain(ib)
                        .filter_map(|&i| {
                            let i = &incidents[i as usize];
                            self.grid.cell_of(i.lon, i.lat).ok()
                        })
                        .collect();
                    self.gap_cells(z, w, &occupied).map_err(in_words)?
                }
                _ => Vec::new(),
            };
            periods.push(CrossroadsPeriod {
                first_day,
                last_day,
                incidents: PairCounts {
                    a: ia.len(),
                    b: ib.len(),
                },
                closest,
                gap_km,
                areas: areas(&gap_cells, borders),
                gap_cells,
                in_gap: GapIncidents::default(),
                in_last_gap: None,
            });
        }
        self.count_in_gaps(incidents, &of_period, &mut periods);
        Ok(CrossroadsFindings {
            params: self.clone(),
            window,
            periods,
        })
    }

    /// The cells on a bridge between the zones `gap_km` apart, but for those `occupied` by
    /// either group's incidents.
    fn gap_cells(
        &self,
        zones: &Zones,
        gap_km: f64,
        occupied: &FxHashSet<CellId>,
    ) -> Result<Vec<CellId>> {
        let bridge = gap_km * (1.0 + self.detour);
        // A gap cell's centre lies within the gap's width of both zones, so within this of an
        // incident of each group.
        let reach = gap_km + self.zone_km;
        let Some(region) = zones.a_box.grown(reach).meet(&zones.b_box.grown(reach)) else {
            return Ok(Vec::new());
        };
        let bbox = BoundingBox::new(region.west, region.south, region.east, region.north)?;
        let mut cells = self.grid.cover(&bbox)?;
        cells.retain(|c| {
            if occupied.contains(c) {
                return false;
            }
            let centre = c.centre();
            let (da, db) = (
                zones.a_km(centre) - self.zone_km,
                zones.b_km(centre) - self.zone_km,
            );
            da > 0.0 && db > 0.0 && da <= gap_km && db <= gap_km && da + db <= bridge
        });
        Ok(cells)
    }

    /// Each period's incidents in its own gap cells and in the previous period's.
    fn count_in_gaps(
        &self,
        incidents: &[Incident],
        of_period: &[(u32, usize, bool, bool)],
        periods: &mut [CrossroadsPeriod],
    ) {
        let sets: Vec<FxHashSet<CellId>> = periods
            .iter()
            .map(|p| p.gap_cells.iter().copied().collect())
            .collect();
        for (k, p) in periods.iter_mut().enumerate().skip(1) {
            if !sets[k - 1].is_empty() {
                p.in_last_gap = Some(GapIncidents::default());
            }
        }
        for &(id, k, in_a, in_b) in of_period {
            let last = k.checked_sub(1).map(|l| &sets[l]);
            if sets[k].is_empty() && last.is_none_or(FxHashSet::is_empty) {
                continue;
            }
            let i = &incidents[id as usize];
            let Ok(cell) = self.grid.cell_of(i.lon, i.lat) else {
                continue;
            };
            let count = |g: &mut GapIncidents| {
                g.a += usize::from(in_a);
                g.b += usize::from(in_b);
                g.both += usize::from(in_a && in_b);
                if !in_a && !in_b {
                    if unknown_actor(i) {
                        g.unknown += 1;
                    } else {
                        g.other += 1;
                    }
                }
            };
            let period = &mut periods[k];
            if sets[k].contains(&cell) {
                count(&mut period.in_gap);
            }
            if last.is_some_and(|s| s.contains(&cell))
                && let Some(g) = period.in_last_gap.as_mut()
            {
                count(g);
            }
        }
    }
}

/// Whether an incident names no actor, or an unidentified or unknown one.
fn unknown_actor(i: &Incident) -> bool {
    let mut actors = i.actors().peekable();
    actors.peek().is_none()
        || actors.any(|a| {
            let name = normal_name(&a.name);
            name.is_empty() || name.starts_with("unidentified") || name.starts_with("unknown")
        })
}

fn checked_zone(km: f64) -> Result<f64> {
    if km.is_finite() && km > 0.0 && km <= 1000.0 {
        Ok(km)
    } else {
        Err(Error::invalid(
            "zone_km",
            km,
            "must be a distance above 0 and at most 1000 km",
        ))
    }
}

fn checked_detour(share: f64) -> Result<f64> {
    if share > 0.0 && share <= MAX_DETOUR {
        Ok(share)
    } else {
        Err(Error::invalid(
            "detour",
            share,
            format!("must be a share above 0 and at most {MAX_DETOUR}"),
        ))
    }
}

/// The countries and admin areas of `cells`; none without country polygons.
fn areas(cells: &[CellId], borders: Option<&Borders>) -> Vec<GapArea> {
    let Some(borders) = borders.filter(|b| !b.countries().is_empty()) else {
        return Vec::new();
    };
    let mut out: Vec<GapArea> = Vec::new();
    for c in cells {
        let centre = c.centre();
        let country = borders.country_at(centre);
        let admin = borders.admin_area_at(centre).map(|a| a.name.clone());
        let at = match out.iter().position(|a| a.country == country) {
            Some(k) => k,
            None => {
                out.push(GapArea {
                    country,
                    cells: 0,
                    admin: Vec::new(),
                });
                out.len() - 1
            }
        };
        out[at].cells += 1;
        if let Some(name) = admin
            && !out[at].admin.contains(&name)
        {
            out[at].admin.push(name);
        }
    }
    for a in &mut out {
        a.admin.sort();
    }
    out.sort_by(|x, y| y.cells.cmp(&x.cells).then(x.country.cmp(&y.country)));
    out
}

type Located = GeomWithData<[f64; 3], u32>;

/// The two groups' incidents of one period: their trees and lon/lat boxes.
struct Zones {
    a: RTree<Located>,
    b: RTree<Located>,
    a_box: LonLatBox,
    b_box: LonLatBox,
}

impl Zones {
    /// `None` when either list is empty.
    fn new(index: &IncidentIndex, a: &[u32], b: &[u32]) -> Option<Zones> {
        // One entry per distinct position, with its lowest id (ids come in ascending
        // order): incidents stacked on a town's centroid search as one.
        let tree = |ids: &[u32]| {
            let mut seen = FxHashSet::default();
            RTree::bulk_load(
                ids.iter()
                    .map(|&i| Located::new(index.vector(i), i))
                    .filter(|p| seen.insert(p.geom().map(f64::to_bits)))
                    .collect(),
            )
        };
        let incidents = index.set().incidents();
        Some(Zones {
            a_box: LonLatBox::of(a.iter().map(|&i| incidents[i as usize].point()))?,
            b_box: LonLatBox::of(b.iter().map(|&i| incidents[i as usize].point()))?,
            a: tree(a),
            b: tree(b),
        })
    }

    /// The closest pair: each of the smaller group's positions against its nearest in the
    /// other tree. Of pairs at the same distance, the one with the lowest ids (the first
    /// group's, then the second's).
    fn closest(&self) -> Option<ClosestPair> {
        let (from, to, flipped) = if self.a.size() <= self.b.size() {
            (&self.a, &self.b, false)
        } else {
            (&self.b, &self.a, true)
        };
        let mut best: Option<(f64, u32, u32)> = None;
        for q in from.iter() {
            // Ties at the best distance so far are visited (distinct positions: few).
            for (hit, d2) in to.nearest_neighbor_iter_with_distance_2(q.geom()) {
                if best.is_some_and(|(b, ..)| d2 > b) {
                    break;
                }
                let (pa, pb) = if flipped {
                    (hit.data, q.data)
                } else {
                    (q.data, hit.data)
                };
                if best.is_none_or(|(b, x, y)| d2 < b || (pa, pb) < (x, y)) {
                    best = Some((d2, pa, pb));
                }
            }
        }
        best.map(|(d2, a, b)| ClosestPair {
            a: IncidentId::new(a),
            b: IncidentId::new(b),
            km: chord2_to_km(d2),
        })
    }

    fn a_km(&self, at: Point<f64>) -> f64 {
        nearest_km(&self.a, at)
    }

    fn b_km(&self, at: Point<f64>) -> f64 {
        nearest_km(&self.b, at)
    }
}

fn nearest_km(tree: &RTree<Located>, at: Point<f64>) -> f64 {
    let v = unit_vector(at);
    tree.nearest_neighbor(&v)
        .map_or(f64::INFINITY, |n| chord2_to_km(dist2(n.geom(), &v)))
}

/// A lon/lat box (not across the antimeridian).
#[derive(Clone, Copy, Debug)]
struct LonLatBox {
    west: f64,
    south: f64,
    east: f64,
    north: f64,
}

impl LonLatBox {
    fn of(points: impl Iterator<Item = Point<f64>>) -> Option<LonLatBox> {
        points.fold(None, |b: Option<LonLatBox>, p| {
            Some(match b {
                None => LonLatBox {
                    west: p.x(),
                    south: p.y(),
                    east: p.x(),
                    north: p.y(),
                },
                Some(b) => LonLatBox {
                    west: b.west.min(p.x()),
                    south: b.south.min(p.y()),
                    east: b.east.max(p.x()),
                    north: b.north.max(p.y()),
                },
            })
        })
    }

    /// The box holding every point within `km` of this one (clamped to the globe's lon/lat
    /// range: regions across the antimeridian are not followed).
    fn grown(&self, km: f64) -> LonLatBox {
        let dlat = km / KM_PER_DEGREE;
        let (south, north) = (
            (self.south - dlat).max(-90.0),
            (self.north + dlat).min(90.0),
        );
        let widest = south.abs().max(north.abs());
        // Near a pole every longitude is within reach.
        let dlon = if widest >= 89.0 {
            360.0
        } else {
            km / (KM_PER_DEGREE * widest.to_radians().cos())
        };
        LonLatBox {
            west: (self.west - dlon).max(-180.0),
            south,
            east: (self.east + dlon).min(180.0),
            north,
        }
    }

    fn meet(&self, other: &LonLatBox) -> Option<LonLatBox> {
        let b = LonLatBox {
            west: self.west.max(other.west),
            south: self.south.max(other.south),
            east: self.east.min(other.east),
            north: self.north.min(other.north),
        };
        (b.west <= b.east && b.south <= b.north).then_some(b)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geodesy::haversine_km;
    use crate::incident::{Actor, ActorKind, DateSpan};
    use crate::validate::IncidentSet;
    use jiff::civil::date;
    use rand::{RngExt, SeedableRng};

    fn groups() -> ActorGroups {
        ActorGroups::new()
            .with_group("A", &["Group A"])
            .with_group("B", &["Group B"])
    }

    fn incident(id: usize, actor: Option<&str>, lon: f64, lat: f64, year: i16) -> Incident {
        let mut i = Incident::new(
            format!("i{id}").as_str(),
            lon,
            lat,
            DateSpan::day(date(year, 6, 1)),
        );
        i.primary_actor = actor.map(|a| {
            let kind = if a.starts_with("Group") {
                ActorKind::Rebel
            } else {
                ActorKind::Other
            };
            Actor::new(a, kind)
        });
        i
    }

    fn years(from: i16, to: i16) -> DateWindow {
        DateWindow::new(date(from, 1, 1), date(to, 12, 31)).expect("valid window")
    }

    fn run(
        incidents: Vec<Incident>,
        crossroads: &Crossroads,
        window: DateWindow,
    ) -> CrossroadsFindings {
        let (set, _) = IncidentSet::validate(incidents);
        crossroads
            .run(&IncidentIndex::new(&set), &groups(), window, None)
            .expect("known groups")
    }

    /// A at 0° E and B approaching from the east along 10° N, year by year, with a few
    /// incidents around each group's centre.
    fn approaching(offsets: &[f64]) -> Vec<Incident> {
        let mut out = Vec::new();
        for (k, &dx) in offsets.iter().enumerate() {
            let year = 2019 + k as i16;
            for j in 0..3 {
                let dy = 0.05 * j as f64;
                out.push(incident(out.len(), Some("Group A"), 0.0, 10.0 + dy, year));
                out.push(incident(out.len(), Some("Group B"), dx, 10.0 + dy, year));
            }
        }
        out
    }

    #[test]
    fn two_groups_that_approach_until_they_touch_close_the_gap_and_its_cells() {
        let offsets = [4.0, 3.0, 2.0, 1.0, 0.4];
        let found = run(
            approaching(&offsets),
            &Crossroads::new("A", "B").expect("names"),
            years(2019, 2023),
        );
        assert_eq!(found.periods.len(), 5);
        let mut last_cells = usize::MAX;
        for (p, dx) in found.periods.iter().zip(offsets) {
            // The closest pair lies on the northernmost parallel (10.1° N), where a degree of
            // longitude is shortest: hand-computed by the haversine.
            let closest = haversine_km(Point::new(0.0, 10.1), Point::new(dx, 10.1));
            let pair = p.closest.expect("both present");
            assert!((pair.km - closest).abs() < 1e-6, "{} vs {closest}", pair.km);
            let gap = p.gap_km.expect("both present");
            assert!((gap - (closest - 50.0).max(0.0)).abs() < 1e-6);
            assert!(p.gap_cells.len() < last_cells, "{:?}", p.gap_cells.len());
            last_cells = p.gap_cells.len();
        }
        // 0.4° (43.8 km) between the groups: their 25 km zones overlap.
        let last = &found.periods[4];
        assert_eq!(last.gap_km, Some(0.0));
        assert!(last.gap_cells.is_empty());
        assert!(found.periods[0].gap_cells.len() > 10);
        // Every gap cell lies between the two groups' longitudes.
        for c in &found.periods[0].gap_cells {
            let x = c.centre().x();
            assert!(x > 0.0 && x < 4.0, "{x}");
        }
    }

    #[test]
    fn two_groups_that_never_meet_keep_their_gap() {
        let found = run(
            approaching(&[5.0, 5.0, 5.0]),
            &Crossroads::new("A", "B").expect("names"),
            years(2019, 2021),
        );
        let first = &found.periods[0];
        assert!(first.gap_km.expect("both") > 400.0);
        for p in &found.periods {
            assert_eq!(p.gap_km, first.gap_km);
            assert_eq!(p.gap_cells, first.gap_cells);
            assert_eq!(p.in_gap, GapIncidents::default());
        }
        assert_eq!(found.periods[1].in_last_gap, Some(GapIncidents::default()));
        assert_eq!(found.periods[0].in_last_gap, None);
    }

    #[test]
    fn a_missing_group_leaves_the_period_without_gap() {
        let mut incidents = approaching(&[2.0]);
        incidents.retain(|i| {
            i.primary_actor
                .as_ref()
                .is_some_and(|a| &*a.name == "Group A")
        });
        let found = run(
            incidents,
            &Crossroads::new("A", "B").expect("names"),
            years(2019, 2019),
        );
        let p = &found.periods[0];
        assert_eq!((p.incidents.a, p.incidents.b), (3, 0));
        assert_eq!((p.closest, p.gap_km), (None, None));
        assert!(p.gap_cells.is_empty());
        assert!(
            Crossroads::new("A", "C")
                .expect("names")
                .run(
                    &IncidentIndex::new(&IncidentSet::validate(Vec::new()).0),
                    &groups(),
                    years(2019, 2019),
                    None
                )
                .is_err()
        );
    }

    #[test]
    fn incidents_in_the_last_gap_are_counted_by_who_they_name() {
        // 2019: the groups 3° apart; 2020: the same, and incidents on the 2019 bridge.
        let mut incidents = approaching(&[3.0, 3.0]);
        let n = incidents.len();
        incidents.push(incident(n, Some("Group A"), 1.5, 10.0, 2020));
        incidents.push(incident(
            n + 1,
            Some("Unidentified Armed Group (Togo)"),
            1.4,
            10.1,
            2020,
        ));
        incidents.push(incident(n + 2, None, 1.6, 9.9, 2020));
        incidents.push(incident(
            n + 3,
            Some("Military Forces of Togo"),
            1.5,
            10.2,
            2020,
        ));
        // Off the bridge: far south.
        incidents.push(incident(
            n + 4,
            Some("Unidentified Armed Group"),
            1.5,
            7.0,
            2020,
        ));
        let found = run(
            incidents,
            &Crossroads::new("A", "B").expect("names"),
            years(2019, 2020),
        );
        let p = &found.periods[1];
        let last = p.in_last_gap.expect("2019 had a gap");
        assert_eq!(
            last,
            GapIncidents {
                a: 1,
                b: 0,
                unknown: 2,
                other: 1,
                both: 0
            }
        );
        assert_eq!(last.total(), 4);
        // 2020's own gap is narrower (A reached 1.5° E): its cells hold only non-group events.
        assert_eq!(p.in_gap.a + p.in_gap.b, 0);
        assert!(p.gap_km < found.periods[0].gap_km);
    }

    #[test]
    fn gap_cells_and_closest_pairs_equal_brute_force() {
        let mut rng = rand_pcg::Pcg64Mcg::seed_from_u64(7);
        // Near the equator's corridor and at 65° N, where a degree of longitude is short.
        // (Longitudes stretched there, so that the groups stay a few hundred km apart.)
        let rounds = [
            (Grid::PrioGrid, 9.0, 1.0),
            (Grid::h3(5).expect("res 5"), 9.0, 1.0),
            (Grid::PrioGrid, 64.0, 2.5),
        ];
        for (round, (grid, lat0, stretch)) in rounds.into_iter().enumerate() {
            let mut incidents = Vec::new();
            for k in 0..80 {
                let (actor, lon) = if k % 2 == 0 {
                    ("Group A", stretch * rng.random_range(-1.0..0.5))
                } else {
                    ("Group B", stretch * rng.random_range(1.5..3.0))
                };
                let lat = rng.random_range(lat0..lat0 + 3.0);
                incidents.push(incident(k, Some(actor), lon, lat, 2020));
            }
            let params = Crossroads::new("A", "B")
                .expect("names")
                .zone_km(20.0)
                .and_then(|c| c.detour(0.5))
                .expect("valid")
                .grid(grid);
            let found = run(incidents.clone(), &params, years(2020, 2020));
            let p = &found.periods[0];
            let (a, b): (Vec<&Incident>, Vec<&Incident>) = incidents.iter().partition(|i| {
                i.primary_actor
                    .as_ref()
                    .is_some_and(|x| &*x.name == "Group A")
            });
            let near = |set: &[&Incident], at: Point<f64>| {
                set.iter()
                    .map(|i| haversine_km(at, i.point()))
                    .fold(f64::INFINITY, f64::min)
            };
            let closest = a
                .iter()
                .map(|i| near(&b, i.point()))
                .fold(f64::INFINITY, f64::min);
            let pair = p.closest.expect("both");
            assert!((pair.km - closest).abs() < 1e-6, "round {round}");
            let gap = (closest - 40.0).max(0.0);
            assert!(gap > 0.0);
            // Every cell of a box wide enough to hold any bridge, tested directly.
            let all = grid
                .cover(&BoundingBox::new(-8.0, lat0 - 4.0, 10.0, lat0 + 7.0).expect("box"))
                .expect("cells");
            let occupied: Vec<CellId> = incidents
                .iter()
                .map(|i| grid.cell_of(i.lon, i.lat).expect("a cell"))
                .collect();
            let brute: Vec<CellId> = all
                .into_iter()
                .filter(|c| !occupied.contains(c))
                .filter(|c| {
                    let (da, db) = (near(&a, c.centre()) - 20.0, near(&b, c.centre()) - 20.0);
                    da > 0.0 && db > 0.0 && da.max(db) <= gap && da + db <= gap * 1.5
                })
                .collect();
            let mut got = p.gap_cells.clone();
            got.sort();
            let mut brute = brute;
            brute.sort();
            assert!(!brute.is_empty());
            assert_eq!(got, brute, "round {round}");
        }
    }

    #[test]
    fn the_closest_pair_takes_the_lowest_ids_among_ties_whichever_group_is_smaller() {
        // A1 and A2 both 1° of latitude from B1 and B2 (four pairs at one distance), and
        // incidents stacked on one position.
        let build = |extra_b: usize| {
            let mut v = vec![
                incident(0, Some("Group A"), 0.0, 10.0, 2020),
                incident(1, Some("Group A"), 0.0, 10.0, 2020),
                incident(2, Some("Group A"), 1.0, 10.0, 2020),
                incident(3, Some("Group B"), 0.0, 11.0, 2020),
                incident(4, Some("Group B"), 1.0, 11.0, 2020),
            ];
            for k in 0..extra_b {
                // More of B far away: B becomes the larger group and A is searched from.
                v.push(incident(
                    5 + k,
                    Some("Group B"),
                    8.0,
                    12.0 + 0.01 * k as f64,
                    2020,
                ));
            }
            v
        };
        for extra in [0, 10] {
            let found = run(
                build(extra),
                &Crossroads::new("A", "B").expect("names"),
                years(2020, 2020),
            );
            let pair = found.periods[0].closest.expect("both");
            assert_eq!((pair.a.index(), pair.b.index()), (0, 3), "extra {extra}");
            let one_degree = haversine_km(Point::new(0.0, 10.0), Point::new(0.0, 11.0));
            assert!((pair.km - one_degree).abs() < 1e-9);
        }
    }

    #[test]
    fn gap_cells_are_placed_in_countries_and_admin_areas() {
        let doc = r#"{"type":"FeatureCollection","features":[
          {"type":"Feature","properties":{"ADM0_A3":"BFA"},"geometry":{"type":"Polygon",
           "coordinates":[[[-3,9],[1,9],[1,13],[-3,13],[-3,9]]]}},
          {"type":"Feature","properties":{"ADM0_A3":"NER"},"geometry":{"type":"Polygon",
           "coordinates":[[[1,9],[5,9],[5,13],[1,13],[1,9]]]}},
          {"type":"Feature","properties":{"name":"Est","sr_adm0_a3":"BFA","adm1_code":"BFA-1"},
           "geometry":{"type":"Point","coordinates":[0.5,10]}},
          {"type":"Feature","properties":{"name":"Ouest","sr_adm0_a3":"BFA","adm1_code":"BFA-2"},
           "geometry":{"type":"Point","coordinates":[-2,10]}}]}"#;
        let borders = Borders::from_reader(doc.as_bytes()).expect("valid GeoJSON");
        let (set, _) = IncidentSet::validate(approaching(&[3.0]));
        let found = Crossroads::new("A", "B")
            .expect("names")
            .run(
                &IncidentIndex::new(&set),
                &groups(),
                years(2019, 2019),
                Some(&borders),
            )
            .expect("runs");
        let p = &found.periods[0];
        let count = |code: &str| {
            p.gap_cells
                .iter()
                .filter(|c| (c.centre().x() < 1.0) == (code == "BFA"))
                .count()
        };
        let bfa = CountryCode::new("BFA").expect("code");
        let ner = CountryCode::new("NER").expect("code");
        let area = |c| {
            p.areas
                .iter()
                .find(|a| a.country == Some(c))
                .expect("an area")
        };
        assert_eq!(area(bfa).cells, count("BFA"));
        assert_eq!(area(ner).cells, count("NER"));
        assert_eq!(area(bfa).admin, vec!["Est".to_string()]);
        assert!(area(ner).admin.is_empty());
        assert_eq!(
            p.areas.iter().map(|a| a.cells).sum::<usize>(),
            p.gap_cells.len()
        );
    }

    #[test]
    fn parameters_are_checked_when_set() {
        let c = Crossroads::new("A", "B").expect("names");
        assert!(c.clone().zone_km(0.0).is_err());
        assert!(c.clone().zone_km(f64::NAN).is_err());
        assert!(c.clone().detour(-0.1).is_err());
        assert!(c.clone().detour(MAX_DETOUR + 0.1).is_err());
        assert!(Crossroads::new(" ", "B").is_err());
        assert!(c.clone().detour(0.0).is_err());
        let c = c.zone_km(10.0).and_then(|c| c.detour(0.5)).expect("valid");
        assert_eq!((c.zone_radius_km(), c.detour_share()), (10.0, 0.5));
    }
}
