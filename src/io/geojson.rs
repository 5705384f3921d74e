//! GeoJSON (RFC 7946): incidents out as a FeatureCollection of points with every model field
//! as a flat property and one ISO 8601 `time` per feature (kepler.gl animates on it); and in,
//! losslessly for files written here, or from other tools through a [`PropertyMap`].

use std::io::{Read, Write};

use geojson::{GeoJson, GeometryValue, JsonObject, JsonValue};
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::csv_in::{Countries, Interner, Loaded, ReadOptions, Sink, SlashDates, parse_date};
use super::report::{FieldProblem, Format, LoadReport, shorten};
use crate::cluster::ClusterSummary;
use crate::error::{Error, Result};
use crate::incident::{Actor, ActorKind, DateSpan, Fatalities, Incident, UcdpDetails};

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
        mut self,
        name: &str,
        values: impl IntoIterator<Item = V>,
    ) -> Result<Self> {
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
        let values = values
            .into_iter()
            .map(|v| serde_json::to_value(v).unwrap_or(JsonValue::Null))
            .collect();
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

/// Write incidents as an RFC 7946 FeatureCollection of points: `[lon, lat]` to 6 decimals,
/// no `crs` member, a `time` property (the start date, ISO 8601) and `date_end`, every model
/// field as a flat property, then the `extra` columns. Streams: one feature in memory at once.
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
    let mut w = std::io::BufWriter::new(writer);
    let io = |e| Error::io("<writer>", e);
    w.write_all(b"{\"type\":\"FeatureCollection\",\"features\":[")
        .map_err(io)?;
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
        if k > 0 {
            w.write_all(b",\n").map_err(io)?;
        } else {
            w.write_all(b"\n").map_err(io)?;
        }
        serde_json::to_writer(&mut w, &feature)
            .map_err(|e| Error::io("<writer>", std::io::Error::other(e)))?;
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
}

/// Read point incidents from a GeoJSON FeatureCollection (or a single Feature). Properties are
/// found through `map`; the crate's own fields (precision, kinds, dataset, UCDP details) are
/// read when present, so files written by [`write_geojson`] come back as they were. A legacy
/// `crs` member naming CRS84 is accepted, any other CRS refused; features whose geometry is
/// not a Point are rejected and reported, one by one. The document is parsed whole.
///
/// ```
/// use conflict_risk::{ExtraColumns, PropertyMap, ReadOptions, brief_incidents, read_geojson, write_geojson};
/// let mut out = Vec::new();
/// write_geojson(&mut out, &brief_incidents(), &ExtraColumns::new())?;
/// let back = read_geojson(out.as_slice(), &PropertyMap::new(), ReadOptions::new())?;
/// assert_eq!(back.incidents, brief_incidents());
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
    let doc = GeoJson::from_reader(reader)
        .map_err(|e| Error::format(format!("{source} is not valid GeoJSON: {e}")))?;
    let (features, foreign) = match doc {
        GeoJson::FeatureCollection(fc) => (fc.features, fc.foreign_members),
        GeoJson::Feature(f) => (vec![f], None),
        GeoJson::Geometry(_) => {
            return Err(Error::format(format!(
                "{source} holds a bare geometry: incidents are read from Features"
            )));
        }
    };
    check_crs(foreign.as_ref().and_then(|m| m.get("crs")), source)?;
    let mut sink = Sink::new(
        LoadReport::new(source, Format::GeoJson, "FeatureCollection of points"),
        options,
        &map.id,
    );
    let mut names = Interner::default();
    let mut countries = Countries::default();
    for (k, feature) in features.into_iter().enumerate() {
        let line = k as u64 + 1;
        let mut problems = Vec::new();
        let mut warnings = Vec::new();
        let props = feature.properties.unwrap_or_default();
        let mut p = Props {
            props: &props,
            problems: &mut problems,
        };
        let feature_id = feature.id.as_ref().map(|id| match id {
            geojson::feature::Id::String(s) => s.clone(),
            geojson::feature::Id::Number(n) => n.to_string(),
        });
        let id = p
            .text(&map.id)
            .or(feature_id)
            .unwrap_or_else(|| format!("feature-{line}"));
        let (lon, lat) = match feature.geometry.map(|g| g.value) {
            Some(GeometryValue::Point { coordinates: pos }) if pos.len() >= 2 => (pos[0], pos[1]),
            Some(other) => {
                p.problem(
                    "geometry",
                    other.type_name(),
                    "only Point geometries are read",
                );
                (f64::NAN, f64::NAN)
            }
            None => {
                p.problem("geometry", "null", "the feature has no geometry");
                (f64::NAN, f64::NAN)
            }
        };
        let start = p.date(&map.date, true);
        let end = p.date(&map.date_end, false).or(start);
        let start = start.unwrap_or_default();
        let mut i = Incident::new(id, lon, lat, DateSpan::new(start, end.unwrap_or(start)));
        i.geo_precision = p.parsed("geo_precision").unwrap_or_default();
        i.geo_precision_code = p.parsed("geo_precision_code");
        i.time_precision = p.parsed("time_precision").unwrap_or_default();
        i.time_precision_code = p.parsed("time_precision_code");
        i.kind = p.parsed("kind").unwrap_or_default();
        i.event_type = names.opt(p.text(&map.event_type).as_deref());
        i.sub_event_type = names.opt(p.text("sub_event_type").as_deref());
        let actor1_kind: Option<ActorKind> = p.parsed("actor1_kind");
        let actor2_kind: Option<ActorKind> = p.parsed("actor2_kind");
        i.primary_actor = p
            .text(&map.actor1)
            .map(|n| Actor::new(names.get(&n), actor1_kind.unwrap_or_default()));
        i.secondary_actor = p
            .text(&map.actor2)
            .map(|n| Actor::new(names.get(&n), actor2_kind.unwrap_or_default()));
        let assoc: Vec<String> = p.parsed("assoc_actors").unwrap_or_default();
        let assoc_kinds: Vec<ActorKind> = p.parsed("assoc_actor_kinds").unwrap_or_default();
        i.associated_actors = assoc
            .iter()
            .enumerate()
            .map(|(k, n)| {
                Actor::new(
                    names.get(n),
                    assoc_kinds.get(k).copied().unwrap_or_default(),
                )
            })
            .collect();
        i.fatalities = Fatalities {
            best: p.count(&map.fatalities).unwrap_or(0),
            low: p.count("fatalities_low"),
            high: p.count("fatalities_high"),
        };
        let country = p.text(&map.country);
        i.country = countries.resolve_or_warn(country.as_deref(), &mut warnings);
        i.admin1 = names.opt(p.text("admin1").as_deref());
        i.admin2 = names.opt(p.text("admin2").as_deref());
        i.location_name = names.opt(p.text(&map.location).as_deref());
        i.dataset = p
            .parsed("dataset")
            .unwrap_or(crate::incident::Dataset::GeoJson);
        if props.keys().any(|k| k.starts_with("ucdp_")) {
            i.ucdp = Some(Box::new(UcdpDetails {
                type_of_violence: p.parsed("ucdp_type_of_violence"),
                conflict_name: names.opt(p.text("ucdp_conflict_name").as_deref()),
                deaths_a: p.count("ucdp_deaths_a"),
                deaths_b: p.count("ucdp_deaths_b"),
                deaths_civilians: p.count("ucdp_deaths_civilians"),
                deaths_unknown: p.count("ucdp_deaths_unknown"),
                priogrid_gid: p.parsed("priogrid_gid"),
            }));
        }
        sink.row(line, i, problems, warnings)?;
    }
    Ok(sink.finish())
}

