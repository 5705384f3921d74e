//! A risk map of an analyst's own export: a kernel density surface on H3 or PRIO-GRID cells,
//! Gi* hot spots, emerging hot spots by quarter, and the risk at named sites.
//!
//! ```sh
//! cargo run --release --example risk_map -- --input events.csv --grid h3 --resolution 5 \
//!     --bandwidth-km 50 --half-life-days 180 --sites sites.csv --out risk_map_out
//! ```

mod support;

use std::path::PathBuf;

use conflict_risk::coverage::{Coverage, CoverageArea};
use conflict_risk::jiff::civil::Date;
use conflict_risk::report::{RiskMap, RiskMapSpec};
use conflict_risk::{
    Borders, BoundingBox, DEMO_AS_OF, Grid, IncidentIndex, Kernel, brief_sites, read_sites,
};
use support::{Inputs, help_or_unexpected, progress_wanted, timed, with_progress};

const USAGE: &str = concat!(
    "\
usage: risk_map [--input FILE]... [--grid h3|prio] [--resolution R] [--bandwidth-km KM]
                [--kernel K] [--half-life-days D] [--as-of DATE] [--since DATE]
                [--region W,S,E,N] [--sites FILE] [--borders FILE]... [--coverage AREA]
                [--keep-suspect] [--permutations N] [--top N] [--out DIR]

Maps where violence concentrates. Every incident up to the as-of date is weighted (optionally
halved every D days before it), then:
  - a kernel density surface: per cell, the sum of weight x K(d/h) over incidents within the
    bandwidth h of the cell centre, d the great-circle distance;
  - Getis-Ord Gi* hot spots on the weighted incident count per cell, neighbours within the
    bandwidth, widened if needed to reach each cell's adjacent cells (cells at 99/95/90%
    confidence, Benjamini-Hochberg corrected);
  - emerging hot spots: space-time Gi* per quarter since --since, with a Mann-Kendall trend;
  - the risk at each site: nearest incident, incidents and deaths within 10/25/50/100 km over
    the last 30/90/365 days, the 90-day trend within 50 km, and the kernel risk there.

",
    support::input_usage!(),
    "
  --grid G              h3 (hexagons) or prio (PRIO-GRID 0.5 degree squares) [h3]
  --resolution R        H3 resolution 0-15 (5: cells of about 250 km2) [5]
  --bandwidth-km KM     kernel bandwidth, great-circle kilometres [50]
  --kernel K            quartic, epanechnikov, triangular, uniform or gaussian [quartic]
  --half-life-days D    halve an incident's weight every D days before the as-of date [off]
  --as-of DATE          YYYY-MM-DD; later incidents are left out [the latest incident's date]
  --since DATE          first day of the emerging hot-spot series [3 years before the as-of date]
  --region W,S,E,N      lon/lat box to map, degrees [-6,4,15,16: the corridor]
  --sites FILE          CSV with name,latitude,longitude [the brief's sites]
  --borders FILE        Natural Earth style GeoJSON country polygons (ADM0_A3): cells and sites
                        outside the countries the inputs record are left out as no data.
                        Without it the map looks in $CONFLICT_RISK_DATA, then ../shared/data,
                        and says when it cannot check the covered area
  --coverage AREA       what the inputs cover: ISO codes (BFA,TGO,BEN) or a box W,S,E,N
                        [the countries the inputs' rows are recorded in]
  --keep-suspect        keep in the site table the incidents whose position lies in another
                        country than their record (left out and listed by default)
  --permutations N      also compute Gi* pseudo p-values from N permutations [0]
  --top N               cells shown in the table [10]
  --out DIR             folder for risk_cells.geojson and risk_cells.csv [risk_map_out]
  --quiet               no progress lines on stderr (shown only on a terminal, for
                        steps over 2 seconds)
  -h, --help            this text"
);

struct Args {
    inputs: Inputs,
    grid: Grid,
    bandwidth_km: f64,
    kernel: Kernel,
    half_life_days: Option<f64>,
    as_of: Option<Date>,
    since: Option<Date>,
    region: BoundingBox,
    sites: Option<PathBuf>,
    borders: Vec<PathBuf>,
    coverage: Option<CoverageArea>,
    keep_suspect: bool,
    permutations: usize,
    top: usize,
    quiet: bool,
    out: PathBuf,
}

fn parse() -> Result<Args, Box<dyn std::error::Error>> {
    use lexopt::prelude::*;
    let mut grid = "h3".to_string();
    let mut resolution: u8 = 5;
    let mut a = Args {
        inputs: Inputs::default(),
        grid: Grid::PrioGrid,
        bandwidth_km: 50.0,
        kernel: Kernel::Quartic,
        half_life_days: None,
        as_of: None,
        since: None,
        region: BoundingBox::CORRIDOR,
        sites: None,
        borders: Vec::new(),
        coverage: None,
        keep_suspect: false,
        permutations: 0,
        top: 10,
        quiet: false,
        out: PathBuf::from("risk_map_out"),
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
            Long("bandwidth-km") => a.bandwidth_km = p.value()?.parse()?,
            Long("kernel") => a.kernel = p.value()?.parse::<String>()?.parse()?,
            Long("half-life-days") => a.half_life_days = Some(p.value()?.parse()?),
            Long("as-of") => a.as_of = Some(p.value()?.parse()?),
            Long("since") => a.since = Some(p.value()?.parse()?),
            Long("region") => a.region = p.value()?.parse::<String>()?.parse()?,
            Long("sites") => a.sites = Some(p.value()?.into()),
            Long("borders") => a.borders.push(p.value()?.into()),
            Long("keep-suspect") => a.keep_suspect = true,
            Long("coverage") => a.coverage = Some(p.value()?.parse::<String>()?.parse()?),
            Long("permutations") => a.permutations = p.value()?.parse()?,
            Long("top") => a.top = p.value()?.parse()?,
            Long("quiet") => a.quiet = true,
            Long("out") => a.out = p.value()?.into(),
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
    let (set, _, coverage) = args.inputs.load(show)?;
    let mut spec = RiskMapSpec::new()
        .grid(args.grid)
        .region(args.region)
        .kernel(args.bandwidth_km, args.kernel)?
        .permutations(args.permutations)?
        .top(args.top)
        .keep_suspect_in_sites(args.keep_suspect);
    if let Some(d) = args.half_life_days {
        spec = spec.half_life_days(d)?;
    }
    match (args.as_of, args.inputs.paths.is_empty()) {
        (Some(d), _) => spec = spec.as_of(d),
        (None, true) => spec = spec.as_of(DEMO_AS_OF),
        (None, false) => {}
    }
    if let Some(d) = args.since {
        spec = spec.since(d);
    }
    if !coverage.is_empty() || args.coverage.is_some() {
        let area = args.coverage.clone().unwrap_or_default();
        spec = spec.coverage(Coverage::new(coverage).area(area)?);
    }
    let borders = Borders::given_or_natural_earth(&args.borders)?;
    let sites = match &args.sites {
        Some(path) => read_sites(path)?,
        None => brief_sites(),
    };
    let (map, seconds) = timed(|| {
        with_progress("mapping", show, || {
            RiskMap::build(&IncidentIndex::new(&set), borders.as_ref(), &sites, &spec)
        })
    });
    let map = map?;
    print!("{map}");
    let [geojson, csv] = map.write_layers(&args.out)?;
    println!(
        "\nmapped in {seconds:.3} s; wrote {} and {}",
        geojson.display(),
        csv.display()
    );
    Ok(())
}
