//! The UCDP GED CSV reader: the bulk `GEDEvent_vXX_1.csv` layout, UCDP's web export
//! (`best_est`/`high_est`/`low_est`, a trailing comma on every row, `MM/DD/YYYY HH:MM:SS`
//! dates) and the HDX copy (an unnamed index column, a row of HXL hashtags under the header,
//! integers written as floats, `iso3` between latitude and longitude).

use std::io::Read;

use super::csv_in::{
    Columns, Countries, DatedRow, Dates, Interner, Loaded, Raw, ReadOptions, Row, Sink, TableInput,
    finish_table, read_rows,
};
use super::report::{Format, LoadReport};
use crate::error::Result;
use crate::incident::{
    Actor, ActorKind, Dataset, DateSpan, EventKind, Fatalities, Incident, UcdpDetails,
};

/// Read a UCDP GED CSV from any reader, streaming: one record is in memory at a time.
///
/// `where_prec` 1–7 and `date_prec` 1–5 map to [`GeoPrecision`](crate::GeoPrecision) and [`TimePrecision`](crate::TimePrecision) with the
/// raw codes kept; `type_of_violence` gives the [`EventKind`]; `side_a` and `side_b` become the
/// actors ("Government of …" as state forces, "Civilians" as civilians, others as rebel
/// groups); `best`, `low` and `high` the fatalities; the death split, `conflict_name` and
/// `priogrid_gid` are kept in [`Incident::ucdp`].
///
/// ```
/// use conflict_risk::{DateOrder, ReadOptions, read_ucdp};
/// let csv = "id,type_of_violence,side_a,side_b,where_prec,latitude,longitude,country,date_prec,date_start,date_end,best_est,high_est,low_est\n\
///            497710,3,JNIM,Civilians,1,12.729390,-3.863050,Burkina Faso,1,10/06/2023 00:00:00,10/06/2023 00:00:00,0,12,0,\n";
/// // One row cannot show whether 10/06 is 6 October or 10 June: say so (a longer file
/// // settles it by itself, from any day above 12).
/// let loaded = read_ucdp(csv.as_bytes(), ReadOptions::new().date_order(DateOrder::MonthDay))?;
/// assert_eq!(loaded.incidents[0].date.start.to_string(), "2023-10-06");
/// assert_eq!(loaded.incidents[0].fatalities.high, Some(12));
/// assert_eq!(loaded.incidents[0].country.map(|c| c.to_string()).as_deref(), Some("BFA"));
/// # Ok::<(), conflict_risk::Error>(())
/// ```
pub fn read_ucdp<R: Read>(reader: R, options: ReadOptions) -> Result<Loaded> {
    read_ucdp_from(reader, "<reader>", options)
}

struct UcdpColumns {
    year: Option<usize>,
    id: usize,
    start: usize,
    end: Option<usize>,
    lat: usize,
    lon: usize,
    where_prec: Option<usize>,
    date_prec: Option<usize>,
    violence: Option<usize>,
    conflict: Option<usize>,
    side_a: Option<usize>,
    side_b: Option<usize>,
    best: usize,
    low: Option<usize>,
    high: Option<usize>,
    deaths: [Option<usize>; 4],
    priogrid: Option<usize>,
    iso3: Option<usize>,
    country: Option<usize>,
    adm1: Option<usize>,
    adm2: Option<usize>,
    place: Option<usize>,
}

pub(crate) fn read_ucdp_from<R: Read>(
    reader: R,
    source: &str,
    options: ReadOptions,
) -> Result<Loaded> {
    super::read_table(reader, source, options, Format::UcdpCsv, read_ucdp_input)
}

