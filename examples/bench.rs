//! Measure the index on the synthetic corridor and print one JSON object per line, so that
//! figures can be compared from run to run:
//!
//! ```sh
//! cargo run --release --example bench -- --n 1000000
//! {"what":"index_build","n":1000000,"seconds":0.21,...}
//! ```

mod support;

use conflict_risk::{
    CorridorScenario, Dbscan, ExtraColumns, IncidentIndex, IncidentSet, ReadOptions, geo::Point,
    read_path, write_acled_csv, write_geojson,
};
use rand::{RngExt, SeedableRng};
use rand_pcg::Pcg64Mcg;
use serde_json::json;
use support::{
    cpu_seconds, create, exit_on_error, help_or_unexpected, io_error, median, peak_rss_mb,
    reset_peak_rss, timed, usage_error,
};

const USAGE: &str = "\
usage: bench [--what index|read_acled|read_geojson|dbscan|dbscan_naive|surface|backtest|report]
             [--n N]
             [--repeat R] [--queries Q] [--radius-km KM] [--eps-km KM] [--min-points M]
             [--keep-file] [--borders FILE]...

Measures on the seeded synthetic corridor (synthetic data, not real events) and prints one
JSON object per measurement on stdout. Times are wall-clock seconds; medians over R runs.

  --what WHAT      what to measure [index]:
                     index       bulk load, radius and nearest queries
                     read_acled  write N synthetic incidents as an ACLED CSV file, then read it
                                 back (rows/s, and peak memory of the reading alone)
                     read_geojson  the same with a GeoJSON FeatureCollection (write_geojson)
                     dbscan      DBSCAN over the index (--eps-km, --min-points)
                     dbscan_naive  textbook DBSCAN for comparison: every point's whole
                                 neighbourhood listed by an R-tree radius query and expanded
                     surface     quartic kernel surface over the corridor (lon -6..15,
                                 lat 4..16) at H3 resolution 5 and on PRIO-GRID, covering
                                 included (--radius-km is the bandwidth; use 50)
                     backtest    the rolling-origin backtest over the corridor's PRIO-GRID
                                 and H3 resolution 5 cells: 36 monthly origins, a 90-day
                                 horizon, 24 surfaces (quartic and gaussian; 25, 50, 100 km;
                                 half-lives 90, 180, 365 days and none) and the baselines
                     report      the whole corridor report: write N synthetic incidents as an
                                 ACLED CSV file, read it back, validate, index, build every
                                 section, write every layer and the map, format the text; one
                                 line per step (seconds, CPU seconds, peak memory while it
                                 ran), then the total and its ratio to the reading. The nexus
                                 runs beside the steps from clusters to expansion: its line
                                 is the wait for it after them
  --n N            number of incidents [1000000]
  --repeat R       runs per measurement, the median is reported [5]
  --queries Q      queries per run, centred on seeded random incidents [2000]
  --radius-km KM   radius of the radius queries, great-circle km [25]
  --seed S         seed of the synthetic corridor [the scenario's default]
  --eps-km KM      DBSCAN radius, great-circle km [25]
  --min-points M   DBSCAN minimum neighbourhood size, the point included [5]
  --separator C    read_acled: re-save the table with this separator (; tab |) [,]
  --windows-1252   read_acled: re-save the table as Windows-1252 with CRLF line ends
  --borders FILE   report: country polygons or border lines (Natural Earth GeoJSON), as the
                   corridor_report example takes them; repeatable [none]
  --keep-file      read_acled, read_geojson, report: keep the written file in the temp directory and
                   read it again on the next run instead of writing it, so that a whole-process
                   measurement (/usr/bin/time -v) sees the reading alone
  -h, --help       this text";

#[derive(Clone, Copy, PartialEq)]
enum What {
    Index,
    ReadAcled,
    ReadGeojson,
    Dbscan,
    DbscanNaive,
    Surface,
    Backtest,
    Report,
}

struct Args {
    what: What,
    n: usize,
    repeat: usize,
    queries: usize,
    radius_km: f64,
    seed: u64,
    eps_km: f64,
    min_points: usize,
    keep_file: bool,
    separator: u8,
    windows_1252: bool,
    borders: Vec<std::path::PathBuf>,
}

fn parse() -> Result<Args, lexopt::Error> {
    use lexopt::prelude::*;
    let mut a = Args {
        what: What::Index,
        n: 1_000_000,
        repeat: 5,
        queries: 2_000,
        radius_km: 25.0,
        seed: CorridorScenario::DEFAULT_SEED,
        eps_km: 25.0,
        min_points: 5,
        keep_file: false,
        separator: b',',
        windows_1252: false,
        borders: Vec::new(),
    };
    let mut p = lexopt::Parser::from_env();
    while let Some(arg) = p.next()? {
        match arg {
            Long("what") => {
                let what: String = p.value()?.parse()?;
                a.what = match what.as_str() {
                    "index" => What::Index,
                    "read_acled" => What::ReadAcled,
                    "read_geojson" => What::ReadGeojson,
                    "dbscan" => What::Dbscan,
                    "dbscan_naive" => What::DbscanNaive,
                    "surface" => What::Surface,
                    "backtest" => What::Backtest,
                    "report" => What::Report,
                    _ => {
                        return Err(format!(
                            "--what {what:?}: expected index, read_acled, read_geojson, dbscan, \
                             dbscan_naive, surface, backtest or report"
                        )
                        .into());
                    }
                };
            }
            Long("n") => a.n = p.value()?.parse()?,
            Long("repeat") => a.repeat = p.value()?.parse()?,
            Long("queries") => a.queries = p.value()?.parse()?,
            Long("radius-km") => a.radius_km = p.value()?.parse()?,
            Long("seed") => a.seed = p.value()?.parse()?,
            Long("eps-km") => a.eps_km = p.value()?.parse()?,
            Long("min-points") => a.min_points = p.value()?.parse()?,
            Long("keep-file") => a.keep_file = true,
            Long("borders") => a.borders.push(p.value()?.into()),
            Long("separator") => {
                let text: String = p.value()?.parse()?;
                a.separator = match text.as_str() {
                    "tab" | "\\t" => b'\t',
                    t if t.len() == 1 => t.as_bytes()[0],
                    _ => return Err(format!("--separator {text:?}: one character or tab").into()),
                };
            }
            Long("windows-1252") => a.windows_1252 = true,
            _ => help_or_unexpected(arg, USAGE)?,
        }
    }
    if a.n == 0 || a.repeat == 0 || a.queries == 0 {
        return Err("--n, --repeat and --queries must be at least 1".into());
    }
    if !(a.radius_km.is_finite() && a.radius_km >= 0.0) {
        return Err("--radius-km must be a non-negative number of km".into());
    }
    Ok(a)
}

fn main() {
    let args = parse().unwrap_or_else(|e| usage_error(e, USAGE));
    match args.what {
        What::Index => bench_index(&args),
        What::Dbscan | What::DbscanNaive => exit_on_error(bench_dbscan(&args)),
        What::Surface => exit_on_error(bench_surface(&args)),
        What::Backtest => exit_on_error(bench_backtest(&args)),
        What::ReadAcled => exit_on_error(bench_read(&args, "read_acled")),
        What::ReadGeojson => exit_on_error(bench_read(&args, "read_geojson")),
        What::Report => exit_on_error(bench_report(&args)),
    }
}

/// A kernel risk surface over the whole corridor, cells covered and evaluated each run.
fn bench_surface(args: &Args) -> conflict_risk::Result<()> {
    use conflict_risk::{BoundingBox, DEMO_AS_OF, Grid, KernelSurface, WeightPolicy};
    let n = args.n;
    let (set, _) = IncidentSet::validate(CorridorScenario::new(n).seed(args.seed).generate());
    let index = IncidentIndex::new(&set);
    let corridor = BoundingBox::new(-6.0, 4.0, 15.0, 16.0)?;
    let spec = KernelSurface::new(args.radius_km, WeightPolicy::new(DEMO_AS_OF))?;
    for (name, grid) in [("h3_5", Grid::h3(5)?), ("prio_grid", Grid::PrioGrid)] {
        let mut runs = Vec::new();
        let mut cells = 0;
        for _ in 0..args.repeat {
            let (surface, s) = timed(|| -> conflict_risk::Result<usize> {
                let covered = grid.cover(&corridor)?;
                Ok(spec.run(&index, &covered).cells.len())
            });
            cells = surface?;
            runs.push(s);
        }
        println!(
            "{}",
            json!({"what": "surface", "grid": name, "n": n, "cells": cells,
                   "bandwidth_km": args.radius_km, "seconds": median(&runs), "runs": runs,
                   "peak_rss_mb": peak_rss_mb()})
        );
    }
    Ok(())
}

/// The backtest of 24 surfaces and the baselines over the corridor's cells.
fn bench_backtest(args: &Args) -> conflict_risk::Result<()> {
    use conflict_risk::jiff::civil::date;
    use conflict_risk::surface::Backtest;
    use conflict_risk::{BoundingBox, Grid, Kernel};
    let n = args.n;
    let (set, _) = IncidentSet::validate(CorridorScenario::new(n).seed(args.seed).generate());
    let index = IncidentIndex::new(&set);
    let backtest = Backtest::new(date(2021, 10, 1), date(2024, 9, 30), 90)?.grid(
        &[Kernel::Quartic, Kernel::TruncatedGaussian],
        &[25.0, 50.0, 100.0],
        &[Some(90.0), Some(180.0), Some(365.0), None],
    )?;
    for (name, grid) in [("prio_grid", Grid::PrioGrid), ("h3_5", Grid::h3(5)?)] {
        let cells = grid.cover(&BoundingBox::CORRIDOR)?;
        let mut runs = Vec::new();
        let mut origins = 0;
        for _ in 0..args.repeat {
            let (result, s) = timed(|| backtest.run(&index, &cells));
            origins = result?.origins.len();
            runs.push(s);
        }
        println!(
            "{}",
            json!({"what": "backtest", "grid": name, "n": n, "cells": cells.len(),
                   "origins": origins, "surfaces": 24, "seconds": median(&runs), "runs": runs,
                   "peak_rss_mb": peak_rss_mb()})
        );
    }
    Ok(())
}

/// DBSCAN over the synthetic corridor's index.
fn bench_dbscan(args: &Args) -> conflict_risk::Result<()> {
    let n = args.n;
    let (set, _) = IncidentSet::validate(CorridorScenario::new(n).seed(args.seed).generate());
    let index = IncidentIndex::new(&set);
    let dbscan = Dbscan::new(args.eps_km, args.min_points)?;
    let naive = args.what == What::DbscanNaive;
    let mut runs = Vec::new();
    let mut clusters = 0;
    let mut noise = 0;
    for _ in 0..args.repeat {
        if naive {
            let ((c, z), s) = timed(|| naive_dbscan(&index, args.eps_km, args.min_points));
            (clusters, noise) = (c, z);
            runs.push(s);
        } else {
            let (c, s) = timed(|| dbscan.run(&index));
            clusters = c.cluster_count();
            noise = c.noise_count();
            runs.push(s);
        }
    }
    let what = if naive { "dbscan_naive" } else { "dbscan" };
    println!(
        "{}",
        json!({"what": what, "n": n, "eps_km": args.eps_km, "min_points": args.min_points,
               "seconds": median(&runs), "runs": runs, "clusters": clusters, "noise": noise,
               "peak_rss_mb": peak_rss_mb()})
    );
    Ok(())
}

/// Textbook DBSCAN (Ester et al. 1996) on the same index, for comparison: each visited point's
/// whole neighbourhood is listed by a radius query, and its points not yet in a cluster are
/// labelled and queued for expansion (labelling on queueing keeps the queue within n).
/// Returns the number of clusters and of noise points.
fn naive_dbscan(index: &IncidentIndex, eps_km: f64, min_points: usize) -> (usize, usize) {
    const UNSEEN: u32 = u32::MAX;
    const NOISE: u32 = u32::MAX - 1;
    let n = index.len();
    let points: Vec<Point> = index.set().incidents().iter().map(|i| i.point()).collect();
    let mut label = vec![UNSEEN; n];
    let mut neighbours = Vec::new();
    let mut queue = Vec::new();
    let mut clusters = 0u32;
    let list = |p: usize, out: &mut Vec<usize>| {
        out.clear();
        // Positions come from a validated set, so the query cannot fail.
        let _ = index.for_each_within_radius(points[p], eps_km, |nb| out.push(nb.id.index()));
    };
    for p in 0..n {
        if label[p] != UNSEEN {
            continue;
        }
        list(p, &mut neighbours);
        if neighbours.len() < min_points {
            label[p] = NOISE;
            continue;
        }
        let c = clusters;
        clusters += 1;
        label[p] = c;
        queue.clear();
        for &q in &neighbours {
            if label[q] >= NOISE {
                let was_unseen = label[q] == UNSEEN;
                label[q] = c;
                if was_unseen {
                    queue.push(q);
                }
            }
        }
        while let Some(q) = queue.pop() {
            list(q, &mut neighbours);
            if neighbours.len() < min_points {
                continue;
            }
            for &r in &neighbours {
                if label[r] >= NOISE {
                    let was_unseen = label[r] == UNSEEN;
                    label[r] = c;
                    if was_unseen {
                        queue.push(r);
                    }
                }
            }
        }
    }
    (
        clusters as usize,
        label.iter().filter(|&&l| l == NOISE).count(),
    )
}

/// The whole corridor report on N synthetic incidents, from the ACLED CSV file to the written
/// layers: each step timed (median over the runs) with the peak memory while it ran.
fn bench_report(args: &Args) -> conflict_risk::Result<()> {
    use conflict_risk::report::ReportStep;
    use conflict_risk::{Borders, CorridorReport, ReportSpec, brief_sites};
    use std::time::Instant;
    let n = args.n;
    let path = std::env::temp_dir().join(format!(
        "conflict-risk-bench-acled-{n}-seed{}.csv",
        args.seed
    ));
    if !(args.keep_file && path.exists()) {
        let incidents = CorridorScenario::new(n).seed(args.seed).generate();
        write_acled_csv(create(&path)?, &incidents)?;
    }
    let borders = match args.borders.is_empty() {
        true => None,
        false => Some(Borders::from_paths(&args.borders)?),
    };
    let sites = brief_sites();
    let out = std::env::temp_dir().join(format!("conflict-risk-bench-report-{n}"));
    // (step, seconds of each run, CPU seconds of each run, the highest peak memory of any run)
    let mut steps: Vec<(&str, Vec<f64>, Vec<f64>, f64)> = Vec::new();
    // (A mutex, not a cell: the report calls back from a worker thread.)
    let cpu_mark = std::sync::Mutex::new(cpu_seconds().unwrap_or(0.0));
    let mut note = |k: usize, name: &'static str, seconds: f64| {
        if steps.len() <= k {
            steps.push((name, Vec::new(), Vec::new(), 0.0));
        }
        let cpu = cpu_seconds().unwrap_or(0.0);
        steps[k].1.push(seconds);
        let mut mark = cpu_mark
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        steps[k].2.push(cpu - *mark);
        steps[k].3 = steps[k].3.max(peak_rss_mb().unwrap_or(0.0));
        *mark = cpu;
        reset_peak_rss();
    };
    let mut text_lines = 0;
    for _ in 0..args.repeat {
        reset_peak_rss();
        *cpu_mark
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = cpu_seconds().unwrap_or(0.0);
        let (loaded, s) = timed(|| read_path(&path, ReadOptions::new()));
        let loaded = loaded?;
        note(0, "read", s);
        let ((set, validation), s) = timed(|| IncidentSet::validate(loaded.incidents));
        note(1, "validate", s);
        let (index, s) = timed(|| IncidentIndex::new(&set));
        note(2, "index", s);
        let spec = ReportSpec::new().validation(&validation);
        let mut clock = Instant::now();
        let mut k = 3;
        let report = CorridorReport::build_observed(
            &index,
            borders.as_ref(),
            &sites,
            &spec,
            |step: ReportStep| {
                note(k, step.name(), clock.elapsed().as_secs_f64());
                k += 1;
                clock = Instant::now();
            },
        )?;
        let k = 3 + ReportStep::ALL.len();
        let (written, s) = timed(|| report.write_layers(&out, 1800));
        written?;
        note(k, "layers", s);
        let (text, s) = timed(|| report.to_string());
        text_lines = text.lines().count();
        note(k + 1, "text", s);
    }
    let mut total = 0.0;
    let mut peak = 0.0f64;
    let mut total_cpu = 0.0;
    for (name, runs, cpu, peak_mb) in &steps {
        let seconds = median(runs);
        total += seconds;
        total_cpu += median(cpu);
        peak = peak.max(*peak_mb);
        println!(
            "{}",
            json!({"what": "report", "step": name, "n": n, "seconds": seconds, "runs": runs,
                   "cpu_seconds": median(cpu), "peak_rss_mb": peak_mb})
        );
    }
    let read = steps.first().map_or(f64::NAN, |s| median(&s.1));
    println!(
        "{}",
        json!({"what": "report", "step": "total", "n": n, "seconds": total,
               "cpu_seconds": total_cpu,
               "read_seconds": read, "times_the_reading": total / read,
               "peak_rss_mb": peak, "text_lines": text_lines,
               "borders": borders.is_some()})
    );
    if !args.keep_file {
        let _ = std::fs::remove_file(&path);
    }
    Ok(())
}

