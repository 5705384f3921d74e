//! One feature to one incident: the point geometry, and the properties found under the
//! crate's own names, the [`PropertyMap`]'s, or the names ACLED and UCDP GED give their
//! columns (ogr2ogr and QGIS keep them, sometimes in capitals), matched ignoring case.

use std::borrow::Cow;

use jiff::civil::Date;
use serde::de::{DeserializeOwned, IntoDeserializer};
use serde_json::Value;

use super::keys::{Entry, Keys};
use super::{OWN_UCDP, PropertyMap};
use crate::error::Result;
use crate::geodesy::haversine_km;
use crate::incident::{
    Actor, ActorKind, Dataset, DateSpan, EventKind, Fatalities, GeoPrecision, Incident,
    TimePrecision, UcdpDetails,
};
use crate::io::csv_in::{
    Countries, DatedRow, Dates, Interner, Loaded, NOT_A_DATE, ParsedDate, ReadOptions, Sink,
    parse_whole, parse_written,
};
use crate::io::report::{FieldProblem, Format, LoadReport, shorten};
use crate::io::ucdp::ucdp_actor_kind;

/// A feature as read from the JSON, of any shape: what is wrong with it is found when it is
/// turned into an incident.
#[derive(Default)]
pub(super) struct Feature {
    /// `type`, as found.
    pub(super) kind: Option<Value>,
    /// `geometry`, as found (`Some(Null)` for `null`, `None` when absent).
    pub(super) geometry: Option<Value>,
    /// `properties`, as found.
    pub(super) properties: Option<Properties>,
    /// The feature's `id` member.
    pub(super) id: Option<Value>,
    /// The feature is not a JSON object but this ("a number", "an array").
    pub(super) not_an_object: Option<&'static str>,
}

/// A feature's `properties` member.
pub(super) enum Properties {
    /// An object: its members in file order, repeated names included; the values of names
    /// the reader does not ask for are left out (null).
    Object(Vec<Entry>),
    /// `null`, which RFC 7946 allows.
    Null,
    /// Something else: a number, a string, an array.
    Other(&'static str),
}

/// How far the point geometry and `latitude`/`longitude` properties may disagree before the
/// feature is warned about, in km.
const COORDINATE_TOLERANCE_KM: f64 = 1.0;

/// The names tried for each field, lowercase, in order: the [`PropertyMap`]'s name first (the
/// caller's override), then the crate's own, then ACLED's and UCDP GED's.
struct Names {
    id: Vec<String>,
    date: Vec<String>,
    date_end: Vec<String>,
    fatalities: Vec<String>,
    actor1: Vec<String>,
    actor2: Vec<String>,
    event_type: Vec<String>,
    country: Vec<String>,
    location: Vec<String>,
}

impl Names {
    fn all(&self) -> impl Iterator<Item = &str> {
        [
            &self.id,
            &self.date,
            &self.date_end,
            &self.fatalities,
            &self.actor1,
            &self.actor2,
            &self.event_type,
            &self.country,
            &self.location,
        ]
        .into_iter()
        .flatten()
        .map(String::as_str)
    }

