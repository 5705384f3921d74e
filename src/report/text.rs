//! The report as text: `Display` for [`CorridorReport`] and its sections.

use crate::io::report::counted;
use std::fmt::{self, Display, Formatter, Write as _};

use super::{
    BorderSection, ClusterSection, CorridorReport, Count, CrossBorder, DataSection,
    ExpansionSection, NexusSection, NexusVerdict, SiteSection, TempoSection,
};
use crate::borders::BorderBand;
use crate::trend::SpreadKind;

/// `s` cut to `n` characters, the last replaced by `mark` when anything was cut.
pub(crate) fn truncate(s: &str, n: usize, mark: char) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(n.saturating_sub(1)).collect();
        t.push(mark);
        t
    }
}

/// `value` with `decimals` decimals, or "-" for none (never NaN or inf).
fn num(value: Option<f64>, decimals: usize) -> String {
    match value {
        Some(v) if v.is_finite() => format!("{v:.decimals$}"),
        _ => "-".into(),
    }
}

fn list<K: Display>(counts: &[Count<K>], sep: &str) -> String {
    counts
        .iter()
        .map(|c| format!("{}{sep}{}", c.key, c.count))
        .collect::<Vec<_>>()
        .join(", ")
}

impl Display for CorridorReport {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        writeln!(f, "CORRIDOR REPORT, as of {}", self.as_of)?;
        writeln!(f, "{}", "=".repeat(72))?;
        write!(f, "{}", DataText(&self.data, self.as_of))?;
        write!(f, "{}", self.clusters)?;
        if let Some(b) = &self.borders {
            write!(f, "{b}")?;
        }
        write!(f, "{}", self.sites)?;
        write!(f, "{}", self.tempo)?;
        write!(f, "{}", ExpansionText(&self.expansion, self.as_of))?;
        match self.spec.nexus.first() {
            Some(n) => {
                let (zone_km, detour) = self.spec.crossroads_params();
                writeln!(
                    f,
                    "\n7. WHERE THE GROUPS MEET (pairs within {} km and {} days; cross-K at {} km, {})",
                    n.pair_km(),
                    n.pair_days(),
                    n.cross_k_radius_km(),
                    n.cross_k_test()
                )?;
                writeln!(
                    f,
                    "(a group's zone: the area within {zone_km} km of its incidents of the year; the gap: \
                     the closest pair's distance less two zones; its cells: {} cells holding neither \
                     group, on a crossing at most {:.0}% longer than the gap; admin areas by the \
                     nearest Natural Earth label point)\n",
                    n.cell_grid(),
                    100.0 * detour
                )?;
            }
            None => writeln!(
                f,
                "\n7. WHERE THE GROUPS MEET: no pairs of groups asked for\n"
            )?,
        }
        for x in &self.nexus {
            write!(f, "{x}")?;
        }
        if let Some(e) = &self.encirclement {
            write!(f, "{e}")?;
        }
        Ok(())
    }
}