/// Write the synthetic corridor as an ACLED CSV (`read_acled`) or a GeoJSON FeatureCollection
/// (`read_geojson`), then time reading it back.
fn bench_read(args: &Args, what: &str) -> conflict_risk::Result<()> {
    let n = args.n;
    let geojson = what == "read_geojson";
    let name = if geojson {
        format!("conflict-risk-bench-{n}-seed{}.geojson", args.seed)
    } else {
        format!(
            "conflict-risk-bench-acled-{n}-seed{}-sep{}{}.csv",
            args.seed,
            args.separator,
            if args.windows_1252 { "-cp1252" } else { "" }
        )
    };
    let path = std::env::temp_dir().join(name);
    let io = io_error(&path);
    if !(args.keep_file && path.exists()) {
        let incidents = CorridorScenario::new(n).seed(args.seed).generate();
        let file = create(&path)?;
        let (written, write_s) = timed(|| {
            if geojson {
                write_geojson(file, &incidents, &ExtraColumns::new())
            } else {
                write_acled_csv(file, &incidents)
            }
        });
        written?;
        if !geojson && (args.separator != b',' || args.windows_1252) {
            resave(&path, args.separator, args.windows_1252)?;
        }
        let bytes = std::fs::metadata(&path).map_err(&io)?.len();
        let written = if geojson {
            "write_geojson"
        } else {
            "write_acled_csv"
        };
        println!(
            "{}",
            json!({"what": written, "n": n, "seconds": write_s, "bytes": bytes})
        );
    }
    // Forget the generator's peak, so that the figure below is the reading's own.
    reset_peak_rss();
    let mut runs = Vec::new();
    let mut accepted = 0;
    let mut result_mb = 0.0;
    for _ in 0..args.repeat {
        let (loaded, s) = timed(|| read_path(&path, ReadOptions::new()));
        let loaded = loaded?;
        accepted = loaded.report.accepted;
        result_mb = result_size(&loaded.incidents, &loaded.lines) as f64 / (1024.0 * 1024.0);
        runs.push(s);
    }
    let seconds = median(&runs);
    println!(
        "{}",
        json!({"what": what, "n": n, "accepted": accepted, "seconds": seconds,
               "rows_per_second": n as f64 / seconds, "runs": runs,
               "result_mb": result_mb,
               "peak_rss_mb_while_reading": peak_rss_mb()})
    );
    if !args.keep_file {
        let _ = std::fs::remove_file(&path);
    }
    Ok(())
}

