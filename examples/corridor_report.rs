//! The corridor report, the crate's main job: where the proximity clusters are and which cross
//! a border, how close violence has come to the brief's sites and whether it is rising, how
//! near the borders it is, whether JNIM is spreading south, and where the armed groups meet.
//! Writes every layer as GeoJSON and a map picture.
//!
//! ```sh
//! cargo run --release --example corridor_report            # the embedded demo data
//! cargo run --release --example corridor_report -- \
//!     --input ../shared/data/ucdp_ged_bfa_gedevents-2025-01-17.csv \
//!     --borders ../shared/data/ne_10m_admin_0_boundary_lines_land_wafrica.geojson
//! ```

mod support;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use conflict_risk::jiff::civil::{Date, date};
use conflict_risk::{
    ActorGroups, BorderBand, BorderPair, Borders, BoundingBox, CellLayer, CountryCode, DateWindow,
    Dbscan, ExpansionSpec, ExtraColumns, Grid, HullShape, Incident, IncidentIndex, IncidentSet,
    KernelSurface, MapLayers, NexusSpec, ReadOptions, Site, SiteRiskSpec, Tempo, WeightPolicy,
    band_counts_by_year, brief_sites, demo_as_of, demo_incidents, expansion, near_border_by_year,
    nexus, read_path, read_sites, render_map, southward_km, summarize, write_clusters_geojson,
    write_geojson,
};
use serde_json::json;
use support::{create, io_error, truncate, usage_error};

const USAGE: &str = "\
usage: corridor_report [--input FILE]... [--borders FILE]... [--sites FILE] [--as-of DATE]
                       [--out DIR]

