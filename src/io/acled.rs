//! The ACLED CSV reader: exports since 2023 (31 columns) and the older layouts
//! (`event_id_no_cnty`, `data_id`, `iso3`), columns matched by name in any order.

use std::io::Read;

use jiff::civil::Date;

use super::csv_in::{
    Columns, Countries, DatedRow, Dates, Interner, Loaded, Raw, ReadOptions, Row, Sink, TableInput,
    finish_table, is_missing, read_rows,
};
use super::report::{Format, LoadReport};
use crate::error::Result;
use crate::incident::{Actor, ActorKind, Dataset, DateSpan, EventKind, Fatalities, Incident};

/// Read an ACLED CSV export from any reader, streaming: one record is in memory at a time.
///
/// `event_date` may be `YYYY-MM-DD`, `DD-MM-YYYY` or `16 May 2025`; `inter1`/`inter2` numbers
/// or text; `geo_precision` and `time_precision` 1–3 map to [`GeoPrecision`](crate::GeoPrecision) and
/// [`TimePrecision`](crate::TimePrecision) with the raw code kept; associated actors are split on `;`. ACLED gives
/// one date per event, so the span is that day, whatever the time precision says.
///
/// ```
/// use conflict_risk::{ReadOptions, read_acled};
/// let csv = "event_id_cnty,event_date,event_type,actor1,inter1,latitude,longitude,geo_precision,fatalities,iso,country\n\
///            TGO123,20 July 2024,Battles,JNIM,Rebel group,10.95,0.80,3,6,768,Togo\n\
///            TGO124,2024-07-21,Battles,JNIM,2,91.0,0.80,1,-2,768,Togo\n";
/// let loaded = read_acled(csv.as_bytes(), ReadOptions::new())?;
/// assert_eq!(loaded.incidents.len(), 1);
/// assert_eq!(loaded.report.rejected[0].line, 3);
/// println!("{}", loaded.report);
/// # Ok::<(), conflict_risk::Error>(())
/// ```
pub fn read_acled<R: Read>(reader: R, options: ReadOptions) -> Result<Loaded> {
    read_acled_from(reader, "<reader>", options)
}

struct AcledColumns {
    id: Option<usize>,
    date: usize,
    year: Option<usize>,
    lat: usize,
    lon: usize,
    time_precision: Option<usize>,
    geo_precision: Option<usize>,
    event_type: Option<usize>,
    sub_event_type: Option<usize>,
    actor1: Option<usize>,
    inter1: Option<usize>,
    assoc1: Option<usize>,
    actor2: Option<usize>,
    inter2: Option<usize>,
    assoc2: Option<usize>,
    fatalities: Option<usize>,
    iso3: Option<usize>,
    iso: Option<usize>,
    country: Option<usize>,
    admin1: Option<usize>,
    admin2: Option<usize>,
    location: Option<usize>,
}

pub(crate) fn read_acled_from<R: Read>(
    reader: R,
    source: &str,
    options: ReadOptions,
) -> Result<Loaded> {
    super::read_table(reader, source, options, Format::AcledCsv, read_acled_input)
}

