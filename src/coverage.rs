//! What the data covers: the area and the period of each source.
//!
//! A source that records no incident in Togo says nothing about Togo: a figure there is "no
//! data", never 0. [`Coverage`] holds each source's countries and dates
//! ([`SourceCoverage`], derived by default from the rows a source gave) and the area they
//! cover ([`CoverageArea`]: the recorded countries, tested against the country polygons, or
//! countries or a box the user names). The corridor report states it at the top and leaves
//! uncovered cells, sites and shares out of its figures; when sources end on different days it
//! warns and compares periods only up to the earliest end.

use std::collections::BTreeSet;

use geo::Point;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::borders::Borders;
use crate::error::{Error, Result};
use crate::incident::{CountryCode, Incident};
use crate::index::BoundingBox;
use crate::site::Site;

/// Sources whose ends lie within this many days of each other are taken to end together: a
/// source's last incident is only the last day something happened, not the day its
/// coverage stopped.
pub const END_TOLERANCE_DAYS: i64 = 31;

/// ISO alpha-3 codes in upper case, `Err` naming `name` and the first that is not one (three
/// letters that name no country, such as `XYZ`, are not).
pub(crate) fn country_codes<'a>(
    name: &'static str,
    codes: impl IntoIterator<Item = &'a str>,
) -> Result<Vec<String>> {
    codes
        .into_iter()
        .map(|c| {
            CountryCode::new(c.trim())
                .map(|code| code.to_string())
                .filter(|code| celes::Country::from_alpha3(code).is_ok())
                .ok_or_else(|| Error::invalid(name, c, "is not an ISO 3166 alpha-3 code"))
        })
        .collect()
}

/// The countries and the period one source covers.
///
/// ```
/// use conflict_risk::coverage::SourceCoverage;
/// use conflict_risk::{brief_incidents, jiff::civil::date};
/// let c = SourceCoverage::of("brief", &brief_incidents()).expect("three incidents");
/// assert_eq!(c.countries, ["TGO"]);
/// assert_eq!(c.first_day, date(2022, 11, 1));
/// assert!(SourceCoverage::of("empty", &[]).is_none());
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceCoverage {
    /// The source's name (a file path, a description).
    pub name: String,
    /// The countries (ISO alpha-3) its rows are recorded in, alphabetically.
    pub countries: Vec<String>,
    /// Its first day: the earliest start of its incidents.
    pub first_day: Date,
    /// Its last day: the latest end of its incidents.
    pub last_day: Date,
}

impl SourceCoverage {
    /// What the incidents one source gave cover: the countries they are recorded in (rows
    /// with none add no country), from the earliest start to the latest end. `None` for no
    /// incident.
    #[must_use]
    pub fn of(name: impl Into<String>, incidents: &[Incident]) -> Option<SourceCoverage> {
        // One pass; the countries seen are few, so a short list beats a set per incident.
        let first = incidents.first()?;
        let (mut first_day, mut last_day) = (first.date.start, first.date.end);
        let mut seen: Vec<CountryCode> = Vec::new();
        for i in incidents {
            first_day = first_day.min(i.date.start);
            last_day = last_day.max(i.date.end);
            if let Some(c) = i.country
                && seen.last() != Some(&c)
                && !seen.contains(&c)
            {
                seen.push(c);
            }
        }
        let countries: BTreeSet<CountryCode> = seen.into_iter().collect();
        Some(SourceCoverage {
            name: name.into(),
            countries: countries.iter().map(ToString::to_string).collect(),
            first_day,
            last_day,
        })
    }

    /// A source's coverage stated by hand: ISO alpha-3 codes and the first and last day
    /// (`Err` for a code that is not one, or a last day before the first).
    pub fn new(
        name: impl Into<String>,
        countries: &[&str],
        first_day: Date,
        last_day: Date,
    ) -> Result<SourceCoverage> {
        if last_day < first_day {
            return Err(Error::invalid(
                "coverage",
                format!("{first_day} to {last_day}"),
                "ends before it starts",
            ));
        }
        let mut codes = country_codes("coverage", countries.iter().copied())?;
        codes.sort_unstable();
        codes.dedup();
        Ok(SourceCoverage {
            name: name.into(),
            countries: codes,
            first_day,
            last_day,
        })
    }

