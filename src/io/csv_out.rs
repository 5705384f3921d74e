//! Incidents out as a flat CSV with `latitude` and `longitude` columns, which kepler.gl and
//! QGIS pick up as a point layer.

use arcstr::ArcStr;
use std::io::Write;

use geojson::JsonValue;

use super::geojson::{ExtraColumns, properties};
use crate::cluster::Clustering;
use crate::error::{Error, Result};
use crate::incident::{Actor, ActorKind, Incident};
use crate::validate::IncidentSet;

/// Write incidents as CSV: `id, latitude, longitude, time, date_end`, then every model field
/// under the names [`write_geojson`](crate::write_geojson) uses (associated actors joined with
/// `;`), then the `extra` columns. Empty cells for absent values.
///
/// ```
/// use conflict_risk::{ExtraColumns, brief_incidents, write_csv};
/// let mut out = Vec::new();
/// write_csv(&mut out, &brief_incidents(), &ExtraColumns::new().with("risk", [0.1, 0.5, 0.9])?)?;
/// let text = String::from_utf8(out).expect("utf-8");
/// assert!(text.lines().next().is_some_and(|h| h.starts_with("id,latitude,longitude,time,date_end,")));
/// assert!(text.lines().next().is_some_and(|h| h.ends_with(",risk")));
/// # Ok::<(), conflict_risk::Error>(())
/// ```
pub fn write_csv<W: Write>(writer: W, incidents: &[Incident], extra: &ExtraColumns) -> Result<()> {
    extra.check_len(incidents.len())?;
    let mut w = csv::Writer::from_writer(writer);
    let err = |e: csv::Error| Error::io("<writer>", std::io::Error::other(e));
    let own: Vec<String> = incidents
        .first()
        .map(|i| properties(i).keys().cloned().collect())
        .unwrap_or_default();
    // The same columns for every row: the model's fields and the UCDP ones if any row has them.
    let mut names: Vec<String> = vec!["id".into(), "latitude".into(), "longitude".into()];
    let ucdp = incidents.iter().any(|i| i.ucdp.is_some());
    let mut model: Vec<String> = own
        .into_iter()
        .filter(|n| n != "id" && !n.starts_with("ucdp_"))
        .collect();
    // `time` and `date_end` right after the position, the rest alphabetical.
    model.sort_by_key(|n| (n != "time", n != "date_end", n.clone()));
    if ucdp {
        model.extend(super::geojson::OWN_UCDP.map(String::from));
    }
    names.extend(model.iter().cloned());
    names.extend(extra.iter().map(|(n, _)| n.clone()));
    w.write_record(&names).map_err(err)?;
    let mut row: Vec<String> = Vec::with_capacity(names.len());
    for (k, i) in incidents.iter().enumerate() {
        let props = properties(i);
        row.clear();
        row.push(i.source_id.to_string());
        row.push(i.lat.to_string());
        row.push(i.lon.to_string());
        for n in &model {
            row.push(cell(props.get(n).unwrap_or(&JsonValue::Null)));
        }
        for (_, values) in extra.iter() {
            row.push(cell(&values[k]));
        }
        w.write_record(&row).map_err(err)?;
    }
    w.flush().map_err(|e| Error::io("<writer>", e))
}

/// A JSON value as a CSV cell: text as is, arrays joined with `;`, null empty.
fn cell(v: &JsonValue) -> String {
    match v {
        JsonValue::Null => String::new(),
        JsonValue::String(s) => s.clone(),
        JsonValue::Array(items) => items.iter().map(cell).collect::<Vec<_>>().join(";"),
        other => other.to_string(),
    }
}

/// ACLED's 31 export columns, in ACLED's order.
const ACLED_COLUMNS: [&str; 31] = [
    "event_id_cnty",
    "event_date",
    "year",
    "time_precision",
    "disorder_type",
    "event_type",
    "sub_event_type",
    "actor1",
    "assoc_actor_1",
    "inter1",
    "actor2",
    "assoc_actor_2",
    "inter2",
    "interaction",
    "civilian_targeting",
    "iso",
    "region",
    "country",
    "admin1",
    "admin2",
    "admin3",
    "location",
    "latitude",
    "longitude",
    "geo_precision",
    "source",
    "source_scale",
    "notes",
    "fatalities",
    "tags",
    "timestamp",
];

