//! [`CorridorReport::build`]: each section computed from the index.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use jiff::civil::{Date, date};

use super::layers::LayerData;
use super::{
    BandYear, BorderSection, BordersUsed, ClusterRow, ClusterSection, CorridorReport, Count,
    CrossBorder, CrossroadsRow, DataSection, EncirclementSection, ExpansionRow, ExpansionSection,
    LonLat, Misplaced, NearBorder, NexusSection, NexusVerdict, ReportSpec, ReportStep, SiteRings,
    SiteRow, SiteSection, Spread, TempoRow, TempoSection, YearChange, YearDistance, YearShare,
};
use crate::borders::{BorderPair, BorderPlace, Borders};
use crate::cluster::{ClusterSummary, Clustering, Dbscan, HullShape};
use crate::coverage::{AreaTest, Coverage, Covered};
use crate::error::Result;
use crate::incident::{CountryCode, Incident};
use crate::index::{DateWindow, IncidentIndex};
use crate::site::Site;
use crate::surface::{KernelSurface, RiskSurface, WeightPolicy};
use crate::trend::{ActorGroups, Expansion, GroupMatcher, Nexus, Tempo};
use crate::validate::IncidentSet;

/// The earliest month a tempo series starts on.
const EARLIEST: Date = date(1989, 1, 1);

impl CorridorReport {
    /// Build every section from the incidents of `index` that start on or before the as-of
    /// date, with `borders` (country polygons and/or border lines; without them the border
    /// figures are left out and cross-border clusters are judged by recorded countries) and
    /// the `sites` to assess.
    pub fn build(
        index: &IncidentIndex,
        borders: Option<&Borders>,
        sites: &[Site],
        spec: &ReportSpec,
    ) -> Result<CorridorReport> {
        Self::build_observed(index, borders, sites, spec, |_| {})
    }

