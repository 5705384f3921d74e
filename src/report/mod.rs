//! The corridor report, the crate's main job, as a value: every section a `Serialize` struct,
//! `Display` the text an analyst reads, [`CorridorReport::write_layers`] the GeoJSON layers
//! and the map. [`CorridorReport`], [`ReportSpec`] and [`Source`] are also at the crate root;
//! the section types live here.

mod backtest;
mod build;
mod layers;
mod risk_map;
mod spec;
mod text;

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::coverage::Coverage;
use crate::site::{NearestIncident, SiteTrend};
pub use crate::tally::Count;
pub use backtest::BacktestReport;
pub use layers::WrittenLayers;
pub use risk_map::{RiskMap, RiskMapSpec, TopCell};
pub use spec::{ReportSpec, SkillGrid, Source, ValidationCounts};

/// The corridor report: where the proximity clusters are and which cross a border, how near
/// the borders violence is, how close it has come to the sites and whether it is rising, the
/// tempo, whether JNIM is spreading south, and where the armed groups meet.
///
/// Build it with [`CorridorReport::build`]; print it (`Display` is the text report), serialise
/// it (every section is a plain struct), or write its layers with
/// [`CorridorReport::write_layers`].
///
/// ```
/// use conflict_risk::{CorridorReport, IncidentIndex, IncidentSet, ReportSpec};
/// use conflict_risk::{CorridorScenario, brief_sites, jiff::civil::date};
///
/// let (set, validation) = IncidentSet::validate(CorridorScenario::new(2_000).generate());
/// let index = IncidentIndex::new(&set);
/// let spec = ReportSpec::new().as_of(date(2024, 12, 31)).validation(&validation);
/// let report = CorridorReport::build(&index, None, &brief_sites(), &spec)?;
/// println!("{report}");
/// assert_eq!(report.data.incidents, 2_000);
/// assert_eq!(report.sites.rows.len(), brief_sites().len());
/// # Ok::<(), conflict_risk::Error>(())
/// ```
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct CorridorReport {
    /// What made the report.
    pub spec: ReportSpec,
    /// The as-of date used.
    pub as_of: Date,
    /// 1. The data.
    pub data: DataSection,
    /// 2. Proximity clusters.
    pub clusters: ClusterSection,
    /// 3. Borders (when borders were given).
    pub borders: Option<BorderSection>,
    /// 4. Sites.
    pub sites: SiteSection,
    /// 5. Tempo.
    pub tempo: TempoSection,
    /// 6. Expansion of a group.
    pub expansion: ExpansionSection,
    /// 7. Where the groups meet, one entry per pair.
    pub nexus: Vec<NexusSection>,
    /// 8. How surrounded the chosen sites are, by year.
    #[serde(default)]
    pub encirclement: Option<EncirclementSection>,
    /// What the layers and the map are drawn from (not serialised).
    #[serde(skip)]
    layers: Option<layers::LayerData>,
}

/// A step of [`CorridorReport::build_observed`]'s work, in the order they end. With the
/// `parallel` feature the nexus is computed beside the steps from `Clusters` to `Expansion`
/// (they leave a core idle at times): its step is the wait for it after them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReportStep {
    /// The as-of cut, each incident placed in its country polygon, the data section.
    Data,
    /// DBSCAN over the recent window, cluster summaries and border crossings.
    Clusters,
    /// Misplaced incidents, distance bands and near-border counts.
    Borders,
    /// The kernel risk surface over the report's region.
    Surface,
    /// Each site's nearest incident, exposure, trend and risk percentile.
    Sites,
    /// Monthly series, year-on-year changes and trends.
    Tempo,
    /// The group's yearly expansion and the southward spread.
    Expansion,
    /// The rings around the encircled sites, by year.
    Encirclement,
    /// Where each pair of groups meets ([`Nexus::run_all`](crate::Nexus::run_all)).
    Nexus,
}

impl ReportStep {
    /// Every step, in order.
    pub const ALL: [ReportStep; 9] = [
        ReportStep::Data,
        ReportStep::Clusters,
        ReportStep::Borders,
        ReportStep::Surface,
        ReportStep::Sites,
        ReportStep::Tempo,
        ReportStep::Expansion,
        ReportStep::Encirclement,
        ReportStep::Nexus,
    ];

