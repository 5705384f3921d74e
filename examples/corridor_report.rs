//! The corridor report, the crate's main job: where the proximity clusters are and which cross
//! a border, how close violence has come to the brief's sites and whether it is rising, how
//! near the borders it is, whether JNIM is spreading south, and where the armed groups meet.
//! Writes every layer as GeoJSON and a map picture; the report itself is
//! [`conflict_risk::CorridorReport`].
//!
//! ```sh
//! cargo run --release --example corridor_report            # the embedded demo data
//! cargo run --release --example corridor_report -- \
//!     --input ../shared/data/ucdp_ged_bfa_gedevents-2025-01-17.csv \
//!     --borders ../shared/data/ne_10m_admin_0_boundary_lines_land_wafrica.geojson
//! ```

mod support;

use std::path::PathBuf;

use conflict_risk::jiff::civil::Date;
use conflict_risk::{
    Borders, CorridorReport, IncidentIndex, IncidentSet, ReportSpec, Site, Source, brief_sites,
    read_sites,
};
use support::{Inputs, create, help_or_unexpected, io_error, progress_wanted, with_progress};

const USAGE: &str = concat!(
    "\
usage: corridor_report [--input FILE]... [--borders FILE]... [--sites FILE] [--as-of DATE]
                       [--coverage AREA] [--keep-suspect] [--pair A,B]... [--encircle-sites]
                       [--no-map-skill] [--out DIR] [--json-out FILE]

Without --input, runs on the embedded demo data: three incidents of the corridor brief coded
by hand (Kpendjal, northern Togo, 2022-2024) and 20,000 SYNTHETIC incidents (not real events).

",
    support::input_usage!(),
    "
  --borders FILE        Natural Earth style GeoJSON: country polygons (ADM0_A3) and/or border
                        lines (adm0_a3_l, adm0_a3_r); repeat it for both. Without it the report
                        looks in $CONFLICT_RISK_DATA, then ../shared/data, for the Natural Earth
                        files, and leaves border figures out if there are none
  --sites FILE          CSV with name,latitude,longitude [the brief's sites, the Kpekakandi base
                        area first]
  --as-of DATE          YYYY-MM-DD; incidents after it are left out of every figure [the latest
                        incident's last day; 2024-12-31 for the demo]
  --coverage AREA       what the inputs cover: ISO codes (BFA,TGO,BEN) or a box W,S,E,N;
                        cells, sites, shares and series outside it are \"no data\", not 0
                        [the countries the inputs' rows are recorded in]
  --keep-suspect        keep in the site table the incidents whose position lies in another
                        country than their record (left out and listed by default)
  --pair A,B            a pair of armed groups whose meeting section 7 measures (repeat it;
                        names: JNIM, IS Sahel, Ansaru, Boko Haram/JAS, ISWAP, State forces)
                        [JNIM,Ansaru and JNIM,IS Sahel]
  --encircle-sites      section 8 follows the ring around each site of the site table too,
                        not only around Ouagadougou
  --no-map-skill        leave out the backtest of the risk surface in section 4 (a few
                        seconds at a million incidents; the backtest example goes further)
  --out DIR             folder for the layers (incidents, clusters, risk cells, crossroads
                        gap cells, encirclement sectors: GeoJSON) and map.png
                        [corridor_report_out]
  --json-out FILE       also write the whole report as JSON
  --quiet               no progress lines on stderr (they show only on a terminal, for steps
                        that take over 2 seconds)
  -h, --help            this text

Figures: clusters are great-circle DBSCAN (25 km, 5 incidents) over the last 365 days;
border distances are great-circle km to the nearest Natural Earth border line; site exposure
counts incidents whose date span overlaps the period; trends are Mann-Kendall with Sen's slope;
the nexus judges cross-K by the exact mean and variance of the count under relabelling;
figures outside the inputs' coverage (countries and dates) are \"no data\", never 0."
);

#[derive(Default)]
struct Args {
    inputs: Inputs,
    borders: Vec<PathBuf>,
    sites: Option<PathBuf>,
    as_of: Option<Date>,
    out: Option<PathBuf>,
    json_out: Option<PathBuf>,
    coverage: Option<String>,
    keep_suspect: bool,
    pairs: Vec<(String, String)>,
    encircle_sites: bool,
    no_map_skill: bool,
    quiet: bool,
}

fn parse() -> Result<Args, lexopt::Error> {
    use lexopt::prelude::*;
    let mut a = Args::default();
    let mut p = lexopt::Parser::from_env();
    while let Some(arg) = p.next()? {
        match arg {
            Long(name @ support::input_options!()) => {
                let name = name.to_string();
                a.inputs.take(&name, &mut p)?;
            }
            Long("borders") => a.borders.push(p.value()?.into()),
            Long("sites") => a.sites = Some(p.value()?.into()),
            Long("as-of") => a.as_of = Some(p.value()?.parse()?),
            Long("out") => a.out = Some(p.value()?.into()),
            Long("coverage") => a.coverage = Some(p.value()?.parse()?),
            Long("keep-suspect") => a.keep_suspect = true,
            Long("encircle-sites") => a.encircle_sites = true,
            Long("no-map-skill") => a.no_map_skill = true,
            Long("pair") => {
                let text: String = p.value()?.parse()?;
                let Some((x, y)) = text.split_once(',') else {
                    return Err(format!(
                        "--pair needs two group names with a comma between them, as in \
                         JNIM,Ansaru; found \"{text}\""
                    )
                    .into());
                };
                a.pairs.push((x.trim().to_string(), y.trim().to_string()));
            }
            Long("json-out") => a.json_out = Some(p.value()?.into()),
            Long("quiet") => a.quiet = true,
            _ => help_or_unexpected(arg, USAGE)?,
        }
    }
    Ok(a)
}

fn main() {
    support::main(USAGE, parse, run);
}

fn run(args: &Args) -> conflict_risk::Result<()> {
    let show = progress_wanted(args.quiet);
    let mut spec = ReportSpec::new();
    // The report's data section sums up each file's load report (--all-rows prints them).
    let read = args.inputs.read(show, false)?;
    if args.inputs.paths.is_empty() {
        spec = spec
            .as_of(conflict_risk::DEMO_AS_OF)
            .source(Source::described(
                "embedded demo: 3 hand-coded + 20,000 SYNTHETIC incidents (not real events)",
            ));
    }
    for (path, report) in &read.files {
        let name = path.display().to_string();
        let mut source = Source::file(name.clone(), report.summary());
        source.coverage = read.coverage.iter().find(|c| c.name == name).cloned();
        spec = spec.source(source);
    }
    if let Some(as_of) = args.as_of {
        spec = spec.as_of(as_of);
    }
    if let Some(area) = &args.coverage {
        spec = spec.coverage_area(area.parse()?)?;
    }
    if !args.pairs.is_empty() {
        let pairs: Vec<(&str, &str)> = args
            .pairs
            .iter()
            .map(|(a, b)| (a.as_str(), b.as_str()))
            .collect();
        spec = spec.nexus_pairs(&pairs)?;
    }
    let (set, validation) = IncidentSet::validate(read.incidents);
    let spec = spec
        .validation(&validation)
        .keep_suspect_in_sites(args.keep_suspect);
    let borders = Borders::given_or_natural_earth(&args.borders)?;
    let sites: Vec<Site> = match &args.sites {
        Some(path) => read_sites(path)?,
        None => brief_sites(),
    };
    let spec = if args.no_map_skill {
        spec.without_map_skill()
    } else {
        spec
    };
    let spec = if args.encircle_sites {
        let mut around = spec.encircled().to_vec();
        for site in &sites {
            if !around.iter().any(|s| s.name == site.name) {
                around.push(site.clone());
            }
        }
        let params = spec.encirclement_params().clone();
        spec.encirclement(around, params)
    } else {
        spec
    };
    let report = with_progress("building the report", show, || {
        CorridorReport::build(&IncidentIndex::new(&set), borders.as_ref(), &sites, &spec)
    })?;
    print!("{report}");
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| "corridor_report_out".into());
    let written = with_progress("writing the layers and the map", show, || {
        report.write_layers(&out, 1800)
    })?;
    if let Some(path) = &args.json_out {
        serde_json::to_writer(std::io::BufWriter::new(create(path)?), &report)
            .map_err(|e| io_error(path)(e.into()))?;
    }
    let mut paths = vec![
        written.incidents,
        written.clusters,
        written.risk_cells,
        written.crossroads,
        written.encirclement,
    ];
    paths.extend(written.map.into_iter().chain(args.json_out.clone()));
    let mut names: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
    let last = names.pop().unwrap_or_default();
    println!("\nwrote {} and {last}", names.join(", "));
    Ok(())
}