    /// [`CorridorReport::build`], calling `done` as each step of the work ends, in the order
    /// of [`ReportStep`]: for progress and for timing the sections (the `bench` example's
    /// `--what report`).
    ///
    /// ```
    /// use conflict_risk::report::ReportStep;
    /// use conflict_risk::{CorridorReport, IncidentIndex, IncidentSet, ReportSpec};
    /// use conflict_risk::{CorridorScenario, brief_sites};
    /// let (set, _) = IncidentSet::validate(CorridorScenario::new(1_000).generate());
    /// let mut steps = Vec::new();
    /// CorridorReport::build_observed(
    ///     &IncidentIndex::new(&set), None, &brief_sites(), &ReportSpec::new(),
    ///     |step| steps.push(step),
    /// )?;
    /// assert_eq!(steps, ReportStep::ALL);
    /// # Ok::<(), conflict_risk::Error>(())
    /// ```
    pub fn build_observed(
        index: &IncidentIndex,
        borders: Option<&Borders>,
        sites: &[Site],
        spec: &ReportSpec,
        mut done: impl FnMut(ReportStep) + Send,
    ) -> Result<CorridorReport> {
        let all = index.set();
        let (as_of, as_of_warning) = super::checked_as_of(all, spec.as_of)?;
        let after_as_of = all
            .incidents()
            .iter()
            .filter(|i| i.date.start > as_of)
            .count();
        // The as-of cut: a fresh index only when something is cut.
        let cut;
        let index = if after_as_of == 0 {
            index
        } else {
            cut = IncidentIndex::new(&all.subset(|i| i.date.start <= as_of));
            &cut
        };
        let set = index.set();
        let places = borders.map(|b| b.place_all(set));
        let coverage = spec.coverage_of(set.incidents());
        let area = coverage.area_test(borders);
        let groups = &spec.groups;
        let first = set.incidents().iter().map(|i| i.date.start).min();
        let start = date(
            first
                .map_or(as_of.year(), |d| d.year())
                .max(as_of.year() - spec.expansion_years),
            1,
            1,
        );
        let years = DateWindow::new(start, as_of)?;
        done(ReportStep::Data);

        let sections = || -> Result<_> {
            let mut data = data_section(set, borders, spec, after_as_of);
            data.warnings.extend(as_of_warning);
            data.warnings.extend(coverage.end_warning(as_of));
            if !area.missing_polygons().is_empty() {
                let missing: Vec<String> = area
                    .missing_polygons()
                    .iter()
                    .map(ToString::to_string)
                    .collect();
                data.warnings.push(format!(
                    "no country polygon for {}: places outside every polygon are taken as covered",
                    missing.join(", ")
                ));
            }
            data.coverage = coverage.clone();
            data.coverage_checked = area.is_checked();
            let clusters = cluster_section(set, borders.zip(places.as_deref()), spec, as_of)?;
            done(ReportStep::Clusters);
            let border_section = match (borders, &places) {
                (Some(b), Some(p)) => Some(border_section(b, set, p, spec, &coverage)),
                _ => None,
            };
            done(ReportStep::Borders);
            let kernel = KernelSurface::new(
                spec.bandwidth_km,
                WeightPolicy::new(as_of).half_life_days(spec.half_life_days)?,
            )?;
            // Cells outside the covered area are no data: left out of the surface, so that
            // they are neither drawn as calm nor ranked.
            let (cells, uncovered_cells) = area.cover(&spec.grid, &spec.region, |c| {
                index
                    .within_polygon(&c.polygon())
                    .is_ok_and(|ids| !ids.is_empty())
            })?;
            let surface = kernel.run(index, &cells);
            done(ReportStep::Surface);
            let suspect: Vec<&Incident> =
                match (borders.zip(places.as_deref()), spec.keep_suspect_in_sites) {
                    (Some((b, p)), false) => suspects(set, b, p),
                    _ => Vec::new(),
                };
            let mut site_section = site_section(
                index,
                sites,
                spec,
                as_of,
                &surface,
                &SiteCoverage {
                    coverage: &coverage,
                    area: &area,
                    borders,
                    suspect: &suspect,
                },
            )?;
            site_section.risk_cells_uncovered = uncovered_cells;
            site_section.map_skill = spec
                .map_skill
                .as_ref()
                .map(|grid| map_skill(index, &cells, spec, grid, &coverage, as_of));
            site_section.risk_surface = format!(
                "{} cells, {} km kernel, {}-day half-life",
                spec.grid, spec.bandwidth_km, spec.half_life_days
            );
            done(ReportStep::Sites);
            let tempo = tempo_section(index, groups, as_of, first, spec, &coverage)?;
            done(ReportStep::Tempo);
            let expansion = expansion_section(index, groups, spec, years, &coverage)?;
            done(ReportStep::Expansion);
            let encirclement =
                encirclement_section(index, borders, groups, spec, years, &coverage, &area)?;
            done(ReportStep::Encirclement);
            Ok((
                data,
                clusters,
                border_section,
                surface,
                site_section,
                tempo,
                expansion,
                encirclement,
            ))
        };
        let nexus = || -> Result<Vec<NexusSection>> {
            let found = Nexus::run_all(&spec.nexus, index, groups, years)?;
            let crossroads = crate::parallel::each(&spec.nexus, |pair| {
                spec.crossroads_of(pair)?.run(index, groups, years, borders)
            })?;
            Ok(spec
                .nexus
                .iter()
                .zip(found)
                .zip(crossroads)
                .map(|((pair, found), gap)| {
                    let mut section = nexus_section((pair, found));
                    section.crossroads =
                        crossroads_rows(set, &gap, &coverage, &area, borders, as_of);
                    section
                })
                .collect())
        };
        // The nexus (parallel inside, and the longest section) runs beside the others, whose
        // steps leave a core idle at times; errors come in the steps' order either way.
        #[cfg(feature = "parallel")]
        let (sections, nexus) = rayon::join(sections, nexus);
        #[cfg(not(feature = "parallel"))]
        let (sections, nexus) = {
            let sections = sections()?;
            (Ok(sections), nexus())
        };
        let (data, clusters, border_section, surface, site_section, tempo, expansion, encirclement) =
            sections?;
        let nexus = nexus?;
        done(ReportStep::Nexus);
        let crossing: BTreeSet<u32> = clusters
            .0
            .rows
            .iter()
            .filter(|r| r.cross_border.is_some())
            .map(|r| r.id)
            .collect();
        Ok(CorridorReport {
            spec: spec.clone(),
            as_of,
            data,
            clusters: clusters.0,
            borders: border_section,
            sites: site_section,
            tempo,
            expansion,
            nexus,
            encirclement,
            layers: Some(LayerData {
                set: set.clone(),
                recent: clusters.2,
                places,
                summaries: clusters.1,
                crossing,
                surface,
                borders: borders.cloned(),
                sites: sites.to_vec(),
            }),
        })
    }
}

