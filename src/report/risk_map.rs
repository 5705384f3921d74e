//! [`RiskMap`]: a risk map of any export, as a value: the kernel surface, Gi* hot spots on
//! the weighted counts, emerging hot spots by quarter and the risk at named sites.

use std::collections::BTreeMap;
use std::fmt::{self, Display, Formatter};
use std::path::{Path, PathBuf};

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use super::Count;
use super::text::{SiteWords, truncate};
use crate::borders::Borders;
use crate::coverage::{Coverage, SourceCoverage};
use crate::error::{Error, Result};
use crate::index::{BoundingBox, IncidentIndex};
use crate::io::{CellLayer, create_file};
use crate::site::{Site, SiteRisk};
use crate::surface::{
    CellId, CellSeries, CellTotals, EmergingHotSpots, GiStar, Grid, Kernel, KernelSurface,
    Neighbours, SliceLength, WeightPolicy,
};

/// Every choice of a [`RiskMap`], validated when set.
///
/// Defaults: the as-of date is the latest incident's last day; H3 resolution 5 over the
/// corridor, only the cells not wholly outside the covered area ([`RiskMapSpec::coverage`],
/// [`AreaTest::cell`](crate::coverage::AreaTest::cell));
/// a 50 km quartic kernel without decay; Gi* on the weighted count per cell with neighbours
/// within the bandwidth or, if that is shorter, within reach of every cell's adjacent cells
/// ([`CellId::adjacent_km`](crate::CellId::adjacent_km): H3's ring 1, PRIO-GRID's eight
/// around it), bins judged on Benjamini–Hochberg adjusted p, no permutations; emerging hot spots per quarter over the 3 years before the as-of date, each
/// quarter with the one before, at α = 0.05, on counts without decay (decay would make every
/// series rise); the ten riskiest cells listed; sites under [`SiteRisk::new`].
///
/// ```
/// use conflict_risk::report::RiskMapSpec;
/// use conflict_risk::{Grid, Kernel};
/// let spec = RiskMapSpec::new()
///     .grid(Grid::PrioGrid)
///     .kernel(50.0, Kernel::Epanechnikov)?
///     .half_life_days(180.0)?;
/// assert!(RiskMapSpec::new().kernel(0.0, Kernel::Quartic).is_err());
/// # Ok::<(), conflict_risk::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RiskMapSpec {
    as_of: Option<Date>,
    since: Option<Date>,
    grid: Grid,
    region: BoundingBox,
    bandwidth_km: f64,
    kernel: Kernel,
    half_life_days: Option<f64>,
    permutations: usize,
    top: usize,
    site_risk: SiteRisk,
    #[serde(default)]
    coverage: Option<Coverage>,
    #[serde(default)]
    keep_suspect_in_sites: bool,
}

impl Default for RiskMapSpec {
    fn default() -> Self {
        RiskMapSpec::new()
    }
}

impl RiskMapSpec {
    /// The defaults (see the type's documentation).
    #[must_use]
    pub fn new() -> Self {
        RiskMapSpec {
            as_of: None,
            since: None,
            grid: Grid::H3 {
                resolution: h3o::Resolution::Five,
            },
            region: BoundingBox::CORRIDOR,
            bandwidth_km: 50.0,
            kernel: Kernel::Quartic,
            half_life_days: None,
            permutations: 0,
            top: 10,
            site_risk: SiteRisk::new(),
            coverage: None,
            keep_suspect_in_sites: false,
        }
    }

    /// The as-of date: later incidents are left out.
    #[must_use]
    pub fn as_of(mut self, as_of: Date) -> Self {
        self.as_of = Some(as_of);
        self
    }

    /// The first day of the emerging hot-spot series.
    #[must_use]
    pub fn since(mut self, since: Date) -> Self {
        self.since = Some(since);
        self
    }

    /// The cells.
    #[must_use]
    pub fn grid(mut self, grid: Grid) -> Self {
        self.grid = grid;
        self
    }

    /// The region mapped.
    #[must_use]
    pub fn region(mut self, region: BoundingBox) -> Self {
        self.region = region;
        self
    }