    fn new(map: &PropertyMap) -> Names {
        let own = PropertyMap::default();
        let list = |mapped: &str, own: &str, aliases: &[&str]| -> Vec<String> {
            let mut names: Vec<String> = Vec::new();
            for n in [mapped, own].into_iter().chain(aliases.iter().copied()) {
                let n = n.to_ascii_lowercase();
                if !names.contains(&n) {
                    names.push(n);
                }
            }
            names
        };
        Names {
            id: list(
                &map.id,
                &own.id,
                &["event_id_cnty", "event_id_no_cnty", "data_id"],
            ),
            date: list(&map.date, &own.date, &["event_date", "date_start"]),
            date_end: list(&map.date_end, &own.date_end, &[]),
            fatalities: list(&map.fatalities, &own.fatalities, &["best", "best_est"]),
            actor1: list(&map.actor1, &own.actor1, &["side_a"]),
            actor2: list(&map.actor2, &own.actor2, &["side_b"]),
            event_type: list(&map.event_type, &own.event_type, &[]),
            country: list(&map.country, &own.country, &["iso3", "iso"]),
            location: list(&map.location, &own.location, &["where_coordinates"]),
        }
    }
}

/// Which naming the features' dates came under, for the report's layout.
#[derive(Clone, Copy, Default)]
struct Namings {
    own: u64,
    acled: u64,
    ucdp: u64,
    mapped: u64,
}

impl Namings {
    /// Features whose date was found, under any name.
    fn total(&self) -> u64 {
        self.own + self.acled + self.ucdp + self.mapped
    }
}

/// Every property name read besides those of [`Names`], lowercase.
const FIXED_NAMES: &[&str] = &[
    "geo_precision",
    "geo_precision_code",
    "where_prec",
    "time_precision",
    "time_precision_code",
    "date_prec",
    "kind",
    "type_of_violence",
    "sub_event_type",
    "actor1_kind",
    "actor2_kind",
    "inter1",
    "inter2",
    "assoc_actors",
    "assoc_actor_kinds",
    "assoc_actor_1",
    "assoc_actor_2",
    "fatalities_low",
    "low",
    "low_est",
    "fatalities_high",
    "high",
    "high_est",
    "admin1",
    "adm_1",
    "admin2",
    "adm_2",
    "dataset",
    "ucdp_type_of_violence",
    "ucdp_conflict_name",
    "conflict_name",
    "ucdp_deaths_a",
    "deaths_a",
    "ucdp_deaths_b",
    "deaths_b",
    "ucdp_deaths_civilians",
    "deaths_civilians",
    "ucdp_deaths_unknown",
    "deaths_unknown",
    "priogrid_gid",
    "event_id_cnty",
    "event_id_no_cnty",
    "side_a",
    "side_b",
    "latitude",
    "lat",
    "longitude",
    "lon",
    "lng",
];

/// Turns features into incidents and files them.
pub(super) struct Reader {
    /// The property names of the file.
    pub(super) keys: Keys,
    convert: Convert,
}

/// What turning features into incidents keeps: the names to try, the sink, shared text.
struct Convert {
    names: Names,
    sink: Sink,
    /// The features' dates: numeric ones wait for the file's day/month order.
    dates: Dates,
    interner: Interner,
    countries: Countries,
    namings: Namings,
}

impl Reader {
    pub(super) fn new(source: &str, map: &PropertyMap, options: ReadOptions) -> Self {
        let names = Names::new(map);
        let dates = Dates::new(
            &options,
            names.date.first().map_or("time", String::as_str),
            names.date_end.first().map(String::as_str),
        );
        Reader {
            keys: Keys::new(names.all().chain(FIXED_NAMES.iter().copied())),
            convert: Convert {
                names,
                sink: Sink::new(
                    LoadReport::new(source, Format::GeoJson, "FeatureCollection of points"),
                    &options,
                    &map.id,
                ),
                dates,
                interner: Interner::default(),
                countries: Countries::default(),
                namings: Namings::default(),
            },
        }
    }

    /// The incidents and the report, its layout naming the property names met; `Err` when
    /// numeric dates can be read day or month first and nothing says which.
    pub(super) fn finish(self, single: bool) -> Result<Loaded> {
        let mut c = self.convert;
        c.dates.finish(&mut c.sink)?;
        let n = c.namings;
        let kinds = [
            (n.own, "the crate's own property names"),
            (
                n.acled,
                "ACLED property names (event_date, fatalities, ...)",
            ),
            (n.ucdp, "UCDP GED property names (date_start, best, ...)"),
            (n.mapped, "property names from the PropertyMap"),
        ];
        let met: Vec<&str> = kinds
            .iter()
            .filter(|(count, _)| *count > 0)
            .map(|(_, s)| *s)
            .collect();
        let shape = if single {
            "a single Feature (a point)"
        } else {
            "FeatureCollection of points"
        };
        c.sink.report.layout = match met.as_slice() {
            [] => shape.to_string(),
            [one] => format!("{shape}, {one}"),
            more => format!("{shape}, mixed: {}", more.join("; ")),
        };
        Ok(c.sink.finish())
    }