/// Accept no `crs` member, or a legacy one naming CRS84 (WGS 84 lon/lat); refuse others.
fn check_crs(crs: Option<&JsonValue>, source: &str) -> Result<()> {
    let Some(crs) = crs else { return Ok(()) };
    let name = crs
        .pointer("/properties/name")
        .and_then(JsonValue::as_str)
        .unwrap_or("");
    let upper = name.to_ascii_uppercase();
    if upper.ends_with("CRS84") || upper.ends_with("OGC:1.3:CRS84") {
        Ok(())
    } else {
        Err(Error::format(format!(
            "{source} declares the CRS {name:?}: only WGS 84 longitude/latitude (CRS84, as RFC \
             7946 requires) is read; reproject it first, e.g. `ogr2ogr -t_srs CRS:84 out.geojson in.geojson`"
        )))
    }
}

/// A feature's properties being read: every problem is collected.
struct Props<'a> {
    props: &'a JsonObject,
    problems: &'a mut Vec<FieldProblem>,
}

impl Props<'_> {
    fn problem(&mut self, field: &str, value: &str, reason: impl Into<String>) {
        self.problems.push(FieldProblem {
            field: field.to_string(),
            value: shorten(value),
            reason: reason.into(),
        });
    }

    /// Text of a property: strings as they are, numbers as written; `None` if absent or null.
    fn text(&mut self, name: &str) -> Option<String> {
        match self.props.get(name)? {
            JsonValue::Null => None,
            JsonValue::String(s) => Some(s.trim().to_string()).filter(|s| !s.is_empty()),
            JsonValue::Number(n) => Some(n.to_string()),
            JsonValue::Bool(b) => Some(b.to_string()),
            other => {
                let v = other.to_string();
                self.problem(name, &v, "expected text or a number");
                None
            }
        }
    }

    /// A property deserialised as `T`; a problem if present but of the wrong form.
    fn parsed<T: DeserializeOwned>(&mut self, name: &str) -> Option<T> {
        let v = self.props.get(name).filter(|v| !v.is_null())?;
        match serde_json::from_value(v.clone()) {
            Ok(t) => Some(t),
            Err(e) => {
                let text = v.to_string();
                self.problem(name, &text, format!("unexpected value: {e}"));
                None
            }
        }
    }

    /// A count of deaths: a whole number, as a number or text.
    fn count(&mut self, name: &str) -> Option<i32> {
        let t = self.text(name)?;
        match super::csv_in::parse_whole(&t).and_then(|v| i32::try_from(v).ok()) {
            Some(v) => Some(v),
            None => {
                self.problem(name, &t, "not a whole number");
                None
            }
        }
    }

    fn date(&mut self, name: &str, required: bool) -> Option<jiff::civil::Date> {
        let Some(t) = self.text(name) else {
            if required {
                self.problem(name, "", "no date: the property is missing or empty");
            }
            return None;
        };
        let d = parse_date(&t, SlashDates::Refuse);
        if d.is_none() {
            self.problem(name, &t, "not a date: expected ISO 8601 (2024-07-20)");
        }
        d
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