fn data_section(
    set: &IncidentSet,
    borders: Option<&Borders>,
    spec: &ReportSpec,
    after_as_of: usize,
) -> DataSection {
    let mut by_country: BTreeMap<String, u64> = BTreeMap::new();
    for i in set.incidents() {
        *by_country
            .entry(i.country.map_or("?".into(), |c| c.to_string()))
            .or_default() += 1;
    }
    DataSection {
        sources: spec.sources.clone(),
        incidents: set.len(),
        first_day: set.incidents().iter().map(|i| i.date.start).min(),
        after_as_of,
        validation: spec.validation.unwrap_or_default(),
        by_country: counts(by_country),
        borders: borders.map(|b| BordersUsed {
            countries: b.countries().len(),
            lines: b.lines().len(),
            admin_labels: b.admin_labels().len(),
            files: b.files().to_vec(),
        }),
        coverage: Coverage::default(),
        coverage_checked: false,
        warnings: Vec::new(),
    }
}

fn counts<K>(m: BTreeMap<K, u64>) -> Vec<Count<K>> {
    m.into_iter()
        .map(|(key, count)| Count { key, count })
        .collect()
}

/// The cluster section, the summaries behind it and the clustered subset.
/// `borders` come with the places of every incident of `set`; the window's are taken from them.
fn cluster_section(
    set: &IncidentSet,
    borders: Option<(&Borders, &[BorderPlace])>,
    spec: &ReportSpec,
    as_of: Date,
) -> Result<(ClusterSection, Vec<ClusterSummary>, IncidentSet)> {
    let window = DateWindow::last_days(as_of, spec.cluster_days)?;
    let in_window = |i: &Incident| i.date.end >= window.first_day();
    let recent = set.subset(in_window);
    let recent_index = IncidentIndex::new(&recent);
    let clustering = Dbscan::new(spec.eps_km, spec.min_points)?.run(&recent_index);
    let summaries = clustering.summarize(&recent, HullShape::Convex)?;
    let recent_borders = borders.map(|(b, places)| {
        let recent_places: Vec<BorderPlace> = set
            .incidents()
            .iter()
            .zip(places)
            .filter(|(i, _)| in_window(i))
            .map(|(_, p)| *p)
            .collect();
        (b, recent_places)
    });
    let crossing = cross_border(
        &clustering,
        &summaries,
        recent_borders.as_ref().map(|(b, p)| (*b, p.as_slice())),
    );
    let mut largest: Vec<&ClusterSummary> = summaries.iter().collect();
    largest.sort_by(|a, b| b.count.cmp(&a.count).then(a.id.cmp(&b.id)));
    let rows = largest
        .iter()
        .map(|s| ClusterRow {
            id: s.id.get(),
            events: s.count,
            deaths: s.fatalities.best,
            radius_km: s.radius_km,
            lon: s.centroid.x(),
            lat: s.centroid.y(),
            top_actor: s.actors.first().map(|a| a.key.to_string()),
            cross_border: crossing.get(&s.id.get()).cloned(),
        })
        .collect();
    Ok((
        ClusterSection {
            days: spec.cluster_days,
            eps_km: spec.eps_km,
            min_points: spec.min_points,
            incidents: recent.len(),
            clusters: clustering.cluster_count(),
            cross_border: crossing.len(),
            noise: clustering.noise_count(),
            rows,
        },
        summaries,
        recent,
    ))
}

/// Which clusters cross a border, and how: by polygon membership and hull crossings when
/// borders are given, else by the members' recorded countries.
fn cross_border(
    clustering: &Clustering,
    summaries: &[ClusterSummary],
    borders: Option<(&Borders, &[BorderPlace])>,
) -> BTreeMap<u32, CrossBorder> {
    match borders {
        Some((b, places)) => b
            .cross_border_clusters(clustering, summaries, places)
            .into_iter()
            .map(|c| {
                (
                    c.cluster,
                    CrossBorder {
                        countries: c
                            .countries
                            .iter()
                            .map(|m| Count {
                                key: m.key.to_string(),
                                count: m.count,
                            })
                            .collect(),
                        hull_crosses: c.hull_crosses.iter().map(|p| p.to_string()).collect(),
                        recorded_only: false,
                    },
                )
            })
            .collect(),
        None => summaries
            .iter()
            .filter(|s| s.cross_border)
            .map(|s| {
                let countries = s
                    .countries
                    .iter()
                    .map(|c| Count {
                        key: c.key.map_or("?".into(), |k| k.to_string()),
                        count: c.count,
                    })
                    .collect();
                (
                    s.id.get(),
                    CrossBorder {
                        countries,
                        hull_crosses: Vec::new(),
                        recorded_only: true,
                    },
                )
            })
            .collect(),
    }
}