impl Display for super::EncirclementSection {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        let p = &self.params;
        let (inner, outer) = p.annulus_km();
        writeln!(
            f,
            "\n8. ENCIRCLEMENT ({} sectors of {:.0} degrees by great-circle bearing, {inner}-{outer} km out; \
             a sector is active with {} {})\n",
            p.sector_count(),
            360.0 / p.sector_count() as f64,
            p.min_incidents_per_sector(),
            if p.min_incidents_per_sector() == 1 {
                "incident"
            } else {
                "incidents"
            }
        )?;
        for s in &self.sites {
            if let Some(why) = &s.no_data {
                writeln!(f, "{}: no data: {why}", s.site)?;
                continue;
            }
            for (who, rings) in [(self.group.as_str(), &s.group), ("all groups", &s.all)] {
                writeln!(f, "{}, {who}:", s.site)?;
                writeln!(
                    f,
                    "  {:>4} {:>6} {:>7} {:>8} {:>6}  {:<22} towns in the gap",
                    "year", "events", "active", "expected", "p", "open gap"
                )?;
                for r in rings.iter() {
                    let gap = r.gap.map_or("none: closed".to_string(), |g| {
                        format!(
                            "{:.0}-{:.0} deg ({:.0} deg)",
                            g.from_deg, g.to_deg, g.width_deg
                        )
                    });
                    writeln!(
                        f,
                        "  {:>4} {:>6} {:>7} {:>8.1} {:>6}  {gap:<22} {}",
                        r.first_day.year(),
                        r.incidents,
                        format!(
                            "{}/{}",
                            r.active,
                            r.sectors - r.no_data.iter().filter(|&&x| x).count()
                        ),
                        r.expected_active,
                        num(r.p_fewer, 3),
                        if r.gap_places.is_empty() {
                            "-".to_string()
                        } else {
                            r.gap_places.join(", ")
                        }
                    )?;
                }
            }
        }
        writeln!(
            f,
            "  (active: of the sectors inside the data's coverage (a sector outside it, at its middle, is no data, \
             neither quiet nor in the gap); expected: active sectors of as many incidents spread uniformly over \
             those sectors; p: share of such rings with no more active sectors; open gap: the widest run of quiet \
             covered sectors, clockwise from north)"
        )
    }
}

struct DataText<'a>(&'a DataSection, jiff::civil::Date);

impl Display for DataText<'_> {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        let (d, as_of) = (self.0, self.1);
        writeln!(f, "\n1. THE DATA\n")?;
        for s in &d.sources {
            writeln!(f, "source: {}", s.name)?;
        }
        for s in &d.sources {
            let Some(l) = &s.load else { continue };
            writeln!(
                f,
                "{}: {} ({}), {} read, {} accepted, {} rejected, {}",
                s.name,
                l.format,
                l.layout,
                counted(l.rows_seen, "row"),
                l.accepted,
                l.rejected,
                counted(l.warnings, "warning")
            )?;
            if !l.read_as.is_empty() {
                writeln!(f, "    read as {}", l.read_as)?;
            }
            for r in &l.first_rejections {
                writeln!(f, "    rejected {} {}: {}", l.record_word, r.line, r.reason)?;
            }
        }
        writeln!(
            f,
            "{} incidents from {} to {as_of}; {} after the as-of date left out; {} rejected by validation, {} kept with warnings",
            d.incidents,
            d.first_day.map_or("-".into(), |d| d.to_string()),
            d.after_as_of,
            d.validation.rejected,
            d.validation.warnings
        )?;
        for w in &d.warnings {
            writeln!(f, "warning: {w}")?;
        }
        writeln!(f, "by recorded country: {}", list(&d.by_country, " "))?;
        match &d.borders {
            None => writeln!(
                f,
                "borders: none given and no Natural Earth files found; border figures left out"
            )?,
            Some(b) => {
                let labels = match b.admin_labels {
                    0 => String::new(),
                    n => format!(", {n} admin-1 label points"),
                };
                writeln!(
                    f,
                    "borders: {} countries, {} border lines{labels} from {}",
                    b.countries,
                    b.lines,
                    b.files.join(", ")
                )?;
            }
        }
        write!(f, "{}", CoverageText(&d.coverage, d.coverage_checked))
    }
}

/// The coverage lines of the data section: the coverage and whether the area was checked.
pub(crate) struct CoverageText<'a>(pub(crate) &'a crate::coverage::Coverage, pub(crate) bool);

impl Display for CoverageText<'_> {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        use crate::coverage::CoverageArea;
        let (c, checked) = (self.0, self.1);
        let countries: Vec<String> = c.countries().iter().map(ToString::to_string).collect();
        let area = match &c.area {
            CoverageArea::Box(b) => format!(
                "the box lon {}..{}, lat {}..{}",
                b.west(),
                b.east(),
                b.south(),
                b.north()
            ),
            CoverageArea::RecordedCountries => {
                format!(
                    "{} (the countries the rows are recorded in)",
                    countries.join(", ")
                )
            }
            CoverageArea::Countries(_) => countries.join(", "),
        };
        writeln!(
            f,
            "coverage: {area}; {}",
            if checked {
                "outside it, cells, sites and shares are no data, not calm"
            } else {
                "NOT CHECKED (no country polygons): every cell and site is taken as covered"
            }
        )?;
        for s in &c.sources {
            writeln!(
                f,
                "    {}: {} from {} to {}",
                s.name,
                if s.countries.is_empty() {
                    "no recorded country".to_string()
                } else {
                    s.countries.join(", ")
                },
                s.first_day,
                s.last_day
            )?;
        }
        Ok(())
    }
}