    /// The step's name in words (`"clusters"`), as in the bench's JSON.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            ReportStep::Data => "data",
            ReportStep::Clusters => "clusters",
            ReportStep::Borders => "borders",
            ReportStep::Surface => "surface",
            ReportStep::Sites => "sites",
            ReportStep::Tempo => "tempo",
            ReportStep::Expansion => "expansion",
            ReportStep::Encirclement => "encirclement",
            ReportStep::Nexus => "nexus",
        }
    }
}

/// The as-of date to use: the one asked for, checked against the data's dates, or the latest
/// incident's last day. `Err` when the date asked for is before the data starts or more than a
/// year after it ends (every figure would read as calm for want of data); a date after the data
/// ends but within a year comes back with a warning.
pub(crate) fn checked_as_of(
    set: &crate::validate::IncidentSet,
    asked: Option<Date>,
) -> crate::error::Result<(Date, Option<String>)> {
    let range = set.date_range();
    let Some(asked) = asked else {
        return Ok((
            range.map_or(crate::sample::DEMO_AS_OF, |r| r.last_day()),
            None,
        ));
    };
    let Some(range) = range else {
        return Ok((asked, None));
    };
    let (first, last) = (range.first_day(), range.last_day());
    let runs = format!("the data runs from {first} to {last}");
    if asked < first {
        return Err(crate::error::Error::invalid(
            "as_of",
            asked,
            format!("is before the data starts: {runs}"),
        ));
    }
    let days_after = (asked - last).get_days();
    if days_after > 365 {
        return Err(crate::error::Error::invalid(
            "as_of",
            asked,
            format!(
                "is {days_after} days after the data ends: every figure would read as calm for want of data ({runs})"
            ),
        ));
    }
    let warning = (days_after > 0).then(|| {
        format!(
            "the data ends on {last}, {days_after} days before the as-of date: figures for those days are no data, not calm"
        )
    });
    Ok((asked, warning))
}

/// 1. What the report is made of.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DataSection {
    /// The inputs.
    pub sources: Vec<Source>,
    /// Incidents that start on or before the as-of date.
    pub incidents: usize,
    /// The earliest first day among them.
    pub first_day: Option<Date>,
    /// Incidents that start after the as-of date, left out.
    pub after_as_of: usize,
    /// What validation did, if the spec says.
    pub validation: ValidationCounts,
    /// Incidents per recorded country (`?` for none), alphabetically.
    pub by_country: Vec<Count<String>>,
    /// The borders used, if any.
    pub borders: Option<BordersUsed>,
    /// What the data covers: each source's countries and period, and the area.
    #[serde(default)]
    pub coverage: Coverage,
    /// Whether places were tested against the covered area: false when the area is a list of
    /// countries and no country polygon was loaded (cells and sites are then all taken as
    /// covered, and the text says so).
    #[serde(default)]
    pub coverage_checked: bool,
    /// Warnings about the data as a whole (an as-of date after the data ends, sources that
    /// end on different days).
    pub warnings: Vec<String>,
}

/// The borders a report used.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BordersUsed {
    /// Country polygons.
    pub countries: usize,
    /// Border lines.
    pub lines: usize,
    /// Admin-1 label points (for the admin areas of the crossroads' gap cells).
    #[serde(default)]
    pub admin_labels: usize,
    /// The files they came from.
    pub files: Vec<String>,
}

/// 2. Proximity clusters over the last days up to the as-of date.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ClusterSection {
    /// The window, days up to the as-of date.
    pub days: u32,
    /// DBSCAN radius, km.
    pub eps_km: f64,
    /// DBSCAN minimum points.
    pub min_points: usize,
    /// Incidents in the window.
    pub incidents: usize,
    /// Clusters found.
    pub clusters: usize,
    /// Clusters that cross a border.
    pub cross_border: usize,
    /// Incidents in no cluster.
    pub noise: usize,
    /// The clusters, largest first (ties by number).
    pub rows: Vec<ClusterRow>,
}