    /// Whether it records `code`, or records no country at all (then it may hold any).
    fn may_hold(&self, code: CountryCode) -> bool {
        self.countries.is_empty() || self.countries.iter().any(|c| c == code.as_str())
    }
}

/// The area the data covers.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CoverageArea {
    /// The countries the sources' rows are recorded in, by their polygons (the default).
    #[default]
    RecordedCountries,
    /// These countries (ISO alpha-3), by their polygons.
    Countries(Vec<String>),
    /// A longitude/latitude box.
    Box(BoundingBox),
}

impl std::str::FromStr for CoverageArea {
    type Err = Error;

    /// Countries as ISO alpha-3 codes separated by commas (`"BFA,TGO,BEN"`), or a box as four
    /// numbers, west, south, east, north (`"-6,9,3,15"`).
    ///
    /// ```
    /// use conflict_risk::coverage::CoverageArea;
    /// let countries: CoverageArea = "BFA, tgo".parse()?;
    /// assert_eq!(countries, CoverageArea::Countries(vec!["BFA".into(), "TGO".into()]));
    /// assert!(matches!("-6,9,3,15".parse()?, CoverageArea::Box(_)));
    /// assert!("Burkina".parse::<CoverageArea>().is_err());
    /// assert!("-6,9,3".parse::<CoverageArea>().is_err());
    /// # Ok::<(), conflict_risk::Error>(())
    /// ```
    fn from_str(text: &str) -> Result<CoverageArea> {
        let parts: Vec<&str> = text.split(',').map(str::trim).collect();
        if parts.iter().all(|p| p.parse::<f64>().is_ok()) {
            return Ok(CoverageArea::Box(text.parse()?));
        }
        let codes = country_codes("coverage", parts).map_err(|e| match e {
            Error::InvalidParameter { name, value, .. } => Error::InvalidParameter {
                name,
                value,
                reason: "is not an ISO 3166 alpha-3 code (give codes like BFA,TGO or a box \
                         west,south,east,north)"
                    .into(),
            },
            other => other,
        })?;
        Ok(CoverageArea::Countries(codes))
    }
}

/// Whether a place is covered by the data.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Covered {
    /// Inside the covered area.
    Yes,
    /// Outside it: figures there are no data.
    No,
    /// Not known: the area is a list of countries and no country polygon was loaded. Figures
    /// are computed and the report says the area was not checked.
    Unchecked,
}

/// The area and the period each source covers. Outside it a figure is "no data", never 0.
///
/// ```
/// use conflict_risk::coverage::{Coverage, Covered, SourceCoverage};
/// use conflict_risk::{CountryCode, jiff::civil::date};
/// let bfa = SourceCoverage::new("ucdp", &["BFA"], date(2016, 1, 1), date(2023, 12, 30))?;
/// let ben = SourceCoverage::new("acled", &["BEN"], date(2018, 1, 1), date(2022, 12, 28))?;
/// let coverage = Coverage::new(vec![bfa, ben]);
/// assert!(coverage.covers_country(CountryCode::new("BEN").unwrap()));
/// assert!(!coverage.covers_country(CountryCode::new("TGO").unwrap()));
/// // Periods are compared only up to the earliest end, a year before the other.
/// assert_eq!(coverage.compared_until(date(2023, 12, 30)), Some(date(2022, 12, 28)));
/// assert!(coverage.end_warning(date(2023, 12, 30)).is_some());
/// // As of mid-2022 both sources run past the date: nothing to warn of.
/// assert!(coverage.end_warning(date(2022, 6, 30)).is_none());
/// // Without country polygons the area cannot be checked.
/// assert_eq!(coverage.covers(None, 1.0, 11.0), Covered::Unchecked);
/// # Ok::<(), conflict_risk::Error>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Coverage {
    /// Each source's countries and period.
    pub sources: Vec<SourceCoverage>,
    /// The area covered.
    pub area: CoverageArea,
}

