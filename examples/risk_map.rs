//! A risk map of an analyst's own export: a kernel density surface on H3 or PRIO-GRID cells,
//! Gi* hot spots, emerging hot spots by quarter, and the risk at named sites.
//!
//! ```sh
//! cargo run --release --example risk_map -- --input events.csv --grid h3 --resolution 5 \
//!     --bandwidth-km 50 --half-life-days 180 --sites sites.csv --out risk_map_out
//! ```

mod support;

use std::path::PathBuf;

use conflict_risk::jiff::civil::Date;
use conflict_risk::{
    BoundingBox, CellLayer, CellSeries, DEMO_AS_OF, GiStar, Grid, IncidentIndex, Kernel,
    KernelSurface, Neighbours, Site, SiteRiskSpec, SliceLength, WeightPolicy, bin_by_cell,
    brief_sites, emerging_hot_spots, read_sites,
};
use support::{create, io_error, load_input, timed, truncate, usage_error};

const USAGE: &str = "\
usage: risk_map [--input FILE] [--grid h3|prio] [--resolution R] [--bandwidth-km KM]
                [--kernel K] [--half-life-days D] [--as-of DATE] [--since DATE]
                [--region W,S,E,N] [--sites FILE] [--permutations N] [--top N] [--out DIR]

Maps where violence concentrates. Every incident up to the as-of date is weighted (optionally
halved every D days before it), then:
  - a kernel density surface: per cell, the sum of weight x K(d/h) over incidents within the
    bandwidth h of the cell centre, d the great-circle distance;
  - Getis-Ord Gi* hot spots on the weighted incident count per cell, neighbours within the
    bandwidth (cells at 99/95/90% confidence, Benjamini-Hochberg corrected);
  - emerging hot spots: space-time Gi* per quarter since --since, with a Mann-Kendall trend;
  - the risk at each site: nearest incident, incidents and deaths within 10/25/50/100 km over
    the last 30/90/365 days, the 90-day trend within 50 km, and the kernel risk there.

  --input FILE          ACLED CSV, UCDP GED CSV or GeoJSON (detected from the content);
                        without it, the embedded demo data (3 hand-coded + 20,000 SYNTHETIC)
  --grid G              h3 (hexagons) or prio (PRIO-GRID 0.5 degree squares) [h3]
  --resolution R        H3 resolution 0-15 (5: cells of about 250 km2) [5]
  --bandwidth-km KM     kernel bandwidth, great-circle kilometres [50]
  --kernel K            quartic, epanechnikov, triangular, uniform or gaussian [quartic]
  --half-life-days D    halve an incident's weight every D days before the as-of date [off]
  --as-of DATE          YYYY-MM-DD; later incidents are left out [the latest incident's date]
  --since DATE          first day of the emerging hot-spot series [3 years before the as-of date]
  --region W,S,E,N      lon/lat box to map, degrees [-6,4,15,16: the corridor]
  --sites FILE          CSV with name,latitude,longitude [the brief's sites]
  --permutations N      also compute Gi* pseudo p-values from N permutations [0]
  --top N               cells shown in the table [10]
  --out DIR             folder for risk_cells.geojson and risk_cells.csv [risk_map_out]
  -h, --help            this text";

struct Args {
    input: Option<PathBuf>,
    grid: Grid,
    bandwidth_km: f64,
    kernel: Kernel,
    half_life_days: Option<f64>,
    as_of: Option<Date>,
    since: Option<Date>,
    region: BoundingBox,
    sites: Option<PathBuf>,
    permutations: usize,
    top: usize,
    out: PathBuf,
}

fn parse() -> Result<Args, Box<dyn std::error::Error>> {
    use lexopt::prelude::*;
    let mut grid = "h3".to_string();
    let mut resolution: u8 = 5;
    let mut a = Args {
        input: None,
        grid: Grid::PrioGrid,
        bandwidth_km: 50.0,
        kernel: Kernel::Quartic,
        half_life_days: None,
        as_of: None,
        since: None,
        region: BoundingBox::new(-6.0, 4.0, 15.0, 16.0)?,
        sites: None,
        permutations: 0,
        top: 10,
        out: PathBuf::from("risk_map_out"),
    };
    let mut p = lexopt::Parser::from_env();
    while let Some(arg) = p.next()? {
        match arg {
            Long("input") => a.input = Some(p.value()?.into()),
            Long("grid") => grid = p.value()?.parse()?,
            Long("resolution") => resolution = p.value()?.parse()?,
            Long("bandwidth-km") => a.bandwidth_km = p.value()?.parse()?,
            Long("kernel") => {
                a.kernel = match p.value()?.parse::<String>()?.as_str() {
                    "quartic" => Kernel::Quartic,
                    "epanechnikov" => Kernel::Epanechnikov,
                    "triangular" => Kernel::Triangular,
                    "uniform" => Kernel::Uniform,
                    "gaussian" => Kernel::TruncatedGaussian,
                    other => return Err(format!("unknown kernel {other:?}").into()),
                }
            }
            Long("half-life-days") => a.half_life_days = Some(p.value()?.parse()?),
            Long("as-of") => a.as_of = Some(p.value()?.parse()?),
            Long("since") => a.since = Some(p.value()?.parse()?),
            Long("region") => {
                let text: String = p.value()?.parse()?;
                let v: Vec<f64> = text
                    .split(',')
                    .map(|s| s.trim().parse::<f64>())
                    .collect::<Result<_, _>>()?;
                let [w, s, e, n] = v[..] else {
                    return Err("--region needs four numbers: W,S,E,N".into());
                };
                a.region = BoundingBox::new(w, s, e, n)?;
            }
            Long("sites") => a.sites = Some(p.value()?.into()),
            Long("permutations") => a.permutations = p.value()?.parse()?,
            Long("top") => a.top = p.value()?.parse()?,
            Long("out") => a.out = p.value()?.into(),
            Short('h') | Long("help") => {
                println!("{USAGE}");
                std::process::exit(0);
            }
            _ => return Err(arg.unexpected().into()),
        }
    }
    a.grid = match grid.as_str() {
        "h3" => Grid::h3(resolution)?,
        "prio" => Grid::PrioGrid,
        other => return Err(format!("unknown grid {other:?}: use h3 or prio").into()),
    };
    if !a.bandwidth_km.is_finite() || a.bandwidth_km <= 0.0 {
        return Err("--bandwidth-km must be above 0".into());
    }
    if a.half_life_days.is_some_and(|d| !d.is_finite() || d <= 0.0) {
        return Err("--half-life-days must be above 0".into());
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

fn run(args: &Args) -> conflict_risk::Result<()> {
    let (set, _) = load_input(args.input.as_deref())?;
    let as_of = match (args.as_of, &args.input) {
        (Some(d), _) => d,
        (None, None) => DEMO_AS_OF,
        (None, Some(_)) => set
            .incidents()
            .iter()
            .map(|i| i.date.end)
            .max()
            .unwrap_or(DEMO_AS_OF),
    };
    let mut policy = WeightPolicy::new(as_of);
    if let Some(d) = args.half_life_days {
        policy = policy.half_life_days(d)?;
    }
    let index = IncidentIndex::new(&set);
    let (cells, cover_s) = timed(|| args.grid.cover(&args.region));
    let cells = cells?;
    let spec = KernelSurface::new(args.bandwidth_km, policy.clone())?.kernel(args.kernel);
    let (surface, surface_s) = timed(|| spec.compute(&index, &cells));
    let w = &surface.weights;
    println!(
        "\nas of {as_of}: {} incidents weighted; {} after the as-of date left out; \
         half-life {}",
        w.weighted,
        w.after_as_of,
        args.half_life_days
            .map_or("none".to_string(), |d| format!("{d} days"))
    );
    println!(
        "{} cells ({}) over lon {}..{}, lat {}..{}; {:.3} s to cover, {:.3} s for the {:?} \
         kernel at {} km",
        cells.len(),
        grid_name(args.grid),
        args.region.west(),
        args.region.east(),
        args.region.south(),
        args.region.north(),
        cover_s,
        surface_s,
        args.kernel,
        args.bandwidth_km
    );

    // Gi* on the weighted count per cell.
    let (counts, outside) = bin_by_cell(set.incidents(), &cells, &policy)?;
    let centres: Vec<_> = surface.cells.iter().map(|c| c.centre).collect();
    let gi = GiStar::new(Neighbours::DistanceBand {
        km: args.bandwidth_km,
    })?
    .permutations(args.permutations)
    .fdr(true)
    .compute(&centres, &counts);
    let gi = match gi {
        Ok(gi) => Some(gi),
        Err(e) => {
            println!("Gi* not computed: {e}");
            None
        }
    };
    if outside > 0 {
        println!("{outside} weighted incidents lie outside the mapped region");
    }

    // Emerging hot spots by quarter.
    let since = args.since.unwrap_or_else(|| {
        as_of
            .checked_sub(conflict_risk::jiff::Span::new().years(3))
            .unwrap_or(as_of)
    });
    let trend_policy = WeightPolicy::new(as_of); // no decay: it would make every series rise
    let series = CellSeries::new(
        set.incidents(),
        &cells,
        &trend_policy,
        SliceLength::Quarter,
        since,
    )?;
    let emerging = emerging_hot_spots(
        &series,
        Neighbours::DistanceBand {
            km: args.bandwidth_km,
        },
        1,
        0.05,
    );
    let emerging = match emerging {
        Ok(e) => Some(e),
        Err(e) => {
            println!("emerging hot spots not computed: {e}");
            None
        }
    };

    println!(
        "\n{:<16} {:>9} {:>8} {:>7} {:>8} {:>6} {:>7}  emerging ({} quarters from {since})",
        "cell",
        "centre",
        "risk",
        "events",
        "deaths",
        "Gi* z",
        "bin",
        series.slices.len()
    );
    let position: std::collections::HashMap<_, _> =
        cells.iter().enumerate().map(|(k, c)| (*c, k)).collect();
    for c in surface.top(args.top) {
        let k = position[&c.cell];
        let (z, bin) = gi.as_ref().map_or((f64::NAN, 0), |g| (g[k].z, g[k].bin));
        let class = emerging.as_ref().map_or("-".to_string(), |e| {
            serde_json::to_value(e[k].class)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default()
        });
        println!(
            "{:<16} {:>4.1},{:>4.1} {:>8.3} {:>7} {:>8} {:>6.2} {:>7}  {class}",
            c.cell.to_string(),
            c.centre.x(),
            c.centre.y(),
            c.normalised,
            c.count,
            c.fatalities,
            z,
            bin
        );
    }
    if let Some(e) = &emerging {
        let mut classes: std::collections::BTreeMap<String, usize> = Default::default();
        for cell in e {
            let name = serde_json::to_value(cell.class)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default();
            if name != "no_pattern" {
                *classes.entry(name).or_default() += 1;
            }
        }
        let list: Vec<String> = classes.iter().map(|(k, n)| format!("{k} {n}")).collect();
        println!(
            "emerging patterns: {}",
            if list.is_empty() {
                "none".to_string()
            } else {
                list.join(", ")
            }
        );
    }

    // Sites.
    let sites: Vec<Site> = match &args.sites {
        Some(path) => read_sites(path)?,
        None => brief_sites()
            .into_iter()
            .map(|p| Site::new(p.name, p.lon, p.lat))
            .collect::<conflict_risk::Result<_>>()?,
    };
    println!(
        "\n{:<22} {:>11} {:>10} {:>9} {:>9} {:>9}  {:>6} {:>5} {:>5}  top actor (100 km, 365 d)",
        "site", "nearest km", "on", "25km/90d", "50km/90d", "100km/1y", "trend", "p", "pct"
    );
    let spec_site = SiteRiskSpec::default();
    for site in &sites {
        let r = spec_site.assess(&index, site, as_of, Some((&spec, &surface)))?;
        let exp = |km: u32, d: u32| {
            r.exposure
                .iter()
                .find(|e| e.radius_km == km && e.days == d)
                .map_or(0, |e| e.incidents)
        };
        let (near_km, near_on) = r.nearest.as_ref().map_or(("-".into(), "-".into()), |n| {
            (format!("{:.1}", n.distance_km), n.date.to_string())
        });
        println!(
            "{:<22} {:>11} {:>10} {:>9} {:>9} {:>9}  {:>2}->{:<3} {:>5.3} {:>5.1}  {}",
            truncate(&r.site.name, 22, '…'),
            near_km,
            near_on,
            exp(25, 90),
            exp(50, 90),
            exp(100, 365),
            r.trend.previous,
            r.trend.recent,
            r.trend.p_value,
            r.percentile.unwrap_or(f64::NAN),
            r.actors.first().map_or("-".to_string(), |(a, n)| format!(
                "{} ({n})",
                truncate(a, 40, '…')
            ))
        );
    }

    // Layers.
    std::fs::create_dir_all(&args.out).map_err(io_error(&args.out))?;
    let mut layer = CellLayer::from_surface(&surface);
    layer.push_column(
        "weighted_count",
        counts.iter().map(|&v| serde_json::json!(v)).collect(),
    )?;
    if let Some(gi) = &gi {
        layer.push_gi(gi)?;
    }
    if let Some(e) = &emerging {
        layer.push_emerging(e)?;
    }
    let geojson = args.out.join("risk_cells.geojson");
    let csv = args.out.join("risk_cells.csv");
    layer.write_geojson(create(&geojson)?)?;
    layer.write_csv(create(&csv)?)?;
    println!("\nwrote {} and {}", geojson.display(), csv.display());
    Ok(())
}

fn grid_name(grid: Grid) -> String {
    match grid {
        Grid::H3 { resolution } => format!("H3 resolution {}", u8::from(resolution)),
        Grid::PrioGrid => "PRIO-GRID 0.5°".to_string(),
    }
}