/// One cluster of the report.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ClusterRow {
    /// The cluster's number.
    pub id: u32,
    /// Incidents.
    pub events: usize,
    /// Deaths (best estimates).
    pub deaths: i64,
    /// Largest great-circle distance from the centre to a member, km.
    pub radius_km: f64,
    /// Spherical centroid, longitude.
    pub lon: f64,
    /// Spherical centroid, latitude.
    pub lat: f64,
    /// The actor named in most of its incidents.
    pub top_actor: Option<String>,
    /// Whether and how it crosses a border.
    pub cross_border: Option<CrossBorder>,
}

/// How a cluster crosses a border: by the countries whose polygons hold its members, by its
/// outline crossing a border line, or (without borders) by its members' recorded countries.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CrossBorder {
    /// Members per country: by polygon when borders were given, else as recorded.
    pub countries: Vec<Count<String>>,
    /// Borders the cluster's outline crosses.
    pub hull_crosses: Vec<String>,
    /// The countries come from the records, not from polygons (no borders were given).
    pub recorded_only: bool,
}

/// 3. Incidents against the borders.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BorderSection {
    /// Country polygons loaded.
    pub polygons: usize,
    /// Incidents whose position lies in another country's polygon than their record names.
    pub misplaced: Vec<Misplaced>,
    /// Of which in no polygon at all.
    pub in_no_polygon: usize,
    /// Incidents per OECD-SWAC band (0–10, 10–50, 50–100, >100 km), by year, last years.
    pub bands_by_year: Vec<BandYear>,
    /// Incidents near chosen borders, by year.
    pub near_borders: Vec<NearBorder>,
}

/// An incident whose position and record disagree on the country.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Misplaced {
    /// The source's id.
    pub source_id: String,
    /// The country recorded.
    pub recorded: Option<String>,
    /// The country whose polygon holds it.
    pub lies_in: Option<String>,
    /// Longitude.
    pub lon: f64,
    /// Latitude.
    pub lat: f64,
}

/// Incidents per border band in one year.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BandYear {
    /// The year of the first day.
    pub year: i16,
    /// Counts in the order of [`BorderBand::ALL`](crate::BorderBand::ALL).
    pub counts: [u64; 4],
}

/// Incidents within a distance of one border, per year.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NearBorder {
    /// The border, e.g. "BFA–TGO".
    pub border: String,
    /// The distance, km.
    pub km: f64,
    /// Counts per year (years without any are left out).
    pub by_year: Vec<Count<i16>>,
    /// The border's countries no source covers: incidents on their side are not in the data,
    /// so the counts are of the covered side only.
    #[serde(default)]
    pub uncovered: Vec<String>,
}

/// 4. The sites.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SiteSection {
    /// One row per site, in the order given.
    pub rows: Vec<SiteRow>,
    /// The trend's radius, km.
    pub trend_radius_km: f64,
    /// The trend's period, days.
    pub trend_days: u32,
    /// Source ids of the incidents left out of the site figures because their position lies
    /// in another country's polygon than their record names, or in none
    /// ([`ReportSpec::keep_suspect_in_sites`] keeps them).
    #[serde(default)]
    pub suspect_left_out: Vec<String>,
    /// Cells of the risk surface (inside the covered area): the risk percentile ranks among
    /// them.
    #[serde(default)]
    pub risk_cells: usize,
    /// Cells of the report's region left out of the surface as outside the covered area.
    #[serde(default)]
    pub risk_cells_uncovered: usize,
    /// The surface the percentile ranks on, in words ("H3 resolution 5 cells, 50 km kernel,
    /// 180-day half-life").
    #[serde(default)]
    pub risk_surface: String,
    /// How well that surface said where the next incidents fell, against persistence and a
    /// few other surfaces ([`ReportSpec::map_skill`]); `None` when not asked for.
    #[serde(default)]
    pub map_skill: Option<MapSkill>,
}