Without --input, runs on the embedded demo data: three incidents of the corridor brief coded
by hand (Kpendjal, northern Togo, 2022-2024) and 20,000 SYNTHETIC incidents (not real events).

  --input FILE     ACLED CSV, UCDP GED CSV or GeoJSON (detected from the content); repeat it
                   to combine files
  --borders FILE   Natural Earth style GeoJSON: country polygons (ADM0_A3) and/or border
                   lines (adm0_a3_l, adm0_a3_r); repeat it for both. Without it the report
                   looks in $CONFLICT_RISK_DATA, then ../shared/data, for the Natural Earth
                   files, and leaves border figures out if there are none
  --sites FILE     CSV with name,latitude,longitude [the brief's sites, the Kpekakandi base
                   area first]
  --as-of DATE     YYYY-MM-DD; incidents after it are left out of every figure [the latest
                   incident's last day; 2024-12-31 for the demo]
  --out DIR        folder for the layers and map.png [corridor_report_out]
  -h, --help       this text

Figures: clusters are great-circle DBSCAN (25 km, 5 incidents) over the last 365 days;
border distances are great-circle km to the nearest Natural Earth border line; site exposure
counts incidents whose date span overlaps the period; trends are Mann-Kendall with Sen's slope;
the nexus test shuffles group labels 999 times.";

struct Args {
    inputs: Vec<PathBuf>,
    borders: Vec<PathBuf>,
    sites: Option<PathBuf>,
    as_of: Option<Date>,
    out: PathBuf,
}

fn parse() -> Result<Args, lexopt::Error> {
    use lexopt::prelude::*;
    let mut a = Args {
        inputs: Vec::new(),
        borders: Vec::new(),
        sites: None,
        as_of: None,
        out: PathBuf::from("corridor_report_out"),
    };
    let mut p = lexopt::Parser::from_env();
    while let Some(arg) = p.next()? {
        match arg {
            Long("input") => a.inputs.push(p.value()?.into()),
            Long("borders") => a.borders.push(p.value()?.into()),
            Long("sites") => a.sites = Some(p.value()?.into()),
            Long("as-of") => a.as_of = Some(p.value()?.parse()?),
            Long("out") => a.out = p.value()?.into(),
            Short('h') | Long("help") => {
                println!("{USAGE}");
                std::process::exit(0);
            }
            _ => return Err(arg.unexpected()),
        }
    }
    Ok(a)
}

fn main() {
    let args = parse().unwrap_or_else(|e| usage_error(e, USAGE));
    if let Err(e) = run(&args) {
        eprintln!("error: {e}");
        std::process::exit(1);
    }
}

const CORRIDOR: (f64, f64, f64, f64) = (-6.0, 4.0, 15.0, 16.0);
const NATURAL_EARTH: [&str; 2] = [
    "ne_50m_admin_0_countries_wafrica.geojson",
    "ne_10m_admin_0_boundary_lines_land_wafrica.geojson",
];

fn run(args: &Args) -> conflict_risk::Result<()> {
    // ---- the data
    let mut incidents: Vec<Incident> = Vec::new();
    let mut sources: Vec<String> = Vec::new();
    let mut load_lines: Vec<String> = Vec::new();
    if args.inputs.is_empty() {
        incidents = demo_incidents();
        sources.push(
            "embedded demo: 3 hand-coded + 20,000 SYNTHETIC incidents (not real events)".into(),
        );
    }
    for path in &args.inputs {
        let loaded = read_path(path, ReadOptions::new())?;
        let r = &loaded.report;
        load_lines.push(format!(
            "{}: {} ({}), {} rows read, {} accepted, {} rejected, {} warnings",
            path.display(),
            r.format,
            r.layout,
            r.rows_seen,
            r.accepted,
            r.rejected.len(),
            r.warnings.len()
        ));
        for rej in r.rejected.iter().take(3) {
            load_lines.push(format!(
                "    rejected line {}: {:?}",
                rej.line, rej.problems
            ));
        }
        sources.push(path.display().to_string());
        incidents.extend(loaded.incidents);
    }
    let as_of = args.as_of.unwrap_or_else(|| {
        if args.inputs.is_empty() {
            demo_as_of()
        } else {
            incidents
                .iter()
                .map(|i| i.date.end)
                .max()
                .unwrap_or_else(demo_as_of)
        }
    });
    let later = incidents.iter().filter(|i| i.date.start > as_of).count();
    incidents.retain(|i| i.date.start <= as_of);
    let (set, validation) = IncidentSet::validate(incidents);
    let index = IncidentIndex::new(&set);
    let groups = ActorGroups::corridor();

    let first = set.incidents().iter().map(|i| i.date.start).min();
    println!("CORRIDOR REPORT, as of {as_of}");
    println!("{}", "=".repeat(72));
    println!("\n1. THE DATA\n");
    for s in &sources {
        println!("source: {s}");
    }
    for l in &load_lines {
        println!("{l}");
    }
    println!(
        "{} incidents from {} to {as_of}; {later} after the as-of date left out; {} rejected by validation, {} kept with warnings",
        set.len(),
        first.map_or("-".into(), |d| d.to_string()),
        validation.rejected.len(),
        validation.warnings.len()
    );
    let mut by_country: BTreeMap<String, usize> = BTreeMap::new();
    for i in set.incidents() {
        *by_country
            .entry(i.country.map_or("?".into(), |c| c.to_string()))
            .or_default() += 1;
    }
    println!("by recorded country: {}", list(&by_country));

    // ---- borders
    let mut border_files = if args.borders.is_empty() {
        default_borders()
    } else {
        args.borders.clone()
    };
    // Border lines alone give distances; the country check needs polygons: take the Natural
    // Earth countries from the data folder when they were not given.
    if !args.borders.is_empty() && !args.borders.iter().any(|p| has_polygons(p)) {
        border_files.extend(default_borders().into_iter().filter(|p| has_polygons(p)));
    }
    let borders = if border_files.is_empty() {
        println!("borders: none given and no Natural Earth files found; border figures left out");
        None
    } else {
        let b = Borders::from_paths(&border_files)?;
        println!(
            "borders: {} countries, {} border lines from {}",
            b.countries().len(),
            b.lines().len(),
            border_files
                .iter()
                .map(|p| p.file_name().map_or(p.display().to_string(), |n| n
                    .to_string_lossy()
                    .into_owned()))
                .collect::<Vec<_>>()
                .join(", ")
        );
        Some(b)
    };
    let places = borders.as_ref().map(|b| b.place_all(&set));

    // ---- 2. clusters over the last 365 days
    println!("\n2. PROXIMITY CLUSTERS, last 365 days (great-circle DBSCAN, 25 km, 5 incidents)\n");
    let year = DateWindow::last_days(as_of, 365)?;
    let recent: Vec<Incident> = set
        .incidents()
        .iter()
        .filter(|i| i.date.end >= year.first_day())
        .cloned()
        .collect();
    let (recent_set, _) = IncidentSet::validate(recent);
    let recent_index = IncidentIndex::new(&recent_set);
    let clustering = Dbscan::new(25.0, 5)?.run(&recent_index);
    let summaries = summarize(&recent_set, &clustering, HullShape::Convex)?;
    let recent_places = borders.as_ref().map(|b| b.place_all(&recent_set));
    let crossing: BTreeMap<u32, String> = match (&borders, &recent_places) {
        (Some(b), Some(p)) => b
            .cross_border_clusters(&clustering, &summaries, p)
            .into_iter()
            .map(|c| {
                let members: Vec<String> = c
                    .countries
                    .iter()
                    .map(|(k, n)| format!("{k} {n}"))
                    .collect();
                let crosses: Vec<String> = c.hull_crosses.iter().map(|p| p.to_string()).collect();
                let text = match (members.len() > 1, crosses.is_empty()) {
                    (true, true) => members.join(", "),
                    (true, false) => {
                        format!("{}; hull crosses {}", members.join(", "), crosses.join(" "))
                    }
                    (false, _) => format!("hull crosses {}", crosses.join(" ")),
                };
                (c.cluster, text)
            })
            .collect(),
        _ => summaries
            .iter()
            .filter(|s| s.cross_border)
            .map(|s| (s.id.get(), "recorded countries differ".to_string()))
            .collect(),
    };
    println!(
        "{} incidents, {} clusters, {} cross a border, {} incidents are noise",
        recent_set.len(),
        clustering.cluster_count(),
        crossing.len(),
        clustering.noise_count()
    );
    let mut largest: Vec<_> = summaries.iter().collect();
    largest.sort_by(|a, b| b.count.cmp(&a.count).then(a.id.cmp(&b.id)));
    println!(
        "\n  {:>3} {:>6} {:>6} {:>7}  {:<12} {:<24} cross-border",
        "#", "events", "deaths", "km", "centre", "top actor"
    );
    for s in largest.iter().take(10) {
        let cross = crossing.get(&s.id.get());
        println!(
            "  {:>3} {:>6} {:>6} {:>7.1}  {:>5.2},{:<6.2} {:<24} {}",
            s.id.get(),
            s.count,
            s.fatalities.best,
            s.radius_km,
            s.centroid.x(),
            s.centroid.y(),
            truncate(s.actors.first().map_or("-", |(a, _)| a.as_str()), 24, '~'),
            cross.map_or(String::new(), |c| format!("X {c}"))
        );
    }

    // ---- 3. borders
    if let (Some(b), Some(p)) = (&borders, &places) {
        println!("\n3. BORDERS\n");
        let disagree: Vec<(&Incident, &conflict_risk::BorderPlace)> = set
            .incidents()
            .iter()
            .zip(p.iter())
            .filter(|(_, p)| p.disagrees)
            .collect();
        let in_none = disagree.iter().filter(|(_, p)| p.country.is_none()).count();
        println!(
            "{} incidents lie in another country's polygon than their record names, and {in_none} \
             in none of the {} loaded polygons{}",
            disagree.len() - in_none,
            b.countries().len(),
            if disagree.is_empty() {
                String::new()
            } else {
                ":".into()
            }
        );
        for (i, pl) in disagree.iter().take(8) {
            println!(
                "  {:<10} recorded {}, lies in {} at ({:.4}, {:.4})",
                i.source_id.as_str(),
                pl.recorded.map_or("?".into(), |c| c.to_string()),
                pl.country.map_or("no country".into(), |c| c.to_string()),
                i.lon,
                i.lat
            );
        }
        println!("\nshare of incidents by distance to the nearest border (OECD-SWAC bands):");
        println!(
            "  {:>6} {:>7}  {}",
            "year",
            "events",
            BorderBand::ALL
                .map(|b| format!("{:>9}", b.label()))
                .join("")
        );
        for (y, counts) in band_counts_by_year(&set, p, None)
            .iter()
            .rev()
            .take(8)
            .rev()
        {
            let total: u64 = counts.iter().sum();
            let shares: String = counts
                .iter()
                .map(|&c| format!("{:>8.0}%", 100.0 * c as f64 / total as f64))
                .collect();
            println!("  {y:>6} {total:>7}  {shares}");
        }
        let bfa = CountryCode::new("BFA");
        for other in ["TGO", "BEN"] {
            if let (Some(a), Some(o)) = (bfa, CountryCode::new(other)) {
                let pair = BorderPair::new(a, o);
                let counts = near_border_by_year(b, &set, pair, 100.0);
                println!(
                    "incidents within 100 km of the {pair} border, by year: {}",
                    list_years(&counts)
                );
            }
        }
    }

    // ---- 4. sites
    let sites: Vec<Site> = match &args.sites {
        Some(path) => read_sites(path)?,
        None => brief_sites()
            .into_iter()
            .map(|p| Site::new(p.name, p.lon, p.lat))
            .collect::<conflict_risk::Result<_>>()?,
    };
    let region = BoundingBox::new(CORRIDOR.0, CORRIDOR.1, CORRIDOR.2, CORRIDOR.3)?;
    let cells = Grid::h3(5)?.cover(&region)?;
    let policy = WeightPolicy::new(as_of).half_life_days(180.0)?;
    let kernel = KernelSurface::new(50.0, policy)?;
    let surface = kernel.compute(&index, &cells);
    println!(
        "\n4. SITES: nearest incident and exposure (great-circle km, incidents whose dates overlap the period)\n"
    );
    println!(
        "  {:<24} {:>8} {:>10} {:>7} {:>7} {:>8}  {:>9} {:>6} {:>5}",
        "site", "nearest", "on", "25km", "50km", "100km", "90d trend", "p", "risk%"
    );
    println!(
        "  {:<24} {:>8} {:>10} {:>7} {:>7} {:>8}",
        "", "km", "", "90d", "90d", "365d"
    );
    let spec = SiteRiskSpec::default();
    for site in &sites {
        let r = spec.assess(&index, site, as_of, Some((&kernel, &surface)))?;
        let e = |km, d| {
            r.exposure
                .iter()
                .find(|x| x.radius_km == km && x.days == d)
                .map_or(0, |x| x.incidents)
        };
        let (km, on) = r.nearest.as_ref().map_or(("-".into(), "-".into()), |n| {
            (format!("{:.1}", n.distance_km), n.date.to_string())
        });
        println!(
            "  {:<24} {:>8} {:>10} {:>7} {:>7} {:>8}  {:>4}->{:<4} {:>6.3} {:>5.1}",
            truncate(&site.name, 24, '~'),
            km,
            on,
            e(25, 90),
            e(50, 90),
            e(100, 365),
            r.trend.previous,
            r.trend.recent,
            r.trend.p_value,
            r.percentile.unwrap_or(f64::NAN)
        );
    }
    println!(
        "  (trend: incidents within 50 km in the 90 days before the last 90, then the last 90; p of equal rates; risk%: share of corridor H3 cells with lower 50 km kernel risk, 180-day half-life)"
    );

    // ---- 5. tempo
    println!("\n5. TEMPO\n");
    let from = as_of
        .checked_sub(conflict_risk::jiff::Span::new().years(2))
        .unwrap_or(as_of);
    // Whole months only: a month cut short by the as-of date would look like a fall.
    let month_end = match as_of.tomorrow() {
        Ok(next) if next.day() == 1 => as_of,
        _ => as_of.first_of_month().yesterday().unwrap_or(as_of),
    };
    if month_end != as_of {
        println!("(the month of the as-of date is not complete: the series end on {month_end})");
    }
    let tempo = Tempo::new(
        set.incidents(),
        &groups,
        first.unwrap_or(from).max(date(1989, 1, 1)).min(month_end),
        month_end,
    )?;
    let last24: Vec<String> = tempo
        .incidents
        .iter()
        .rev()
        .take(24)
        .rev()
        .map(u64::to_string)
        .collect();
    println!("incidents per month, last 24 months: {}", last24.join(" "));
    let series: Vec<(String, Option<&[u64]>)> = std::iter::once(("all".to_string(), None))
        .chain(["TGO", "BEN", "BFA", "NGA"].iter().filter_map(|c| {
            tempo
                .by_country
                .get(*c)
                .map(|s| (c.to_string(), Some(s.as_slice())))
        }))
        .chain(["JNIM", "IS Sahel", "Ansaru"].iter().filter_map(|g| {
            tempo
                .by_group
                .get(*g)
                .map(|s| (g.to_string(), Some(s.as_slice())))
        }))
        .collect();
    println!(
        "  {:<10} {:>9} {:>9} {:>8} {:>8}  {:>10} {:>8}",
        "series", "last 12m", "12m before", "change", "p", "Sen/month", "MK p"
    );
    for (name, s) in &series {
        let yoy = tempo.year_on_year(*s).map_or(
            format!("{:>9} {:>9} {:>8} {:>8}", "-", "-", "-", "-"),
            |y| {
                format!(
                    "{:>9} {:>9} {:>7.0}% {:>8.3}",
                    y.last_12, y.previous_12, y.change_pct, y.p_value
                )
            },
        );
        let mk = tempo
            .trend(*s, 24)
            .map_or(format!("{:>10} {:>8}", "-", "-"), |mk| {
                format!("{:>+10.2} {:>8.3}", mk.slope, mk.p)
            });
        println!("  {name:<10} {yoy}  {mk}");
    }
    if tempo.months.len() < 24 {
        println!("  (fewer than 24 months: the year-on-year change is not computed)");
    }

    // ---- 6. expansion
    println!(
        "\n6. EXPANSION OF JNIM, by year (PRIO-GRID cells; new: no activity the year before)\n"
    );
    let jnim = groups.position("JNIM");
    let is_jnim = |i: &Incident| jnim.is_some_and(|g| groups.involves(g, i));
    // Whole years: from January of the first year with data, at most six years back.
    let first_year = first
        .map_or(as_of.year(), |d| d.year())
        .max(as_of.year() - 6);
    let start = date(first_year, 1, 1);
    let steps = expansion(
        set.incidents(),
        is_jnim,
        &ExpansionSpec::yearly()?,
        start,
        as_of,
    )?;
    println!(
        "  {:>4} {:>6} {:>14} {:>8} {:>9} {:>6} {:>5} {:>9}  change",
        "year", "events", "centroid", "p10 lat", "hull km2", "cells", "new", "km from"
    );
    for s in &steps {
        println!(
            "  {:>4} {:>6} {:>14} {:>8} {:>9.0} {:>6} {:>5} {:>9}  {}",
            s.start.year(),
            s.incidents,
            s.centroid
                .map_or("-".into(), |c| format!("{:.2},{:.2}", c.x(), c.y())),
            s.lat_p10.map_or("-".into(), |v| format!("{v:.2}")),
            s.hull_area_km2,
            s.active_cells,
            s.new_cells,
            s.new_km_from_previous_clusters
                .map_or("-".into(), |v| format!("{v:.0}")),
            s.change
                .map_or("-".into(), |c| format!("{c:?}").to_lowercase())
        );
    }
    // The southward front: JNIM between 1.5 W and 4 E (eastern Burkina, Togo, Benin), where
    // the brief watches the spread.
    let on_front = |i: &Incident| is_jnim(i) && (-1.5..=4.0).contains(&i.lon);
    let front = expansion(
        set.incidents(),
        on_front,
        &ExpansionSpec::yearly()?,
        start,
        as_of,
    )?;
    let active: Vec<_> = front.iter().filter(|s| s.incidents >= 10).collect();
    if let (Some(a), Some(b)) = (active.first(), active.last())
        && a.start != b.start
        && let (Some(km), Some(lat_a), Some(lat_b)) = (southward_km(a, b), a.lat_p10, b.lat_p10)
    {
        println!(
            "southward spread on the Burkina-Togo-Benin front (JNIM between 1.5 W and 4 E): the \
             southern edge of its activity (10th-percentile latitude) moved {:.0} km {}, from \
             {lat_a:.2} N in {} to {lat_b:.2} N in {}",
            km.abs(),
            if km >= 0.0 { "south" } else { "north" },
            a.start.year(),
            b.start.year()
        );
    }
    let mut shares = Vec::new();
    if as_of.month() != 12 || as_of.day() != 31 {
        println!(
            "(the last year runs only to {as_of}: its cells and change are against a full year)"
        );
    }
    for s in &steps {
        let y = s.start.year();
        let (mut all, mut tb) = (0u64, 0u64);
        for i in set
            .incidents()
            .iter()
            .filter(|i| i.date.start.year() == y && is_jnim(i))
        {
            all += 1;
            tb += u64::from(
                i.country
                    .is_some_and(|c| c.as_str() == "TGO" || c.as_str() == "BEN"),
            );
        }
        if all > 0 {
            shares.push(format!("{y}: {:.0}%", 100.0 * tb as f64 / all as f64));
        }
    }
    println!(
        "share of JNIM incidents recorded in Togo or Benin: {}",
        shares.join(", ")
    );

    // ---- 7. nexus
    println!(
        "\n7. WHERE THE GROUPS MEET (pairs within 50 km and 30 days; cross-K at 50 km, 999 label shuffles)\n"
    );
    let nexus_from = start;
    for other in ["Ansaru", "IS Sahel"] {
        let n = nexus(
            &index,
            &groups,
            "JNIM",
            other,
            &NexusSpec::default(),
            nexus_from,
            as_of,
        )?;
        let mins: Vec<String> = n
            .min_km_by_period
            .iter()
            .map(|(d, km)| {
                format!(
                    "{}: {}",
                    d.year(),
                    km.map_or("-".into(), |k| format!("{k:.0}"))
                )
            })
            .collect();
        println!(
            "JNIM–{other}: {} and {} incidents",
            n.incidents.0, n.incidents.1
        );
        println!("  closest approach per year, km: {}", mins.join(", "));
        println!(
            "  {} co-located pairs, {} PRIO-GRID cells with both, {} incidents naming both",
            n.colocated_pairs, n.shared_cells, n.joint_incidents
        );
        let k = n.cross_k;
        let verdict = if n.incidents.0 == 0 || n.incidents.1 == 0 {
            "one group is absent".to_string()
        } else if k.p_value <= 0.05 {
            "closer than chance".to_string()
        } else {
            "not closer than chance".to_string()
        };
        println!(
            "  cross-K: {} pairs within {} km against {:.0} expected, p = {:.3}: {verdict}",
            k.observed, k.radius_km, k.expected, k.p_value
        );
    }

    // ---- layers and the map
    std::fs::create_dir_all(&args.out).map_err(io_error(&args.out))?;
    let mut extra = ExtraColumns::new();
    if let Some(p) = &places {
        extra = extra.with(
            "border_km",
            p.iter()
                .map(|x| {
                    x.nearest.map_or(json!(null), |n| {
                        json!((n.distance_km * 1000.0).round() / 1000.0)
                    })
                })
                .collect::<Vec<_>>(),
        )?;
        extra = extra.with(
            "nearest_border",
            p.iter()
                .map(|x| x.nearest.map_or(json!(null), |n| json!(n.pair.to_string())))
                .collect::<Vec<_>>(),
        )?;
        extra = extra.with(
            "country_by_polygon",
            p.iter()
                .map(|x| x.country.map_or(json!(null), |c| json!(c.to_string())))
                .collect::<Vec<_>>(),
        )?;
    }
    extra = extra.with(
        "groups",
        set.incidents()
            .iter()
            .map(|i| json!(groups.names_of(i).join("; ")))
            .collect::<Vec<_>>(),
    )?;
    let incidents_path = args.out.join("incidents.geojson");
    write_geojson(create(&incidents_path)?, set.incidents(), &extra)?;
    let clusters_path = args.out.join("clusters.geojson");
    write_clusters_geojson(create(&clusters_path)?, &summaries)?;
    let cells_path = args.out.join("risk_cells.geojson");
    CellLayer::from_surface(&surface).write_geojson(create(&cells_path)?)?;
    let map_path = args.out.join("map.png");
    let hulls: Vec<(&conflict_risk::ClusterSummary, bool)> = summaries
        .iter()
        .map(|s| (s, crossing.contains_key(&s.id.get())))
        .collect();
    let title =
        "Conflict incidents and risk, Burkina Faso - Niger - Togo - Benin - Nigeria corridor";
    let note = format!(
        "Data: {}. Risk: 50 km quartic kernel on H3 resolution 5, 180-day half-life. Clusters: DBSCAN 25 km / 5 over the last 365 days.",
        sources.join("; ")
    );
    let recent_incidents = recent_set.incidents();
    render_map(
        &MapLayers {
            extent: region,
            title,
            as_of,
            note: &note,
            borders: borders.as_ref(),
            surface: Some(&surface),
            clusters: &hulls,
            incidents: recent_incidents,
            groups: &groups,
            sites: &sites,
        },
        &map_path,
        1800,
    )?;
    println!(
        "\nwrote {}, {}, {} and {}",
        incidents_path.display(),
        clusters_path.display(),
        cells_path.display(),
        map_path.display()
    );
    Ok(())
}

/// The Natural Earth files in $CONFLICT_RISK_DATA or ../shared/data, if present.
fn default_borders() -> Vec<PathBuf> {
    let dirs = [
        std::env::var_os("CONFLICT_RISK_DATA").map(PathBuf::from),
        Some(Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data")),
    ];
    for dir in dirs.into_iter().flatten() {
        let found: Vec<PathBuf> = NATURAL_EARTH
            .iter()
            .map(|n| dir.join(n))
            .filter(|p| p.is_file())
            .collect();
        if !found.is_empty() {
            return found;
        }
    }
    Vec::new()
}

/// Whether a GeoJSON file holds country polygons (a cheap look at its text).
fn has_polygons(path: &Path) -> bool {
    std::fs::read_to_string(path)
        .is_ok_and(|t| t.contains("\"Polygon\"") || t.contains("\"MultiPolygon\""))
}

fn list(m: &BTreeMap<String, usize>) -> String {
    m.iter()
        .map(|(k, n)| format!("{k} {n}"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn list_years(m: &BTreeMap<i16, u64>) -> String {
    if m.is_empty() {
        return "none".into();
    }
    m.iter()
        .map(|(y, n)| format!("{y}: {n}"))
        .collect::<Vec<_>>()
        .join(", ")
}