impl Display for CrossBorder {
    /// "BFA 173, MLI 1; hull crosses BFA–MLI", "hull crosses BFA–NER", or "recorded
    /// countries differ" when no borders were given.
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        if self.recorded_only {
            return f.write_str("recorded countries differ");
        }
        let members = list(&self.countries, " ");
        let crosses = self.hull_crosses.join(" ");
        match (self.countries.len() > 1, self.hull_crosses.is_empty()) {
            (true, true) => f.write_str(&members),
            (true, false) => write!(f, "{members}; hull crosses {crosses}"),
            (false, _) => write!(f, "hull crosses {crosses}"),
        }
    }
}

impl Display for ClusterSection {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "\n2. PROXIMITY CLUSTERS, last {} days (great-circle DBSCAN, {} km, {} incidents)\n",
            self.days, self.eps_km, self.min_points
        )?;
        writeln!(
            f,
            "{} incidents, {} clusters, {} cross a border, {} incidents are noise",
            self.incidents, self.clusters, self.cross_border, self.noise
        )?;
        writeln!(
            f,
            "\n  {:>3} {:>6} {:>6} {:>7}  {:<12} {:<24} cross-border",
            "#", "events", "deaths", "km", "centre", "top actor"
        )?;
        for r in self.rows.iter().take(10) {
            writeln!(
                f,
                "  {:>3} {:>6} {:>6} {:>7.1}  {:>5.2},{:<6.2} {:<24} {}",
                r.id,
                r.events,
                r.deaths,
                r.radius_km,
                r.lon,
                r.lat,
                truncate(r.top_actor.as_deref().unwrap_or("-"), 24, '~'),
                r.cross_border
                    .as_ref()
                    .map_or(String::new(), |c| format!("X {c}"))
            )?;
        }
        Ok(())
    }
}

impl Display for BorderSection {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        writeln!(f, "\n3. BORDERS\n")?;
        writeln!(
            f,
            "{} incidents lie in another country's polygon than their record names, and {} \
             in none of the {} loaded polygons{}",
            self.misplaced.len() - self.in_no_polygon,
            self.in_no_polygon,
            self.polygons,
            if self.misplaced.is_empty() { "" } else { ":" }
        )?;
        for m in self.misplaced.iter().take(8) {
            writeln!(
                f,
                "  {:<10} recorded {}, lies in {} at ({:.4}, {:.4})",
                m.source_id,
                m.recorded.as_deref().unwrap_or("?"),
                m.lies_in.as_deref().unwrap_or("no country"),
                m.lon,
                m.lat
            )?;
        }
        if self.misplaced.len() > 8 {
            writeln!(
                f,
                "  ... and {} more (the report as JSON, --json-out, lists them all)",
                self.misplaced.len() - 8
            )?;
        }
        writeln!(
            f,
            "\nshare of incidents by distance to the nearest border (OECD-SWAC bands):"
        )?;
        writeln!(
            f,
            "  {:>6} {:>7}  {}",
            "year",
            "events",
            BorderBand::ALL
                .map(|b| format!("{:>11}", b.label()))
                .join("")
        )?;
        for y in &self.bands_by_year {
            let total: u64 = y.counts.iter().sum();
            let shares: String = y
                .counts
                .iter()
                .map(|&c| format!("{:>10.0}%", 100.0 * c as f64 / total.max(1) as f64))
                .collect();
            writeln!(f, "  {:>6} {total:>7}  {shares}", y.year)?;
        }
        for n in &self.near_borders {
            writeln!(
                f,
                "incidents within {} km of the {} border, by year: {}",
                n.km,
                n.border,
                if n.by_year.is_empty() {
                    "none".into()
                } else {
                    list(&n.by_year, ": ")
                }
            )?;
            if !n.uncovered.is_empty() {
                writeln!(
                    f,
                    "    (no source covers {}: incidents on that side are not in the data)",
                    n.uncovered.join(", ")
                )?;
            }
        }
        Ok(())
    }
}

