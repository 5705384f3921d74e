//! GeoJSON (RFC 7946): incidents out as a FeatureCollection of points with every model field
//! as a flat property and one ISO 8601 `time` per feature (kepler.gl animates on it); and in,
//! streaming, losslessly for files written here, and from other tools under ACLED's or UCDP's
//! column names or through a [`PropertyMap`].

use std::io::{Read, Write};

use geojson::{JsonObject, JsonValue};
use serde::Serialize;

use super::csv_in::{Loaded, ReadOptions};
use crate::cluster::ClusterSummary;
use crate::error::{Error, Result};
use crate::incident::{Actor, Incident};

mod fields;
mod keys;
mod read;

/// The crate's own UCDP properties, written for every UCDP incident (GeoJSON and flat CSV).
pub(crate) const OWN_UCDP: [&str; 6] = [
    "ucdp_type_of_violence",
    "ucdp_conflict_name",
    "ucdp_deaths_a",
    "ucdp_deaths_b",
    "ucdp_deaths_civilians",
    "ucdp_deaths_unknown",
];

/// Extra per-incident columns attached at write time (a cluster id, a risk score), one value
/// per incident, in the incidents' order.
///
/// ```
/// use conflict_risk::{ExtraColumns, brief_incidents, write_geojson};
/// let incidents = brief_incidents();
/// let extra = ExtraColumns::new().with("cluster", [Some(1), Some(1), None])?;
/// let mut out = Vec::new();
/// write_geojson(&mut out, &incidents, &extra)?;
/// assert!(String::from_utf8_lossy(&out).contains("\"cluster\":1"));
/// # Ok::<(), conflict_risk::Error>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ExtraColumns {
    columns: Vec<(String, Vec<JsonValue>)>,
}

impl ExtraColumns {
    /// No extra columns.
    #[must_use]
    pub fn new() -> Self {
        ExtraColumns::default()
    }

    /// Add a column; `Err` if the name is empty, repeated, or one of the model's own fields.
    pub fn with<V: Serialize>(
        self,
        name: &str,
        values: impl IntoIterator<Item = V>,
    ) -> Result<Self> {
        let values = values
            .into_iter()
            .map(|v| serde_json::to_value(v).unwrap_or(JsonValue::Null))
            .collect();
        self.with_json(name, values)
    }

    /// [`with`](Self::with) for values already in JSON.
    pub(crate) fn with_json(mut self, name: &str, values: Vec<JsonValue>) -> Result<Self> {
        if name.is_empty() || OWN_NAMES.contains(&name) || name.starts_with("ucdp_") {
            return Err(Error::invalid(
                "name",
                format!("{name:?}"),
                "an extra column needs a name of its own, not empty and not a model field",
            ));
        }
        if self.columns.iter().any(|(n, _)| n == name) {
            return Err(Error::invalid(
                "name",
                name,
                "this column is already attached",
            ));
        }
        self.columns.push((name.to_string(), values));
        Ok(self)
    }

    pub(crate) fn check_len(&self, n: usize) -> Result<()> {
        for (name, values) in &self.columns {
            if values.len() != n {
                return Err(Error::invalid(
                    "columns",
                    name,
                    format!("has {} values for {n} incidents", values.len()),
                ));
            }
        }
        Ok(())
    }

    pub(crate) fn iter(&self) -> impl Iterator<Item = &(String, Vec<JsonValue>)> {
        self.columns.iter()
    }
}

/// The model's own property names, in the order written.
const OWN_NAMES: [&str; 25] = [
    "id",
    "time",
    "date_end",
    "geo_precision",
    "geo_precision_code",
    "time_precision",
    "time_precision_code",
    "kind",
    "event_type",
    "sub_event_type",
    "actor1",
    "actor1_kind",
    "actor2",
    "actor2_kind",
    "assoc_actors",
    "assoc_actor_kinds",
    "fatalities",
    "fatalities_low",
    "fatalities_high",
    "country",
    "admin1",
    "admin2",
    "location",
    "dataset",
    "priogrid_gid",
];

fn enum_text<T: Serialize>(v: &T) -> JsonValue {
    serde_json::to_value(v).unwrap_or(JsonValue::Null)
}

fn opt_text(v: Option<&str>) -> JsonValue {
    v.map_or(JsonValue::Null, |s| JsonValue::String(s.to_string()))
}