/// The report's risk surface scored by a rolling-origin backtest on its own cells
/// ([`Backtest`](crate::surface::Backtest)).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MapSkill {
    /// Origins scored (monthly).
    pub origins: usize,
    /// The first origin.
    pub first_origin: Option<Date>,
    /// The last origin.
    pub last_origin: Option<Date>,
    /// The horizon, days.
    pub horizon_days: u32,
    /// Surfaces scored (the map's first).
    pub surfaces: usize,
    /// Those surfaces in words.
    #[serde(default)]
    pub compared: String,
    /// The map's pooled hit rate at 10% of the covered area.
    pub map_hit_rate_10: Option<f64>,
    /// The map's pooled PAI at 10%.
    pub map_pai_10: Option<f64>,
    /// Persistence's pooled PAI at 10%.
    pub persistence_pai_10: Option<f64>,
    /// The best surface's name.
    pub best: Option<String>,
    /// Its pooled PAI at 10%.
    pub best_pai_10: Option<f64>,
    /// Its skill over persistence.
    pub skill: Option<crate::surface::Skill>,
    /// Why the map could not be scored (too little data before the end), if it could not.
    pub why_not: Option<String>,
}

/// One site of the report.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SiteRow {
    /// The site's name.
    pub name: String,
    /// Longitude.
    pub lon: f64,
    /// Latitude.
    pub lat: f64,
    /// Why the site's figures are no data, if they are: it lies outside the covered area, or
    /// the sources for its country end before the others. The nearest incident is still
    /// given: the true nearest is at most that far.
    pub no_data: Option<String>,
    /// The nearest incident (among tied ones the most recent), its precision and ties.
    pub nearest: Option<NearestIncident>,
    /// The nearest incident located exactly or near a named place.
    pub nearest_precise: Option<NearestIncident>,
    /// Incidents per ring and period (empty when no data).
    pub exposure: Vec<crate::site::Exposure>,
    /// The trend over the last periods (`None` when no data).
    pub trend: Option<SiteTrend>,
    /// Percent of the covered cells with a lower kernel risk (`None` when no data).
    pub risk_percentile: Option<f64>,
    /// The actor in most incidents within the widest ring over the longest period (`None`
    /// when no data).
    #[serde(default)]
    pub top_actor: Option<Count<String>>,
}

impl SiteRow {
    /// The row of an assessment; with a reason for no data, only the nearest incidents are
    /// kept (the true nearest is at most that far).
    pub(crate) fn of(r: crate::site::SiteAssessment, no_data: Option<String>) -> SiteRow {
        let data = no_data.is_none();
        SiteRow {
            name: r.site.name,
            lon: r.site.lon,
            lat: r.site.lat,
            nearest: r.nearest,
            nearest_precise: r.nearest_precise,
            exposure: if data { r.exposure } else { Vec::new() },
            trend: data.then_some(r.trend),
            risk_percentile: r.percentile.filter(|_| data),
            top_actor: r.actors.first().filter(|_| data).map(|a| Count {
                key: a.actor.to_string(),
                count: a.incidents,
            }),
            no_data,
        }
    }

    /// Incidents within `radius_km` over the last `days` days, if measured.
    #[must_use]
    pub fn exposure(&self, radius_km: u32, days: u32) -> Option<u64> {
        self.exposure
            .iter()
            .find(|e| e.radius_km == radius_km && e.days == days)
            .map(|e| e.incidents)
    }
}

/// 5. The tempo of incidents per month.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TempoSection {
    /// The last day counted: the end of the last complete month.
    pub month_end: Date,
    /// The as-of date's month was left out because it is not complete.
    pub incomplete_month: bool,
    /// The earliest last day of the sources, when it is before the as-of date: the series
    /// end with the last complete month every source covers.
    #[serde(default)]
    pub sources_end: Option<Date>,
    /// Months in the series.
    pub months: usize,
    /// Incidents per month over the last 24 months (fewer if the series is shorter).
    pub last_24: Vec<u64>,
    /// One row per series: all, then countries, then groups (those with any incident).
    pub rows: Vec<TempoRow>,
}

/// One series of the tempo.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TempoRow {
    /// "all", a country code or a group's name.
    pub series: String,
    /// Why the series is no data, if it is (no source covers the country).
    #[serde(default)]
    pub no_data: Option<String>,
    /// The last 12 months against the 12 before (`None` under 24 months).
    pub year_on_year: Option<YearChange>,
    /// Sen's slope, incidents per month per month, over the last 24 months.
    pub sen_slope: Option<f64>,
    /// Mann-Kendall two-sided p.
    pub mann_kendall_p: Option<f64>,
}