/// A site row's cells in words, for the report's and the risk map's tables: the nearest
/// incident (an upper bound, "<=", when the site is no data), its precision, ties and date,
/// the nearest precise one, and the figures or the reason there are none.
pub(crate) struct SiteWords<'a> {
    pub km: String,
    pub located: &'static str,
    pub tied: String,
    pub on: String,
    pub precise_km: String,
    pub precise_on: String,
    /// Incidents within 25 km / 90 days, 50 km / 90 days, 100 km / 365 days, and the trend.
    pub figures: std::result::Result<([String; 3], &'a crate::site::SiteTrend), &'a str>,
}

impl<'a> SiteWords<'a> {
    pub(crate) fn of(r: &'a super::SiteRow) -> SiteWords<'a> {
        let bound = if r.no_data.is_some() { "<=" } else { "" };
        let near = |n: Option<&crate::site::NearestIncident>| match n {
            Some(n) => (format!("{bound}{:.1}", n.distance_km), n.date.to_string()),
            None => ("-".to_string(), "-".to_string()),
        };
        let (km, on) = near(r.nearest.as_ref());
        let (precise_km, precise_on) = near(r.nearest_precise.as_ref());
        let (located, tied) = r.nearest.as_ref().map_or(("-", String::new()), |n| {
            let tied = if n.tied > 1 {
                n.tied.to_string()
            } else {
                String::new()
            };
            (n.precision.label(), tied)
        });
        let e = |km, days| r.exposure(km, days).map_or("-".into(), |n| n.to_string());
        let figures = match (&r.no_data, &r.trend) {
            (None, Some(t)) => Ok(([e(25, 90), e(50, 90), e(100, 365)], t)),
            (why, _) => Err(why.as_deref().unwrap_or("not measured")),
        };
        SiteWords {
            km,
            located,
            tied,
            on,
            precise_km,
            precise_on,
            figures,
        }
    }
}

/// "N suspect events left out of these figures ...: ids", or nothing for none.
pub(crate) struct SuspectLine<'a>(pub(crate) &'a [String], pub(crate) &'a str);

impl Display for SuspectLine<'_> {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        let (ids, where_listed) = (self.0, self.1);
        if ids.is_empty() {
            return Ok(());
        }
        let shown: Vec<&str> = ids.iter().take(10).map(String::as_str).collect();
        writeln!(
            f,
            "{} left out of these figures (they lie in another country's polygon than their record names, or in none{where_listed}): {}{}",
            counted(ids.len() as u64, "suspect event"),
            shown.join(", "),
            if ids.len() > shown.len() { ", ..." } else { "" }
        )
    }
}