impl Coverage {
    /// The coverage of these sources over the countries they record.
    #[must_use]
    pub fn new(sources: Vec<SourceCoverage>) -> Coverage {
        Coverage {
            sources,
            area: CoverageArea::RecordedCountries,
        }
    }

    /// The same sources over another area (`Err` for a country code that is not one).
    pub fn area(mut self, area: CoverageArea) -> Result<Coverage> {
        self.area = match area {
            CoverageArea::Countries(codes) if codes.is_empty() => {
                return Err(Error::invalid(
                    "coverage",
                    "no countries",
                    "needs at least one country",
                ));
            }
            CoverageArea::Countries(codes) => CoverageArea::Countries(country_codes(
                "coverage",
                codes.iter().map(String::as_str),
            )?),
            other => other,
        };
        Ok(self)
    }

    /// The countries the sources record.
    fn recorded(&self) -> BTreeSet<CountryCode> {
        self.sources
            .iter()
            .flat_map(|s| s.countries.iter())
            .filter_map(|c| CountryCode::new(c))
            .collect()
    }

    /// Whether every source records at least one country: if one records none (GeoJSON
    /// without a country property), the countries it covers are not known.
    #[must_use]
    pub fn countries_known(&self) -> bool {
        matches!(self.area, CoverageArea::Countries(_))
            || self.sources.iter().all(|s| !s.countries.is_empty())
    }

    /// The countries of the area: those named, or those the sources record; none for a box.
    #[must_use]
    pub fn countries(&self) -> Vec<CountryCode> {
        match &self.area {
            CoverageArea::RecordedCountries => self.recorded().into_iter().collect(),
            CoverageArea::Countries(list) => {
                let codes: BTreeSet<CountryCode> =
                    list.iter().filter_map(|c| CountryCode::new(c)).collect();
                codes.into_iter().collect()
            }
            CoverageArea::Box(_) => Vec::new(),
        }
    }

    /// Whether the data covers a country, for figures by country (series, shares): it is
    /// named, or (for the recorded countries or a box) a source records it. When a source
    /// records no country at all, every country may be covered: true.
    #[must_use]
    pub fn covers_country(&self, code: CountryCode) -> bool {
        match &self.area {
            CoverageArea::Countries(list) => list.iter().any(|c| c == code.as_str()),
            _ => !self.countries_known() || self.recorded().contains(&code),
        }
    }

    /// Of these countries, those the data does not cover, as codes.
    #[must_use]
    pub fn uncovered(&self, codes: &[CountryCode]) -> Vec<String> {
        codes
            .iter()
            .filter(|c| !self.covers_country(**c))
            .map(ToString::to_string)
            .collect()
    }

    /// The last day the data covers `country` to: the latest last day of the sources that
    /// record it (or record no country); of every source when none does or the country is
    /// not known.
    #[must_use]
    pub fn last_day_for(&self, country: Option<CountryCode>) -> Option<Date> {
        let recording = self
            .sources
            .iter()
            .filter(|s| country.is_none_or(|c| s.may_hold(c)))
            .map(|s| s.last_day)
            .max();
        recording.or_else(|| self.last_day())
    }

    /// Whether the sources that record `country` (or record no country) cover it from `from`
    /// to `to`, within [`END_TOLERANCE_DAYS`] at either end: a year before a source starts, or
    /// after it ends, is not covered.
    #[must_use]
    pub fn covers_country_during(&self, country: CountryCode, from: Date, to: Date) -> bool {
        let tolerance = jiff::Span::new().days(END_TOLERANCE_DAYS);
        // A country the user names but no source records: every source's span.
        let named = matches!(&self.area, CoverageArea::Countries(list)
            if list.iter().any(|c| c == country.as_str()));
        let holds_it = self.sources.iter().any(|s| s.may_hold(country));
        let holding = || {
            self.sources
                .iter()
                .filter(move |s| s.may_hold(country) || (named && !holds_it))
        };
        let first = holding().map(|s| s.first_day).min();
        let last = holding().map(|s| s.last_day).max();
        match (first, last) {
            (Some(first), Some(last)) => {
                from.checked_add(tolerance).is_ok_and(|f| first <= f)
                    && to.checked_sub(tolerance).is_ok_and(|t| last >= t)
            }
            _ => !self.countries_known(),
        }
    }