/// The last 12 months against the 12 before.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct YearChange {
    /// Incidents in the last 12 months.
    pub last_12: u64,
    /// Incidents in the 12 months before.
    pub previous_12: u64,
    /// Change in percent (`None` from 0).
    pub change_pct: Option<f64>,
    /// Two-sided p of equal rates.
    pub p_value: f64,
}

/// 6. How a group's activity spread, by year.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ExpansionSection {
    /// The group.
    pub group: String,
    /// One row per year.
    pub rows: Vec<ExpansionRow>,
    /// The southern edge's move on the front, if two years have enough incidents there.
    pub spread: Option<Spread>,
    /// The front's west edge, longitude.
    pub front_west: f64,
    /// The front's east edge, longitude.
    pub front_east: f64,
    /// The last year is cut short by the as-of date.
    pub partial_last_year: bool,
    /// Share (percent) of the group's incidents recorded in the share countries, per year
    /// (empty when no source covers any of them).
    pub share: Vec<YearShare>,
    /// The share countries.
    pub share_countries: Vec<String>,
    /// The share countries no source covers: incidents there are not in the data, so the
    /// share says nothing of them.
    #[serde(default)]
    pub share_uncovered: Vec<String>,
    /// The incidents a year needs on the front for its latitude to count.
    #[serde(default)]
    pub front_min_incidents: usize,
    /// The earliest end of the sources, when they end on different days before the as-of
    /// date ([`Coverage::compared_until`](crate::coverage::Coverage::compared_until)): later
    /// years hold only the sources still running.
    #[serde(default)]
    pub sources_end: Option<Date>,
}

/// One year of a group's activity.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ExpansionRow {
    /// The year.
    pub year: i16,
    /// Incidents.
    pub events: usize,
    /// Spherical centroid.
    pub centroid: Option<LonLat>,
    /// 10th-percentile latitude.
    pub lat_p10: Option<f64>,
    /// Convex hull area, km².
    pub hull_km2: f64,
    /// Active PRIO-GRID cells.
    pub cells: usize,
    /// New cells.
    pub new_cells: usize,
    /// Median km from new activity to last year's clusters.
    pub km_from_clusters: Option<f64>,
    /// The change from the year before.
    pub change: Option<crate::trend::SpreadKind>,
    /// The group's incidents on the front (between [`ExpansionSection::front_west`] and
    /// [`ExpansionSection::front_east`]).
    #[serde(default)]
    pub front_events: usize,
    /// Their 10th-percentile latitude, when the year has enough of them to count
    /// ([`ReportSpec::front`]).
    #[serde(default)]
    pub front_lat_p10: Option<f64>,
    /// How far (km) that latitude moved south since the last year before it that counts
    /// (negative: north).
    #[serde(default)]
    pub front_step_km: Option<f64>,
}

/// A position, WGS 84 degrees.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct LonLat {
    /// Longitude.
    pub lon: f64,
    /// Latitude.
    pub lat: f64,
}

/// The closest approach of two groups in one year.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct YearDistance {
    /// The year.
    pub year: i16,
    /// Great-circle km; `None` when a group is absent that year.
    pub km: Option<f64>,
}

/// The southern edge's move between two years.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Spread {
    /// km south (negative: north).
    pub km_south: f64,
    /// The first year.
    pub from_year: i16,
    /// Its 10th-percentile latitude.
    pub from_lat: f64,
    /// The last year.
    pub to_year: i16,
    /// Its 10th-percentile latitude.
    pub to_lat: f64,
    /// The largest single step south: the year it ends in and its km.
    #[serde(default)]
    pub largest_step: Option<(i16, f64)>,
}

/// A share in one year.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct YearShare {
    /// The year.
    pub year: i16,
    /// Percent; `None` (no data) when the sources of a share country do not span the year.
    pub pct: Option<f64>,
}