    /// The kernel and its bandwidth, km (finite, above 0); the bandwidth is also the Gi* and
    /// emerging hot-spot neighbourhood, widened when needed to each cell's adjacent cells.
    pub fn kernel(mut self, bandwidth_km: f64, kernel: Kernel) -> Result<Self> {
        KernelSurface::new(
            bandwidth_km,
            WeightPolicy::new(jiff::civil::date(2000, 1, 1)),
        )?;
        self.bandwidth_km = bandwidth_km;
        self.kernel = kernel;
        Ok(self)
    }

    /// Halve an incident's weight every `days` before the as-of date (finite, above 0).
    pub fn half_life_days(mut self, days: f64) -> Result<Self> {
        WeightPolicy::new(jiff::civil::date(2000, 1, 1)).half_life_days(days)?;
        self.half_life_days = Some(days);
        Ok(self)
    }

    /// Gi* pseudo p-values from this many permutations (0 to
    /// [`MAX_GI_PERMUTATIONS`](crate::surface::MAX_GI_PERMUTATIONS)).
    pub fn permutations(mut self, permutations: usize) -> Result<Self> {
        GiStar::new(Neighbours::KNearest { k: 1 })?.permutations(permutations)?;
        self.permutations = permutations;
        Ok(self)
    }

    /// How many of the riskiest cells the table lists.
    #[must_use]
    pub fn top(mut self, cells: usize) -> Self {
        self.top = cells;
        self
    }

    /// What to measure at each site.
    #[must_use]
    pub fn site_risk(mut self, site_risk: SiteRisk) -> Self {
        self.site_risk = site_risk;
        self
    }

    /// Keep in the site table the incidents whose position lies in another country's polygon
    /// than their record names (default: with country polygons, left out and listed, as in
    /// the corridor report).
    #[must_use]
    pub fn keep_suspect_in_sites(mut self, keep: bool) -> Self {
        self.keep_suspect_in_sites = keep;
        self
    }

    /// What the data covers (default: all the incidents as one source, over the countries
    /// they are recorded in; a coverage without sources gets that source). Cells and sites
    /// outside it are no data.
    #[must_use]
    pub fn coverage(mut self, coverage: Coverage) -> Self {
        self.coverage = Some(coverage);
        self
    }
}

/// One of the riskiest cells.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TopCell {
    /// The cell's id (H3 index or PRIO-GRID gid).
    pub cell: String,
    /// Its centre's longitude.
    pub lon: f64,
    /// Its centre's latitude.
    pub lat: f64,
    /// The kernel risk over the map's largest.
    pub risk: f64,
    /// Incidents within the bandwidth of the centre.
    pub events: u32,
    /// Their deaths.
    pub deaths: i64,
    /// Gi* z-score, if Gi* was computed.
    pub gi_z: Option<f64>,
    /// Gi* bin (−3…3), if computed.
    pub gi_bin: Option<i8>,
    /// The emerging hot-spot class, if computed.
    pub emerging: Option<String>,
}