    /// Turn feature number `number` into an incident and file it: `Err` only in strict mode.
    pub(super) fn feature(&mut self, feature: Feature, number: u64) -> Result<()> {
        let mut repeated = Vec::new();
        let properties = match feature.properties {
            Some(Properties::Object(mut entries)) => {
                self.keys.index(&mut entries, &mut repeated);
                Some(Properties::Object(entries))
            }
            other => {
                // No properties: still a new feature for lookups.
                self.keys.index(&mut Vec::new(), &mut repeated);
                other
            }
        };
        let mut f = Fields::new(&self.keys, properties, repeated);
        let c = &mut self.convert;
        if let Some(kind) = feature.not_an_object {
            f.problem(
                "feature",
                kind,
                format!("a feature must be a JSON object, not {kind}"),
            );
        } else {
            match feature.kind.as_ref() {
                Some(Value::String(s)) if s == "Feature" => {}
                Some(other) => {
                    let text = text_of(other);
                    f.problem("type", &text, "a feature's type must be \"Feature\"");
                }
                None => f.problem("type", "", "no `type` member: not a GeoJSON Feature"),
            }
        }
        let (lon, lat) = point(feature.geometry.as_ref(), &mut f);
        let id = c.id(&mut f, feature.id.as_ref(), number);
        let dates = c.dates(&mut f);
        let mut i = Incident::new(id, lon, lat, DateSpan::day(Date::default()));
        precision(&mut f, &mut i);
        let violence = c.kind_and_actors(&mut f, &mut i);
        i.fatalities = c.fatalities(&mut f);
        i.country = c.country(&mut f);
        i.admin1 = f.text(&["admin1", "adm_1"]).map(|t| c.interner.get(&t));
        i.admin2 = f.text(&["admin2", "adm_2"]).map(|t| c.interner.get(&t));
        i.location_name = f.text(&c.names.location).map(|t| c.interner.get(&t));
        i.ucdp = c.ucdp(&mut f, violence);
        i.dataset = match f.parsed::<Dataset>(&["dataset"]) {
            Some(d) => d,
            None if i.ucdp.is_some() && !f.has_any(&OWN_UCDP) => Dataset::UcdpGed,
            None if f.has_any(ACLED_ONLY) => Dataset::Acled,
            None => Dataset::GeoJson,
        };
        coordinates_agree(&mut f, lon, lat);
        let Fields {
            problems, warnings, ..
        } = f;
        let filed = c.dates.row(
            &mut c.sink,
            DatedRow {
                line: number,
                incident: i,
                problems,
                warnings,
                dates,
                year_column: None,
            },
        );
        self.keys.bound();
        filed
    }
}

impl Convert {
    fn id(&mut self, f: &mut Fields, member: Option<&Value>, number: u64) -> String {
        // UCDP ids are integers, sometimes written as floats (497710.0): keep them whole.
        if let Some(e) = f.find(&self.names.id)
            && let Value::Number(n) = &e.value
            && let Some(whole) = parse_whole(&n.to_string())
        {
            return whole.to_string();
        }
        if let Some(t) = f.text(&self.names.id) {
            return t.into_owned();
        }
        match member {
            Some(Value::String(s)) if !s.trim().is_empty() => s.trim().to_string(),
            Some(Value::Number(n)) => n.to_string(),
            _ => format!("feature-{number}"),
        }
    }

    /// The start and end dates as written (their day/month order is the file's).
    fn dates(&mut self, f: &mut Fields) -> [Option<ParsedDate>; 2] {
        let names = &self.names;
        let Some(name) = f.which(&names.date).map(str::to_string) else {
            let field = names.date.first().map_or("time", String::as_str);
            f.problem(
                field,
                "",
                format!(
                    "no date: none of the properties {} is present and not empty",
                    names.date.join(", ")
                ),
            );
            return [None, None];
        };
        let counter = match name.as_str() {
            n if n == PropertyMap::default().date => &mut self.namings.own,
            n if names.date.first().is_some_and(|m| m == n) => &mut self.namings.mapped,
            "event_date" => &mut self.namings.acled,
            "date_start" => &mut self.namings.ucdp,
            _ => &mut self.namings.mapped,
        };
        *counter += 1;
        if self.namings.total() == 1 {
            let end = f.which(&names.date_end).map(str::to_string);
            self.dates.name_columns(&name, end.as_deref());
        }
        [f.date(&names.date), f.date(&names.date_end)]
    }