pub(crate) fn read_acled_input(
    mut input: impl TableInput,
    source: &str,
    options: ReadOptions,
) -> Result<Loaded> {
    let columns = input.columns();
    let c = AcledColumns {
        id: columns.find(&["event_id_cnty", "event_id", "data_id", "event_id_no_cnty"]),
        date: columns.require(&["event_date"], "event date")?,
        year: columns.find(&["year"]),
        lat: columns.require(&["latitude", "lat"], "latitude")?,
        lon: columns.require(&["longitude", "lon", "long", "lng"], "longitude")?,
        time_precision: columns.find(&["time_precision"]),
        geo_precision: columns.find(&["geo_precision"]),
        event_type: columns.find(&["event_type"]),
        sub_event_type: columns.find(&["sub_event_type"]),
        actor1: columns.find(&["actor1", "actor"]),
        inter1: columns.find(&["inter1"]),
        assoc1: columns.find(&["assoc_actor_1", "ally_actor_1"]),
        actor2: columns.find(&["actor2"]),
        inter2: columns.find(&["inter2"]),
        assoc2: columns.find(&["assoc_actor_2", "ally_actor_2"]),
        fatalities: columns.find(&["fatalities", "total_fatalities"]),
        iso3: columns.find(&["iso3"]),
        iso: columns.find(&["iso"]),
        country: columns.find(&["country"]),
        admin1: columns.find(&["admin1"]),
        admin2: columns.find(&["admin2"]),
        location: columns.find(&["location"]),
    };
    let layout = if columns.contains("event_id_no_cnty") || columns.contains("data_id") {
        "ACLED, older layout (event_id_no_cnty / data_id)"
    } else if columns.contains("gwno") || columns.contains("total_fatalities") {
        "ACLED, early download (GWNO, TOTAL_FATALITIES)"
    } else {
        "ACLED export"
    };
    let mut report = LoadReport::new(
        source,
        Format::AcledCsv,
        format!("{layout}, {} columns", columns.len()),
    );
    let id_name = match c.id {
        Some(col) => columns.name(col).to_string(),
        None => {
            report.notes.push(
                "no id column (event_id_cnty, data_id or event_id_no_cnty): each row's id is \
                 the file's name and its line number (events.csv:12)"
                    .to_string(),
            );
            "line".to_string()
        }
    };
    // Ids made from line numbers carry the file's name, so that two such files read together
    // do not share ids.
    let id_prefix = format!(
        "{}:",
        std::path::Path::new(source)
            .file_name()
            .map_or(source.into(), |n| n.to_string_lossy())
    );
    let mut sink = Sink::new(report, &options, &id_name);
    let mut dates = Dates::new(&options, columns.name(c.date), None);
    let parse = |(names, countries): &mut (Interner, Countries), raw: &Raw, columns: &Columns| {
        let line = raw.line;
        let mut row = Row::new(&raw.record, columns);
        let mut warnings = Vec::new();
        row.check_record(raw.runaway.clone());
        let id: std::borrow::Cow<'_, str> = match c.id {
            Some(col) => row.required(col).unwrap_or_default().into(),
            None => format!("{id_prefix}{line}").into(),
        };
        let date = row.date(c.date, true);
        let year = row
            .int(c.year, 1000, 9999)
            .and_then(|y| i16::try_from(y).ok());
        let lat = row.coordinate(c.lat);
        let lon = row.coordinate(c.lon);
        let time_code = row.code(c.time_precision, 1, 3);
        let geo_code = row.code(c.geo_precision, 1, 3);
        let fatalities = match (c.fatalities, row.text(c.fatalities)) {
            (Some(_), None) => {
                warnings.push(("fatalities", "empty, taken as 0".to_string()));
                0
            }
            (Some(_), Some(_)) => row.count(c.fatalities).unwrap_or(0),
            (None, _) => 0,
        };
        let mut incident = Incident::new(&*id, lon, lat, DateSpan::day(Date::default()));
        incident.set_source_codes(Dataset::Acled, geo_code, time_code);
        let event_type = row.text(c.event_type);
        incident.kind = event_type.map_or(EventKind::Other, EventKind::from_acled);
        incident.event_type = names.opt(event_type);
        incident.sub_event_type = names.opt(row.text(c.sub_event_type));
        let actor = |name: Option<&str>, inter: Option<&str>, names: &mut Interner| {
            name.map(|n| {
                Actor::new(
                    names.get(n),
                    inter.map_or(ActorKind::Other, ActorKind::from_acled_inter),
                )
            })
        };
        let (a1, i1) = (row.text(c.actor1), row.text(c.inter1));
        let (a2, i2) = (row.text(c.actor2), row.text(c.inter2));
        incident.primary_actor = actor(a1, i1, names);
        incident.secondary_actor = actor(a2, i2, names);
        incident.associated_actors = [c.assoc1, c.assoc2]
            .into_iter()
            .filter_map(|col| row.text(col))
            .flat_map(|list| list.split(';').map(str::trim).filter(|n| !is_missing(n)))
            .map(|name| Actor::new(names.get(name), ActorKind::Other))
            .collect();
        incident.fatalities = Fatalities::best(fatalities);
        let country_text = row
            .text(c.iso3)
            .or_else(|| row.text(c.iso))
            .or_else(|| row.text(c.country));
        incident.country = countries.resolve_or_warn(country_text, &mut warnings);
        incident.admin1 = names.opt(row.text(c.admin1));
        incident.admin2 = names.opt(row.text(c.admin2));
        incident.location_name = names.opt(row.text(c.location));
        DatedRow {
            line,
            incident,
            problems: row.problems,
            warnings,
            dates: [date, None],
            year_column: year,
        }
    };
    read_rows(&mut input, &mut dates, &mut sink, parse)?;
    finish_table(dates, sink, &input)
}
