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
        let mut codes = BTreeSet::new();
        for c in countries {
            let code = CountryCode::new(c)
                .ok_or_else(|| Error::invalid("coverage", c, "is not an ISO 3166 alpha-3 code"))?;
            codes.insert(code);
        }
        Ok(SourceCoverage {
            name: name.into(),
            countries: codes.iter().map(ToString::to_string).collect(),
            first_day,
            last_day,
        })
    }

    fn records(&self, code: CountryCode) -> bool {
        self.countries.iter().any(|c| c == code.as_str())
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
        let numbers: Vec<f64> = parts.iter().filter_map(|p| p.parse().ok()).collect();
        if numbers.len() == parts.len() {
            let [w, s, e, n] = numbers[..] else {
                return Err(Error::invalid(
                    "coverage",
                    text,
                    "a box needs four numbers: west,south,east,north",
                ));
            };
            return Ok(CoverageArea::Box(BoundingBox::new(w, s, e, n)?));
        }
        let codes = parts
            .iter()
            .map(|p| {
                CountryCode::new(&p.to_ascii_uppercase())
                    .map(|c| c.to_string())
                    .ok_or_else(|| {
                        Error::invalid(
                            "coverage",
                            p,
                            "is not an ISO 3166 alpha-3 code (give codes like BFA,TGO or a box west,south,east,north)",
                        )
                    })
            })
            .collect::<Result<Vec<String>>>()?;
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
/// // Periods are compared only up to the earliest end.
/// assert_eq!(coverage.common_last_day(), Some(date(2022, 12, 28)));
/// assert!(coverage.end_warning().is_some());
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
        if let CoverageArea::Countries(codes) = &area
            && let Some(bad) = codes.iter().find(|c| CountryCode::new(c).is_none())
        {
            return Err(Error::invalid(
                "coverage",
                bad,
                "is not an ISO 3166 alpha-3 code",
            ));
        }
        self.area = area;
        Ok(self)
    }

    /// The countries of the area: those named, or those the sources record; none for a box.
    #[must_use]
    pub fn countries(&self) -> Vec<CountryCode> {
        let codes: BTreeSet<CountryCode> = match &self.area {
            CoverageArea::RecordedCountries => self
                .sources
                .iter()
                .flat_map(|s| s.countries.iter())
                .filter_map(|c| CountryCode::new(c))
                .collect(),
            CoverageArea::Countries(list) => {
                list.iter().filter_map(|c| CountryCode::new(c)).collect()
            }
            CoverageArea::Box(_) => BTreeSet::new(),
        };
        codes.into_iter().collect()
    }

    /// Whether the data covers a country: it is in the area (a box covers every country it
    /// is given for).
    #[must_use]
    pub fn covers_country(&self, code: CountryCode) -> bool {
        match &self.area {
            CoverageArea::Box(_) => true,
            _ => self.countries().contains(&code),
        }
    }

    /// The last day the data covers `country` to: the latest last day of the sources that
    /// record it (of every source for a named area, or when the country is not known).
    #[must_use]
    pub fn last_day_for(&self, country: Option<CountryCode>) -> Option<Date> {
        let recording = self
            .sources
            .iter()
            .filter(|s| match (&self.area, country) {
                (CoverageArea::RecordedCountries, Some(c)) => s.records(c),
                _ => true,
            })
            .map(|s| s.last_day)
            .max();
        recording.or_else(|| self.sources.iter().map(|s| s.last_day).max())
    }

    /// The earliest last day among the sources: periods are compared up to it.
    #[must_use]
    pub fn common_last_day(&self) -> Option<Date> {
        self.sources.iter().map(|s| s.last_day).min()
    }

    /// The latest last day among the sources.
    #[must_use]
    pub fn last_day(&self) -> Option<Date> {
        self.sources.iter().map(|s| s.last_day).max()
    }

    /// A warning when the sources end on different days, naming each end.
    #[must_use]
    pub fn end_warning(&self) -> Option<String> {
        let (common, last) = (self.common_last_day()?, self.last_day()?);
        (common != last).then(|| {
            let ends: Vec<String> = self
                .sources
                .iter()
                .map(|s| format!("{} on {}", s.name, s.last_day))
                .collect();
            format!(
                "the sources end on different days ({}): periods are compared only up to \
                 {common}, and figures after it for a country whose sources have ended are \
                 no data",
                ends.join(", ")
            )
        })
    }

    /// Whether the point (WGS 84 degrees) lies in the covered area: in a box, or in the
    /// polygon of a covered country; [`Covered::Unchecked`] for a list of countries without
    /// `borders` polygons.
    #[must_use]
    pub fn covers(&self, borders: Option<&Borders>, lon: f64, lat: f64) -> Covered {
        self.area_test(borders).at(lon, lat)
    }

    /// Why a site's figures are no data, if they are: it lies outside the covered area, or
    /// the sources for its country (by polygon, else as the site records it) end before the
    /// others. `area` is this coverage's [`Coverage::area_test`].
    ///
    /// ```
    /// use conflict_risk::coverage::{Coverage, CoverageArea};
    /// use conflict_risk::{BoundingBox, Site};
    /// let coverage = Coverage::default().area(CoverageArea::Box(BoundingBox::new(-6.0, 9.0, 0.0, 15.0)?))?;
    /// let area = coverage.area_test(None);
    /// let dapaong = Site::new("Dapaong", 0.207, 10.862)?;
    /// let why = coverage.site_no_data(&area, None, &dapaong).expect("outside the box");
    /// assert_eq!(why, "outside the covered area");
    /// # Ok::<(), conflict_risk::Error>(())
    /// ```
    #[must_use]
    pub fn site_no_data(
        &self,
        area: &AreaTest<'_>,
        borders: Option<&Borders>,
        site: &Site,
    ) -> Option<String> {
        let country = borders
            .and_then(|b| b.country_at(site.point()))
            .or(site.country);
        let named = |c: Option<CountryCode>| c.map_or(String::new(), |c| format!(" ({c})"));
        if area.at(site.lon, site.lat) == Covered::No {
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
        let (mine, last) = (self.last_day_for(country)?, self.last_day()?);
        (mine < last).then(|| format!("the data for its country{} end on {mine}", named(country)))
    }

    /// The test of [`Coverage::covers`], with the area's countries found once (for many
    /// points).
    #[must_use]
    pub fn area_test<'a>(&'a self, borders: Option<&'a Borders>) -> AreaTest<'a> {
        let polygons = borders.filter(|b| !b.countries().is_empty());
        AreaTest {
            area: &self.area,
            countries: self.countries(),
            polygons,
        }
    }
}

