//! The report as text: `Display` for [`CorridorReport`] and its sections.

use crate::io::report::counted;
use std::fmt::{self, Display, Formatter, Write as _};

use super::{
    BorderSection, ClusterSection, CorridorReport, Count, CrossBorder, DataSection,
    ExpansionSection, NexusSection, SiteSection, TempoSection,
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
            Some(n) => writeln!(
                f,
                "\n7. WHERE THE GROUPS MEET (pairs within {} km and {} days; cross-K at {} km, {})\n",
                n.pair_km(),
                n.pair_days(),
                n.cross_k_radius_km(),
                n.cross_k_test()
            )?,
            None => writeln!(
                f,
                "\n7. WHERE THE GROUPS MEET: no pairs of groups asked for\n"
            )?,
        }
        for x in &self.nexus {
            write!(f, "{x}")?;
        }
        Ok(())
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
            ),
            Some(b) => writeln!(
                f,
                "borders: {} countries, {} border lines from {}",
                b.countries,
                b.lines,
                b.files.join(", ")
            ),
        }
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
        }
        Ok(())
    }
}

impl Display for SiteSection {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "\n4. SITES: nearest incident and exposure (great-circle km, incidents whose dates overlap the period)\n"
        )?;
        writeln!(
            f,
            "  {:<24} {:>8} {:>10} {:>7} {:>7} {:>8}  {:>9} {:>6} {:>5}",
            "site", "nearest", "on", "25km", "50km", "100km", "90d trend", "p", "risk%"
        )?;
        writeln!(
            f,
            "  {:<24} {:>8} {:>10} {:>7} {:>7} {:>8}",
            "", "km", "", "90d", "90d", "365d"
        )?;
        for r in &self.rows {
            let e = |km, days| r.exposure(km, days).map_or("-".into(), |n| n.to_string());
            writeln!(
                f,
                "  {:<24} {:>8} {:>10} {:>7} {:>7} {:>8}  {:>4}->{:<4} {:>6.3} {:>5}",
                truncate(&r.name, 24, '~'),
                num(r.nearest_km, 1),
                r.nearest_date.map_or("-".into(), |d| d.to_string()),
                e(25, 90),
                e(50, 90),
                e(100, 365),
                r.trend_previous,
                r.trend_recent,
                r.trend_p,
                num(r.risk_percentile, 1)
            )?;
        }
        writeln!(
            f,
            "  (trend: incidents within {} km in the {} days before the last {}, then the last {}; p of equal rates; risk%: share of corridor H3 cells with lower 50 km kernel risk, 180-day half-life)",
            self.trend_radius_km, self.trend_days, self.trend_days, self.trend_days
        )
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
        let last: Vec<String> = self.last_24.iter().map(u64::to_string).collect();
        writeln!(f, "incidents per month, last 24 months: {}", last.join(" "))?;
        writeln!(
            f,
            "  {:<10} {:>9} {:>9} {:>8} {:>8}  {:>10} {:>8}",
            "series", "last 12m", "12m before", "change", "p", "Sen/month", "MK p"
        )?;
        for r in &self.rows {
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
        writeln!(
            f,
            "  {:>4} {:>6} {:>14} {:>8} {:>9} {:>6} {:>5} {:>9}  change",
            "year", "events", "centroid", "p10 lat", "hull km2", "cells", "new", "km from"
        )?;
        for r in &x.rows {
            writeln!(
                f,
                "  {:>4} {:>6} {:>14} {:>8} {:>9.0} {:>6} {:>5} {:>9}  {}",
                r.year,
                r.events,
                r.centroid
                    .map_or("-".into(), |c| format!("{:.2},{:.2}", c.lon, c.lat)),
                num(r.lat_p10, 2),
                r.hull_km2,
                r.cells,
                r.new_cells,
                num(r.km_from_clusters, 0),
                r.change.map_or("-", SpreadKind::label)
            )?;
        }
        if let Some(s) = &x.spread {
            let (west, east) = (x.front_west, x.front_east);
            let deg = |v: f64, pos: char, neg: char| {
                format!("{} {}", v.abs(), if v >= 0.0 { pos } else { neg })
            };
            writeln!(
                f,
                "southward spread on the Burkina-Togo-Benin front ({} between {} and {}): the \
                 southern edge of its activity (10th-percentile latitude) moved {:.0} km {}, from \
                 {:.2} N in {} to {:.2} N in {}",
                x.group,
                deg(west, 'E', 'W'),
                deg(east, 'E', 'W'),
                s.km_south.abs(),
                if s.km_south >= 0.0 { "south" } else { "north" },
                s.from_lat,
                s.from_year,
                s.to_lat,
                s.to_year
            )?;
        }
        if x.partial_last_year {
            writeln!(
                f,
                "(the last year runs only to {as_of}: its cells and change are against a full year)"
            )?;
        }
        let mut shares = String::new();
        for (k, s) in x.share.iter().enumerate() {
            let sep = if k == 0 { "" } else { ", " };
            let _ = write!(shares, "{sep}{}: {:.0}%", s.year, s.pct);
        }
        writeln!(
            f,
            "share of {} incidents recorded in {}: {shares}",
            x.group,
            country_names(&x.share_countries)
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
        writeln!(
            f,
            "  cross-K: {} pairs within {} km against {:.0} expected (z = {:.1}), p = {:.3}: {}",
            self.cross_observed,
            self.cross_radius_km,
            self.cross_expected,
            self.cross_z,
            self.cross_p,
            self.verdict
        )
    }
}