pub(crate) fn read_ucdp_input(
    mut input: impl TableInput,
    source: &str,
    options: ReadOptions,
) -> Result<Loaded> {
    let columns = input.columns();
    let c = UcdpColumns {
        id: columns.require(&["id"], "event id")?,
        start: columns.require(&["date_start"], "start date")?,
        end: columns.find(&["date_end"]),
        lat: columns.require(&["latitude"], "latitude")?,
        lon: columns.require(&["longitude"], "longitude")?,
        where_prec: columns.find(&["where_prec"]),
        date_prec: columns.find(&["date_prec"]),
        violence: columns.find(&["type_of_violence"]),
        conflict: columns.find(&["conflict_name"]),
        side_a: columns.find(&["side_a"]),
        side_b: columns.find(&["side_b"]),
        best: columns.require(&["best", "best_est"], "best estimate of deaths")?,
        year: columns.find(&["year"]),
        low: columns.find(&["low", "low_est"]),
        high: columns.find(&["high", "high_est"]),
        deaths: [
            columns.find(&["deaths_a"]),
            columns.find(&["deaths_b"]),
            columns.find(&["deaths_civilians"]),
            columns.find(&["deaths_unknown"]),
        ],
        priogrid: columns.find(&["priogrid_gid"]),
        iso3: columns.find(&["iso3"]),
        country: columns.find(&["country"]),
        adm1: columns.find(&["adm_1"]),
        adm2: columns.find(&["adm_2"]),
        place: columns.find(&["where_coordinates"]),
    };
    let layout = if columns.contains("best_est") {
        "UCDP GED web export (best_est/high_est/low_est)"
    } else if columns.name(0).is_empty() && columns.contains("iso3") {
        "UCDP GED, HDX copy (index column, HXL row, iso3)"
    } else {
        "UCDP GED bulk file (best/high/low)"
    };
    let report = LoadReport::new(
        source,
        Format::UcdpCsv,
        format!("{layout}, {} columns", columns.len()),
    );
    let mut sink = Sink::new(report, &options, "id");
    let mut dates = Dates::new(
        &options,
        columns.name(c.start),
        c.end.map(|e| columns.name(e)),
    );
    let parse = |(names, countries): &mut (Interner, Countries), raw: &Raw, columns: &Columns| {
        let line = raw.line;
        let mut row = Row::new(&raw.record, columns);
        let mut warnings = Vec::new();
        row.check_record(raw.runaway.clone());
        // Ids are integers, written as floats in the HDX copy: keep them as integers.
        let raw_id = row.required(c.id).unwrap_or_default();
        let id = super::csv_in::parse_whole(raw_id)
            .map_or_else(|| raw_id.to_string(), |v| v.to_string());
        let start = row.date(c.start, true);
        let end = c.end.and_then(|col| row.date(col, false));
        let year = row
            .int(c.year, 1000, 9999)
            .and_then(|y| i16::try_from(y).ok());
        let lat = row.coordinate(c.lat);
        let lon = row.coordinate(c.lon);
        let where_prec = row.code(c.where_prec, 1, 7);
        let date_prec = row.code(c.date_prec, 1, 5);
        let violence = row.code(c.violence, 1, 3);
        let best = row.required(c.best).and_then(|_| row.count(Some(c.best)));
        let low = row.count(c.low);
        let high = row.count(c.high);
        let deaths = c.deaths.map(|col| row.count(col));
        let priogrid = row
            .int(c.priogrid, 1, 259_200)
            .and_then(|v| u32::try_from(v).ok());
        let mut incident = Incident::new(id, lon, lat, DateSpan::day(Default::default()));
        incident.set_source_codes(Dataset::UcdpGed, where_prec, date_prec);
        incident.kind = violence.map_or(EventKind::Other, EventKind::from_ucdp);
        incident.event_type = violence.map(|v| {
            names.get(match v {
                1 => "state-based conflict",
                2 => "non-state conflict",
                _ => "one-sided violence",
            })
        });
        let side = |name: Option<&str>, names: &mut Interner| {
            name.map(|n| Actor::new(names.get(n), ucdp_actor_kind(n)))
        };
        let (a, b) = (row.text(c.side_a), row.text(c.side_b));
        incident.primary_actor = side(a, names);
        incident.secondary_actor = side(b, names);
        incident.fatalities = Fatalities {
            best: best.unwrap_or(0),
            low,
            high,
        };
        let country_text = row.text(c.iso3).or_else(|| row.text(c.country));
        incident.country = countries.resolve_or_warn(country_text, &mut warnings);
        incident.admin1 = names.opt(row.text(c.adm1));
        incident.admin2 = names.opt(row.text(c.adm2));
        incident.location_name = names.opt(row.text(c.place));
        incident.ucdp = Some(Box::new(UcdpDetails {
            type_of_violence: violence,
            conflict_name: names.opt(row.text(c.conflict)),
            deaths_a: deaths[0],
            deaths_b: deaths[1],
            deaths_civilians: deaths[2],
            deaths_unknown: deaths[3],
            priogrid_gid: priogrid,
        }));
        DatedRow {
            line,
            incident,
            problems: row.problems,
            warnings,
            dates: [start, end],
            year_column: year,
        }
    };
    read_rows(&mut input, &mut dates, &mut sink, parse)?;
    finish_table(dates, sink, &input)
}

/// UCDP names states "Government of X" and civilians "Civilians"; every other side is an
/// organised non-state group.
pub(crate) fn ucdp_actor_kind(name: &str) -> ActorKind {
    if name.starts_with("Government of") {
        ActorKind::State
    } else if name.eq_ignore_ascii_case("civilians") {
        ActorKind::Civilians
    } else {
        ActorKind::Rebel
    }
}