    /// The days every source covers: from the latest first day to the earliest last day;
    /// `None` without sources, or when they share no day.
    ///
    /// ```
    /// use conflict_risk::coverage::{Coverage, SourceCoverage};
    /// use conflict_risk::jiff::civil::date;
    /// let bfa = SourceCoverage::new("ucdp", &["BFA"], date(2016, 1, 15), date(2023, 12, 30))?;
    /// let nga = SourceCoverage::new("hdx", &["NGA"], date(1990, 9, 25), date(2019, 12, 31))?;
    /// let both = Coverage::new(vec![bfa, nga]);
    /// assert_eq!(both.common_days(), Some((date(2016, 1, 15), date(2019, 12, 31))));
    /// # Ok::<(), conflict_risk::Error>(())
    /// ```
    #[must_use]
    pub fn common_days(&self) -> Option<(Date, Date)> {
        let first = self.sources.iter().map(|s| s.first_day).max()?;
        let last = self.sources.iter().map(|s| s.last_day).min()?;
        (first <= last).then_some((first, last))
    }

    /// The latest last day among the sources.
    #[must_use]
    pub fn last_day(&self) -> Option<Date> {
        self.sources.iter().map(|s| s.last_day).max()
    }

    /// The day periods are compared up to, when sources end on different days before the
    /// as-of date: the earliest end, if it lies more than [`END_TOLERANCE_DAYS`] before the
    /// latest end (or the as-of date, if that is sooner).
    #[must_use]
    pub fn compared_until(&self, as_of: Date) -> Option<Date> {
        let earliest = self.sources.iter().map(|s| s.last_day).min()?;
        let until = self.last_day()?.min(as_of);
        ((until - earliest).get_days() > END_TOLERANCE_DAYS as i32).then_some(earliest)
    }

    /// The day the data for `country` end, when they end more than [`END_TOLERANCE_DAYS`]
    /// before the others (or the as-of date, if that is sooner): figures after it are no data.
    #[must_use]
    pub fn ended_early(&self, country: Option<CountryCode>, as_of: Date) -> Option<Date> {
        let mine = self.last_day_for(country)?;
        let until = self.last_day()?.min(as_of);
        ((until - mine).get_days() > END_TOLERANCE_DAYS as i32).then_some(mine)
    }

    /// A warning when the sources end on different days before the as-of date, naming each
    /// end ([`Coverage::compared_until`]).
    #[must_use]
    pub fn end_warning(&self, as_of: Date) -> Option<String> {
        let until = self.compared_until(as_of)?;
        let ends: Vec<String> = self
            .sources
            .iter()
            .map(|s| format!("{} on {}", s.name, s.last_day))
            .collect();
        Some(format!(
            "the sources end on different days ({}): periods are compared only up to {until}, \
             and figures after it for a country whose sources have ended are no data",
            ends.join(", ")
        ))
    }

    /// Whether the point (WGS 84 degrees) lies in the covered area: in a box, or in the
    /// polygon of a covered country; [`Covered::Unchecked`] for a list of countries without
    /// `borders` polygons.
    #[must_use]
    pub fn covers(&self, borders: Option<&Borders>, lon: f64, lat: f64) -> Covered {
        self.area_test(borders).at(lon, lat)
    }