fn opt_num<T: Into<serde_json::Number>>(v: Option<T>) -> JsonValue {
    v.map_or(JsonValue::Null, |n| JsonValue::Number(n.into()))
}

/// Round to 6 decimals (about 0.1 m), as RFC 7946 advises.
fn round6(v: f64) -> f64 {
    (v * 1e6).round() / 1e6
}

/// The properties of one incident, model fields first.
pub(crate) fn properties(i: &Incident) -> JsonObject {
    let mut p = JsonObject::new();
    let actor = |a: Option<&Actor>| {
        (
            opt_text(a.map(|a| &*a.name)),
            a.map_or(JsonValue::Null, |a| enum_text(&a.kind)),
        )
    };
    let (a1, a1k) = actor(i.primary_actor.as_ref());
    let (a2, a2k) = actor(i.secondary_actor.as_ref());
    let values: [JsonValue; 24] = [
        JsonValue::String(i.source_id.to_string()),
        JsonValue::String(i.date.start.to_string()),
        JsonValue::String(i.date.end.to_string()),
        enum_text(&i.geo_precision),
        opt_num(i.geo_precision_code),
        enum_text(&i.time_precision),
        opt_num(i.time_precision_code),
        enum_text(&i.kind),
        opt_text(i.event_type.as_deref()),
        opt_text(i.sub_event_type.as_deref()),
        a1,
        a1k,
        a2,
        a2k,
        JsonValue::Array(
            i.associated_actors
                .iter()
                .map(|a| JsonValue::String(a.name.to_string()))
                .collect(),
        ),
        JsonValue::Array(
            i.associated_actors
                .iter()
                .map(|a| enum_text(&a.kind))
                .collect(),
        ),
        JsonValue::Number(i.fatalities.best.into()),
        opt_num(i.fatalities.low),
        opt_num(i.fatalities.high),
        opt_text(i.country.as_ref().map(|c| c.as_str())),
        opt_text(i.admin1.as_deref()),
        opt_text(i.admin2.as_deref()),
        opt_text(i.location_name.as_deref()),
        enum_text(&i.dataset),
    ];
    for (name, v) in OWN_NAMES.iter().zip(values) {
        p.insert((*name).to_string(), v);
    }
    p.insert(
        "priogrid_gid".into(),
        opt_num(i.ucdp.as_ref().and_then(|u| u.priogrid_gid)),
    );
    if let Some(u) = i.ucdp.as_deref() {
        p.insert("ucdp_type_of_violence".into(), opt_num(u.type_of_violence));
        p.insert(
            "ucdp_conflict_name".into(),
            opt_text(u.conflict_name.as_deref()),
        );
        p.insert("ucdp_deaths_a".into(), opt_num(u.deaths_a));
        p.insert("ucdp_deaths_b".into(), opt_num(u.deaths_b));
        p.insert("ucdp_deaths_civilians".into(), opt_num(u.deaths_civilians));
        p.insert("ucdp_deaths_unknown".into(), opt_num(u.deaths_unknown));
    }
    p
}

/// Where a written property's value comes from.
#[derive(Clone, Copy)]
enum Field {
    /// `OWN_NAMES[k]`.
    Own(usize),
    /// `OWN_UCDP[k]`.
    Ucdp(usize),
    /// The extra column `k`.
    Extra(usize),
}

/// The properties of a feature in the order written: by name, as [`properties`]' map orders
/// them (an extra column of a model field's name would replace it, as there).
fn field_order(extra: &ExtraColumns, ucdp: bool) -> Vec<(&str, Field)> {
    let mut order: std::collections::BTreeMap<&str, Field> = OWN_NAMES
        .iter()
        .enumerate()
        .map(|(k, n)| (*n, Field::Own(k)))
        .collect();
    if ucdp {
        order.extend(
            OWN_UCDP
                .iter()
                .enumerate()
                .map(|(k, n)| (*n, Field::Ucdp(k))),
        );
    }
    order.extend(
        extra
            .iter()
            .enumerate()
            .map(|(k, (n, _))| (n.as_str(), Field::Extra(k))),
    );
    order.into_iter().collect()
}

/// The JSON text of a string, as `serde_json` writes it: quoted, with `"`, `\\` and the
/// control characters escaped. Most strings have none of those and are copied as they are.
fn push_str(out: &mut Vec<u8>, s: &str) -> std::io::Result<()> {
    if s.bytes().all(|b| b >= 0x20 && b != b'"' && b != b'\\') {
        out.push(b'"');
        out.extend_from_slice(s.as_bytes());
        out.push(b'"');
        Ok(())
    } else {
        push_value(out, s)
    }
}