/// A risk map, made by [`RiskMap::build`]; `Display` is the text the `risk_map` example
/// prints.
///
/// ```
/// use conflict_risk::report::{RiskMap, RiskMapSpec};
/// use conflict_risk::{CorridorScenario, Grid, IncidentIndex, IncidentSet, brief_sites};
/// let (set, _) = IncidentSet::validate(CorridorScenario::new(2_000).generate());
/// let spec = RiskMapSpec::new().grid(Grid::PrioGrid);
/// let map = RiskMap::build(&IncidentIndex::new(&set), None, &brief_sites(), &spec)?;
/// assert_eq!(map.top.len(), 10);
/// assert_eq!(map.sites.len(), 6);
/// // The Gi* band reaches every PRIO-GRID cell's eight neighbours (77 km near 11° N).
/// assert!(map.gi_band_km > 50.0);
/// println!("{map}");
/// # Ok::<(), conflict_risk::Error>(())
/// ```
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct RiskMap {
    /// What made it.
    pub spec: RiskMapSpec,
    /// The as-of date used.
    pub as_of: Date,
    /// Incidents with a positive weight.
    pub weighted: usize,
    /// Incidents after the as-of date, left out.
    pub after_as_of: usize,
    /// Cells mapped (inside the covered area).
    pub cells: usize,
    /// Cells of the region left out as outside the covered area.
    #[serde(default)]
    pub cells_uncovered: usize,
    /// What the data covers.
    #[serde(default)]
    pub coverage: Coverage,
    /// Whether the area was tested (false: a list of countries without country polygons).
    #[serde(default)]
    pub coverage_checked: bool,
    /// The Gi* and emerging hot-spot neighbourhood, km: the bandwidth, or the distance to
    /// the farthest adjacent cell centre if that is more.
    #[serde(default)]
    pub gi_band_km: f64,
    /// Weighted incidents outside every cell.
    pub outside: usize,
    /// Why Gi* was not computed, if it was not.
    pub gi_not_computed: Option<String>,
    /// Why emerging hot spots were not computed, if they were not.
    pub emerging_not_computed: Option<String>,
    /// The first day of the emerging series: the first day of the quarter holding the date
    /// asked for (three years before the as-of date by default).
    pub since: Date,
    /// Its quarters.
    pub quarters: usize,
    /// Cells per emerging pattern (no pattern left out).
    pub patterns: Vec<Count<String>>,
    /// Warnings about the data as a whole (an as-of date after the data ends).
    pub warnings: Vec<String>,
    /// The riskiest cells, riskiest first.
    pub top: Vec<TopCell>,
    /// The sites, in the order given.
    pub sites: Vec<super::SiteRow>,
    /// Source ids of the incidents left out of the site figures as suspect (their position
    /// lies in another country's polygon than their record names).
    #[serde(default)]
    pub suspect_left_out: Vec<String>,
    #[serde(skip)]
    layer: Option<CellLayer>,
}