    /// Why a site's figures are no data, if they are: it lies outside the covered area (or,
    /// where the area cannot be tested, its recorded country is not covered), or the sources
    /// for its country (by polygon, else as the site records it) end more than
    /// [`END_TOLERANCE_DAYS`] before the others or the as-of date. `area` is this coverage's
    /// [`Coverage::area_test`].
    ///
    /// ```
    /// use conflict_risk::coverage::{Coverage, CoverageArea};
    /// use conflict_risk::{BoundingBox, Site, jiff::civil::date};
    /// let coverage = Coverage::default().area(CoverageArea::Box(BoundingBox::new(-6.0, 9.0, 0.0, 15.0)?))?;
    /// let area = coverage.area_test(None);
    /// let dapaong = Site::new("Dapaong", 0.207, 10.862)?;
    /// let why = coverage.site_no_data(&area, None, &dapaong, date(2024, 12, 31)).expect("outside the box");
    /// assert_eq!(why, "outside the covered area");
    /// # Ok::<(), conflict_risk::Error>(())
    /// ```
    #[must_use]
    pub fn site_no_data(
        &self,
        area: &AreaTest<'_>,
        borders: Option<&Borders>,
        site: &Site,
        as_of: Date,
    ) -> Option<String> {
        let country = borders
            .and_then(|b| b.country_at(site.point()))
            .or(site.country);
        let named = |c: Option<CountryCode>| c.map_or(String::new(), |c| format!(" ({c})"));
        let outside = match area.at(site.lon, site.lat) {
            Covered::No => true,
            Covered::Unchecked => site.country.is_some_and(|c| !self.covers_country(c)),
            Covered::Yes => false,
        };
        if outside {
            let covered: Vec<String> = self.countries().iter().map(ToString::to_string).collect();
            return Some(if covered.is_empty() {
                "outside the covered area".to_string()
            } else {
                format!(
                    "it lies outside the covered area{}, which is {}",
                    named(country),
                    covered.join(", ")
                )
            });
        }
        self.ended_early(country, as_of)
            .map(|end| format!("the data for its country{} end on {end}", named(country)))
    }

    /// The test of [`Coverage::covers`], with the area's countries found once (for many
    /// points).
    #[must_use]
    pub fn area_test<'a>(&'a self, borders: Option<&'a Borders>) -> AreaTest<'a> {
        // Without polygons, or when a source records no country, the area cannot be tested.
        let polygons = borders.filter(|b| !b.countries().is_empty() && self.countries_known());
        let countries = self.countries();
        let missing = polygons.map_or_else(Vec::new, |b| {
            countries
                .iter()
                .copied()
                .filter(|c| !b.has_polygon(*c))
                .collect()
        });
        AreaTest {
            area: &self.area,
            countries,
            polygons,
            missing,
        }
    }
}

/// [`Coverage::covers`] for many points: the area's countries listed once.
#[derive(Clone, Debug)]
pub struct AreaTest<'a> {
    area: &'a CoverageArea,
    countries: Vec<CountryCode>,
    polygons: Option<&'a Borders>,
    /// Covered countries with no polygon loaded: a point in no polygon may lie in one.
    missing: Vec<CountryCode>,
}

