//! Read incident files (any supported format, detected from the content) or the embedded demo
//! data, report what was read, and write the incidents as GeoJSON and CSV layers for QGIS,
//! kepler.gl or geojson.io.
//!
//! ```sh
//! cargo run --release --example export -- --input events.csv --geojson-out events.geojson --csv-out events.csv
//! ```

mod support;

use std::path::PathBuf;

use conflict_risk::{ExtraColumns, write_csv, write_geojson};
use support::{Inputs, create, help_or_unexpected};

const USAGE: &str = concat!(
    "\
usage: export [--input FILE]... [--geojson-out FILE] [--csv-out FILE] [--strict] [--all-rows]

Reads each --input (ACLED CSV, UCDP GED CSV or GeoJSON; the format is detected from the
content), or the embedded demo data (synthetic) when none is given; prints each load report
and the validation report; writes the accepted incidents.

",
    support::input_usage!(),
    "
  --geojson-out FILE    write a GeoJSON FeatureCollection of points (RFC 7946, with a time field)
  --csv-out FILE        write a flat CSV with latitude and longitude columns
  -h, --help            this text"
);

struct Args {
    inputs: Inputs,
    geojson: Option<PathBuf>,
    csv: Option<PathBuf>,
}

fn parse() -> Result<Args, lexopt::Error> {
    use lexopt::prelude::*;
    let mut a = Args {
        inputs: Inputs::default(),
        geojson: None,
        csv: None,
    };
    let mut p = lexopt::Parser::from_env();
    while let Some(arg) = p.next()? {
        match arg {
            Long(name @ support::input_options!()) => {
                let name = name.to_string();
                a.inputs.take(&name, &mut p)?;
            }
            Long("geojson-out") => a.geojson = Some(p.value()?.into()),
            Long("csv-out") => a.csv = Some(p.value()?.into()),
            _ => help_or_unexpected(arg, USAGE)?,
        }
    }
    Ok(a)
}

fn main() {
    support::main(USAGE, parse, run);
}

fn run(args: &Args) -> conflict_risk::Result<()> {
    let (set, _, _) = args.inputs.load(false)?;
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