fn class_name(class: crate::surface::EmergingClass) -> String {
    serde_json::to_value(class)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

impl RiskMap {
    /// Map the incidents of `index` and assess `sites`; with `borders`' country polygons,
    /// only over the covered area (without them a list of covered countries cannot be
    /// tested, and the text says so).
    pub fn build(
        index: &IncidentIndex,
        borders: Option<&Borders>,
        sites: &[Site],
        spec: &RiskMapSpec,
    ) -> Result<RiskMap> {
        let set = index.set();
        let (as_of, as_of_warning) = super::checked_as_of(set, spec.as_of)?;
        let mut policy = WeightPolicy::new(as_of);
        if let Some(d) = spec.half_life_days {
            policy = policy.half_life_days(d)?;
        }
        let mut coverage = spec.coverage.clone().unwrap_or_default();
        if coverage.sources.is_empty() {
            coverage
                .sources
                .extend(SourceCoverage::of("the data", set.incidents()));
        }
        let area = coverage.area_test(borders);
        let (cells, uncovered_cells) = area.cover(&spec.grid, &spec.region, |c| {
            index
                .within_polygon(&c.polygon())
                .is_ok_and(|ids| !ids.is_empty())
        })?;
        let kernel = KernelSurface::new(spec.bandwidth_km, policy.clone())?.kernel(spec.kernel);
        let surface = kernel.run(index, &cells);
        // Each cell's neighbourhood reaches at least its adjacent cells: PRIO-GRID's centres
        // are 53 to 78 km apart, past the default 50 km. The widening by a millionth keeps
        // the farthest one inside whatever the rounding of the band's chord.
        let adjacent = cells.iter().map(CellId::adjacent_km).fold(0.0, f64::max);
        let gi_band_km = spec.bandwidth_km.max(adjacent * (1.0 + 1e-6));
        let band = Neighbours::DistanceBand { km: gi_band_km };
        // Gi* on the weighted count per cell.
        let counts = CellTotals::new(set.incidents(), &cells, &policy)?;
        let centres: Vec<_> = surface.cells.iter().map(|c| c.centre).collect();
        let gi = GiStar::new(band)?
            .permutations(spec.permutations)?
            .fdr(true)
            .run(&centres, &counts.totals);
        // Emerging hot spots by quarter, on counts without decay.
        // The series runs over the data's days only: from their first day at the earliest
        // (quarters before it would read as calm), to the earliest end of the sources when
        // they end on different days (later quarters would read as a fall).
        let data_first = coverage.sources.iter().map(|c| c.first_day).min();
        let series_end = coverage.compared_until(as_of).unwrap_or(as_of);
        let mut notes = Vec::new();
        let since = match spec.since {
            Some(asked) => {
                if let Some(first) = data_first.filter(|&f| asked < f) {
                    notes.push(format!(
                        "the emerging series starts on {asked}, before the data's first day \
                         ({first}): its first quarters read as calm for want of data"
                    ));
                }
                asked
            }
            None => {
                let three_years = as_of
                    .checked_sub(jiff::Span::new().years(3))
                    .unwrap_or(as_of);
                data_first.map_or(three_years, |f| three_years.max(f).min(series_end))
            }
        };
        if series_end < as_of {
            notes.push(format!(
                "the emerging series ends on {series_end}, the earliest end of the sources"
            ));
        }
        let series = CellSeries::new(
            set.incidents(),
            &cells,
            &WeightPolicy::new(series_end),
            SliceLength::Quarter,
            since,
        )?;
        let emerging = EmergingHotSpots::new(band)?.run(&series);
        let mut patterns: BTreeMap<String, u64> = BTreeMap::new();
        if let Ok(e) = &emerging {
            for c in e.cells.iter().map(|c| class_name(c.class)) {
                if c != "no_pattern" {
                    *patterns.entry(c).or_default() += 1;
                }
            }
        }
        let position: std::collections::HashMap<_, _> =
            cells.iter().enumerate().map(|(k, c)| (*c, k)).collect();
        let top = surface
            .top(spec.top)
            .into_iter()
            .map(|c| {
                let k = position.get(&c.cell).copied();
                let gi_cell = gi.as_ref().ok().zip(k).map(|(g, k)| g.cells[k]);
                TopCell {
                    cell: c.cell.to_string(),
                    lon: c.centre.x(),
                    lat: c.centre.y(),
                    risk: c.normalised,
                    events: c.count,
                    deaths: c.fatalities,
                    gi_z: gi_cell.map(|g| g.z),
                    gi_bin: gi_cell.map(|g| g.bin),
                    emerging: emerging
                        .as_ref()
                        .ok()
                        .zip(k)
                        .map(|(e, k)| class_name(e.cells[k].class)),
                }
            })
            .collect();
        // Suspect incidents are left out of the site figures, as in the corridor report.
        let places = match borders {
            Some(b) if !spec.keep_suspect_in_sites && !b.countries().is_empty() => {
                Some((b, b.place_all(set)))
            }
            _ => None,
        };
        let suspect: Vec<&crate::incident::Incident> = places
            .as_ref()
            .map_or_else(Vec::new, |(b, p)| super::build::suspects(set, b, p));
        let suspect_ids: std::collections::HashSet<&str> =
            suspect.iter().map(|i| i.source_id.as_str()).collect();
        let site_lines = sites
            .iter()
            .map(|site| {
                let r = spec
                    .site_risk
                    .run_where(index, site, as_of, Some(&surface), |i| {
                        suspect_ids.is_empty() || !suspect_ids.contains(i.source_id.as_str())
                    })?;
                Ok(super::SiteRow::of(
                    r,
                    coverage.site_no_data(&area, borders, site, as_of),
                ))
            })
            .collect::<Result<Vec<_>>>()?;
        let mut layer = CellLayer::from_surface(&surface);
        layer.push_column(
            "weighted_count",
            counts
                .totals
                .iter()
                .map(|&v| serde_json::json!(v))
                .collect(),
        )?;
        if let Ok(gi) = &gi {
            layer.push_gi(&gi.cells)?;
        }
        if let Ok(e) = &emerging {
            // A cell with no incident in any quarter has z-scores made by its neighbours
            // alone: a trend of them says nothing of the cell, so none is written.
            let cells: Vec<crate::surface::EmergingCell> = e
                .cells
                .iter()
                .zip(&series.values)
                .map(|(cell, values)| {
                    let mut cell = cell.clone();
                    if values.iter().all(|&v| v == 0.0) {
                        cell.trend = None;
                    }
                    cell
                })
                .collect();
            layer.push_emerging(&cells)?;
        }
        let end_warning = coverage.end_warning(as_of);
        Ok(RiskMap {
            spec: spec.clone(),
            as_of,
            weighted: surface.weights.weighted,
            after_as_of: surface.weights.after_as_of,
            cells: cells.len(),
            cells_uncovered: uncovered_cells,
            coverage_checked: area.is_checked(),
            coverage,
            gi_band_km,
            outside: counts.outside,
            gi_not_computed: gi.as_ref().err().map(ToString::to_string),
            emerging_not_computed: emerging.as_ref().err().map(ToString::to_string),
            // The first quarter starts on its first day, before the date asked for.
            since: series.slices.first().copied().unwrap_or(since),
            quarters: series.slices.len(),
            patterns: patterns
                .into_iter()
                .map(|(key, count)| Count { key, count })
                .collect(),
            warnings: as_of_warning
                .into_iter()
                .chain(end_warning)
                .chain(notes)
                .chain(isolated_cells(gi.as_ref().ok(), gi_band_km))
                .collect(),
            top,
            sites: site_lines,
            suspect_left_out: suspect
                .iter()
                .map(|i| i.source_id.as_str().to_string())
                .collect(),
            layer: Some(layer),
        })
    }

    /// Write `risk_cells.geojson` and `risk_cells.csv` into `dir` (created if needed): every
    /// cell with its risk, weighted count, Gi* and emerging columns. Returns the two paths. A
    /// map read back from JSON has no cells to write: that is an `Err`.
    pub fn write_layers(&self, dir: &Path) -> Result<[PathBuf; 2]> {
        let Some(layer) = &self.layer else {
            return Err(Error::invalid(
                "risk map",
                "deserialised",
                "has no cells: build it from an index to write them",
            ));
        };
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir.display().to_string(), e))?;
        let geojson = dir.join("risk_cells.geojson");
        let csv = dir.join("risk_cells.csv");
        layer
            .write_geojson(create_file(&geojson)?)
            .map_err(|e| e.at_path(&geojson))?;
        layer
            .write_csv(create_file(&csv)?)
            .map_err(|e| e.at_path(&csv))?;
        Ok([geojson, csv])
    }
}