fn border_section(
    b: &Borders,
    set: &IncidentSet,
    places: &[BorderPlace],
    spec: &ReportSpec,
    coverage: &Coverage,
) -> BorderSection {
    let misplaced: Vec<Misplaced> = set
        .incidents()
        .iter()
        .zip(places)
        .filter(|(_, p)| p.disagrees)
        .map(|(i, p)| Misplaced {
            source_id: i.source_id.as_str().to_string(),
            recorded: p.recorded.map(|c| c.to_string()),
            lies_in: p.country.map(|c| c.to_string()),
            lon: i.lon,
            lat: i.lat,
        })
        .collect();
    let in_no_polygon = misplaced.iter().filter(|m| m.lies_in.is_none()).count();
    let by_year = b.bands_by_year(set, places, None);
    let skip = by_year.len().saturating_sub(spec.band_years);
    let bands_by_year = by_year
        .into_iter()
        .skip(skip)
        .map(|(year, counts)| BandYear { year, counts })
        .collect();
    let near_borders = spec
        .border_pairs
        .iter()
        .filter_map(|(x, y)| Some(BorderPair::new(CountryCode::new(x)?, CountryCode::new(y)?)))
        .map(|pair| NearBorder {
            uncovered: coverage.uncovered(&[pair.0, pair.1]),
            border: pair.to_string(),
            km: spec.near_border_km,
            by_year: b
                .near_border_by_year(set, pair, spec.near_border_km)
                .into_iter()
                .map(|(key, count)| Count { key, count })
                .collect(),
        })
        .collect();
    BorderSection {
        polygons: b.countries().len(),
        misplaced,
        in_no_polygon,
        bands_by_year,
        near_borders,
    }
}

/// What decides whether a site's figures are data: the coverage, its area test, the polygons
/// (for the site's country) and the suspect incidents to leave out.
struct SiteCoverage<'a> {
    coverage: &'a Coverage,
    area: &'a AreaTest<'a>,
    borders: Option<&'a Borders>,
    suspect: &'a [&'a Incident],
}

fn site_section(
    index: &IncidentIndex,
    sites: &[Site],
    spec: &ReportSpec,
    as_of: Date,
    surface: &RiskSurface,
    cover: &SiteCoverage<'_>,
) -> Result<SiteSection> {
    let suspect: HashSet<&str> = cover.suspect.iter().map(|i| i.source_id.as_str()).collect();
    let rows = crate::parallel::each(sites, |site| {
        let r = spec
            .site_risk
            .run_where(index, site, as_of, Some(surface), |i| {
                suspect.is_empty() || !suspect.contains(i.source_id.as_str())
            })?;
        Ok(SiteRow::of(
            r,
            cover
                .coverage
                .site_no_data(cover.area, cover.borders, site, as_of),
        ))
    })?;
    let (trend_radius_km, trend_days) = (
        spec.site_risk.trend_radius_km(),
        spec.site_risk.trend_days(),
    );
    Ok(SiteSection {
        rows,
        trend_radius_km,
        trend_days,
        suspect_left_out: cover
            .suspect
            .iter()
            .map(|i| i.source_id.as_str().to_string())
            .collect(),
        risk_cells: surface.cells.len(),
        risk_cells_uncovered: 0,
        risk_surface: String::new(),
        map_skill: None,
    })
}

/// The incidents whose position lies in another country's polygon than their record names,
/// or in none though the recorded country has a polygon (not when its polygon was simply not
/// loaded): left out of the site figures. `places` are `set`'s, in order.
pub(crate) fn suspects<'a>(
    set: &'a IncidentSet,
    borders: &Borders,
    places: &[BorderPlace],
) -> Vec<&'a Incident> {
    set.incidents()
        .iter()
        .zip(places)
        .filter(|(_, p)| {
            p.disagrees
                && (p.country.is_some() || p.recorded.is_some_and(|r| borders.has_polygon(r)))
        })
        .map(|(i, _)| i)
        .collect()
}

/// The last day of the last complete month up to `as_of`.
pub(crate) fn complete_month_end(as_of: Date) -> Date {
    match as_of.tomorrow() {
        Ok(next) if next.day() == 1 => as_of,
        _ => as_of.first_of_month().yesterday().unwrap_or(as_of),
    }
}