    /// The kind, event type and actors; returns UCDP's `type_of_violence`, read once here.
    fn kind_and_actors(&mut self, f: &mut Fields, i: &mut Incident) -> Option<u8> {
        let names = &self.names;
        let violence = f.code(&["type_of_violence"], 1, 3);
        let event_type = f.string(&names.event_type);
        i.kind = match f.parsed::<EventKind>(&["kind"]) {
            Some(k) => k,
            None => match (violence, event_type.as_deref()) {
                (Some(v), _) => EventKind::from_ucdp(v),
                (None, Some(t)) => EventKind::from_acled(t),
                (None, None) => EventKind::Other,
            },
        };
        i.event_type = match (event_type, violence) {
            (Some(t), _) => Some(self.interner.get(&t)),
            (None, Some(v)) => Some(self.interner.get(match v {
                1 => "state-based conflict",
                2 => "non-state conflict",
                _ => "one-sided violence",
            })),
            (None, None) => None,
        };
        i.sub_event_type = f.text(&["sub_event_type"]).map(|t| self.interner.get(&t));
        let mut actor = |names: &[String], own_kind: &str, inter: &str, side: &str| {
            let found = f.which(names).map(str::to_string);
            let name = f.string(names)?;
            let kind = match f.parsed::<ActorKind>(&[own_kind]) {
                Some(k) => k,
                None => match f.text(&[inter]) {
                    Some(code) => ActorKind::from_acled_inter(&code),
                    None if found.as_deref() == Some(side) => ucdp_actor_kind(&name),
                    None => ActorKind::Other,
                },
            };
            Some(Actor::new(self.interner.get(&name), kind))
        };
        i.primary_actor = actor(&names.actor1, "actor1_kind", "inter1", "side_a");
        i.secondary_actor = actor(&names.actor2, "actor2_kind", "inter2", "side_b");
        i.associated_actors = if f.has_any(&["assoc_actors"]) {
            let assoc: Vec<String> = f.parsed(&["assoc_actors"]).unwrap_or_default();
            let kinds: Vec<ActorKind> = f.parsed(&["assoc_actor_kinds"]).unwrap_or_default();
            assoc
                .iter()
                .enumerate()
                .map(|(k, n)| {
                    Actor::new(
                        self.interner.get(n),
                        kinds.get(k).copied().unwrap_or_default(),
                    )
                })
                .collect()
        } else {
            // ACLED: two columns, each a list split on ';'.
            let lists = [f.string(&["assoc_actor_1"]), f.string(&["assoc_actor_2"])];
            lists
                .iter()
                .flatten()
                .flat_map(|list| list.split(';').map(str::trim).filter(|n| !n.is_empty()))
                .map(|n| Actor::new(self.interner.get(n), ActorKind::Other))
                .collect()
        };
        violence
    }

    fn fatalities(&mut self, f: &mut Fields) -> Fatalities {
        let names = &self.names.fatalities;
        let best = match f.count(names) {
            Some(best) => best,
            None => {
                if let Some(name) = f.present_but_empty(names) {
                    f.warn("fatalities", format!("`{name}` is empty, taken as 0"));
                }
                0
            }
        };
        Fatalities {
            best,
            low: f.count(&["fatalities_low", "low", "low_est"]),
            high: f.count(&["fatalities_high", "high", "high_est"]),
        }
    }

    /// The first of the country names that names a known country; a warning when one is
    /// given but none resolves.
    fn country(&mut self, f: &mut Fields) -> Option<crate::incident::CountryCode> {
        let mut first = None;
        for name in &self.names.country {
            let Some(t) = f.string(std::slice::from_ref(name)) else {
                continue;
            };
            if let Some(code) = self.countries.resolve(&t) {
                return Some(code);
            }
            first.get_or_insert(t);
        }
        if let Some(t) = first {
            f.warn(
                "country",
                format!("{t:?} is not a country this crate knows"),
            );
        }
        None
    }

