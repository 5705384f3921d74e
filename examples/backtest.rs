//! How good is the risk map on your own data: a rolling-origin backtest of kernel surfaces
//! against persistence, history and a uniform map.
//!
//! ```sh
//! cargo run --release --example backtest -- --input events.csv --grid prio \
//!     --horizon-days 90 --from 2021-01-01 --to 2023-09-30 --json
//! ```

mod support;

use std::path::PathBuf;

use conflict_risk::coverage::{Coverage, CoverageArea};
use conflict_risk::jiff::civil::Date;
use conflict_risk::report::BacktestReport;
use conflict_risk::surface::{Backtest, SliceLength};
use conflict_risk::{Borders, BoundingBox, Grid, IncidentIndex, Kernel};
use support::{Inputs, help_or_unexpected, progress_wanted, timed, with_progress};

const USAGE: &str = concat!(
    "\
usage: backtest [--input FILE]... [--grid h3|prio] [--resolution R] [--horizon-days H]
                [--from DATE] [--to DATE] [--step month|quarter] [--kernels K,...]
                [--bandwidths KM,...] [--half-lives D,...] [--region W,S,E,N]
                [--borders FILE]... [--coverage AREA] [--bootstrap N] [--json]

Scores how well risk surfaces say where the next incidents fall. At each origin (every month
or quarter from --from to --to, each with its whole horizon inside the data) every surface is
built only from the incidents known by then (their last day on or before the origin) and
scored on the covered cells against the incidents that start in the next H days:
  - hit rate: the share of those incidents in the highest-ranked cells making up 1, 5, 10 and
    20% of the covered area; PAI: the hit rate over the area share (1 = chance; Chainey,
    Tompson & Uhlig 2008); AUC: the area under the hit-rate curve (0.5 = chance);
  - beside three baselines scored the same way: persistence (the counts of the last H days),
    history (all counts so far, no decay) and uniform (every cell alike).
The surfaces are every combination of the kernels, bandwidths and half-lives given.

",
    support::input_usage!(),
    "
  --grid G              h3 or prio (PRIO-GRID 0.5 degree squares) [prio]
  --resolution R        H3 resolution 0-15 [5]
  --horizon-days H      days after each origin scored against [90]
  --from DATE           first origin, YYYY-MM-DD [three years and H days before the data
                        end, or the month after the data begin if later]
  --to DATE             last origin [the last whose horizon ends by the data's last day]
  --step S              month or quarter between origins [month]
  --kernels K,...       of quartic, epanechnikov, triangular, uniform, gaussian [quartic]
  --bandwidths KM,...   great-circle km [25,50,100]
  --half-lives D,...    days, or none for no decay [90,180,365,none]
  --region W,S,E,N      lon/lat box whose covered cells are scored [-6,4,15,16: the corridor]
  --borders FILE        Natural Earth country polygons, to leave out cells outside the
                        countries the inputs record [found in $CONFLICT_RISK_DATA or
                        ../shared/data]
  --coverage AREA       what the inputs cover: ISO codes (BFA,TGO) or a box W,S,E,N
  --bootstrap N         resamples of the origins for the best surface's skill over
                        persistence [999]
  --json                also print the summary as one JSON object, on the last line
  --quiet               no progress lines on stderr
  -h, --help            this text"
);

struct Args {
    inputs: Inputs,
    grid: Grid,
    horizon_days: u32,
    from: Option<Date>,
    to: Option<Date>,
    step: SliceLength,
    kernels: Vec<Kernel>,
    bandwidths: Vec<f64>,
    half_lives: Vec<Option<f64>>,
    region: BoundingBox,
    borders: Vec<PathBuf>,
    coverage: Option<CoverageArea>,
    bootstrap: usize,
    json: bool,
    quiet: bool,
}

/// A comma-separated list, each item read by `item`.
fn list<T>(
    text: &str,
    what: &str,
    item: impl Fn(&str) -> Option<T>,
) -> Result<Vec<T>, Box<dyn std::error::Error>> {
    text.split(',')
        .map(|s| {
            item(s.trim()).ok_or_else(|| format!("--{what}: \"{}\" is not one", s.trim()).into())
        })
        .collect()
}

fn parse() -> Result<Args, Box<dyn std::error::Error>> {
    use lexopt::prelude::*;
    let mut grid = "prio".to_string();
    let mut resolution: u8 = 5;
    let mut a = Args {
        inputs: Inputs::default(),
        grid: Grid::PrioGrid,
        horizon_days: 90,
        from: None,
        to: None,
        step: SliceLength::Month,
        kernels: vec![Kernel::Quartic],
        bandwidths: vec![25.0, 50.0, 100.0],
        half_lives: vec![Some(90.0), Some(180.0), Some(365.0), None],
        region: BoundingBox::CORRIDOR,
        borders: Vec::new(),
        coverage: None,
        bootstrap: 999,
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
            Long("grid") => grid = p.value()?.parse()?,
            Long("resolution") => resolution = p.value()?.parse()?,
            Long("horizon-days") => a.horizon_days = p.value()?.parse()?,
            Long("from") => a.from = Some(p.value()?.parse()?),
            Long("to") => a.to = Some(p.value()?.parse()?),
            Long("step") => {
                a.step = match p.value()?.parse::<String>()?.as_str() {
                    "month" => SliceLength::Month,
                    "quarter" => SliceLength::Quarter,
                    other => {
                        return Err(
                            format!("--step: {other:?} is neither month nor quarter").into()
                        );
                    }
                }
            }
            Long("kernels") => {
                let text: String = p.value()?.parse()?;
                a.kernels = list(&text, "kernels", |s| s.parse().ok())?;
            }
            Long("bandwidths") => {
                let text: String = p.value()?.parse()?;
                a.bandwidths = list(&text, "bandwidths", |s| s.parse().ok())?;
            }
            Long("half-lives") => {
                let text: String = p.value()?.parse()?;
                a.half_lives = list(&text, "half-lives", |s| match s {
                    "none" => Some(None),
                    _ => s.parse().ok().map(Some),
                })?;
            }
            Long("region") => a.region = p.value()?.parse::<String>()?.parse()?,
            Long("borders") => a.borders.push(p.value()?.into()),
            Long("coverage") => a.coverage = Some(p.value()?.parse::<String>()?.parse()?),
            Long("bootstrap") => a.bootstrap = p.value()?.parse()?,
            Long("json") => a.json = true,
            Long("quiet") => a.quiet = true,
            _ => help_or_unexpected(arg, USAGE)?,
        }
    }
    a.grid = support::grid(&grid, resolution)?;
    Ok(a)
}

