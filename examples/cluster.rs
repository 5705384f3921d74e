//! Proximity clusters in an analyst's own export: exact great-circle DBSCAN (ST-DBSCAN with a
//! time window), a table of the largest clusters, labels per incident and cluster outlines.
//!
//! ```sh
//! cargo run --release --example cluster -- --input events.csv --eps-km 25 --min-points 5 \
//!     --labels-out labels.csv --geojson-out clusters.geojson
//! ```

mod support;

use std::path::PathBuf;

use conflict_risk::io::write_labels_csv;
use conflict_risk::{Dbscan, HullShape, IncidentIndex, write_clusters_geojson};
use serde_json::json;
use support::{
    Inputs, create, exit_on_error, help_or_unexpected, peak_rss_mb, progress_wanted, timed,
    usage_error, with_progress,
};

const USAGE: &str = concat!(
    "\
usage: cluster [--input FILE]... [--eps-km KM] [--min-points N] [--window-days D]
               [--labels-out FILE] [--geojson-out FILE] [--top N] [--json]

Clusters incidents by exact great-circle DBSCAN (Ester et al. 1996): a point with at least
N incidents within KM kilometres (itself included) is a core point; core points within KM
of each other share a cluster; other points within KM of a core point join its cluster
(the nearest core point's); the rest is noise. With --window-days it is ST-DBSCAN
(Birant & Kut 2007): neighbours must also be at most D days apart.

",
    support::input_usage!(),
    "
  --eps-km KM           neighbourhood radius, great-circle kilometres [25]
  --min-points N        minimum neighbourhood size, the point itself included [5]
  --window-days D       also require neighbours to be within D days (ST-DBSCAN) [off]
  --labels-out FILE     write id,cluster,core per incident, in input order (cluster empty for noise)
  --geojson-out FILE    write the cluster outlines (convex hulls) with their summaries
  --top N               clusters shown in the table [15]
  --quiet               no progress lines on stderr (shown only on a terminal, for
                        steps over 2 seconds)
  --json                end stdout with one JSON line: n, clusters, noise, read_s, index_s,
                        cluster_s, peak_rss_mb
  -h, --help            this text"
);

struct Args {
    inputs: Inputs,
    eps_km: f64,
    min_points: usize,
    window_days: Option<u32>,
    labels_out: Option<PathBuf>,
    geojson_out: Option<PathBuf>,
    top: usize,
    json: bool,
    quiet: bool,
}

fn parse() -> Result<Args, lexopt::Error> {
    use lexopt::prelude::*;
    let mut a = Args {
        inputs: Inputs::default(),
        eps_km: 25.0,
        min_points: 5,
        window_days: None,
        labels_out: None,
        geojson_out: None,
        top: 15,
        json: false,
        quiet: false,
    };
    let mut p = lexopt::Parser::from_env();
    while let Some(arg) = p.next()? {
        match arg {
            Long(name @ support::input_options!()) => {
                let name = name.to_string();
                a.inputs.take(&name, &mut p)?;
            }
            Long("eps-km") => a.eps_km = p.value()?.parse()?,
            Long("min-points") => a.min_points = p.value()?.parse()?,
            Long("window-days") => a.window_days = Some(p.value()?.parse()?),
            Long("labels-out") => a.labels_out = Some(p.value()?.into()),
            Long("geojson-out") => a.geojson_out = Some(p.value()?.into()),
            Long("top") => a.top = p.value()?.parse()?,
            Long("quiet") => a.quiet = true,
            Long("json") => a.json = true,
            _ => help_or_unexpected(arg, USAGE)?,
        }
    }
    Ok(a)
}

fn main() {
    support::quiet_on_closed_stdout();
    let args = parse().unwrap_or_else(|e| usage_error(e, USAGE));
    // Parameters are checked before any reading.
    let dbscan = match Dbscan::new(args.eps_km, args.min_points) {
        Ok(d) => match args.window_days {
            Some(w) => d.time_window_days(w),
            None => d,
        },
        Err(e) => usage_error(e, USAGE),
    };
    exit_on_error(run(&args, dbscan));
}

fn run(args: &Args, dbscan: Dbscan) -> conflict_risk::Result<()> {
    let show = progress_wanted(args.quiet);
    let (set, read_s, _) = args.inputs.load(show)?;
    let (index, index_s) = timed(|| IncidentIndex::new(&set));
    let (clustering, cluster_s) =
        timed(|| with_progress("clustering", show, || dbscan.run(&index)));
    let clusters = clustering.summarize(&set, HullShape::Convex)?;
    let window = args
        .window_days
        .map_or(String::new(), |d| format!(", within {d} days"));
    println!(
        "\n{} incidents: {} clusters at {} km / {} points{window}; {} incidents are noise",
        set.len(),
        clustering.cluster_count(),
        args.eps_km,
        args.min_points,
        clustering.noise_count()
    );
    let mut largest: Vec<_> = clusters.iter().collect();
    largest.sort_by(|a, b| b.count.cmp(&a.count).then(a.id.cmp(&b.id)));
    println!(
        "\n{:>7} {:>7} {:>7} {:>10}  {:<23} {:>13}  {:<16} top actor",
        "cluster", "events", "deaths", "radius km", "dates", "centre lon,lat", "countries"
    );
    for c in largest.iter().take(args.top) {
        let countries: Vec<String> = c
            .countries
            .iter()
            .map(|c| c.key.map_or("?".to_string(), |k| k.to_string()))
            .collect();
        let mark = if c.cross_border { " (x)" } else { "" };
        println!(
            "{:>7} {:>7} {:>7} {:>10.1}  {} to {}  {:>7.2},{:>5.2}  {:<16} {}",
            c.id.get(),
            c.count,
            c.fatalities.best,
            c.radius_km,
            c.first_day,
            c.last_day,
            c.centroid.x(),
            c.centroid.y(),
            format!("{}{mark}", countries.join("/")),
            c.actors.first().map_or("", |a| a.key.as_str())
        );
    }
    println!("(x): cross-border, members recorded in more than one country");

    if let Some(path) = &args.labels_out {
        write_labels_csv(create(path)?, &set, &clustering).map_err(|e| e.at_path(path))?;
        println!(
            "wrote labels of {} incidents to {}",
            set.len(),
            path.display()
        );
    }
    if let Some(path) = &args.geojson_out {
        write_clusters_geojson(create(path)?, &clusters).map_err(|e| e.at_path(path))?;
        println!(
            "wrote {} cluster outlines to {}",
            clusters.len(),
            path.display()
        );
    }
    if args.json {
        println!(
            "{}",
            json!({"n": set.len(), "clusters": clustering.cluster_count(),
                   "noise": clustering.noise_count(), "read_s": read_s, "index_s": index_s,
                   "cluster_s": cluster_s, "peak_rss_mb": peak_rss_mb()})
        );
    }
    Ok(())
}