/// The JSON text of any other value, through `serde_json`.
fn push_value<T: Serialize + ?Sized>(out: &mut Vec<u8>, v: &T) -> std::io::Result<()> {
    serde_json::to_writer(out, v).map_err(std::io::Error::other)
}

/// An optional string: the string, or `null`.
fn push_opt_str(out: &mut Vec<u8>, s: Option<&str>) -> std::io::Result<()> {
    match s {
        Some(s) => push_str(out, s),
        None => {
            out.extend_from_slice(b"null");
            Ok(())
        }
    }
}

/// A JSON array of `items`, each written by `each`.
fn push_array<T>(
    out: &mut Vec<u8>,
    items: &[T],
    each: impl Fn(&mut Vec<u8>, &T) -> std::io::Result<()>,
) -> std::io::Result<()> {
    out.push(b'[');
    for (k, item) in items.iter().enumerate() {
        if k > 0 {
            out.push(b',');
        }
        each(out, item)?;
    }
    out.push(b']');
    Ok(())
}

/// Writes incidents as GeoJSON features straight from the model: the same text as `json!`
/// over [`properties`] gives (members by name), without a map or a serializer per feature.
struct FeatureText<'a> {
    /// Each property's `"name":`, written once, with where its value comes from: for
    /// incidents without and with UCDP details.
    keys: [Vec<(Vec<u8>, Field)>; 2],
    /// The extra columns' values.
    extra: Vec<&'a [JsonValue]>,
}

impl<'a> FeatureText<'a> {
    fn new(extra: &'a ExtraColumns) -> std::io::Result<Self> {
        let keys = |ucdp| -> std::io::Result<Vec<(Vec<u8>, Field)>> {
            field_order(extra, ucdp)
                .into_iter()
                .map(|(name, field)| {
                    let mut key = Vec::new();
                    push_str(&mut key, name)?;
                    key.push(b':');
                    Ok((key, field))
                })
                .collect()
        };
        Ok(FeatureText {
            keys: [keys(false)?, keys(true)?],
            extra: extra.iter().map(|(_, v)| v.as_slice()).collect(),
        })
    }

    /// Append incident `i` (row `row` of the extra columns) as one feature.
    fn push(&self, out: &mut Vec<u8>, i: &Incident, row: usize) -> std::io::Result<()> {
        out.extend_from_slice(b"{\"geometry\":{\"coordinates\":[");
        push_value(out, &round6(i.lon))?;
        out.push(b',');
        push_value(out, &round6(i.lat))?;
        out.extend_from_slice(b"],\"type\":\"Point\"},\"properties\":{");
        fn name(a: &Option<Actor>) -> Option<&str> {
            a.as_ref().map(|a| &*a.name)
        }
        let u = i.ucdp.as_deref();
        for (k, (key, field)) in self.keys[usize::from(u.is_some())].iter().enumerate() {
            if k > 0 {
                out.push(b',');
            }
            out.extend_from_slice(key);
            match *field {
                Field::Own(0) => push_str(out, i.source_id.as_str())?,
                Field::Own(1) => write!(out, "\"{}\"", i.date.start)?,
                Field::Own(2) => write!(out, "\"{}\"", i.date.end)?,
                Field::Own(3) => push_value(out, &i.geo_precision)?,
                Field::Own(4) => push_value(out, &i.geo_precision_code)?,
                Field::Own(5) => push_value(out, &i.time_precision)?,
                Field::Own(6) => push_value(out, &i.time_precision_code)?,
                Field::Own(7) => push_value(out, &i.kind)?,
                Field::Own(8) => push_opt_str(out, i.event_type.as_deref())?,
                Field::Own(9) => push_opt_str(out, i.sub_event_type.as_deref())?,
                Field::Own(10) => push_opt_str(out, name(&i.primary_actor))?,
                Field::Own(11) => push_value(out, &i.primary_actor.as_ref().map(|a| a.kind))?,
                Field::Own(12) => push_opt_str(out, name(&i.secondary_actor))?,
                Field::Own(13) => push_value(out, &i.secondary_actor.as_ref().map(|a| a.kind))?,
                Field::Own(14) => {
                    push_array(out, &i.associated_actors, |o, a| push_str(o, &a.name))?
                }
                Field::Own(15) => {
                    push_array(out, &i.associated_actors, |o, a| push_value(o, &a.kind))?
                }
                Field::Own(16) => push_value(out, &i.fatalities.best)?,
                Field::Own(17) => push_value(out, &i.fatalities.low)?,
                Field::Own(18) => push_value(out, &i.fatalities.high)?,
                Field::Own(19) => push_opt_str(out, i.country.as_ref().map(|c| c.as_str()))?,
                Field::Own(20) => push_opt_str(out, i.admin1.as_deref())?,
                Field::Own(21) => push_opt_str(out, i.admin2.as_deref())?,
                Field::Own(22) => push_opt_str(out, i.location_name.as_deref())?,
                Field::Own(23) => push_value(out, &i.dataset)?,
                Field::Own(_) => push_value(out, &u.and_then(|u| u.priogrid_gid))?,
                Field::Ucdp(0) => push_value(out, &u.and_then(|u| u.type_of_violence))?,
                Field::Ucdp(1) => {
                    push_opt_str(out, u.and_then(|u| u.conflict_name.as_deref()))?;
                }
                Field::Ucdp(2) => push_value(out, &u.and_then(|u| u.deaths_a))?,
                Field::Ucdp(3) => push_value(out, &u.and_then(|u| u.deaths_b))?,
                Field::Ucdp(4) => push_value(out, &u.and_then(|u| u.deaths_civilians))?,
                Field::Ucdp(_) => push_value(out, &u.and_then(|u| u.deaths_unknown))?,
                Field::Extra(k) => match self.extra.get(k).and_then(|v| v.get(row)) {
                    Some(v) => push_value(out, v)?,
                    None => out.extend_from_slice(b"null"),
                },
            }
        }
        out.extend_from_slice(b"},\"type\":\"Feature\"}");
        Ok(())
    }
}

