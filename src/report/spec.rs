//! [`ReportSpec`]: every choice the corridor report makes, with documented defaults.

use jiff::civil::{Date, date};
use serde::{Deserialize, Serialize};

use crate::coverage::{Coverage, CoverageArea, SourceCoverage, country_codes};
use crate::error::{Error, Result};
use crate::index::BoundingBox;
use crate::io::LoadSummary;
use crate::site::{Site, SiteRisk};
use crate::surface::Grid;
use crate::trend::Encirclement;
use crate::trend::{ActorGroups, Crossroads, Nexus};
use crate::validate::ValidationReport;

/// Where the report's incidents came from: a file with what its reader did, or a described
/// source (the embedded demo data).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Source {
    /// The file path or a description.
    pub name: String,
    /// The reader's summary, for a file.
    pub load: Option<LoadSummary>,
    /// The countries and period its incidents cover ([`Source::covering`]); the report
    /// derives its [`Coverage`] from these, or from all its incidents when no source has one.
    #[serde(default)]
    pub coverage: Option<SourceCoverage>,
}

impl Source {
    /// A source known only by a description.
    #[must_use]
    pub fn described(name: impl Into<String>) -> Self {
        Source {
            name: name.into(),
            load: None,
            coverage: None,
        }
    }

    /// A file and what its reader did with it.
    #[must_use]
    pub fn file(name: impl Into<String>, load: LoadSummary) -> Self {
        Source {
            name: name.into(),
            load: Some(load),
            coverage: None,
        }
    }

    /// The same source with the coverage of the incidents it gave (the countries they are
    /// recorded in, their first and last day): read each file, then merge.
    ///
    /// ```
    /// use conflict_risk::{Source, brief_incidents};
    /// let source = Source::described("the brief").covering(&brief_incidents());
    /// assert_eq!(source.coverage.expect("incidents").countries, ["TGO"]);
    /// ```
    #[must_use]
    pub fn covering(mut self, incidents: &[crate::incident::Incident]) -> Self {
        self.coverage = SourceCoverage::of(self.name.clone(), incidents);
        self
    }
}

/// Every choice of the [`CorridorReport`](crate::CorridorReport), validated when set.
///
/// The defaults are the corridor brief's: the as-of date is the latest incident's last day;
/// clusters are great-circle DBSCAN at 25 km and 5 incidents over the last 365 days; the
/// border figures count incidents within 100 km of the Burkina Faso–Togo and Burkina
/// Faso–Benin borders; the risk surface is a 50 km quartic kernel with a 180-day half-life
/// on H3 resolution 5 over the corridor (lon −6…15, lat 4…16); site exposure uses
/// [`SiteRisk::default`]; the tempo compares the last 12 complete months with the 12
/// before and fits Mann-Kendall over the last 24; JNIM's expansion is followed over at most
/// six whole years, its southward front between 1.5° W and 4° E; the nexus pairs JNIM with
/// Ansaru and with IS Sahel under [`Nexus::new`]'s defaults, with the gap between their
/// zones under [`Crossroads::new`]'s; Ouagadougou's encirclement is measured by year under
/// [`Encirclement::new`].
///
/// ```
/// use conflict_risk::{ReportSpec, jiff::civil::date};
/// let spec = ReportSpec::new().as_of(date(2024, 12, 31)).cluster_window_days(180)?;
/// assert_eq!(spec.cluster_days(), 180);
/// assert!(ReportSpec::new().cluster_window_days(0).is_err());
/// assert!(ReportSpec::new().share_countries(&["TGO", "Benin"]).is_err());
/// assert!(ReportSpec::new().front(4.0, -1.5, 10).is_err());
/// # Ok::<(), conflict_risk::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ReportSpec {
    pub(crate) as_of: Option<Date>,
    pub(crate) sources: Vec<Source>,
    pub(crate) validation: Option<ValidationCounts>,
    pub(crate) groups: ActorGroups,
    pub(crate) cluster_days: u32,
    pub(crate) eps_km: f64,
    pub(crate) min_points: usize,
    pub(crate) border_pairs: Vec<(String, String)>,
    pub(crate) near_border_km: f64,
    pub(crate) band_years: usize,
    pub(crate) region: BoundingBox,
    pub(crate) grid: Grid,
    pub(crate) bandwidth_km: f64,
    pub(crate) half_life_days: f64,
    pub(crate) site_risk: SiteRisk,
    pub(crate) tempo_countries: Vec<String>,
    pub(crate) tempo_groups: Vec<String>,
    pub(crate) expansion_group: String,
    pub(crate) expansion_years: i16,
    pub(crate) front_west: f64,
    pub(crate) front_east: f64,
    pub(crate) front_min_incidents: usize,
    pub(crate) share_countries: Vec<String>,
    pub(crate) nexus: Vec<Nexus>,
    #[serde(default)]
    pub(crate) coverage_area: CoverageArea,
    #[serde(default)]
    pub(crate) keep_suspect_in_sites: bool,
    #[serde(default = "default_encircled")]
    pub(crate) encircled: Vec<Site>,
    #[serde(default)]
    pub(crate) encirclement: Encirclement,
    #[serde(default = "default_zone_km")]
    pub(crate) crossroads_zone_km: f64,
    #[serde(default = "default_detour")]
    pub(crate) crossroads_detour: f64,
    #[serde(default = "default_map_skill")]
    pub(crate) map_skill: Option<SkillGrid>,
}