fn tempo_section(
    index: &IncidentIndex,
    groups: &ActorGroups,
    as_of: Date,
    first: Option<Date>,
    spec: &ReportSpec,
    coverage: &Coverage,
) -> Result<TempoSection> {
    let from = as_of
        .checked_sub(jiff::Span::new().years(2))
        .unwrap_or(as_of);
    // Periods are compared only where every source covers them: a source that ends early
    // would read as a fall.
    let sources_end = coverage.compared_until(as_of);
    // Whole months only: a month cut short by the as-of date would look like a fall.
    let month_end = complete_month_end(sources_end.unwrap_or(as_of));
    let tempo = Tempo::new(groups.clone()).run(
        index,
        DateWindow::new(
            first.unwrap_or(from).max(EARLIEST).min(month_end),
            month_end,
        )?,
    );
    let skip = tempo.incidents.len().saturating_sub(24);
    let last_24 = tempo.incidents[skip..].to_vec();
    // A covered country with no incident is a series of zeros; an uncovered one is no data.
    let zeros = vec![0; tempo.months.len()];
    let row = |name: &str, s: Option<&[u64]>| {
        let mk = tempo.trend(s, 24).ok();
        TempoRow {
            no_data: None,
            series: name.to_string(),
            year_on_year: tempo.year_on_year(s).map(|y| YearChange {
                last_12: y.last_12,
                previous_12: y.previous_12,
                change_pct: y.change_pct,
                p_value: y.p_value,
            }),
            sen_slope: mk.map(|m| m.slope),
            mann_kendall_p: mk.map(|m| m.p),
        }
    };
    let countries = spec.tempo_countries.iter().map(|c| {
        if CountryCode::new(c).is_some_and(|code| coverage.covers_country(code)) {
            row(c, Some(tempo.by_country.get(c).unwrap_or(&zeros)))
        } else {
            TempoRow {
                no_data: Some(format!("no source covers {c}")),
                series: c.clone(),
                year_on_year: None,
                sen_slope: None,
                mann_kendall_p: None,
            }
        }
    });
    let groups = spec
        .tempo_groups
        .iter()
        .filter_map(|g| tempo.by_group.get(g).map(|s| row(g, Some(s))));
    let rows: Vec<TempoRow> = std::iter::once(row("all", None))
        .chain(countries)
        .chain(groups)
        .collect();
    Ok(TempoSection {
        month_end,
        incomplete_month: month_end != as_of && sources_end.is_none(),
        sources_end,
        months: tempo.months.len(),
        last_24,
        rows,
    })
}