/// Write incidents as an RFC 7946 FeatureCollection of points: `[lon, lat]` to 6 decimals,
/// no `crs` member, a `time` property (the start date, ISO 8601) and `date_end`, every model
/// field as a flat property, then the `extra` columns. Streams: the text of one wave of
/// 65,536 features in memory at once (about 50 MB), serialised on all cores with `parallel`.
///
/// ```
/// use conflict_risk::{ExtraColumns, brief_incidents, write_geojson};
/// let mut out = Vec::new();
/// write_geojson(&mut out, &brief_incidents(), &ExtraColumns::new())?;
/// let text = String::from_utf8(out).expect("utf-8");
/// assert!(text.starts_with("{\"type\":\"FeatureCollection\""));
/// assert!(text.contains("\"time\":\"2024-07-20\"") && !text.contains("crs"));
/// # Ok::<(), conflict_risk::Error>(())
/// ```
pub fn write_geojson<W: Write>(
    writer: W,
    incidents: &[Incident],
    extra: &ExtraColumns,
) -> Result<()> {
    extra.check_len(incidents.len())?;
    let mut w = std::io::BufWriter::with_capacity(1 << 16, writer);
    let io = |e| Error::io("<writer>", e);
    w.write_all(b"{\"type\":\"FeatureCollection\",\"features\":[")
        .map_err(io)?;
    let text = FeatureText::new(extra).map_err(io)?;
    // Features are serialised in blocks (on worker threads with the `parallel` feature) and
    // written in order, a wave of blocks at a time: the text is the same, and memory holds
    // one wave, not the file.
    let block = |first: usize, items: &[Incident]| -> std::io::Result<Vec<u8>> {
        let mut out = Vec::with_capacity(items.len() * 768);
        for (k, i) in (first..).zip(items) {
            out.extend_from_slice(if k > 0 { b",\n" } else { b"\n" });
            text.push(&mut out, i, k)?;
        }
        Ok(out)
    };
    // (Small in the unit tests, so that their few hundred features cross blocks and waves.)
    const BLOCK: usize = if cfg!(test) { 16 } else { 2_048 };
    const WAVE: usize = if cfg!(test) { 4 * BLOCK } else { 32 * BLOCK };
    let waves = (0..).step_by(WAVE).zip(incidents.chunks(WAVE));
    let serialise = |(w_at, wave): (usize, &[Incident])| -> Result<Vec<Vec<u8>>> {
        let blocks: Vec<(usize, &[Incident])> =
            (w_at..).step_by(BLOCK).zip(wave.chunks(BLOCK)).collect();
        #[cfg(feature = "parallel")]
        let texts: std::io::Result<Vec<Vec<u8>>> = {
            use rayon::prelude::*;
            blocks.par_iter().map(|&(at, b)| block(at, b)).collect()
        };
        #[cfg(not(feature = "parallel"))]
        let texts: std::io::Result<Vec<Vec<u8>>> =
            blocks.iter().map(|&(at, b)| block(at, b)).collect();
        texts.map_err(io)
    };
    // With `parallel`, the next wave is serialised while this thread writes the last one
    // (a write that waits on the disk then holds up no worker); at most two waves wait.
    #[cfg(feature = "parallel")]
    std::thread::scope(|s| -> Result<()> {
        let (send, receive) = std::sync::mpsc::sync_channel(1);
        let producer = s.spawn(move || {
            for wave in waves {
                let texts = serialise(wave);
                let failed = texts.is_err();
                // The writer has stopped (a write failed): nothing more to do.
                if send.send(texts).is_err() || failed {
                    return;
                }
            }
        });
        let mut outcome = Ok(());
        for texts in receive {
            outcome = texts.and_then(|texts| {
                texts
                    .iter()
                    .try_for_each(|text| w.write_all(text).map_err(io))
            });
            if outcome.is_err() {
                break;
            }
        }
        // Dropping the receiver (the loop above) lets a blocked producer see the end.
        if producer.join().is_err() {
            return Err(Error::io(
                "<writer>",
                std::io::Error::other("a GeoJSON serialising thread failed"),
            ));
        }
        outcome
    })?;
    #[cfg(not(feature = "parallel"))]
    for wave in waves {
        for text in serialise(wave)? {
            w.write_all(&text).map_err(io)?;
        }
    }
    w.write_all(b"\n]}\n").map_err(io)?;
    w.flush().map_err(io)
}