/// The surfaces the report scores beside its map, and the horizon.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SkillGrid {
    /// Days after each origin scored against.
    pub horizon_days: u32,
    /// Quartic bandwidths, km.
    pub bandwidths_km: Vec<f64>,
    /// Half-lives, days (`None`: no decay).
    pub half_lives_days: Vec<Option<f64>>,
}

#[allow(clippy::unnecessary_wraps)] // serde's default needs the field's type
fn default_map_skill() -> Option<SkillGrid> {
    Some(SkillGrid {
        horizon_days: 90,
        bandwidths_km: vec![25.0, 50.0],
        half_lives_days: vec![Some(90.0), Some(180.0), Some(365.0), None],
    })
}

fn default_zone_km() -> f64 {
    25.0
}

fn default_detour() -> f64 {
    0.25
}

fn default_encircled() -> Vec<Site> {
    vec![crate::sample::ouagadougou()]
}

/// How many incidents validation rejected and kept with warnings.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ValidationCounts {
    /// Incidents rejected.
    pub rejected: usize,
    /// Incidents kept with a warning.
    pub warnings: usize,
}

impl From<&ValidationReport> for ValidationCounts {
    fn from(r: &ValidationReport) -> Self {
        ValidationCounts {
            rejected: r.rejected.len(),
            warnings: r.warnings.len(),
        }
    }
}

impl Default for ReportSpec {
    fn default() -> Self {
        ReportSpec::new()
    }
}

fn pair(a: &str, b: &str) -> (String, String) {
    (a.to_string(), b.to_string())
}

fn strings(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| (*s).to_string()).collect()
}

impl ReportSpec {
    /// The corridor brief's defaults (see the type's documentation).
    #[must_use]
    pub fn new() -> Self {
        ReportSpec {
            as_of: None,
            sources: Vec::new(),
            validation: None,
            groups: ActorGroups::corridor(),
            cluster_days: 365,
            eps_km: 25.0,
            min_points: 5,
            border_pairs: vec![pair("BFA", "TGO"), pair("BFA", "BEN")],
            near_border_km: 100.0,
            band_years: 8,
            region: BoundingBox::CORRIDOR,
            grid: Grid::H3 {
                resolution: h3o::Resolution::Five,
            },
            bandwidth_km: 50.0,
            half_life_days: 180.0,
            site_risk: SiteRisk::default(),
            tempo_countries: strings(&["TGO", "BEN", "BFA", "NGA"]),
            tempo_groups: strings(&["JNIM", "IS Sahel", "Ansaru"]),
            expansion_group: "JNIM".into(),
            expansion_years: 6,
            front_west: -1.5,
            front_east: 4.0,
            front_min_incidents: 10,
            share_countries: strings(&["TGO", "BEN"]),
            nexus: ["Ansaru", "IS Sahel"]
                .iter()
                .filter_map(|b| Nexus::new("JNIM", b).ok())
                .collect(),
            coverage_area: CoverageArea::RecordedCountries,
            keep_suspect_in_sites: false,
            encircled: default_encircled(),
            encirclement: Encirclement::new(),
            crossroads_zone_km: default_zone_km(),
            crossroads_detour: default_detour(),
            map_skill: default_map_skill(),
        }
    }

    /// The as-of date: incidents that start later are left out of every figure (and
    /// counted). Default: the latest incident's last day.
    #[must_use]
    pub fn as_of(mut self, as_of: Date) -> Self {
        self.as_of = Some(as_of);
        self
    }

    /// Add a source to the data section.
    #[must_use]
    pub fn source(mut self, source: Source) -> Self {
        self.sources.push(source);
        self
    }

    /// What validation did with the incidents, for the data section.
    #[must_use]
    pub fn validation(mut self, report: &ValidationReport) -> Self {
        self.validation = Some(report.into());
        self
    }