fn expansion_section(
    index: &IncidentIndex,
    groups: &ActorGroups,
    spec: &ReportSpec,
    years: DateWindow,
    coverage: &Coverage,
) -> Result<ExpansionSection> {
    let set = index.set();
    let as_of = years.last_day();
    let g = groups.position(&spec.expansion_group);
    // Each use its own matcher, so that the group's and the front's expansions can run side
    // by side.
    let in_group = || {
        let matcher = std::cell::RefCell::new(GroupMatcher::new(groups));
        move |i: &Incident| g.is_some_and(|g| matcher.borrow_mut().involves(g, i))
    };
    let is_group = in_group();
    let (west, east) = (spec.front_west, spec.front_east);
    let group_on_front = in_group();
    let on_front = move |i: &Incident| (west..=east).contains(&i.lon) && group_on_front(i);
    let group = || Expansion::yearly().run(index, years, in_group());
    let front = || Expansion::yearly().run(index, years, on_front);
    #[cfg(feature = "parallel")]
    let (steps, front) = rayon::join(group, front);
    #[cfg(not(feature = "parallel"))]
    let (steps, front) = (group(), front());
    let (steps, front) = (steps?.steps, front?.steps);
    // The front's figures per year, beside the group's: the spread sentence is read off them.
    // When sources end on different days, a year past the earliest end holds only the sources
    // still running: its change and its front latitude are not compared.
    let sources_end = coverage.compared_until(as_of);
    let compared = |year: i16| {
        sources_end.is_none_or(|end| {
            let tolerance = jiff::Span::new().days(crate::coverage::END_TOLERANCE_DAYS);
            end.checked_add(tolerance)
                .is_ok_and(|e| e >= date(year, 12, 31).min(as_of))
        })
    };
    let counts = |s: &&crate::trend::ExpansionStep| s.incidents >= spec.front_min_incidents;
    let front_p10: BTreeMap<i16, f64> = front
        .iter()
        .filter(counts)
        .filter(|s| compared(s.start.year()))
        .filter_map(|s| Some((s.start.year(), s.lat_p10?)))
        .collect();
    let step_km = |year: i16| -> Option<f64> {
        let (_, &before) = front_p10.range(..year).next_back()?;
        Some((before - front_p10.get(&year)?) * crate::geodesy::KM_PER_DEGREE)
    };
    let rows: Vec<ExpansionRow> = steps
        .iter()
        .map(|s| {
            let year = s.start.year();
            ExpansionRow {
                year,
                events: s.incidents,
                centroid: s.centroid.map(|c| LonLat {
                    lon: c.x(),
                    lat: c.y(),
                }),
                lat_p10: s.lat_p10,
                hull_km2: s.hull_area_km2,
                cells: s.active_cells,
                new_cells: s.new_cells,
                km_from_clusters: s.new_km_from_previous_clusters,
                change: s.change.filter(|_| compared(year)),
                front_events: front
                    .iter()
                    .find(|f| f.start == s.start)
                    .map_or(0, |f| f.incidents),
                front_lat_p10: front_p10.get(&year).copied(),
                front_step_km: step_km(year),
            }
        })
        .collect();
    let spread = match (front_p10.first_key_value(), front_p10.last_key_value()) {
        (Some((&from_year, &from_lat)), Some((&to_year, &to_lat))) if from_year != to_year => {
            Some(Spread {
                km_south: (from_lat - to_lat) * crate::geodesy::KM_PER_DEGREE,
                from_year,
                from_lat,
                to_year,
                to_lat,
                largest_step: rows
                    .iter()
                    .filter_map(|r| Some((r.year, r.front_step_km?)))
                    .max_by(|a, b| a.1.total_cmp(&b.1)),
            })
        }
        _ => None,
    };
    let share_codes: Vec<CountryCode> = spec
        .share_countries
        .iter()
        .filter_map(|c| CountryCode::new(c))
        .collect();
    let share_uncovered = coverage.uncovered(&share_codes);
    // The group's incidents and those recorded in the share countries, by year: one pass.
    let years_of_steps: BTreeSet<i16> = steps.iter().map(|s| s.start.year()).collect();
    let mut by_year: BTreeMap<i16, (u64, u64)> = BTreeMap::new();
    for i in set.incidents() {
        let y = i.date.start.year();
        if years_of_steps.contains(&y) && is_group(i) {
            let e = by_year.entry(y).or_default();
            e.0 += 1;
            e.1 += u64::from(i.country.is_some_and(|c| share_codes.contains(&c)));
        }
    }
    // No share at all when no share country is covered; no share in a year whose part in
    // the data (from the first source's start to the last one's end) a covered share
    // country's sources do not span: a share is a ratio, so a year the data only begin or
    // end in is fine, but not one in which Benin's file has ended and Burkina's runs on.
    let data_first = coverage.sources.iter().map(|c| c.first_day).min();
    let data_last = coverage.last_day();
    let covered: Vec<CountryCode> = share_codes
        .iter()
        .copied()
        .filter(|c| coverage.covers_country(*c))
        .collect();
    let share: Vec<YearShare> = by_year
        .into_iter()
        .filter(|_| !covered.is_empty())
        .map(|(year, (all, inside))| {
            let from = data_first.map_or(date(year, 1, 1), |d| d.max(date(year, 1, 1)));
            let to = data_last
                .map_or(as_of, |d| d.min(as_of))
                .min(date(year, 12, 31));
            let spanned = covered
                .iter()
                .all(|c| coverage.covers_country_during(*c, from, to));
            YearShare {
                year,
                pct: spanned.then(|| 100.0 * inside as f64 / all as f64),
            }
        })
        .collect();
    Ok(ExpansionSection {
        group: spec.expansion_group.clone(),
        rows,
        spread,
        front_west: west,
        front_east: east,
        partial_last_year: as_of.month() != 12 || as_of.day() != 31,
        share,
        share_countries: spec.share_countries.clone(),
        share_uncovered,
        front_min_incidents: spec.front_min_incidents,
        sources_end,
    })
}