fn main() {
    support::main(USAGE, parse, run);
}

fn run(args: &Args) -> conflict_risk::Result<()> {
    let show = progress_wanted(args.quiet);
    let (set, _, sources) = args.inputs.load(show)?;
    let coverage = Coverage::new(sources).area(args.coverage.clone().unwrap_or_default())?;
    // By default three years of origins within the days every source covers (a horizon
    // past a source's end would count its country as calm).
    let days = set.incidents().iter().map(|i| i.date);
    let all_days = days
        .clone()
        .map(|d| d.start)
        .min()
        .zip(days.map(|d| d.end).max());
    let (data_first, data_end) = coverage
        .common_days()
        .or(all_days)
        .unwrap_or((conflict_risk::DEMO_AS_OF, conflict_risk::DEMO_AS_OF));
    let to = args.to.unwrap_or(data_end);
    let from = match args.from {
        Some(d) => d,
        None => Backtest::default_from(data_first, data_end, args.horizon_days)?,
    };
    let backtest = Backtest::new(from, to, args.horizon_days)?
        .step(args.step)
        .grid(&args.kernels, &args.bandwidths, &args.half_lives)?
        .bootstrap(args.bootstrap, 0xBAC7)?;
    let borders = Borders::given_or_natural_earth(&args.borders)?;
    let (report, seconds) = timed(|| {
        with_progress("backtesting", show, || {
            BacktestReport::build(
                &IncidentIndex::new(&set),
                borders.as_ref(),
                args.grid,
                args.region,
                coverage,
                &backtest,
            )
        })
    });
    let report = report?;
    print!("{report}");
    println!("\nscored in {seconds:.2} s");
    if args.json {
        println!("{}", report.summary_json());
    }
    Ok(())
}