impl AreaTest<'_> {
    /// Whether the point (WGS 84 degrees) lies in the covered area.
    #[must_use]
    pub fn at(&self, lon: f64, lat: f64) -> Covered {
        match (self.area, self.polygons) {
            (CoverageArea::Box(b), _) => yes_no(b.contains(lon, lat)),
            (_, Some(b)) => match b.country_at(Point::new(lon, lat)) {
                Some(c) => yes_no(self.countries.contains(&c)),
                None if self.missing.is_empty() => Covered::No,
                None => Covered::Unchecked,
            },
            (_, None) => Covered::Unchecked,
        }
    }

    /// Whether a grid cell lies in the covered area, as far as its centre and points nine
    /// tenths of the way out to the corners of its outline show: a border cell partly covered
    /// is kept (its figures are then lower bounds), a cell wholly outside, or touching the
    /// area only along its edge, is not.
    #[must_use]
    pub fn cell(&self, cell: &crate::surface::CellId) -> Covered {
        let centre = cell.centre();
        match self.at(centre.x(), centre.y()) {
            Covered::No => {
                let outline = cell.polygon();
                let inside = outline.exterior().points().any(|corner| {
                    let (x, y) = (
                        centre.x() + 0.9 * (corner.x() - centre.x()),
                        centre.y() + 0.9 * (corner.y() - centre.y()),
                    );
                    self.at(x, y) == Covered::Yes
                });
                if inside { Covered::Yes } else { Covered::No }
            }
            other => other,
        }
    }

    /// The cells of `grid` over `region` in the area, and how many were left out: those whose
    /// centre is covered, and those partly covered ([`AreaTest::cell`]) that are `occupied`
    /// (hold an incident). A border cell mostly outside the area and empty would read as calm
    /// over land the data do not cover; one that holds incidents keeps them on the map.
    pub fn cover(
        &self,
        grid: &crate::surface::Grid,
        region: &BoundingBox,
        occupied: impl Fn(&crate::surface::CellId) -> bool,
    ) -> Result<(Vec<crate::surface::CellId>, usize)> {
        let mut cells = grid.cover(region)?;
        let all = cells.len();
        cells.retain(|c| {
            let centre = c.centre();
            self.at(centre.x(), centre.y()) != Covered::No
                || (self.cell(c) == Covered::Yes && occupied(c))
        });
        let left_out = all - cells.len();
        Ok((cells, left_out))
    }

    /// Covered countries with no polygon among the borders: points in no polygon are taken
    /// as covered, since they may lie in one of them.
    #[must_use]
    pub fn missing_polygons(&self) -> &[CountryCode] {
        &self.missing
    }

    /// Whether the area is tested at all (a box, or countries with their polygons).
    #[must_use]
    pub fn is_checked(&self) -> bool {
        matches!(self.area, CoverageArea::Box(_)) || self.polygons.is_some()
    }
}