/// Which property holds which model field, for GeoJSON from other tools. The defaults are the
/// names [`write_geojson`] uses, so files written here read back losslessly.
///
/// ```
/// use conflict_risk::PropertyMap;
/// let map = PropertyMap::new().date("event_date").fatalities("deaths").actor1("perpetrator");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PropertyMap {
    id: String,
    date: String,
    date_end: String,
    fatalities: String,
    actor1: String,
    actor2: String,
    event_type: String,
    country: String,
    location: String,
}

impl Default for PropertyMap {
    fn default() -> Self {
        PropertyMap {
            id: "id".into(),
            date: "time".into(),
            date_end: "date_end".into(),
            fatalities: "fatalities".into(),
            actor1: "actor1".into(),
            actor2: "actor2".into(),
            event_type: "event_type".into(),
            country: "country".into(),
            location: "location".into(),
        }
    }
}

macro_rules! setter {
    ($name:ident, $doc:literal) => {
        #[doc = $doc]
        #[must_use]
        pub fn $name(mut self, property: &str) -> Self {
            self.$name = property.to_string();
            self
        }
    };
}

impl PropertyMap {
    /// The crate's own property names.
    #[must_use]
    pub fn new() -> Self {
        PropertyMap::default()
    }
    setter!(
        id,
        "The property holding the incident's id (else the feature's `id`)."
    );
    setter!(date, "The property holding the (start) date.");
    setter!(
        date_end,
        "The property holding the end date (else the start date)."
    );
    setter!(fatalities, "The property holding the number of deaths.");
    setter!(actor1, "The property holding the primary actor's name.");
    setter!(actor2, "The property holding the secondary actor's name.");
    setter!(event_type, "The property holding the event type text.");
    setter!(
        country,
        "The property holding the country (code, number or name)."
    );
    setter!(location, "The property holding the location name.");

    /// The fields a property can be mapped to by name, as [`PropertyMap::set`] takes them.
    pub const FIELDS: [&'static str; 9] = [
        "id",
        "time",
        "date_end",
        "fatalities",
        "actor1",
        "actor2",
        "event_type",
        "country",
        "location",
    ];