impl Display for SiteSection {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "\n4. SITES: nearest incident and exposure (great-circle km, incidents whose dates overlap the period)\n"
        )?;
        write!(
            f,
            "{}",
            SuspectLine(&self.suspect_left_out, "; section 3 lists them")
        )?;
        writeln!(
            f,
            "  {:<24} {:>8} {:<8} {:>4} {:>10} {:>8} {:>10} {:>5} {:>5} {:>6}  {:>9} {:>6} {:>5}",
            "site",
            "nearest",
            "located",
            "tied",
            "on",
            "precise",
            "on",
            "25km",
            "50km",
            "100km",
            "90d trend",
            "p",
            "risk%"
        )?;
        writeln!(
            f,
            "  {:<24} {:>8} {:<8} {:>4} {:>10} {:>8} {:>10} {:>5} {:>5} {:>6}",
            "", "km", "", "", "", "km", "", "90d", "90d", "365d"
        )?;
        for r in &self.rows {
            let w = SiteWords::of(r);
            write!(
                f,
                "  {:<24} {:>8} {:<8} {:>4} {:>10} {:>8} {:>10}",
                truncate(&r.name, 24, '~'),
                w.km,
                w.located,
                w.tied,
                w.on,
                w.precise_km,
                w.precise_on
            )?;
            match w.figures {
                Ok(([e25, e50, e100], t)) => writeln!(
                    f,
                    " {e25:>5} {e50:>5} {e100:>6}  {:>4}->{:<4} {:>6.3} {:>5}",
                    t.previous,
                    t.recent,
                    t.p_value,
                    num(r.risk_percentile, 1)
                )?,
                Err(why) => writeln!(f, "  no data: {why}")?,
            }
        }
        writeln!(
            f,
            "  (located: the nearest incident's location precision; tied: incidents at the same distance, \
             the most recent shown; precise: the nearest located exactly or near a named place; \
             <=: the site is no data (outside the coverage, or its country's data ended early), so the nearest incident may be nearer)"
        )?;
        writeln!(
            f,
            "  (trend: incidents within {} km in the {} days before the last {}, then the last {}; p of equal rates; \
             risk%: share of the {} covered cells with lower kernel risk, read off the surface of every incident; {})",
            self.trend_radius_km,
            self.trend_days,
            self.trend_days,
            self.trend_days,
            self.risk_cells,
            self.risk_surface
        )?;
        if let Some(m) = &self.map_skill {
            write!(f, "{}", SkillText(m))?;
        }
        Ok(())
    }
}

/// The line that says how good the map is.
struct SkillText<'a>(&'a super::MapSkill);

impl Display for SkillText<'_> {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        let m = self.0;
        if let Some(why) = &m.why_not {
            return writeln!(f, "how good is the map: not scored ({why})");
        }
        let (Some(first), Some(last)) = (m.first_origin, m.last_origin) else {
            return Ok(());
        };
        let Some(hit) = m.map_hit_rate_10 else {
            return writeln!(
                f,
                "how good is the map: no incidents to score in the {} origins from {first} to {last}",
                m.origins
            );
        };
        writeln!(
            f,
            "how good is the map: over {} monthly origins from {first} to {last}, the map's top-ranked \
             cells making up 10% of the covered area held {:.1}% of the next {} days' incidents (PAI {}; persistence {}; 1 is chance)",
            m.origins,
            100.0 * hit,
            m.horizon_days,
            num(m.map_pai_10, 2),
            num(m.persistence_pai_10, 2),
        )?;
        if let (Some(best), Some(s)) = (&m.best, m.skill) {
            writeln!(
                f,
                "  best of {} surfaces on the same cells ({}): {best}, PAI {}, {} over persistence's PAI \
                 (the backtest program compares more)",
                m.surfaces,
                m.compared,
                num(m.best_pai_10, 2),
                s.in_words()
            )?;
        }
        Ok(())
    }
}