/// Section 8, how surrounded the chosen sites are: the ring of sectors around each, by year,
/// for the expansion group and for all incidents ([`Encirclement`](crate::trend::Encirclement)).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EncirclementSection {
    /// The sectors, annulus and threshold used.
    pub params: crate::trend::Encirclement,
    /// The group followed (the expansion group).
    pub group: String,
    /// One entry per site, in the order given.
    pub sites: Vec<SiteRings>,
}

/// The rings around one site, by year.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SiteRings {
    /// The site's name.
    pub site: String,
    /// Why there are no rings, if there are none (the site is outside the coverage).
    pub no_data: Option<String>,
    /// The group's ring per year.
    pub group: Vec<crate::trend::Ring>,
    /// Every incident's ring per year.
    pub all: Vec<crate::trend::Ring>,
}

/// 7. Where two groups meet.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NexusSection {
    /// The first group.
    pub a: String,
    /// The second group.
    pub b: String,
    /// Incidents of the first group.
    pub incidents_a: usize,
    /// Incidents of the second group.
    pub incidents_b: usize,
    /// Closest approach per year.
    pub closest: Vec<YearDistance>,
    /// Pairs within the pair distance and days.
    pub colocated_pairs: u64,
    /// PRIO-GRID cells with both.
    pub shared_cells: usize,
    /// Incidents naming both.
    pub joint_incidents: usize,
    /// The cross-K radius, km.
    pub cross_radius_km: f64,
    /// Cross pairs within the cross-K radius.
    pub cross_observed: u64,
    /// Expected under random relabelling.
    pub cross_expected: f64,
    /// The z-score of the observed count.
    pub cross_z: f64,
    /// The test's p (see [`crate::trend::CrossK`]).
    pub cross_p: f64,
    /// The verdict in words.
    pub verdict: NexusVerdict,
    /// The gap between the two groups' zones, by year
    /// ([`Crossroads`](crate::trend::Crossroads), under the spec's
    /// [`crossroads`](ReportSpec::crossroads) parameters).
    #[serde(default)]
    pub crossroads: Vec<CrossroadsRow>,
}

/// One year of the gap between two groups' zones.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CrossroadsRow {
    /// The year.
    pub year: i16,
    /// The closest pair's distance, km; `None` when either group is absent.
    pub closest_km: Option<f64>,
    /// The closest pair's source ids (the first group's incident, then the second's).
    pub closest_ids: Option<(String, String)>,
    /// The gap between the zones, km (0 when they touch); `None` when either group is absent.
    pub gap_km: Option<f64>,
    /// The gap cells.
    pub gap_cells: Vec<crate::surface::CellId>,
    /// Of the gap cells, those outside the data's coverage, or in a country whose data end
    /// before the year does (incidents there are not, or not all, recorded).
    pub no_data_cells: Vec<crate::surface::CellId>,
    /// The countries and admin areas of the gap cells.
    pub areas: Vec<crate::trend::GapArea>,
    /// The year's incidents in its own gap cells (of neither group).
    pub in_gap: crate::trend::GapIncidents,
    /// The year's incidents in the previous year's gap cells; `None` for the first year and
    /// after a year without gap cells.
    pub in_last_gap: Option<crate::trend::GapIncidents>,
    /// The previous year's gap cells.
    pub last_gap_cells: usize,
    /// Of those, the cells that are no data this year (outside the coverage, or in a country
    /// whose data end before the year does): `in_last_gap` does not see them.
    pub last_gap_no_data: usize,
    /// The earliest end of the sources, when it falls before the year's last day: a group
    /// absent that year may only be unrecorded.
    pub sources_end: Option<Date>,
}

/// What the cross-K test says.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NexusVerdict {
    /// One of the groups has no incident.
    OneGroupAbsent,
    /// p ≤ 0.05: closer than chance.
    CloserThanChance,
    /// Not closer than chance.
    NotCloserThanChance,
}

impl std::fmt::Display for NexusVerdict {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            NexusVerdict::OneGroupAbsent => "one group is absent",
            NexusVerdict::CloserThanChance => "closer than chance",
            NexusVerdict::NotCloserThanChance => "not closer than chance",
        })
    }
}