    /// UCDP GED's own fields, under the crate's `ucdp_` names (any value this crate writes)
    /// or UCDP's (`violence` is UCDP's `type_of_violence`, read already).
    fn ucdp(&mut self, f: &mut Fields, violence: Option<u8>) -> Option<Box<UcdpDetails>> {
        let own = f.has_any(&OWN_UCDP);
        if !own && !f.has_any(UCDP_ONLY) {
            return None;
        }
        let type_of_violence = if own {
            f.parsed(&["ucdp_type_of_violence"])
        } else {
            violence
        };
        let priogrid_gid = if own {
            f.parsed(&["priogrid_gid"])
        } else {
            f.int(&["priogrid_gid"], 1, 259_200)
                .and_then(|v| u32::try_from(v).ok())
        };
        let deaths = |f: &mut Fields, name: &str| f.count(&[format!("ucdp_{name}"), name.into()]);
        Some(Box::new(UcdpDetails {
            type_of_violence,
            conflict_name: f
                .text(&["ucdp_conflict_name", "conflict_name"])
                .map(|t| self.interner.get(&t)),
            deaths_a: deaths(f, "deaths_a"),
            deaths_b: deaths(f, "deaths_b"),
            deaths_civilians: deaths(f, "deaths_civilians"),
            deaths_unknown: deaths(f, "deaths_unknown"),
            priogrid_gid,
        }))
    }
}

/// Location and date precision: the crate's own words with the raw code beside them, or
/// ACLED's codes 1–3 under `geo_precision`/`time_precision`, or UCDP's `where_prec` 1–7 and
/// `date_prec` 1–5.
fn precision(f: &mut Fields, i: &mut Incident) {
    let (geo, geo_code) = f.precision(
        "geo_precision",
        "geo_precision_code",
        "where_prec",
        (3, GeoPrecision::from_acled),
        (7, GeoPrecision::from_ucdp),
    );
    let (time, time_code) = f.precision(
        "time_precision",
        "time_precision_code",
        "date_prec",
        (3, TimePrecision::from_acled),
        (5, TimePrecision::from_ucdp),
    );
    i.geo_precision = geo;
    i.geo_precision_code = geo_code;
    i.time_precision = time;
    i.time_precision_code = time_code;
}

/// Properties only ACLED writes: a feature with one of them is ACLED data.
const ACLED_ONLY: &[&str] = &["event_id_cnty", "event_id_no_cnty", "inter1", "inter2"];

/// Properties only UCDP GED writes: a feature with one of them is UCDP data.
const UCDP_ONLY: &[&str] = &[
    "type_of_violence",
    "where_prec",
    "date_prec",
    "side_a",
    "side_b",
    "conflict_name",
    "deaths_a",
    "deaths_b",
    "deaths_civilians",
    "deaths_unknown",
];

/// A JSON value as text for a report: strings without their quotes, the rest as JSON.
fn text_of(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// The point of a feature's geometry, `(NaN, NaN)` with a problem when there is none.
fn point(geometry: Option<&Value>, f: &mut Fields) -> (f64, f64) {
    const NONE: (f64, f64) = (f64::NAN, f64::NAN);
    let g = match geometry {
        None | Some(Value::Null) => {
            f.problem("geometry", "null", "the feature has no geometry");
            return NONE;
        }
        Some(Value::Object(g)) => g,
        Some(other) => {
            f.problem(
                "geometry",
                &text_of(other),
                format!("a geometry must be a JSON object, not {}", kind_name(other)),
            );
            return NONE;
        }
    };
    match g.get("type") {
        Some(Value::String(t)) if t == "Point" => {}
        Some(Value::String(t)) if super::read::GEOMETRY_TYPES.contains(&t.as_str()) => {
            f.problem("geometry", t, "only Point geometries are read");
            return NONE;
        }
        Some(Value::String(t)) => {
            f.problem(
                "geometry",
                t,
                "not a GeoJSON geometry type (Point, MultiPoint, LineString, \
                 MultiLineString, Polygon, MultiPolygon, GeometryCollection)",
            );
            return NONE;
        }
        other => {
            let text = other.map_or_else(String::new, text_of);
            f.problem("geometry", &text, "the geometry has no type");
            return NONE;
        }
    }
    let coordinates = g.get("coordinates").unwrap_or(&Value::Null);
    let numbers = coordinates
        .as_array()
        .filter(|c| c.len() >= 2)
        .and_then(|c| Some((c[0].as_f64()?, c[1].as_f64()?)));
    match numbers {
        Some(p) => p,
        None => {
            f.problem(
                "geometry",
                &coordinates.to_string(),
                "a Point's coordinates must be [longitude, latitude] as JSON numbers",
            );
            NONE
        }
    }
}

/// Warn when `latitude`/`longitude` properties place the feature more than a kilometre from
/// its point geometry, which is the one used.
fn coordinates_agree(f: &mut Fields, lon: f64, lat: f64) {
    if !(lon.is_finite() && lat.is_finite()) {
        return;
    }
    let number = |f: &Fields, names: &[&str]| -> Option<f64> {
        match &f.find(names)?.value {
            Value::Number(n) => n.as_f64(),
            Value::String(s) => s.trim().parse().ok(),
            _ => None,
        }
    };
    let (Some(plat), Some(plon)) = (
        number(f, &["latitude", "lat"]),
        number(f, &["longitude", "lon", "lng"]),
    ) else {
        return;
    };
    if !(plat.is_finite() && plon.is_finite()) {
        return;
    }
    let km = haversine_km(geo::Point::new(lon, lat), geo::Point::new(plon, plat));
    if km > COORDINATE_TOLERANCE_KM {
        f.warn(
            "latitude, longitude",
            format!(
                "the latitude/longitude properties ({plat}, {plon}) lie {km:.1} km from the \
                 point geometry ({lat}, {lon}); the geometry is used"
            ),
        );
    }
}

/// The name of a JSON value's kind, for "must be an object, not a number" messages.
pub(super) fn kind_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// A feature's properties being read, looked up through the file's [`Keys`]; every problem
/// and warning collected.
struct Fields<'k> {
    keys: &'k Keys,
    entries: Vec<Entry>,
    problems: Vec<FieldProblem>,
    warnings: Vec<(&'static str, String)>,
}

impl<'k> Fields<'k> {
    /// The properties of a feature, indexed by `keys` (`repeated` describes the names met
    /// twice).
    fn new(keys: &'k Keys, properties: Option<Properties>, repeated: Vec<String>) -> Self {
        let mut f = Fields {
            keys,
            entries: Vec::new(),
            problems: Vec::new(),
            warnings: repeated.into_iter().map(|m| ("properties", m)).collect(),
        };
        match properties {
            None | Some(Properties::Null) => {}
            Some(Properties::Other(kind)) => f.problem(
                "properties",
                kind,
                format!("properties must be a JSON object or null, not {kind}"),
            ),
            Some(Properties::Object(entries)) => f.entries = entries,
        }
        f
    }

    fn problem(&mut self, field: &str, value: &str, reason: impl Into<String>) {
        self.problems.push(FieldProblem {
            field: field.to_string(),
            value: shorten(value),
            reason: reason.into(),
        });
    }

    fn warn(&mut self, field: &'static str, message: String) {
        self.warnings.push((field, message));
    }

    fn get(&self, key: &str) -> Option<&Entry> {
        self.keys.position(key).and_then(|k| self.entries.get(k))
    }

    /// The name of an entry as written.
    fn name(&self, e: &Entry) -> &'k str {
        self.keys.spelling(e.spelling)
    }

    /// The first of `names` (lowercase) present with a value: not null, not blank text.
    fn find<S: AsRef<str>>(&self, names: &[S]) -> Option<&Entry> {
        self.index(names).map(|k| &self.entries[k])
    }

    /// Which of `names` is the first present with a value.
    fn which<'n, S: AsRef<str>>(&self, names: &'n [S]) -> Option<&'n str> {
        let k = self.index(names)?;
        names
            .iter()
            .map(AsRef::as_ref)
            .find(|n| self.keys.position(n) == Some(k))
    }

    /// The position of the first of `names` present with a value.
    fn index<S: AsRef<str>>(&self, names: &[S]) -> Option<usize> {
        names.iter().find_map(|n| {
            let k = self.keys.position(n.as_ref())?;
            match &self.entries.get(k)?.value {
                Value::Null => None,
                Value::String(s) if s.trim().is_empty() => None,
                _ => Some(k),
            }
        })
    }

    /// Whether any of `names` is present at all, even empty.
    fn has_any<S: AsRef<str>>(&self, names: &[S]) -> bool {
        names.iter().any(|n| self.get(n.as_ref()).is_some())
    }

    /// Whether the crate's own `ucdp_` properties are present.
    /// The name of the first of `names` present but null or blank, as written.
    fn present_but_empty<S: AsRef<str>>(&self, names: &[S]) -> Option<String> {
        names
            .iter()
            .find_map(|n| self.get(n.as_ref()))
            .map(|e| self.name(e).to_string())
    }

    /// Text of the first of `names` present: strings trimmed, numbers as written; a problem
    /// for an array or an object.
    fn text<S: AsRef<str>>(&mut self, names: &[S]) -> Option<Cow<'_, str>> {
        let k = self.index(names)?;
        if let Value::Array(_) | Value::Object(_) = &self.entries[k].value {
            let e = &self.entries[k];
            let (name, value) = (self.name(e), e.value.to_string());
            self.problem(name, &value, "expected text or a number");
            return None;
        }
        match &self.entries[k].value {
            Value::String(s) => Some(Cow::Borrowed(s.trim())),
            Value::Number(n) => Some(Cow::Owned(n.to_string())),
            Value::Bool(b) => Some(Cow::Owned(b.to_string())),
            _ => None,
        }
    }

    /// [`Fields::text`], owned.
    fn string<S: AsRef<str>>(&mut self, names: &[S]) -> Option<String> {
        self.text(names).map(Cow::into_owned)
    }

    /// The first of `names` present, deserialised as `T`; a problem if it has the wrong form.
    fn parsed<T: DeserializeOwned>(&mut self, names: &[&str]) -> Option<T> {
        let k = self.index(names)?;
        let entry = &self.entries[k];
        match T::deserialize(&entry.value) {
            Ok(t) => Some(t),
            Err(e) => {
                let (name, value) = (self.name(entry), text_of(&entry.value));
                self.problem(name, &value, format!("unexpected value: {e}"));
                None
            }
        }
    }

    /// A whole number in `min..=max`, written as a number or as text (`12`, `"12"`, `12.0`).
    fn int<S: AsRef<str>>(&mut self, names: &[S], min: i64, max: i64) -> Option<i64> {
        let k = self.index(names)?;
        let name = self.name(&self.entries[k]);
        let t = self.string(names)?;
        match parse_whole(&t) {
            Some(v) if (min..=max).contains(&v) => Some(v),
            Some(_) => {
                self.problem(name, &t, format!("outside {min}..={max}"));
                None
            }
            None => {
                self.problem(name, &t, "not a whole number");
                None
            }
        }
    }

    /// A small code (precision, violence type) in `min..=max`.
    fn code<S: AsRef<str>>(&mut self, names: &[S], min: u8, max: u8) -> Option<u8> {
        self.int(names, i64::from(min), i64::from(max))
            .and_then(|v| u8::try_from(v).ok())
    }

    /// A count of deaths: a whole number (a negative one is refused by the checks after).
    fn count<S: AsRef<str>>(&mut self, names: &[S]) -> Option<i32> {
        self.int(names, i64::from(i32::MIN), i64::from(i32::MAX))
            .and_then(|v| i32::try_from(v).ok())
    }

    /// A date as written, from the first of `names` present.
    fn date<S: AsRef<str>>(&mut self, names: &[S]) -> Option<ParsedDate> {
        let k = self.index(names)?;
        let name = self.name(&self.entries[k]);
        let t = self.string(names)?;
        let d = parse_written(&t);
        if d.is_none() {
            self.problem(name, &t, NOT_A_DATE);
        }
        d
    }

    /// A precision: the crate's own word (`"exact"`) with the raw code under `own_code`, or
    /// ACLED's code under the same name, or UCDP's under `ucdp`.
    fn precision<P: DeserializeOwned + Default>(
        &mut self,
        own: &str,
        own_code: &str,
        ucdp: &str,
        acled_codes: (u8, fn(u8) -> Option<P>),
        ucdp_codes: (u8, fn(u8) -> Option<P>),
    ) -> (P, Option<u8>) {
        let word = self.find(&[own]).and_then(|p| match &p.value {
            Value::String(s) if parse_whole(s.trim()).is_none() => Some(s.clone()),
            _ => None,
        });
        if let Some(word) = word {
            // Written by this crate: the word, and the source's code beside it.
            let code = self.code(&[own_code], 0, u8::MAX);
            let value: Result<P, serde::de::value::Error> =
                P::deserialize(word.as_str().into_deserializer());
            return match value {
                Ok(p) => (p, code),
                Err(_) => {
                    let name = self.find(&[own]).map_or(own, |e| self.name(e));
                    self.problem(
                        name,
                        &word,
                        format!(
                            "expected a precision word as this crate writes it, or ACLED's \
                             code 1–{}",
                            acled_codes.0
                        ),
                    );
                    (P::default(), code)
                }
            };
        }
        let (names, (max, decode)) = if self.find(&[own]).is_some() {
            (own, acled_codes)
        } else {
            (ucdp, ucdp_codes)
        };
        let code = self.code(&[names], 1, max);
        (code.and_then(decode).unwrap_or_default(), code)
    }
}
