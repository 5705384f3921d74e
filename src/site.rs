//! Risk at named sites (a military base, a town, a road junction) as of a date: the nearest
//! incident, exposure within rings over recent periods, the trend, the kernel risk and who
//! is active around it.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;

use arcstr::ArcStr;
use geo::Point;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::incident::{CountryCode, EventKind};
use crate::index::{DateWindow, IncidentIndex};
use crate::stats::poisson_rate_test;
use crate::surface::{KernelSurface, RiskSurface};

/// A named place: a base, a town, a road junction (WGS 84 degrees).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Site {
    /// Its name.
    pub name: String,
    /// The country it lies in, if known.
    pub country: Option<CountryCode>,
    /// Longitude, WGS 84 degrees.
    pub lon: f64,
    /// Latitude, WGS 84 degrees.
    pub lat: f64,
}

impl Site {
    /// A site; the position must be finite and in range.
    pub fn new(name: impl Into<String>, lon: f64, lat: f64) -> Result<Self> {
        crate::index::check_point(Point::new(lon, lat))?;
        Ok(Site {
            name: name.into(),
            country: None,
            lon,
            lat,
        })
    }

    /// The same site in `country`.
    #[must_use]
    pub fn in_country(self, country: CountryCode) -> Self {
        Site {
            country: Some(country),
            ..self
        }
    }

    /// The position.
    #[must_use]
    pub fn point(&self) -> Point<f64> {
        Point::new(self.lon, self.lat)
    }
}

/// Read sites from a CSV file with a header holding `name`, `latitude` and `longitude` (also
/// `lat`, `lon`/`lng`; any order, other columns ignored). Any bad row is an error naming its
/// line: a site list is short and every site matters.
///
/// ```
/// use conflict_risk::read_sites_from;
/// let csv = "name,latitude,longitude\nDapaong,10.862,0.207\n\"Kpendjal, base\",10.95,0.80\n";
/// let sites = read_sites_from(csv.as_bytes())?;
/// assert_eq!(sites[1].name, "Kpendjal, base");
/// assert!(read_sites_from("name,latitude,longitude\nX,91,0\n".as_bytes()).is_err());
/// # Ok::<(), conflict_risk::Error>(())
/// ```
pub fn read_sites_from(reader: impl Read) -> Result<Vec<Site>> {
    let mut csv = csv::ReaderBuilder::new().flexible(true).from_reader(reader);
    let parse_err = |line: u64, field: &str, reason: String| Error::Parse {
        line,
        field: field.to_string(),
        reason,
    };
    let header = csv
        .headers()
        .map_err(|e| parse_err(1, "header", e.to_string()))?
        .clone();
    let find = |names: &[&str]| {
        header.iter().position(|h| {
            names.contains(
                &h.trim()
                    .trim_start_matches('\u{feff}')
                    .to_ascii_lowercase()
                    .as_str(),
            )
        })
    };
    let name_at = find(&["name", "site"]);
    let lat_at = find(&["latitude", "lat"]);
    let lon_at = find(&["longitude", "lon", "lng", "long"]);
    let (Some(name_at), Some(lat_at), Some(lon_at)) = (name_at, lat_at, lon_at) else {
        return Err(parse_err(
            1,
            "header",
            "a site list needs name, latitude and longitude columns".into(),
        ));
    };
    let mut sites = Vec::new();
    for (k, record) in csv.records().enumerate() {
        let line = record
            .as_ref()
            .ok()
            .and_then(|r| r.position())
            .map_or(k as u64 + 2, |p| p.line());
        let record = record.map_err(|e| parse_err(line, "row", e.to_string()))?;
        let text = |at: usize| record.get(at).map(str::trim).unwrap_or("");
        let number = |at: usize, field: &str| {
            text(at)
                .parse::<f64>()
                .map_err(|_| parse_err(line, field, format!("{:?} is not a number", text(at))))
        };
        let name = text(name_at);
        if name.is_empty() {
            return Err(parse_err(line, "name", "a site needs a name".into()));
        }
        let (lat, lon) = (number(lat_at, "latitude")?, number(lon_at, "longitude")?);
        let site = Site::new(name, lon, lat)
            .map_err(|e| parse_err(line, "latitude/longitude", e.to_string()))?;
        sites.push(site);
    }
    Ok(sites)
}

/// [`read_sites_from`] a file.
pub fn read_sites(path: impl AsRef<Path>) -> Result<Vec<Site>> {
    let path = path.as_ref();
    let file = std::fs::File::open(path).map_err(|e| Error::io(path.display().to_string(), e))?;
    read_sites_from(file)
}

/// The incident nearest a site.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct NearestIncident {
    /// Great-circle distance, km.
    pub distance_km: f64,
    /// First day of its date span.
    pub date: Date,
    /// Its primary actor, if named.
    pub actor: Option<ArcStr>,
    /// Its kind.
    pub kind: EventKind,
    /// The source's id.
    pub source_id: String,
}