/// The rings around each encircled site, by year from the first year of `years`, for the
/// expansion group and for every incident; a site outside the coverage has none.
fn encirclement_section(
    index: &IncidentIndex,
    borders: Option<&Borders>,
    groups: &ActorGroups,
    spec: &ReportSpec,
    years: DateWindow,
    coverage: &Coverage,
    area: &AreaTest<'_>,
) -> Result<Option<EncirclementSection>> {
    if spec.encircled.is_empty() {
        return Ok(None);
    }
    let as_of = years.last_day();
    let windows = (years.first_day().year()..=as_of.year())
        .map(|y| {
            DateWindow::new(
                years.first_day().max(date(y, 1, 1)),
                as_of.min(date(y, 12, 31)),
            )
        })
        .collect::<Result<Vec<_>>>()?;
    let g = groups.position(&spec.expansion_group);
    let places = crate::sample::corridor_places();
    let sites = crate::parallel::each(&spec.encircled, |site| {
        if let Some(why) = coverage.site_no_data(area, borders, site, as_of) {
            return Ok(SiteRings {
                site: site.name.clone(),
                no_data: Some(why),
                group: Vec::new(),
                all: Vec::new(),
            });
        }
        let matcher = std::cell::RefCell::new(GroupMatcher::new(groups));
        let in_group = |i: &Incident| g.is_some_and(|g| matcher.borrow_mut().involves(g, i));
        let e = &spec.encirclement;
        // Sectors outside the covered area (at their middle) are no data, not quiet.
        let covered = |p: geo::Point<f64>| area.at(p.x(), p.y()) != Covered::No;
        let rings = |keep: &dyn Fn(&Incident) -> bool| {
            windows
                .iter()
                .map(|w| e.run_covered(index, site, *w, keep, &places, covered))
                .collect::<Result<Vec<_>>>()
        };
        Ok(SiteRings {
            site: site.name.clone(),
            no_data: None,
            group: rings(&in_group)?,
            all: rings(&|_| true)?,
        })
    })?;
    Ok(Some(EncirclementSection {
        params: spec.encirclement.clone(),
        group: spec.expansion_group.clone(),
        sites,
    }))
}

/// The report's surface scored on its own cells: monthly origins over the last three years
/// the sources all cover, the map first among the surfaces.
fn map_skill(
    index: &IncidentIndex,
    cells: &[crate::surface::CellId],
    spec: &ReportSpec,
    grid: &super::SkillGrid,
    coverage: &Coverage,
    as_of: Date,
) -> super::MapSkill {
    use crate::surface::{Backtest, Kernel, MethodKind, SurfaceConfig};
    let not_scored = |why: String| super::MapSkill {
        origins: 0,
        first_origin: None,
        last_origin: None,
        horizon_days: grid.horizon_days,
        surfaces: 0,
        compared: String::new(),
        map_hit_rate_10: None,
        map_pai_10: None,
        persistence_pai_10: None,
        best: None,
        best_pai_10: None,
        skill: None,
        why_not: Some(why),
    };
    // Up to the earliest end of the sources, and from the latest start: the days all cover.
    let end = coverage
        .compared_until(as_of)
        .or_else(|| coverage.last_day().map(|d| d.min(as_of)))
        .unwrap_or(as_of);
    let first = coverage
        .sources
        .iter()
        .map(|s| s.first_day)
        .max()
        .unwrap_or(end);
    let horizon = jiff::Span::new().days(i64::from(grid.horizon_days));
    let scored = || -> Result<super::MapSkill> {
        let mut configs = vec![SurfaceConfig::new(
            Kernel::Quartic,
            spec.bandwidth_km,
            Some(spec.half_life_days),
        )?];
        for &b in &grid.bandwidths_km {
            for &h in &grid.half_lives_days {
                let c = SurfaceConfig::new(Kernel::Quartic, b, h)?;
                if !configs.contains(&c) {
                    configs.push(c);
                }
            }
        }
        let last_origin = end.checked_sub(horizon).unwrap_or(first);
        let from = Backtest::default_from(first, end, grid.horizon_days)?;
        if cells.is_empty() {
            return Ok(not_scored("no covered cells".into()));
        }
        if from > last_origin {
            return Ok(not_scored(format!(
                "the data cover {first} to {end}: too short for monthly origins with a {}-day horizon",
                grid.horizon_days
            )));
        }
        let result = Backtest::new(from, last_origin, grid.horizon_days)?
            .configs(configs.clone())?
            .run(index, cells)?;
        let pai = |m: Option<&crate::surface::MethodScores>| m.and_then(|m| m.pooled.pai[2]);
        let best = result.best.and_then(|b| result.methods.get(b));
        let list = |v: Vec<String>| v.join(", ");
        let compared = format!(
            "the map; quartic {} km with half-lives of {}",
            list(grid.bandwidths_km.iter().map(ToString::to_string).collect()),
            list(
                grid.half_lives_days
                    .iter()
                    .map(|h| h.map_or_else(|| "none".to_string(), |d| format!("{d} d")))
                    .collect()
            )
        );
        Ok(super::MapSkill {
            compared,
            origins: result.origins.len(),
            first_origin: result.origins.first().copied(),
            last_origin: result.origins.last().copied(),
            horizon_days: grid.horizon_days,
            surfaces: configs.len(),
            map_hit_rate_10: result.methods.first().and_then(|m| m.pooled.hit_rate[2]),
            map_pai_10: pai(result.methods.first()),
            persistence_pai_10: pai(result.method(MethodKind::Persistence)),
            best: best.map(|m| m.name.clone()),
            best_pai_10: pai(best),
            skill: result.skill,
            why_not: None,
        })
    };
    // The score is a side figure: a failure is said, not a failed report.
    scored().unwrap_or_else(|e| not_scored(e.to_string()))
}

