//! The corridor report, the crate's main job: on the embedded demo data, validate, index, and
//! print what an analyst asks first: what the data holds, and how close violence has come to
//! the brief's sites, recently and over the year.
//!
//! ```sh
//! cargo run --release --example corridor_report
//! ```

mod support;

use std::collections::BTreeMap;

use conflict_risk::jiff::civil::Date;
use conflict_risk::{
    DateWindow, Incident, IncidentIndex, IncidentSet, Place, brief_sites, demo_as_of,
    demo_incidents,
};
use support::usage_error;

const USAGE: &str = "\
usage: corridor_report [-h]

Runs on the embedded demo data: three incidents of the corridor brief coded by hand (Kpendjal,
northern Togo, 2022-2024) and 20,000 SYNTHETIC incidents (not real events), as of 2024-12-31.
Prints the data summary with the validation report, then for each site of the brief the
incidents within 25, 50 and 100 km (great-circle) over the last 90 and 365 days, and the
nearest incident.

  -h, --help   this text";

const RADII_KM: [f64; 3] = [25.0, 50.0, 100.0];
const WINDOWS_DAYS: [u32; 2] = [90, 365];

fn main() {
    if let Err(e) = parse_args() {
        usage_error(e, USAGE);
    }
    if let Err(e) = run() {
        eprintln!("error: {e}");
        std::process::exit(1);
    }
}

fn parse_args() -> Result<(), lexopt::Error> {
    use lexopt::prelude::*;
    let mut p = lexopt::Parser::from_env();
    if let Some(arg) = p.next()? {
        match arg {
            Short('h') | Long("help") => {
                println!("{USAGE}");
                std::process::exit(0);
            }
            _ => return Err(arg.unexpected()),
        }
    }
    Ok(())
}

fn run() -> conflict_risk::Result<()> {
    let as_of = demo_as_of();
    println!("CORRIDOR REPORT, as of {as_of}");
    println!(
        "Data: embedded demo: 3 incidents of the corridor brief coded by hand, plus 20,000 \
         SYNTHETIC incidents (not real events)."
    );

    let (set, report) = IncidentSet::validate(demo_incidents());
    let index = IncidentIndex::new(&set);

    println!("\n1. THE DATA\n");
    print!("{report}");
    let incidents = set.incidents();
    let fatalities: i64 = incidents.iter().map(|i| i64::from(i.fatalities.best)).sum();
    println!(
        "{} incidents, {} reported deaths",
        thousands(incidents.len() as i64),
        thousands(fatalities)
    );
    print_counts(
        "by country",
        incidents,
        |i| i.country.map_or("unknown".into(), |c| c.to_string()),
        usize::MAX,
    );
    print_counts(
        "by year",
        incidents,
        |i| i.date.start.year().to_string(),
        usize::MAX,
    );
    print_counts(
        "by actor (primary, top 8)",
        incidents,
        |i| {
            i.primary_actor
                .as_ref()
                .map_or("unknown".into(), |a| a.name.to_string())
        },
        8,
    );

    println!("\n2. SITES: incidents within 25 / 50 / 100 km (great-circle)\n");
    let windows: Vec<DateWindow> = WINDOWS_DAYS
        .iter()
        .map(|&d| DateWindow::last_days(as_of, d))
        .collect::<Result<_, _>>()?;
    println!(
        "{:<44} {:>17} {:>17} {:>17}",
        "", "25 km", "50 km", "100 km"
    );
    println!(
        "{:<44} {:>8} {:>8} {:>8} {:>8} {:>8} {:>8}",
        "site", "90 d", "365 d", "90 d", "365 d", "90 d", "365 d"
    );
    for site in brief_sites() {
        let mut row = format!("{:<44}", site.name);
        for r in RADII_KM {
            for w in &windows {
                let mut n = 0usize;
                index
                    .during(*w)
                    .for_each_within_radius(site.point(), r, |_| n += 1)?;
                row.push_str(&format!(" {n:>8}"));
            }
        }
        println!("{row}");
    }
    println!("\nnearest incident located to a place (not only to a region), up to {as_of}:");
    let (first, _) = set.date_range().unwrap_or((as_of, as_of));
    let up_to_now = DateWindow::new(first.min(as_of), as_of)?;
    for site in brief_sites() {
        print_nearest(&index, up_to_now, &site)?;
    }
    println!(
        "\nCounts use every incident whose date span touches the window; incidents known only to \
         a region (such as the three Kpendjal incidents) sit on their region's reference point."
    );
    Ok(())
}

fn print_nearest(
    index: &IncidentIndex<'_>,
    window: DateWindow,
    site: &Place,
) -> conflict_risk::Result<()> {
    // Incidents known only to a region sit on its reference point, which may be the site
    // itself: the nearest incident is taken among those located to a place.
    let nearest = index
        .during(window)
        .nearest_where(site.point(), 1, |i| !i.geo_precision.is_coarse())?;
    let Some(n) = nearest.first() else {
        println!("  {:<44} none", site.name);
        return Ok(());
    };
    let i = &index.set().incidents()[n.id.index()];
    println!(
        "  {:<44} {:>6.1} km  {}  {}, {} killed, {} [{}]",
        site.name,
        n.distance_km,
        date_text(i),
        i.kind.label(),
        i.fatalities.best,
        i.primary_actor
            .as_ref()
            .map_or("actor unknown", |a| &*a.name),
        i.source_id
    );
    Ok(())
}

fn date_text(i: &Incident) -> String {
    let (s, e): (Date, Date) = (i.date.start, i.date.end);
    if s == e {
        s.to_string()
    } else {
        format!("{s}..{e}")
    }
}

/// Print incident counts and deaths grouped by `key`, largest first (ties by key).
fn print_counts(
    title: &str,
    incidents: &[Incident],
    key: impl Fn(&Incident) -> String,
    top: usize,
) {
    let mut groups: BTreeMap<String, (usize, i64)> = BTreeMap::new();
    for i in incidents {
        let g = groups.entry(key(i)).or_default();
        g.0 += 1;
        g.1 += i64::from(i.fatalities.best);
    }
    let mut rows: Vec<(String, (usize, i64))> = groups.into_iter().collect();
    if top < rows.len() {
        rows.sort_by(|a, b| b.1.0.cmp(&a.1.0).then(a.0.cmp(&b.0)));
        rows.truncate(top);
    }
    println!("\n{title}:");
    for (k, (n, deaths)) in rows {
        println!(
            "  {k:<58} {:>8} incidents {:>9} deaths",
            thousands(n as i64),
            thousands(deaths)
        );
    }
}

/// 12345 -> "12,345".
fn thousands(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (k, c) in digits.chars().enumerate() {
        if k > 0 && (digits.len() - k).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if n < 0 { format!("-{out}") } else { out }
}