impl Display for TempoSection {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        writeln!(f, "\n5. TEMPO\n")?;
        if self.incomplete_month {
            writeln!(
                f,
                "(the month of the as-of date is not complete: the series end on {})",
                self.month_end
            )?;
        }
        if let Some(end) = self.sources_end {
            writeln!(
                f,
                "(the sources end on different days, the earliest on {end}: the series end on {}, \
                 the last complete month every source covers)",
                self.month_end
            )?;
        }
        let last: Vec<String> = self.last_24.iter().map(u64::to_string).collect();
        writeln!(
            f,
            "incidents per month, last {}: {}",
            counted(last.len() as u64, "month"),
            last.join(" ")
        )?;
        writeln!(
            f,
            "  {:<10} {:>9} {:>9} {:>8} {:>8}  {:>10} {:>8}",
            "series", "last 12m", "12m before", "change", "p", "Sen/month", "MK p"
        )?;
        for r in &self.rows {
            if let Some(why) = &r.no_data {
                writeln!(f, "  {:<10} no data: {why}", r.series)?;
                continue;
            }
            let yoy = r.year_on_year.as_ref().map_or(
                format!("{:>9} {:>9} {:>8} {:>8}", "-", "-", "-", "-"),
                |y| {
                    format!(
                        "{:>9} {:>9} {:>8} {:>8.3}",
                        y.last_12,
                        y.previous_12,
                        y.change_pct
                            .map_or("n/a".to_string(), |c| format!("{c:.0}%")),
                        y.p_value
                    )
                },
            );
            let mk = match (r.sen_slope, r.mann_kendall_p) {
                (Some(s), Some(p)) => format!("{s:>+10.2} {p:>8.3}"),
                _ => format!("{:>10} {:>8}", "-", "-"),
            };
            writeln!(f, "  {:<10} {yoy}  {mk}", r.series)?;
        }
        if self.rows.iter().any(|r| {
            r.year_on_year
                .as_ref()
                .is_some_and(|y| y.change_pct.is_none())
        }) {
            writeln!(
                f,
                "  (n/a: no incident in the 12 months before, so no change in percent)"
            )?;
        }
        if self.months < 24 {
            writeln!(
                f,
                "  (fewer than 24 months: the year-on-year change is not computed)"
            )?;
        }
        Ok(())
    }
}

struct ExpansionText<'a>(&'a ExpansionSection, jiff::civil::Date);

impl Display for ExpansionText<'_> {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        let (x, as_of) = (self.0, self.1);
        writeln!(
            f,
            "\n6. EXPANSION OF {}, by year (PRIO-GRID cells; new: no activity the year before)\n",
            x.group
        )?;
        let (west, east) = (x.front_west, x.front_east);
        let deg = |v: f64, pos: char, neg: char| {
            format!("{} {}", v.abs(), if v >= 0.0 { pos } else { neg })
        };
        let front = format!(
            "{} between {} and {}",
            x.group,
            deg(west, 'E', 'W'),
            deg(east, 'E', 'W')
        );
        writeln!(
            f,
            "  {:>4} {:>6} {:>14} {:>8} {:>9} {:>6} {:>5} {:>9}  {:<11} {:>6} {:>8} {:>7}",
            "year",
            "events",
            "centroid",
            "p10 lat",
            "hull km2",
            "cells",
            "new",
            "km from",
            "change",
            "front",
            "p10 lat",
            "step km"
        )?;
        for r in &x.rows {
            writeln!(
                f,
                "  {:>4} {:>6} {:>14} {:>8} {:>9.0} {:>6} {:>5} {:>9}  {:<11} {:>6} {:>8} {:>7}",
                r.year,
                r.events,
                r.centroid
                    .map_or("-".into(), |c| format!("{:.2},{:.2}", c.lon, c.lat)),
                num(r.lat_p10, 2),
                r.hull_km2,
                r.cells,
                r.new_cells,
                num(r.km_from_clusters, 0),
                r.change.map_or("-", SpreadKind::label),
                r.front_events,
                num(r.front_lat_p10, 2),
                num(r.front_step_km, 0)
            )?;
        }
        writeln!(
            f,
            "  (front: {front}, its incidents, their 10th-percentile latitude in years with at least \
             {} of them, and the step south since the last such year)",
            x.front_min_incidents
        )?;
        if let Some(s) = &x.spread {
            let largest = s
                .largest_step
                .filter(|&(_, km)| km > 0.0 && s.km_south > 0.0);
            writeln!(
                f,
                "southward spread on the Burkina-Togo-Benin front ({front}): the southern edge of its \
                 activity (the front's 10th-percentile latitude) moved {:.0} km {}, from {:.2} N in {} \
                 to {:.2} N in {}{}",
                s.km_south.abs(),
                if s.km_south >= 0.0 { "south" } else { "north" },
                s.from_lat,
                s.from_year,
                s.to_lat,
                s.to_year,
                largest.map_or(String::new(), |(year, km)| format!(
                    "; the largest step, {km:.0} km ({:.0}% of it), came in {year}",
                    100.0 * km / s.km_south
                ))
            )?;
            if !x.share_uncovered.is_empty() {
                writeln!(
                    f,
                    "(no source covers {}: activity there is not in the data, so the edge cannot be seen to cross into it)",
                    x.share_uncovered.join(", ")
                )?;
            }
        }
        if let Some(end) = x.sources_end {
            writeln!(
                f,
                "(the sources end on different days, the earliest on {end}: later years hold only the \
                 sources still running, so their change and front latitude are left out)"
            )?;
        }
        if x.partial_last_year {
            writeln!(
                f,
                "(the last year runs only to {as_of}: its cells and change are against a full year)"
            )?;
        }
        if x.share_countries.is_empty() {
            return Ok(());
        }
        // Only the covered share countries are named: the share says nothing of the others.
        let covered: Vec<String> = x
            .share_countries
            .iter()
            .filter(|c| !x.share_uncovered.contains(c))
            .cloned()
            .collect();
        let names = country_names(if covered.is_empty() {
            &x.share_countries
        } else {
            &covered
        });
        if x.share.is_empty() && x.share_uncovered.is_empty() {
            return writeln!(
                f,
                "share of {} incidents recorded in {names}: none ({} has no incident)",
                x.group, x.group
            );
        }
        if !x.share_uncovered.is_empty() && x.share.is_empty() {
            return writeln!(
                f,
                "share of {} incidents recorded in {names}: no data (no source covers {})",
                x.group,
                x.share_uncovered.join(", ")
            );
        }
        let mut shares = String::new();
        for (k, s) in x.share.iter().enumerate() {
            let sep = if k == 0 { "" } else { ", " };
            let _ = match s.pct {
                Some(pct) => write!(shares, "{sep}{}: {pct:.0}%", s.year),
                None => write!(shares, "{sep}{}: no data", s.year),
            };
        }
        writeln!(
            f,
            "share of {} incidents recorded in {names}: {shares}{}{}",
            x.group,
            if x.share_uncovered.is_empty() {
                String::new()
            } else {
                format!(
                    "; no source covers {}, so it is not in the share",
                    x.share_uncovered.join(", ")
                )
            },
            if x.share.iter().any(|s| s.pct.is_none()) {
                "; no data: the year is not spanned by the sources of a share country"
            } else {
                ""
            }
        )
    }
}