    /// The armed groups (default [`ActorGroups::corridor`]).
    #[must_use]
    pub fn groups(mut self, groups: ActorGroups) -> Self {
        self.groups = groups;
        self
    }

    /// Cluster the incidents of the last `days` days (above 0; default 365).
    pub fn cluster_window_days(mut self, days: u32) -> Result<Self> {
        if days == 0 {
            return Err(Error::invalid("cluster_days", days, "needs at least 1 day"));
        }
        self.cluster_days = days;
        Ok(self)
    }

    /// DBSCAN's radius (km) and minimum points (default 25 km, 5).
    pub fn dbscan(mut self, eps_km: f64, min_points: usize) -> Result<Self> {
        crate::cluster::Dbscan::new(eps_km, min_points)?;
        self.eps_km = eps_km;
        self.min_points = min_points;
        Ok(self)
    }

    /// The borders whose nearby incidents are counted per year, as ISO alpha-3 pairs, and
    /// the distance (default BFA–TGO and BFA–BEN, 100 km).
    pub fn border_pairs(mut self, pairs: &[(&str, &str)], km: f64) -> Result<Self> {
        if !(km.is_finite() && km > 0.0) {
            return Err(Error::invalid(
                "near_border_km",
                km,
                "must be a finite distance above 0 km",
            ));
        }
        self.border_pairs = pairs
            .iter()
            .map(|(a, b)| {
                let codes = country_codes("border_pairs", [*a, *b])?;
                Ok((codes[0].clone(), codes[1].clone()))
            })
            .collect::<Result<_>>()?;
        self.near_border_km = km;
        Ok(self)
    }

    /// The risk surface: region, grid, kernel bandwidth (km) and half-life (days)
    /// (default the corridor, H3 resolution 5, 50 km, 180 days).
    pub fn surface(
        mut self,
        region: BoundingBox,
        grid: Grid,
        bandwidth_km: f64,
        half_life_days: f64,
    ) -> Result<Self> {
        let policy = crate::surface::WeightPolicy::new(jiff::civil::date(2000, 1, 1))
            .half_life_days(half_life_days)?;
        crate::surface::KernelSurface::new(bandwidth_km, policy)?;
        self.region = region;
        self.grid = grid;
        self.bandwidth_km = bandwidth_km;
        self.half_life_days = half_life_days;
        Ok(self)
    }

    /// What to measure at each site (default [`SiteRisk::default`]).
    #[must_use]
    pub fn site_risk(mut self, spec: SiteRisk) -> Self {
        self.site_risk = spec;
        self
    }

    /// The pairs of groups whose meeting is measured (names of [`ReportSpec::groups`]),
    /// each with [`Nexus::new`]'s defaults; `Err` for a name that is no group.
    ///
    /// ```
    /// use conflict_risk::ReportSpec;
    /// let spec = ReportSpec::new().nexus_pairs(&[("JNIM", "ISWAP")])?;
    /// let err = ReportSpec::new().nexus_pairs(&[("JNIM", "Boko Haram")]).unwrap_err();
    /// assert!(err.to_string().contains("Boko Haram/JAS"), "{err}");
    /// # Ok::<(), conflict_risk::Error>(())
    /// ```
    pub fn nexus_pairs(mut self, pairs: &[(&str, &str)]) -> Result<Self> {
        for name in pairs.iter().flat_map(|(a, b)| [a, b]) {
            if self.groups.position(name).is_none() {
                let known: Vec<&str> = self
                    .groups
                    .groups()
                    .iter()
                    .map(|g| g.name.as_str())
                    .collect();
                return Err(Error::invalid(
                    "group",
                    name,
                    format!(
                        "is no actor group of the report; the groups are {}",
                        known.join(", ")
                    ),
                ));
            }
        }
        self.nexus = pairs
            .iter()
            .map(|(a, b)| Nexus::new(a, b))
            .collect::<Result<_>>()?;
        Ok(self)
    }

    /// The meetings measured, each with its own parameters (default JNIM with Ansaru and
    /// with IS Sahel, under [`Nexus::new`]'s defaults).
    #[must_use]
    pub fn nexus(mut self, meetings: Vec<Nexus>) -> Self {
        self.nexus = meetings;
        self
    }

    /// How many of the last years the border-band table shows (at least 1; default 8).
    pub fn band_years(mut self, years: usize) -> Result<Self> {
        if years == 0 {
            return Err(Error::invalid("band_years", years, "needs at least 1 year"));
        }
        self.band_years = years;
        Ok(self)
    }