/// Re-save the table at `path` as a spreadsheet program would: another separator, and
/// Windows-1252 text with CRLF line ends.
fn resave(path: &std::path::Path, separator: u8, windows_1252: bool) -> conflict_risk::Result<()> {
    let io = io_error(path);
    let text = std::fs::read(path).map_err(&io)?;
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(text.as_slice());
    let terminator = if windows_1252 {
        csv::Terminator::CRLF
    } else {
        csv::Terminator::Any(b'\n')
    };
    let mut writer = csv::WriterBuilder::new()
        .delimiter(separator)
        .terminator(terminator)
        .from_writer(Vec::new());
    let broken = |e: csv::Error| io(std::io::Error::other(e));
    for record in reader.byte_records() {
        writer
            .write_byte_record(&record.map_err(broken)?)
            .map_err(broken)?;
    }
    let out = writer
        .into_inner()
        .map_err(|e| io(std::io::Error::other(e.to_string())))?;
    let out = if windows_1252 {
        let text = String::from_utf8_lossy(&out);
        encoding_rs::WINDOWS_1252.encode(&text).0.into_owned()
    } else {
        out
    };
    std::fs::write(path, out).map_err(&io)
}

/// Bytes the incidents and their lines hold: the vectors' capacity and each incident's own
/// heap parts (associated actors, UCDP details); shared text is left out, it is interned.
fn result_size(incidents: &[conflict_risk::Incident], lines: &[u64]) -> usize {
    use std::mem::size_of;
    let own: usize = incidents
        .iter()
        .map(|i| {
            i.associated_actors.len() * size_of::<conflict_risk::Actor>()
                + i.ucdp
                    .as_ref()
                    .map_or(0, |_| size_of::<conflict_risk::UcdpDetails>())
        })
        .sum();
    size_of_val(incidents) + size_of_val(lines) + own
}