fn yes_no(b: bool) -> Covered {
    if b { Covered::Yes } else { Covered::No }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::incident::{DateSpan, Incident};
    use jiff::civil::date;

    fn incident(country: Option<&str>, start: Date, end: Date) -> Incident {
        let mut i = Incident::new("x", 0.0, 11.0, DateSpan::new(start, end));
        i.country = country.and_then(CountryCode::new);
        i
    }

    #[test]
    fn a_source_covers_its_recorded_countries_from_first_start_to_last_end() {
        let rows = [
            incident(Some("BFA"), date(2020, 3, 1), date(2020, 3, 1)),
            incident(Some("NER"), date(2019, 5, 2), date(2019, 5, 9)),
            incident(None, date(2021, 1, 1), date(2021, 2, 1)),
        ];
        let c = SourceCoverage::of("f", &rows).expect("rows");
        assert_eq!(c.countries, ["BFA", "NER"]);
        assert_eq!(
            (c.first_day, c.last_day),
            (date(2019, 5, 2), date(2021, 2, 1))
        );
    }

    fn two_sources() -> Coverage {
        Coverage::new(vec![
            SourceCoverage::new("a", &["BFA", "NGA"], date(2016, 1, 1), date(2023, 12, 30))
                .expect("valid"),
            SourceCoverage::new("b", &["BEN"], date(2018, 1, 1), date(2022, 12, 28))
                .expect("valid"),
        ])
    }

    #[test]
    fn each_country_ends_with_the_sources_that_record_it() {
        let coverage = two_sources();
        let code = |c| CountryCode::new(c);
        assert_eq!(coverage.last_day_for(code("BEN")), Some(date(2022, 12, 28)));
        assert_eq!(coverage.last_day_for(code("NGA")), Some(date(2023, 12, 30)));
        // A country no source records: the data's last day (the area test says it is not
        // covered).
        assert_eq!(coverage.last_day_for(code("TGO")), Some(date(2023, 12, 30)));
        let as_of = date(2023, 12, 30);
        let warning = coverage.end_warning(as_of).expect("ends differ");
        assert!(warning.contains("b on 2022-12-28"), "{warning}");
        assert_eq!(
            coverage.ended_early(code("BEN"), as_of),
            Some(date(2022, 12, 28))
        );
        assert_eq!(coverage.ended_early(code("BFA"), as_of), None);
        // As of a day both sources run past, nothing ended early.
        let early = date(2022, 6, 30);
        assert_eq!(coverage.end_warning(early), None);
        assert_eq!(coverage.ended_early(code("BEN"), early), None);
        // Within the tolerance (a source's last event is not its end), no warning either.
        assert_eq!(coverage.compared_until(date(2023, 1, 28)), None);
        assert_eq!(
            coverage.compared_until(date(2023, 1, 29)),
            Some(date(2022, 12, 28))
        );
        assert!(
            Coverage::new(vec![coverage.sources[0].clone()])
                .end_warning(as_of)
                .is_none()
        );
        // A named area still takes each country's dates from the sources that record it.
        let named = coverage
            .area(CoverageArea::Countries(vec!["bfa".into(), "BEN".into()]))
            .expect("codes");
        assert_eq!(
            named.ended_early(code("BEN"), as_of),
            Some(date(2022, 12, 28))
        );
        assert!(named.covers_country(code("BFA").expect("code")));
        assert!(!named.covers_country(code("NGA").expect("code")));
    }

    #[test]
    fn a_source_that_records_no_country_leaves_the_area_unchecked() {
        let rows = [incident(None, date(2020, 3, 1), date(2020, 3, 1))];
        let coverage = Coverage::new(vec![SourceCoverage::of("geojson", &rows).expect("rows")]);
        assert!(!coverage.countries_known());
        assert!(coverage.covers_country(CountryCode::new("TGO").expect("code")));
        let borders = Borders::default();
        assert_eq!(
            coverage.covers(Some(&borders), 0.0, 11.0),
            Covered::Unchecked
        );
        assert!(!coverage.area_test(Some(&borders)).is_checked());
    }

    #[test]
    fn a_cell_partly_in_the_area_is_covered_and_one_touching_its_edge_is_not() {
        use crate::surface::Grid;
        let coverage = |east: f64| {
            Coverage::new(Vec::new())
                .area(CoverageArea::Box(
                    BoundingBox::new(-2.0, 10.0, east, 12.0).expect("box"),
                ))
                .expect("area")
        };
        // The PRIO-GRID cell 0.5..1.0 E, 11.0..11.5 N: its centre (0.75) is outside a box
        // ending at 0.6 E, but a tenth of it is inside.
        let cell = Grid::PrioGrid.cell_of(0.7, 11.2).expect("cell");
        assert_eq!(coverage(0.6).area_test(None).cell(&cell), Covered::Yes);
        // A box ending on the cell's west edge only touches it.
        assert_eq!(coverage(0.5).area_test(None).cell(&cell), Covered::No);
        assert_eq!(coverage(1.0).area_test(None).cell(&cell), Covered::Yes);
    }

    #[test]
    fn a_partly_covered_cell_is_kept_only_when_it_holds_incidents() {
        use crate::surface::Grid;
        let coverage = Coverage::new(Vec::new())
            .area(CoverageArea::Box(
                BoundingBox::new(-2.0, 10.0, 0.6, 12.0).expect("box"),
            ))
            .expect("area");
        let area = coverage.area_test(None);
        let region = BoundingBox::new(0.0, 11.0, 1.0, 11.5).expect("region");
        // Two cells: 0.0..0.5 (centre inside the box) and 0.5..1.0 (a tenth inside).
        let (cells, left_out) = area
            .cover(&Grid::PrioGrid, &region, |_| false)
            .expect("cells");
        assert_eq!((cells.len(), left_out), (1, 1));
        let (cells, left_out) = area
            .cover(&Grid::PrioGrid, &region, |_| true)
            .expect("cells");
        assert_eq!((cells.len(), left_out), (2, 0));
    }

    #[test]
    fn a_box_area_is_checked_without_polygons() {
        let coverage = Coverage::new(Vec::new())
            .area(CoverageArea::Box(
                BoundingBox::new(-6.0, 9.0, 3.0, 15.0).expect("box"),
            ))
            .expect("area");
        assert_eq!(coverage.covers(None, 0.0, 12.0), Covered::Yes);
        assert_eq!(coverage.covers(None, 5.0, 12.0), Covered::No);
        assert!(
            Coverage::new(Vec::new())
                .area(CoverageArea::Countries(vec!["Togo".into()]))
                .is_err()
        );
    }
}