    /// The tempo's series besides the total: recorded countries (ISO alpha-3) and groups (names
    /// of [`ReportSpec::groups`]); default TGO, BEN, BFA, NGA and JNIM, IS Sahel, Ansaru.
    pub fn tempo_series(mut self, countries: &[&str], groups: &[&str]) -> Result<Self> {
        self.tempo_countries = country_codes("tempo_countries", countries.iter().copied())?;
        self.tempo_groups = strings(groups);
        Ok(self)
    }

    /// The group whose expansion is followed and over how many whole years before the as-of
    /// year (1 to 100; default JNIM over 6).
    pub fn expansion(mut self, group: &str, years: i16) -> Result<Self> {
        if !(1..=100).contains(&years) {
            return Err(Error::invalid(
                "expansion_years",
                years,
                "must be from 1 to 100",
            ));
        }
        if group.trim().is_empty() {
            return Err(Error::invalid(
                "expansion_group",
                "\"\"",
                "needs a group name",
            ));
        }
        self.expansion_group = group.to_string();
        self.expansion_years = years;
        Ok(self)
    }

    /// The southward front: the longitudes it spans (west ≤ east, degrees) and the incidents a
    /// year needs to count (default 1.5° W to 4° E, 10 incidents).
    pub fn front(mut self, west: f64, east: f64, min_incidents: usize) -> Result<Self> {
        if !(west.is_finite()
            && east.is_finite()
            && (-180.0..=east).contains(&west)
            && east <= 180.0)
        {
            return Err(Error::invalid(
                "front",
                format!("{west}..{east}"),
                "needs finite longitudes with -180 <= west <= east <= 180",
            ));
        }
        self.front_west = west;
        self.front_east = east;
        self.front_min_incidents = min_incidents;
        Ok(self)
    }

    /// The countries (ISO alpha-3) whose share of the expanding group's incidents is shown
    /// (default TGO and BEN).
    pub fn share_countries(mut self, countries: &[&str]) -> Result<Self> {
        self.share_countries = country_codes("share_countries", countries.iter().copied())?;
        Ok(self)
    }

    /// The area the data covers (default: the countries the sources' rows are recorded in,
    /// by their polygons). Outside it cells, sites and shares are no data.
    ///
    /// ```
    /// use conflict_risk::ReportSpec;
    /// use conflict_risk::coverage::CoverageArea;
    /// let spec = ReportSpec::new().coverage_area(CoverageArea::Countries(vec!["BFA".into()]))?;
    /// assert!(ReportSpec::new().coverage_area(CoverageArea::Countries(vec!["Burkina".into()])).is_err());
    /// # Ok::<(), conflict_risk::Error>(())
    /// ```
    pub fn coverage_area(mut self, area: CoverageArea) -> Result<Self> {
        self.coverage_area = Coverage::default().area(area)?.area;
        Ok(self)
    }

    /// Keep in the site table the incidents whose position lies in another country's polygon
    /// than their record names, or in none (default: left out and listed, since a misplaced
    /// event, such as a longitude with the wrong sign, would be read as a site's nearest
    /// threat).
    #[must_use]
    pub fn keep_suspect_in_sites(mut self, keep: bool) -> Self {
        self.keep_suspect_in_sites = keep;
        self
    }

    /// The coverage of the report's data: each source's, and for the sources that state none
    /// (or when there are no sources) that of all `incidents` as one source, over
    /// [`ReportSpec::coverage_area`].
    #[must_use]
    pub fn coverage_of(&self, incidents: &[crate::incident::Incident]) -> Coverage {
        let mut sources: Vec<SourceCoverage> = self
            .sources
            .iter()
            .filter_map(|s| s.coverage.clone())
            .collect();
        // Sources that state no coverage are covered by what all the incidents cover (their
        // own incidents are not told apart): never less than the data holds.
        let unstated: Vec<&str> = self
            .sources
            .iter()
            .filter(|s| s.coverage.is_none())
            .map(|s| s.name.as_str())
            .collect();
        if sources.is_empty() || !unstated.is_empty() {
            let name = match unstated.as_slice() {
                [] => "the data".to_string(),
                names => names.join(", "),
            };
            sources.extend(SourceCoverage::of(name, incidents));
        }
        Coverage {
            sources,
            area: self.coverage_area.clone(),
        }
    }