fn bench_index(args: &Args) {
    let n = args.n;
    let (incidents, gen_s) = timed(|| CorridorScenario::new(n).seed(args.seed).generate());
    println!(
        "{}",
        json!({"what": "generate_synthetic", "n": n, "seconds": gen_s})
    );
    let ((set, report), val_s) = timed(|| IncidentSet::validate(incidents));
    println!(
        "{}",
        json!({"what": "validate", "n": n, "seconds": val_s, "rejected": report.rejected.len()})
    );

    let builds: Vec<f64> = (0..args.repeat)
        .map(|_| timed(|| IncidentIndex::new(&set)).1)
        .collect();
    println!(
        "{}",
        json!({"what": "index_build", "n": n, "seconds": median(&builds), "runs": builds})
    );

    let index = IncidentIndex::new(&set);
    let mut rng = Pcg64Mcg::seed_from_u64(7);
    let centres: Vec<Point> = (0..args.queries)
        .map(|_| set.incidents()[rng.random_range(0..set.len())].point())
        .collect();
    let mut hits = 0usize;
    let radius: Vec<f64> = (0..args.repeat)
        .map(|_| {
            hits = 0;
            timed(|| {
                for &c in &centres {
                    // Centres are incident positions, so every query is valid.
                    let _ = index.for_each_within_radius(c, args.radius_km, |_| hits += 1);
                }
            })
            .1
        })
        .collect();
    let per_query = median(&radius) / args.queries as f64;
    println!(
        "{}",
        json!({"what": "radius_query", "n": n, "radius_km": args.radius_km,
               "queries": args.queries, "seconds": median(&radius), "seconds_per_query": per_query,
               "mean_hits": hits as f64 / args.queries as f64})
    );

    let knn: Vec<f64> = (0..args.repeat)
        .map(|_| {
            timed(|| {
                for &c in &centres {
                    let _ = index.nearest(c, 10);
                }
            })
            .1
        })
        .collect();
    println!(
        "{}",
        json!({"what": "nearest_10", "n": n, "queries": args.queries, "seconds": median(&knn),
               "seconds_per_query": median(&knn) / args.queries as f64})
    );
    println!(
        "{}",
        json!({"what": "peak_rss", "n": n, "mb": peak_rss_mb()})
    );
}