    /// Map a field, named as in [`PropertyMap::FIELDS`] (`date` also names `time`), to a
    /// property: what the programs' `--field time=event_date` does. `Err` names the fields
    /// when `field` is none of them.
    ///
    /// ```
    /// use conflict_risk::PropertyMap;
    /// let map = PropertyMap::new().set("time", "event_date")?;
    /// assert_eq!(map, PropertyMap::new().date("event_date"));
    /// assert!(PropertyMap::new().set("when", "x").is_err());
    /// # Ok::<(), conflict_risk::Error>(())
    /// ```
    pub fn set(self, field: &str, property: &str) -> Result<Self> {
        Ok(match field {
            "id" => self.id(property),
            "time" | "date" => self.date(property),
            "date_end" => self.date_end(property),
            "fatalities" => self.fatalities(property),
            "actor1" => self.actor1(property),
            "actor2" => self.actor2(property),
            "event_type" => self.event_type(property),
            "country" => self.country(property),
            "location" => self.location(property),
            _ => {
                return Err(Error::invalid(
                    "field",
                    field,
                    format!("expected one of {}", Self::FIELDS.join(", ")),
                ));
            }
        })
    }
}

/// Read point incidents from a GeoJSON FeatureCollection (or a single Feature), streaming:
/// features are read one at a time and each is turned into an incident at once, so memory
/// holds the incidents and one feature, never the whole document. A leading UTF-8 byte order
/// mark is skipped.
///
/// Properties are found by name, ignoring case (ogr2ogr exports of old ACLED files write
/// `EVENT_DATE`): first the name `map` gives for a field, then the crate's own name, then the
/// name ACLED or UCDP GED gives that column (`event_date`/`date_start`, `fatalities`/`best`,
/// `actor1`/`side_a`, `geo_precision` 1–3/`where_prec` 1–7, `type_of_violence`, ...), so
/// that a QGIS or ogr2ogr export of either table reads without a map. Numbers may be JSON
/// numbers or text (`"12"`, `"12.0"`). The crate's own fields (precision words, kinds,
/// dataset, UCDP details) are read when present, so files written by [`write_geojson`] come
/// back as they were.
///
/// A legacy `crs` member naming CRS84 is accepted and any other CRS refused, wherever the
/// member stands (after the features, the read fails at the end). A feature that cannot be
/// read (not a Point, coordinates that are not numbers, no geometry, a property of the wrong
/// type) is rejected by itself and reported with its number, counted from 1, in
/// [`RejectedRow::line`](crate::io::RejectedRow::line); the rest of the file reads. Repeated
/// property names, and `latitude`/`longitude` properties more than 1 km from the point
/// geometry (which is used), are warned about. Broken JSON syntax ends the read with an error
/// naming the feature where it broke. In strict mode the first rejected feature ends the read
/// with [`Error::Feature`].
///
/// ```
/// use conflict_risk::{ExtraColumns, PropertyMap, ReadOptions, brief_incidents, read_geojson, write_geojson};
/// let mut out = Vec::new();
/// write_geojson(&mut out, &brief_incidents(), &ExtraColumns::new())?;
/// let back = read_geojson(out.as_slice(), &PropertyMap::new(), ReadOptions::new())?;
/// assert_eq!(back.incidents, brief_incidents());
///
/// // An ogr2ogr export of an ACLED table, with a feature that is not a point.
/// let acled = r#"{"type":"FeatureCollection","features":[
///   {"type":"Feature","properties":{"EVENT_ID_CNTY":"TGO1","EVENT_DATE":"2024-07-20","FATALITIES":"6"},
///    "geometry":{"type":"Point","coordinates":[0.8,10.95]}},
///   {"type":"Feature","properties":{"EVENT_ID_CNTY":"TGO2","EVENT_DATE":"2024-07-21"},
///    "geometry":{"type":"Pointy","coordinates":[0.8,10.95]}}]}"#;
/// let loaded = read_geojson(acled.as_bytes(), &PropertyMap::new(), ReadOptions::new())?;
/// assert_eq!(loaded.incidents[0].fatalities.best, 6);
/// assert_eq!(loaded.report.rejected[0].line, 2);
/// # Ok::<(), conflict_risk::Error>(())
/// ```
pub fn read_geojson<R: Read>(reader: R, map: &PropertyMap, options: ReadOptions) -> Result<Loaded> {
    read_geojson_from(reader, "<reader>", map, options)
}

pub(crate) fn read_geojson_from<R: Read>(
    reader: R,
    source: &str,
    map: &PropertyMap,
    options: ReadOptions,
) -> Result<Loaded> {
    read::read(reader, source, map, options)
}