/// Incidents and deaths within a radius over the days up to the as-of date.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Exposure {
    /// The radius, km.
    pub radius_km: u32,
    /// The period, days up to and including the as-of date.
    pub days: u32,
    /// Incidents whose date span overlaps the period.
    pub incidents: u64,
    /// Their deaths (best estimates).
    pub fatalities: i64,
}

/// Recent activity against the period before it.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct SiteTrend {
    /// The radius, km.
    pub radius_km: f64,
    /// Length of each period, days.
    pub days: u32,
    /// Incidents in the last `days` days.
    pub recent: u64,
    /// Incidents in the `days` days before those.
    pub previous: u64,
    /// recent / previous (infinite when previous is 0, NaN when both are).
    pub rate_ratio: f64,
    /// Two-sided p-value of equal rates (exact conditional Poisson test).
    pub p_value: f64,
}

/// Everything the crate says about one site as of a date.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SiteRisk {
    /// The site.
    pub site: Site,
    /// The as-of date: incidents that start later are not counted.
    pub as_of: Date,
    /// The nearest incident up to the as-of date.
    pub nearest: Option<NearestIncident>,
    /// Exposure for every ring and period, rings inner first, periods shortest first.
    pub exposure: Vec<Exposure>,
    /// The trend.
    pub trend: SiteTrend,
    /// Kernel risk at the site (raw value) under the surface's parameters, if a surface was given.
    pub kernel_risk: Option<f64>,
    /// Percent of the surface's cells with a lower kernel risk than the site's.
    pub percentile: Option<f64>,
    /// Incidents per actor within the widest ring over the longest period, most first (an
    /// incident counts once for each actor named in it).
    pub actors: Vec<(ArcStr, u64)>,
}

/// What to measure at sites.
///
/// ```
/// use conflict_risk::{IncidentIndex, IncidentSet, Site, SiteRiskSpec, brief_incidents};
/// use conflict_risk::jiff::civil::date;
/// let (set, _) = IncidentSet::validate(brief_incidents());
/// let index = IncidentIndex::new(&set);
/// let base = Site::new("Kpekakandi base area", 0.80, 10.95)?;
/// let risk = SiteRiskSpec::default().assess(&index, &base, date(2024, 12, 31), None)?;
/// assert!(risk.nearest.is_some());
/// # Ok::<(), conflict_risk::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SiteRiskSpec {
    rings_km: Vec<u32>,
    periods_days: Vec<u32>,
    trend_radius_km: f64,
    trend_days: u32,
}

impl Default for SiteRiskSpec {
    /// Rings of 10, 25, 50 and 100 km; periods of 30, 90 and 365 days; the trend within 50 km,
    /// last 90 days against the 90 before.
    fn default() -> Self {
        SiteRiskSpec {
            rings_km: vec![10, 25, 50, 100],
            periods_days: vec![30, 90, 365],
            trend_radius_km: 50.0,
            trend_days: 90,
        }
    }
}

impl SiteRiskSpec {
    /// Other rings (km) and periods (days), each non-empty with values above 0.
    pub fn rings(mut self, rings_km: &[u32], periods_days: &[u32]) -> Result<Self> {
        for (name, v) in [("rings_km", rings_km), ("periods_days", periods_days)] {
            if v.is_empty() || v.contains(&0) {
                return Err(Error::invalid(
                    name,
                    format!("{v:?}"),
                    "needs values above 0",
                ));
            }
        }
        self.rings_km = rings_km.to_vec();
        self.rings_km.sort_unstable();
        self.rings_km.dedup();
        self.periods_days = periods_days.to_vec();
        self.periods_days.sort_unstable();
        self.periods_days.dedup();
        Ok(self)
    }

    /// The trend's radius (km, above 0) and period (days, above 0).
    pub fn trend(mut self, radius_km: f64, days: u32) -> Result<Self> {
        if !radius_km.is_finite() || radius_km <= 0.0 || days == 0 {
            return Err(Error::invalid(
                "trend",
                format!("{radius_km} km, {days} days"),
                "needs a finite radius above 0 and at least one day",
            ));
        }
        self.trend_radius_km = radius_km;
        self.trend_days = days;
        Ok(self)
    }

    /// The trend's radius (km) and period (days).
    #[must_use]
    pub fn trend_params(&self) -> (f64, u32) {
        (self.trend_radius_km, self.trend_days)
    }