/// "Togo or Benin" for the corridor's codes; the codes otherwise.
fn country_names(codes: &[String]) -> String {
    let name = |c: &str| match c {
        "TGO" => "Togo".to_string(),
        "BEN" => "Benin".to_string(),
        "BFA" => "Burkina Faso".to_string(),
        "NER" => "Niger".to_string(),
        "NGA" => "Nigeria".to_string(),
        other => other.to_string(),
    };
    codes
        .iter()
        .map(|c| name(c))
        .collect::<Vec<_>>()
        .join(" or ")
}

impl Display for NexusSection {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        let mins: Vec<String> = self
            .closest
            .iter()
            .map(|d| format!("{}: {}", d.year, num(d.km, 0)))
            .collect();
        writeln!(
            f,
            "{}–{}: {} and {} incidents",
            self.a, self.b, self.incidents_a, self.incidents_b
        )?;
        writeln!(f, "  closest approach per year, km: {}", mins.join(", "))?;
        writeln!(
            f,
            "  {} co-located pairs, {} PRIO-GRID cells with both, {} incidents naming both",
            self.colocated_pairs, self.shared_cells, self.joint_incidents
        )?;
        if self.verdict == NexusVerdict::OneGroupAbsent {
            writeln!(f, "  cross-K: - ({})", self.verdict)?;
        } else {
            writeln!(
                f,
                "  cross-K: {} pairs within {} km against {:.0} expected (z = {:.1}), p = {:.3}: {}",
                self.cross_observed,
                self.cross_radius_km,
                self.cross_expected,
                self.cross_z,
                self.cross_p,
                self.verdict
            )?;
        }
        if self.crossroads.is_empty() {
            return Ok(());
        }
        writeln!(
            f,
            "  the gap between their zones, by year (closest: an incident naming both is a pair at 0 km; cells: the gap cells; \
             incidents of the year in the previous year's gap cells):"
        )?;
        writeln!(
            f,
            "    year  closest km  gap km  cells  in last year's gap                          where the gap lies"
        )?;
        for r in &self.crossroads {
            let last = match r.in_last_gap {
                None => "-".to_string(),
                Some(_) if r.last_gap_no_data >= r.last_gap_cells => "no data".to_string(),
                Some(g) if r.last_gap_no_data > 0 => format!(
                    "{} ({} of {} cells no data)",
                    gap_incidents(&g, &self.a, &self.b),
                    r.last_gap_no_data,
                    r.last_gap_cells
                ),
                Some(g) => gap_incidents(&g, &self.a, &self.b),
            };
            let where_ = match (r.gap_km, r.gap_cells.is_empty()) {
                (None, _) => match r.sources_end {
                    Some(end) => format!("one group is absent, or unrecorded: a source ends {end}"),
                    None => "one group is absent".to_string(),
                },
                (Some(w), true) if w <= 0.0 => "the zones touch: no gap".to_string(),
                (Some(_), true) => "no cell centre on the crossing".to_string(),
                (Some(_), false) => gap_areas(r),
            };
            writeln!(
                f,
                "    {:>4}  {:>10}  {:>6}  {:>5}  {:<43} {}",
                r.year,
                num(r.closest_km, 0),
                num(r.gap_km, 0),
                if r.gap_km.is_some() {
                    r.gap_cells.len().to_string()
                } else {
                    "-".to_string()
                },
                last,
                where_
            )?;
        }
        Ok(())
    }
}