/// Write incidents in ACLED's 31-column export layout, so that tools (and this crate's tests
/// and benchmarks) that take ACLED files can take them. Columns the model does not hold
/// (`disorder_type`, `source`, `notes`, ...) are left empty; `inter1`/`inter2` are written as
/// text; the date is the start date.
///
/// ```
/// use conflict_risk::{ReadOptions, brief_incidents, read_acled, write_acled_csv};
/// let mut out = Vec::new();
/// write_acled_csv(&mut out, &brief_incidents())?;
/// let back = read_acled(out.as_slice(), ReadOptions::new().strict(true))?;
/// assert_eq!(back.incidents.len(), 3);
/// assert_eq!(back.incidents[2].fatalities.best, 6);
/// # Ok::<(), conflict_risk::Error>(())
/// ```
pub fn write_acled_csv<W: Write>(writer: W, incidents: &[Incident]) -> Result<()> {
    let mut w = csv::Writer::from_writer(writer);
    let err = |e: csv::Error| Error::io("<writer>", std::io::Error::other(e));
    w.write_record(ACLED_COLUMNS).map_err(err)?;
    let mut row: Vec<String> = Vec::with_capacity(ACLED_COLUMNS.len());
    for i in incidents {
        row.clear();
        let country = i
            .country
            .and_then(|c| celes::Country::from_alpha3(c.as_str()).ok());
        let actor = |a: Option<&Actor>| a.map_or(String::new(), |a| a.name.to_string());
        let inter = |a: Option<&Actor>| a.map_or("", |a| inter_text(a.kind)).to_string();
        let assoc = i
            .associated_actors
            .iter()
            .map(|a| &*a.name)
            .collect::<Vec<_>>()
            .join("; ");
        let text = |s: Option<&ArcStr>| s.map_or(String::new(), |s| s.to_string());
        let code = |c: Option<u8>| c.map_or(String::new(), |c| c.to_string());
        row.extend([
            i.source_id.to_string(),
            i.date.start.to_string(),
            i.date.start.year().to_string(),
            code(i.time_precision_code),
            String::new(),
            text(i.event_type.as_ref()),
            text(i.sub_event_type.as_ref()),
            actor(i.primary_actor.as_ref()),
            assoc,
            inter(i.primary_actor.as_ref()),
            actor(i.secondary_actor.as_ref()),
            String::new(),
            inter(i.secondary_actor.as_ref()),
            String::new(),
            String::new(),
            country.map_or(String::new(), |c| c.value.to_string()),
            String::new(),
            i.country.map_or(String::new(), |c| c.to_string()),
            text(i.admin1.as_ref()),
            text(i.admin2.as_ref()),
            String::new(),
            text(i.location_name.as_ref()),
            i.lat.to_string(),
            i.lon.to_string(),
            code(i.geo_precision_code),
            String::new(),
            String::new(),
            String::new(),
            i.fatalities.best.to_string(),
            String::new(),
            String::new(),
        ]);
        w.write_record(&row).map_err(err)?;
    }
    w.flush().map_err(|e| Error::io("<writer>", e))
}

/// ACLED's text for an actor kind (the form exports since 2024 use).
fn inter_text(kind: ActorKind) -> &'static str {
    match kind {
        ActorKind::State => "State forces",
        ActorKind::Rebel => "Rebel group",
        ActorKind::Militia => "Identity militia",
        ActorKind::Civilians => "Civilians",
        _ => "External/Other forces",
    }
}
/// Write a clustering's labels as CSV, one row per incident in id order: `id` (the source's),
/// `cluster` (empty for noise) and `core` (`true`/`false`).
///
/// ```
/// use conflict_risk::{Dbscan, IncidentIndex, IncidentSet, brief_incidents};
/// use conflict_risk::io::write_labels_csv;
/// let (set, _) = IncidentSet::validate(brief_incidents());
/// let clustering = Dbscan::new(1.0, 3)?.run(&IncidentIndex::new(&set));
/// let mut out = Vec::new();
/// write_labels_csv(&mut out, &set, &clustering)?;
/// let text = String::from_utf8(out).expect("utf-8");
/// assert_eq!(text.lines().count(), 4);
/// assert!(text.starts_with("id,cluster,core\n"));
/// assert!(text.lines().skip(1).all(|l| l.ends_with(",0,true")));
/// # Ok::<(), conflict_risk::Error>(())
/// ```
pub fn write_labels_csv<W: Write>(
    writer: W,
    set: &IncidentSet,
    clustering: &Clustering,
) -> Result<()> {
    if clustering.labels().len() != set.len() {
        return Err(Error::invalid(
            "clustering",
            clustering.labels().len(),
            format!(
                "has a label per incident of another set ({} incidents)",
                set.len()
            ),
        ));
    }
    let mut w = csv::Writer::from_writer(writer);
    let err = |e: csv::Error| Error::io("<writer>", std::io::Error::other(e));
    w.write_record(["id", "cluster", "core"]).map_err(err)?;
    for ((incident, label), core) in set
        .incidents()
        .iter()
        .zip(clustering.labels())
        .zip(clustering.core())
    {
        let cluster = label.map_or(String::new(), |c| c.get().to_string());
        let core = if *core { "true" } else { "false" };
        w.write_record([incident.source_id.as_str(), cluster.as_str(), core])
            .map_err(err)?;
    }
    w.flush().map_err(|e| Error::io("<writer>", e))
}