    /// Assess one site as of `as_of`; with a kernel surface and its computed cells (made as of
    /// the same date, else `Err`), also the kernel risk at the site and its percentile among
    /// the cells.
    pub fn assess(
        &self,
        index: &IncidentIndex,
        site: &Site,
        as_of: Date,
        surface: Option<(&KernelSurface, &RiskSurface)>,
    ) -> Result<SiteRisk> {
        let at = site.point();
        let incidents = index.set().incidents();
        let nearest = index
            .nearest_where(at, 1, |i| i.date.start <= as_of)?
            .first()
            .map(|n| {
                let i = &incidents[n.id.index()];
                NearestIncident {
                    distance_km: n.distance_km,
                    date: i.date.start,
                    actor: i.primary_actor.as_ref().map(|a| a.name.clone()),
                    kind: i.kind,
                    source_id: i.source_id.as_str().to_string(),
                }
            });
        let widest = f64::from(self.rings_km.last().copied().unwrap_or(100));
        let longest = self.periods_days.last().copied().unwrap_or(365);
        let mut exposure = Vec::new();
        let mut actors: BTreeMap<ArcStr, u64> = BTreeMap::new();
        for &days in &self.periods_days {
            let window = DateWindow::last_days(as_of, days)?;
            let mut counts = vec![(0u64, 0i64); self.rings_km.len()];
            index
                .during(window)
                .for_each_within_radius(at, widest, |n| {
                    let i = &incidents[n.id.index()];
                    for (k, &r) in self.rings_km.iter().enumerate() {
                        if n.distance_km <= f64::from(r) {
                            counts[k].0 += 1;
                            counts[k].1 += i64::from(i.fatalities.best.max(0));
                        }
                    }
                    if days == longest {
                        let mut names: Vec<&ArcStr> = i.actors().map(|a| &a.name).collect();
                        names.sort_unstable();
                        names.dedup();
                        for name in names {
                            *actors.entry(name.clone()).or_default() += 1;
                        }
                    }
                })?;
            exposure.extend(
                self.rings_km
                    .iter()
                    .zip(counts)
                    .map(|(&r, (n, f))| Exposure {
                        radius_km: r,
                        days,
                        incidents: n,
                        fatalities: f,
                    }),
            );
        }
        exposure.sort_by_key(|e| (e.radius_km, e.days));
        let recent_window = DateWindow::last_days(as_of, self.trend_days)?;
        let before_end = recent_window
            .first_day()
            .yesterday()
            .map_err(|e| Error::invalid("as_of", as_of, e.to_string()))?;
        let previous_window = DateWindow::last_days(before_end, self.trend_days)?;
        let count = |w: DateWindow| -> Result<u64> {
            let mut n = 0u64;
            index
                .during(w)
                .for_each_within_radius(at, self.trend_radius_km, |_| n += 1)?;
            Ok(n)
        };
        let (recent, previous) = (count(recent_window)?, count(previous_window)?);
        let (rate_ratio, p_value) = poisson_rate_test(recent, previous);
        let (kernel_risk, percentile) = match surface {
            Some((spec, _)) if spec.policy().as_of() != as_of => {
                return Err(Error::invalid(
                    "as_of",
                    as_of,
                    format!(
                        "the kernel surface is as of {}: assess the site at the same date",
                        spec.policy().as_of()
                    ),
                ));
            }
            Some((spec, cells)) => {
                let (raw, _, _) = spec.at(index, at)?;
                (Some(raw), Some(cells.percentile_of(raw)))
            }
            None => (None, None),
        };
        let mut actors: Vec<(ArcStr, u64)> = actors.into_iter().collect();
        actors.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        Ok(SiteRisk {
            site: site.clone(),
            as_of,
            nearest,
            exposure,
            trend: SiteTrend {
                radius_km: self.trend_radius_km,
                days: self.trend_days,
                recent,
                previous,
                rate_ratio,
                p_value,
            },
            kernel_risk,
            percentile,
            actors,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::incident::{Actor, ActorKind, DateSpan, Fatalities, Incident};
    use crate::surface::{Grid, WeightPolicy};
    use crate::validate::IncidentSet;
    use crate::{BoundingBox, destination};
    use jiff::civil::date;

    /// Incidents due east of the site at known distances and dates.
    fn hand_built() -> Vec<Incident> {
        let site = Point::new(1.0, 10.0);
        let mk = |id: &str, km: f64, d: Date, deaths: i32, actor: &str| {
            let p = destination(site, 90.0, km);
            let mut i = Incident::new(id, p.x(), p.y(), DateSpan::day(d));
            i.fatalities = Fatalities::best(deaths);
            i.primary_actor = Some(Actor::new(actor, ActorKind::Rebel));
            i
        };
        vec![
            mk("a", 5.0, date(2024, 12, 20), 2, "JNIM"), // 10 km ring, last 30 days
            mk("b", 20.0, date(2024, 11, 15), 1, "JNIM"), // 25 km, last 90
            mk("c", 40.0, date(2024, 8, 1), 0, "ISSP"),  // 50 km, previous 90
            mk("d", 40.0, date(2024, 7, 20), 3, "ISSP"), // 50 km, previous 90
            mk("e", 90.0, date(2024, 3, 1), 5, "JNIM"),  // 100 km, last 365
            mk("f", 3.0, date(2025, 2, 1), 9, "JNIM"),   // after the as-of date
            mk("g", 150.0, date(2024, 12, 1), 1, "JNIM"), // beyond every ring
        ]
    }

    #[test]
    fn every_number_by_hand() {
        let (set, _) = IncidentSet::validate(hand_built());
        let index = IncidentIndex::new(&set);
        let site = Site::new("base", 1.0, 10.0).expect("valid test input");
        let risk = SiteRiskSpec::default()
            .assess(&index, &site, date(2024, 12, 31), None)
            .expect("valid test input");
        let nearest = risk.nearest.as_ref().expect("valid test input");
        assert_eq!(nearest.source_id, "a"); // f is nearer but after the as-of date
        assert!((nearest.distance_km - 5.0).abs() < 1e-9);
        let get = |r: u32, d: u32| {
            let e = risk
                .exposure
                .iter()
                .find(|e| e.radius_km == r && e.days == d)
                .expect("valid test input");
            (e.incidents, e.fatalities)
        };
        assert_eq!(get(10, 30), (1, 2));
        assert_eq!(get(25, 30), (1, 2));
        assert_eq!(get(25, 90), (2, 3));
        assert_eq!(get(50, 90), (2, 3));
        assert_eq!(get(50, 365), (4, 6));
        assert_eq!(get(100, 365), (5, 11));
        assert_eq!(risk.exposure.len(), 12);
        // Trend within 50 km: last 90 days (Oct 3 – Dec 31) a, b; the 90 before (Jul 5 –
        // Oct 2) c, d. Equal counts: ratio 1, p 1.
        assert_eq!((risk.trend.recent, risk.trend.previous), (2, 2));
        assert_eq!(risk.trend.rate_ratio, 1.0);
        assert_eq!(risk.trend.p_value, 1.0);
        // Actors within 100 km over 365 days: JNIM a, b, e; ISSP c, d.
        assert_eq!(
            risk.actors,
            vec![(ArcStr::from("JNIM"), 3), (ArcStr::from("ISSP"), 2)]
        );
    }

    #[test]
    fn kernel_risk_at_the_site_by_hand() {
        let (set, _) = IncidentSet::validate(hand_built());
        let index = IncidentIndex::new(&set);
        let site = Site::new("base", 1.0, 10.0).expect("valid test input");
        let spec = KernelSurface::new(50.0, WeightPolicy::new(date(2024, 12, 31)))
            .expect("valid test input")
            .kernel(crate::Kernel::Epanechnikov);
        let cells = Grid::PrioGrid
            .cover(&BoundingBox::new(-1.0, 8.0, 3.0, 12.0).expect("valid test input"))
            .expect("valid test input");
        let surface = spec.compute(&index, &cells);
        let risk = SiteRiskSpec::default()
            .assess(&index, &site, date(2024, 12, 31), Some((&spec, &surface)))
            .expect("valid test input");
        // 1 − u² for a (5 km), b (20), c (40), d (40): 0.99 + 0.84 + 0.36 + 0.36.
        let expected = 0.99 + 0.84 + 0.36 + 0.36;
        assert!((risk.kernel_risk.expect("valid test input") - expected).abs() < 1e-9);
        assert!(risk.percentile.expect("valid test input") > 90.0);
        // A surface of another date is refused.
        let other = date(2024, 6, 30);
        assert!(
            SiteRiskSpec::default()
                .assess(&index, &site, other, Some((&spec, &surface)))
                .is_err()
        );
        // Repeated rings and periods count once.
        let twice = SiteRiskSpec::default()
            .rings(&[10, 10, 50], &[90, 90])
            .expect("valid test input")
            .assess(&index, &site, date(2024, 12, 31), None)
            .expect("valid test input");
        assert_eq!(twice.exposure.len(), 2);
        assert_eq!(twice.actors, vec![(ArcStr::from("JNIM"), 2)]);
    }

    #[test]
    fn site_lists_report_bad_rows_by_line() {
        let bad = "name,latitude,longitude\nA,10,1\nB,ten,1\n";
        match read_sites_from(bad.as_bytes()) {
            Err(Error::Parse { line, field, .. }) => {
                assert_eq!((line, field.as_str()), (3, "latitude"));
            }
            other => panic!("{other:?}"),
        }
        assert!(read_sites_from("name,x,y\n".as_bytes()).is_err());
        let swapped_order = "longitude,name,latitude\n0.2,Dapaong,10.86\n";
        let s = read_sites_from(swapped_order.as_bytes()).expect("valid test input");
        assert_eq!((s[0].lon, s[0].lat), (0.2, 10.86));
    }
}