/// The crossroads' periods as report rows: source ids for the closest pair, and the gap
/// cells outside the coverage counted.
fn crossroads_rows(
    set: &IncidentSet,
    found: &crate::trend::CrossroadsFindings,
    coverage: &Coverage,
    area: &AreaTest<'_>,
    borders: Option<&Borders>,
    as_of: Date,
) -> Vec<CrossroadsRow> {
    let source_id =
        |id: crate::incident::IncidentId| set.incidents()[id.index()].source_id.to_string();
    let end = coverage.compared_until(as_of);
    // A cell is no data outside the covered area, or in a country whose data end before
    // the year does.
    let no_data = |c: &crate::surface::CellId, last_day: Date| {
        area.cell(c) == Covered::No
            || end.is_some_and(|_| {
                let country = borders.and_then(|b| b.country_at(c.centre()));
                coverage
                    .ended_early(country, as_of)
                    .is_some_and(|e| e < last_day)
            })
    };
    let mut rows: Vec<CrossroadsRow> = Vec::with_capacity(found.periods.len());
    for (k, p) in found.periods.iter().enumerate() {
        // Last period's gap cells that are no data in this one.
        let last = k.checked_sub(1).map(|l| &found.periods[l].gap_cells);
        let last_gap_no_data = last.map_or(0, |cells| {
            cells.iter().filter(|c| no_data(c, p.last_day)).count()
        });
        rows.push(CrossroadsRow {
            sources_end: end.filter(|e| *e < p.last_day),
            year: p.first_day.year(),
            closest_km: p.closest.map(|c| c.km),
            closest_ids: p.closest.map(|c| (source_id(c.a), source_id(c.b))),
            gap_km: p.gap_km,
            no_data_cells: p
                .gap_cells
                .iter()
                .filter(|c| no_data(c, p.last_day))
                .copied()
                .collect(),
            gap_cells: p.gap_cells.clone(),
            areas: p.areas.clone(),
            in_gap: p.in_gap,
            in_last_gap: p.in_last_gap,
            last_gap_cells: last.map_or(0, Vec::len),
            last_gap_no_data,
        });
    }
    rows
}

fn nexus_section((meeting, n): (&Nexus, crate::trend::NexusFindings)) -> NexusSection {
    let (a, b) = (meeting.group_a(), meeting.group_b());
    let k = n.cross_k;
    let verdict = if n.incidents.a == 0 || n.incidents.b == 0 {
        NexusVerdict::OneGroupAbsent
    } else if k.p_value <= 0.05 {
        NexusVerdict::CloserThanChance
    } else {
        NexusVerdict::NotCloserThanChance
    };
    NexusSection {
        a: a.to_string(),
        b: b.to_string(),
        incidents_a: n.incidents.a,
        incidents_b: n.incidents.b,
        closest: n
            .min_km_by_period
            .iter()
            .map(|p| YearDistance {
                year: p.start.year(),
                km: p.km,
            })
            .collect(),
        colocated_pairs: n.colocated_pairs,
        shared_cells: n.shared_cells,
        joint_incidents: n.joint_incidents,
        cross_radius_km: k.radius_km,
        cross_observed: k.observed,
        cross_expected: k.expected,
        cross_z: k.z,
        cross_p: k.p_value,
        verdict,
        crossroads: Vec::new(),
    }
}