/// Accept no `crs` member, or a legacy one naming WGS 84 as CRS84 or as EPSG:4326 (in any of
/// its spellings: `EPSG:4326`, `urn:ogc:def:crs:EPSG::4326`, `.../def/crs/EPSG/0/4326`), whose
/// coordinates GeoJSON writers put in longitude, latitude order all the same (a file written
/// latitude first shows as positions outside their country, with a warning); refuse others.
fn check_crs(crs: Option<&JsonValue>, source: &str) -> Result<()> {
    let Some(crs) = crs else { return Ok(()) };
    let name = crs
        .pointer("/properties/name")
        .and_then(JsonValue::as_str)
        .unwrap_or("");
    let upper = name.to_ascii_uppercase();
    let epsg_4326 = upper.contains("EPSG")
        && upper
            .rsplit([':', '/'])
            .next()
            .is_some_and(|code| code == "4326");
    if upper.ends_with("CRS84") || epsg_4326 {
        Ok(())
    } else {
        Err(Error::format(format!(
            "{source} declares the CRS {name:?}: only WGS 84 longitude/latitude (CRS84, as RFC \
             7946 requires) is read; reproject it first, e.g. `ogr2ogr -t_srs CRS:84 out.geojson in.geojson`"
        )))
    }
}

/// Write cluster outlines as an RFC 7946 FeatureCollection of polygons (exteriors counter-
/// clockwise, 6 decimals; a multipolygon of the parts of an outline cut at the antimeridian,
/// see [`ClusterSummary::hull`]), each carrying its summary: `cluster`, `count`, `core_count`,
/// `fatalities` (and `fatalities_low`/`_high`), `first_day`, `last_day`, `centroid_lon`,
/// `centroid_lat`, `radius_km`, `cross_border`, `countries`, `top_actors`, `kinds`.
///
/// ```
/// use conflict_risk::{CorridorScenario, Dbscan, HullShape, IncidentIndex, IncidentSet};
/// use conflict_risk::write_clusters_geojson;
/// let (set, _) = IncidentSet::validate(CorridorScenario::new(3_000).generate());
/// let clustering = Dbscan::new(15.0, 8)?.run(&IncidentIndex::new(&set));
/// let clusters = clustering.summarize(&set, HullShape::Convex)?;
/// let mut out = Vec::new();
/// write_clusters_geojson(&mut out, &clusters)?;
/// assert!(String::from_utf8_lossy(&out).contains("\"cross_border\""));
/// # Ok::<(), conflict_risk::Error>(())
/// ```
pub fn write_clusters_geojson<W: Write>(writer: W, clusters: &[ClusterSummary]) -> Result<()> {
    use geo::orient::{Direction, Orient};
    let round = |v: f64| (v * 1e6).round() / 1e6;
    let features: Vec<serde_json::Value> = clusters
        .iter()
        .map(|c| {
            let rings = |p: &geo::Polygon<f64>| -> Vec<Vec<[f64; 2]>> {
                std::iter::once(p.exterior())
                    .chain(p.interiors())
                    .map(|r| r.coords().map(|p| [round(p.x), round(p.y)]).collect())
                    .collect()
            };
            let parts: Vec<Vec<Vec<[f64; 2]>>> =
                c.hull.orient(Direction::Default).iter().map(rings).collect();
            let geometry = match <[_; 1]>::try_from(parts) {
                Ok([one]) => serde_json::json!({"type": "Polygon", "coordinates": one}),
                Err(parts) => serde_json::json!({"type": "MultiPolygon", "coordinates": parts}),
            };
            let text = |items: Vec<String>| items.join("; ");
            serde_json::json!({
                "type": "Feature",
                "geometry": geometry,
                "properties": {
                    "cluster": c.id.get(),
                    "count": c.count,
                    "core_count": c.core_count,
                    "fatalities": c.fatalities.best,
                    "fatalities_low": c.fatalities.low,
                    "fatalities_high": c.fatalities.high,
                    "first_day": c.first_day.to_string(),
                    "last_day": c.last_day.to_string(),
                    "centroid_lon": round(c.centroid.x()),
                    "centroid_lat": round(c.centroid.y()),
                    "radius_km": (c.radius_km * 1000.0).round() / 1000.0,
                    "cross_border": c.cross_border,
                    "countries": text(c.countries.iter().map(|n| format!("{} {}", n.key.map_or("unknown".to_string(), |k| k.to_string()), n.count)).collect()),
                    "top_actors": text(c.actors.iter().take(5).map(|a| format!("{} {}", a.key, a.count)).collect()),
                    "kinds": text(c.kinds.iter().map(|k| format!("{} {}", k.key.label(), k.count)).collect()),
                },
            })
        })
        .collect();
    let doc = serde_json::json!({"type": "FeatureCollection", "features": features});
    let mut w = std::io::BufWriter::new(writer);
    serde_json::to_writer(&mut w, &doc)
        .map_err(|e| Error::io("<writer>", std::io::Error::other(e)))?;
    w.write_all(b"\n").map_err(|e| Error::io("<writer>", e))?;
    w.flush().map_err(|e| Error::io("<writer>", e))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::incident::{ActorKind, CountryCode, UcdpDetails};

    /// The text `json!` gives over the model's property map: what `write_geojson` wrote
    /// before it streamed each feature.
    fn by_map(incidents: &[Incident], extra: &ExtraColumns) -> String {
        let mut out = String::from("{\"type\":\"FeatureCollection\",\"features\":[");
        for (k, i) in incidents.iter().enumerate() {
            let mut props = properties(i);
            for (name, values) in extra.iter() {
                props.insert(name.clone(), values[k].clone());
            }
            let feature = serde_json::json!({
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [round6(i.lon), round6(i.lat)]},
                "properties": props,
            });
            out.push_str(if k > 0 { ",\n" } else { "\n" });
            out.push_str(&feature.to_string());
        }
        out.push_str("\n]}\n");
        out
    }

    #[test]
    fn streamed_features_are_the_text_of_the_property_map() {
        let mut incidents = crate::sample::demo_incidents();
        incidents.truncate(300);
        let mut odd = Incident::new(
            "u\"1\\é",
            -0.123_456_789,
            12.5,
            crate::DateSpan::day(jiff::civil::date(2023, 2, 3)),
        );
        odd.associated_actors = vec![
            Actor::new("A \"quoted\" name", ActorKind::Rebel),
            Actor::new("Civilians (Burkina Faso)", ActorKind::Civilians),
        ]
        .into();
        odd.country = CountryCode::new("BFA");
        // Control characters are escaped too, a DEL and non-ASCII text are not.
        odd.location_name = Some("tab\there, line\nbreak, \u{1}\u{1f}\u{7f} Djibo–Arbinda".into());
        odd.ucdp = Some(Box::new(UcdpDetails {
            type_of_violence: Some(3),
            conflict_name: Some("Burkina Faso: Government".into()),
            deaths_a: Some(1),
            deaths_b: None,
            deaths_civilians: Some(4),
            deaths_unknown: Some(0),
            priogrid_gid: Some(123_456),
        }));
        incidents.push(odd);
        let extra = ExtraColumns::new()
            .with(
                "groups",
                incidents
                    .iter()
                    .map(|i| i.source_id.as_str().len())
                    .collect::<Vec<_>>(),
            )
            .and_then(|e| {
                e.with(
                    "aa_first",
                    vec![serde_json::json!({"b": [1, null]}); incidents.len()],
                )
            })
            .and_then(|e| e.with("zz_last", vec![Option::<f64>::None; incidents.len()]))
            .expect("valid columns");
        for extra in [ExtraColumns::new(), extra] {
            let mut out = Vec::new();
            write_geojson(&mut out, &incidents, &extra).expect("written");
            assert_eq!(
                String::from_utf8(out).expect("utf-8"),
                by_map(&incidents, &extra)
            );
        }
    }
    /// A writer that takes `left` bytes, then fails every write.
    struct FailsAfter {
        left: usize,
    }

    impl Write for FailsAfter {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            if self.left == 0 {
                return Err(std::io::Error::other("disk full"));
            }
            let n = buf.len().min(self.left);
            self.left -= n;
            Ok(n)
        }

        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_failing_writer_is_an_error_at_any_point_of_the_stream() {
        let incidents = crate::sample::demo_incidents();
        let mut whole = Vec::new();
        write_geojson(&mut whole, &incidents, &ExtraColumns::new()).expect("written");
        // Past the buffer, in the middle of the waves, and at the very end: an error each
        // time, and no thread left waiting.
        for left in [0, 100, whole.len() / 2, whole.len() - 1] {
            let err = write_geojson(FailsAfter { left }, &incidents, &ExtraColumns::new())
                .expect_err("the writer failed");
            let cause = std::error::Error::source(&err).map(ToString::to_string);
            assert_eq!(cause.as_deref(), Some("disk full"), "{err}");
        }
    }
}