    /// The sites whose encirclement is measured, by year, and how (default Ouagadougou under
    /// [`Encirclement::new`]); no sites leaves the section out.
    ///
    /// ```
    /// use conflict_risk::trend::Encirclement;
    /// use conflict_risk::{ReportSpec, ouagadougou};
    /// let spec = ReportSpec::new().encirclement(vec![ouagadougou()], Encirclement::new().annulus(20.0, 100.0)?);
    /// # Ok::<(), conflict_risk::Error>(())
    /// ```
    #[must_use]
    pub fn encirclement(mut self, sites: Vec<Site>, params: Encirclement) -> Self {
        self.encircled = sites;
        self.encirclement = params;
        self
    }

    /// Score the risk surface of section 4 with a rolling-origin backtest on its cells
    /// ([`Backtest`](crate::surface::Backtest)): monthly origins over the last three years
    /// the data cover, each against the next `horizon_days`, beside persistence and quartic
    /// surfaces of every bandwidth and half-life given (`None`: no decay). Default: 90 days;
    /// 25 and 50 km (wider bandwidths cost more at a million incidents: the `backtest`
    /// example searches further); 90, 180, 365 days and none.
    ///
    /// ```
    /// use conflict_risk::ReportSpec;
    /// let spec = ReportSpec::new().map_skill(30, &[50.0], &[Some(90.0), None])?;
    /// assert!(ReportSpec::new().map_skill(0, &[50.0], &[None]).is_err());
    /// let off = ReportSpec::new().without_map_skill();
    /// # Ok::<(), conflict_risk::Error>(())
    /// ```
    pub fn map_skill(
        mut self,
        horizon_days: u32,
        bandwidths_km: &[f64],
        half_lives_days: &[Option<f64>],
    ) -> Result<Self> {
        // Checked as the backtest will check them.
        crate::surface::Backtest::new(date(2000, 1, 1), date(2000, 1, 1), horizon_days)?.grid(
            &[crate::Kernel::Quartic],
            bandwidths_km,
            half_lives_days,
        )?;
        self.map_skill = Some(SkillGrid {
            horizon_days,
            bandwidths_km: bandwidths_km.to_vec(),
            half_lives_days: half_lives_days.to_vec(),
        });
        Ok(self)
    }

    /// No backtest of the risk surface (it costs a few seconds at a million incidents).
    #[must_use]
    pub fn without_map_skill(mut self) -> Self {
        self.map_skill = None;
        self
    }

    /// The sites whose encirclement section 8 follows (default: Ouagadougou).
    #[must_use]
    pub fn encircled(&self) -> &[Site] {
        &self.encircled
    }

    /// The sectors, annulus and threshold of section 8.
    #[must_use]
    pub fn encirclement_params(&self) -> &Encirclement {
        &self.encirclement
    }

    /// The crossroads of each nexus pair ([`Crossroads`]): each group's zone is the area
    /// within `zone_km` of its incidents (default 25 km), and the gap cells lie on crossings
    /// at most `detour` longer than the gap (a share, default 0.25). The cells are those of
    /// the pair's nexus grid.
    ///
    /// ```
    /// use conflict_risk::ReportSpec;
    /// let spec = ReportSpec::new().crossroads(40.0, 0.5)?;
    /// assert_eq!(spec.crossroads_params(), (40.0, 0.5));
    /// assert!(ReportSpec::new().crossroads(0.0, 0.5).is_err());
    /// # Ok::<(), conflict_risk::Error>(())
    /// ```
    pub fn crossroads(mut self, zone_km: f64, detour: f64) -> Result<Self> {
        let checked = Crossroads::new("a", "b")?
            .zone_km(zone_km)?
            .detour(detour)?;
        self.crossroads_zone_km = checked.zone_radius_km();
        self.crossroads_detour = checked.detour_share();
        Ok(self)
    }

    /// The crossroads' zone radius (km) and detour share.
    #[must_use]
    pub fn crossroads_params(&self) -> (f64, f64) {
        (self.crossroads_zone_km, self.crossroads_detour)
    }

    /// The crossroads of one nexus pair, under this spec's zone and detour, on its grid.
    pub(crate) fn crossroads_of(&self, pair: &Nexus) -> Result<Crossroads> {
        Ok(Crossroads::new(pair.group_a(), pair.group_b())?
            .zone_km(self.crossroads_zone_km)?
            .detour(self.crossroads_detour)?
            .grid(pair.cell_grid()))
    }

    /// The as-of date set, if any.
    #[must_use]
    pub fn as_of_date(&self) -> Option<Date> {
        self.as_of
    }

    /// The clustering window, days.
    #[must_use]
    pub fn cluster_days(&self) -> u32 {
        self.cluster_days
    }

    /// The sources listed in the data section.
    #[must_use]
    pub fn sources(&self) -> &[Source] {
        &self.sources
    }
}