/// [`Coverage::covers`] for many points: the area's countries listed once.
#[derive(Clone, Debug)]
pub struct AreaTest<'a> {
    area: &'a CoverageArea,
    countries: Vec<CountryCode>,
    polygons: Option<&'a Borders>,
}

impl AreaTest<'_> {
    /// Whether the point (WGS 84 degrees) lies in the covered area.
    #[must_use]
    pub fn at(&self, lon: f64, lat: f64) -> Covered {
        match (self.area, self.polygons) {
            (CoverageArea::Box(b), _) => yes_no(b.contains(lon, lat)),
            (_, Some(b)) => yes_no(
                b.country_at(Point::new(lon, lat))
                    .is_some_and(|c| self.countries.contains(&c)),
            ),
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

    /// The cells of `grid` over `region` that are not wholly outside the area
    /// ([`AreaTest::cell`]), and how many were left out.
    pub fn cover(
        &self,
        grid: &crate::surface::Grid,
        region: &BoundingBox,
    ) -> Result<(Vec<crate::surface::CellId>, usize)> {
        let mut cells = grid.cover(region)?;
        let all = cells.len();
        cells.retain(|c| self.cell(c) != Covered::No);
        let left_out = all - cells.len();
        Ok((cells, left_out))
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

    #[test]
    fn each_country_ends_with_the_sources_that_record_it() {
        let coverage = Coverage::new(vec![
            SourceCoverage::new("a", &["BFA", "NGA"], date(2016, 1, 1), date(2023, 12, 30))
                .expect("valid"),
            SourceCoverage::new("b", &["BEN"], date(2018, 1, 1), date(2022, 12, 28))
                .expect("valid"),
        ]);
        let code = |c| CountryCode::new(c);
        assert_eq!(coverage.last_day_for(code("BEN")), Some(date(2022, 12, 28)));
        assert_eq!(coverage.last_day_for(code("NGA")), Some(date(2023, 12, 30)));
        // A country no source records: the data's last day (the area test says it is not
        // covered).
        assert_eq!(coverage.last_day_for(code("TGO")), Some(date(2023, 12, 30)));
        let warning = coverage.end_warning().expect("ends differ");
        assert!(warning.contains("b on 2022-12-28"), "{warning}");
        assert!(
            Coverage::new(vec![coverage.sources[0].clone()])
                .end_warning()
                .is_none()
        );
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
