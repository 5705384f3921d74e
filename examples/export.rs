//! Read incident files (any supported format, detected from the content) or the embedded demo
//! data, report what was read, and write the incidents as GeoJSON and CSV layers for QGIS,
//! kepler.gl or geojson.io.
//!
//! ```sh
//! cargo run --release --example export -- --input events.csv --geojson-out events.geojson --csv-out events.csv
//! ```

mod support;

use std::path::PathBuf;

use conflict_risk::{
    ExtraColumns, IncidentSet, ReadOptions, demo_incidents, read_path, write_csv, write_geojson,
};
use support::{create, help_or_unexpected};

const USAGE: &str = "\
usage: export [--input FILE]... [--geojson-out FILE] [--csv-out FILE] [--strict] [--all-rows]

Reads each --input (ACLED CSV, UCDP GED CSV or GeoJSON; the format is detected from the
content), or the embedded demo data (synthetic) when none is given; prints each load report
and the validation report; writes the accepted incidents.

  --input FILE        a file to read; repeat for several
  --geojson-out FILE  write a GeoJSON FeatureCollection of points (RFC 7946, with a time field)
  --csv-out FILE      write a flat CSV with latitude and longitude columns
  --strict            stop at the first rejected row, naming its line and field
  --all-rows          list every rejected row and warning in the reports, not the first ten
  -h, --help          this text";

struct Args {
    inputs: Vec<PathBuf>,
    geojson: Option<PathBuf>,
    csv: Option<PathBuf>,
    strict: bool,
    all_rows: bool,
}

fn parse() -> Result<Args, lexopt::Error> {
    use lexopt::prelude::*;
    let mut a = Args {
        inputs: Vec::new(),
        geojson: None,
        csv: None,
        strict: false,
        all_rows: false,
    };
    let mut p = lexopt::Parser::from_env();
    while let Some(arg) = p.next()? {
        match arg {
            Long("input") => a.inputs.push(p.value()?.into()),
            Long("geojson-out") => a.geojson = Some(p.value()?.into()),
            Long("csv-out") => a.csv = Some(p.value()?.into()),
            Long("strict") => a.strict = true,
            Long("all-rows") => a.all_rows = true,
            _ => help_or_unexpected(arg, USAGE)?,
        }
    }
    Ok(a)
}

fn main() {
    support::main(USAGE, parse, run);
}

fn run(args: &Args) -> conflict_risk::Result<()> {
    let mut incidents = Vec::new();
    if args.inputs.is_empty() {
        println!(
            "no --input: using the embedded demo data (3 hand-coded incidents + 20,000 SYNTHETIC)"
        );
        incidents = demo_incidents();
    }
    for path in &args.inputs {
        let loaded = read_path(path, ReadOptions::new().strict(args.strict))?;
        if args.all_rows {
            print!("{:#}", loaded.report);
        } else {
            print!("{}", loaded.report);
        }
        incidents.extend(loaded.incidents);
    }
    let (set, report) = IncidentSet::validate(incidents);
    if args.all_rows {
        print!("{report:#}");
    } else {
        print!("{report}");
    }
    if let Some(path) = &args.geojson {
        write_geojson(create(path)?, set.incidents(), &ExtraColumns::new())
            .map_err(|e| e.at_path(path))?;
        println!("wrote {} incidents to {}", set.len(), path.display());
    }
    if let Some(path) = &args.csv {
        write_csv(create(path)?, set.incidents(), &ExtraColumns::new())
            .map_err(|e| e.at_path(path))?;
        println!("wrote {} incidents to {}", set.len(), path.display());
    }
    Ok(())
}