/// `12 (JNIM 3, unknown 9)`: incidents in a gap by who they name.
fn gap_incidents(g: &crate::trend::GapIncidents, a: &str, b: &str) -> String {
    let total = g.total();
    let parts: Vec<String> = [
        (a, g.a),
        (b, g.b),
        ("unknown", g.unknown),
        ("other", g.other),
    ]
    .into_iter()
    .filter(|(_, n)| *n > 0)
    .map(|(who, n)| format!("{who} {n}"))
    .collect();
    if parts.is_empty() {
        "0".to_string()
    } else {
        format!("{total} ({})", parts.join(", "))
    }
}

/// `NGA 25 (Kebbi, Sokoto), BEN 16 (Alibori); 3 outside the coverage; holds 2 others`.
fn gap_areas(r: &super::CrossroadsRow) -> String {
    let mut parts: Vec<String> = r
        .areas
        .iter()
        .map(|a| {
            let country = a.country.map_or_else(
                || "outside every country polygon".to_string(),
                |c| c.to_string(),
            );
            // The first admin areas by name; the full list is in the JSON and the layer.
            const SHOWN: usize = 5;
            match a.admin.len() {
                0 => format!("{country} {}", a.cells),
                n if n <= SHOWN => format!("{country} {} ({})", a.cells, a.admin.join(", ")),
                n => format!(
                    "{country} {} ({} and {} more)",
                    a.cells,
                    a.admin[..SHOWN].join(", "),
                    n - SHOWN
                ),
            }
        })
        .collect();
    if parts.is_empty() {
        parts.push(format!(
            "{} cells (no country outlines given)",
            r.gap_cells.len()
        ));
    }
    let mut text = parts.join(", ");
    if !r.no_data_cells.is_empty() {
        text.push_str(&format!(
            "; {} of them no data (outside the coverage, or past a source's end)",
            r.no_data_cells.len()
        ));
    }
    if let Some(end) = r.sources_end {
        text.push_str(&format!("; a source ends {end}"));
    }
    let others = r.in_gap.unknown + r.in_gap.other;
    if others > 0 {
        text.push_str(&format!("; {others} incidents of other actors in it"));
    }
    text
}