fn opt(v: Option<f64>, width: usize, decimals: usize) -> String {
    match v {
        Some(v) if v.is_finite() => format!("{v:>width$.decimals$}"),
        _ => format!("{:>width$}", "-"),
    }
}

impl Display for RiskMap {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        let s = &self.spec;
        writeln!(
            f,
            "\nas of {}: {} incidents weighted; {} after the as-of date left out; half-life {}",
            self.as_of,
            self.weighted,
            self.after_as_of,
            s.half_life_days
                .map_or("none".to_string(), |d| format!("{d} days"))
        )?;
        writeln!(
            f,
            "{} cells ({}) over lon {}..{}, lat {}..{}; the {} kernel at {} km",
            self.cells,
            s.grid,
            s.region.west(),
            s.region.east(),
            s.region.south(),
            s.region.north(),
            s.kernel.label(),
            s.bandwidth_km
        )?;
        if self.cells_uncovered > 0 {
            writeln!(
                f,
                "{} cells of the region left out as outside the data's coverage (no data, not calm)",
                self.cells_uncovered
            )?;
        }
        write!(
            f,
            "{}",
            super::text::CoverageText(&self.coverage, self.coverage_checked)
        )?;
        writeln!(
            f,
            "Gi* and emerging hot spots: neighbours within {:.1} km{}",
            self.gi_band_km,
            if self.gi_band_km > s.bandwidth_km {
                " (the bandwidth widened to reach every cell's adjacent cells)"
            } else {
                ""
            }
        )?;
        for w in &self.warnings {
            writeln!(f, "warning: {w}")?;
        }
        if let Some(why) = &self.gi_not_computed {
            writeln!(f, "Gi* not computed: {why}")?;
        }
        if self.outside > 0 {
            writeln!(
                f,
                "{} weighted incidents lie in no mapped cell (outside the region, or in a cell wholly outside the covered area)",
                self.outside
            )?;
        }
        if let Some(why) = &self.emerging_not_computed {
            writeln!(f, "emerging hot spots not computed: {why}")?;
        }
        writeln!(
            f,
            "\n{:<16} {:>9} {:>8} {:>7} {:>8} {:>6} {:>7}  emerging ({} quarters from {})",
            "cell", "centre", "risk", "events", "deaths", "Gi* z", "bin", self.quarters, self.since
        )?;
        for c in &self.top {
            writeln!(
                f,
                "{:<16} {:>4.1},{:>4.1} {:>8.3} {:>7} {:>8} {} {:>7}  {}",
                c.cell,
                c.lon,
                c.lat,
                c.risk,
                c.events,
                c.deaths,
                opt(c.gi_z, 6, 2),
                c.gi_bin.map_or("-".to_string(), |b| b.to_string()),
                c.emerging.as_deref().unwrap_or("-")
            )?;
        }
        writeln!(
            f,
            "(risk: over the map's largest; events, deaths: incidents within the {} km bandwidth of \
             the cell's centre, not only inside the cell)",
            s.bandwidth_km
        )?;
        if self.emerging_not_computed.is_none() {
            let list: Vec<String> = self
                .patterns
                .iter()
                .map(|p| format!("{} {}", p.key, p.count))
                .collect();
            writeln!(
                f,
                "emerging patterns: {}",
                if list.is_empty() {
                    "none".to_string()
                } else {
                    list.join(", ")
                }
            )?;
        }
        write!(
            f,
            "\n{}",
            super::text::SuspectLine(&self.suspect_left_out, "")
        )?;
        writeln!(
            f,
            "{:<22} {:>11} {:<8} {:>10} {:>9} {:>9} {:>9}  {:>6} {:>5} {:>5}  top actor (100 km, 365 d)",
            "site",
            "nearest km",
            "located",
            "on",
            "25km/90d",
            "50km/90d",
            "100km/1y",
            "trend",
            "p",
            "pct"
        )?;
        for l in &self.sites {
            let w = SiteWords::of(l);
            write!(
                f,
                "{:<22} {:>11} {:<8} {:>10}",
                truncate(&l.name, 22, '…'),
                w.km,
                w.located,
                w.on
            )?;
            match w.figures {
                Ok(([e25, e50, e100], t)) => writeln!(
                    f,
                    " {e25:>9} {e50:>9} {e100:>9}  {:>2}->{:<3} {:>5.3} {}  {}",
                    t.previous,
                    t.recent,
                    t.p_value,
                    opt(l.risk_percentile, 5, 1),
                    l.top_actor.as_ref().map_or("-".to_string(), |a| format!(
                        "{} ({})",
                        truncate(&a.key, 40, '…'),
                        a.count
                    ))
                )?,
                Err(why) => writeln!(f, "  no data: {why}")?,
            }
        }
        if self.sites.iter().any(|l| l.no_data.is_some()) {
            writeln!(
                f,
                "(<=: the site is no data (outside the coverage, or its country's data ended early), so the nearest incident may be nearer)"
            )?;
        }
        Ok(())
    }
}

/// A warning when Gi* found cells with no neighbour but themselves within the band: their
/// z-score is then a plain z-score of their own count, not a hot spot. The band reaches every
/// cell's adjacent cells, so such a cell is an island of the covered area (its neighbours
/// lie outside it) or of the region.
fn isolated_cells(gi: Option<&crate::surface::HotSpots>, band_km: f64) -> Option<String> {
    let gi = gi?;
    let alone = gi.cells.iter().filter(|c| c.neighbours <= 1).count();
    (alone > 0).then(|| {
        format!(
            "Gi*: {alone} of {} cells have no neighbour within the {band_km:.1} km band but \
             themselves (their neighbours lie outside the covered area or the region), so their \
             z-scores compare each cell's own count with the mean and say nothing of its \
             surroundings",
            gi.cells.len()
        )
    })
}
