//! The GeoJSON reader, streaming: serde_json walks the top-level object and hands over the
//! `features` array one element at a time; each feature becomes an incident (or a rejected row)
//! at once and is dropped, so memory holds the incidents and one feature, never the document.
//!
//! A feature is taken as JSON of any shape: a wrong geometry, a string coordinate, a property
//! of the wrong type reject that feature alone, with its number (counted from 1). Only broken
//! JSON syntax ends the read, since nothing after it can be trusted; the error names the feature
//! where it broke.

use std::fmt;
use std::io::{BufRead, BufReader, Read};

use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::Value;

use super::fields::{Feature, Properties};
use super::keys::{Entry, Keys};
use super::{PropertyMap, check_crs};
use crate::error::{Error, Result};
use crate::io::csv_in::{Loaded, ReadOptions};

/// Read a GeoJSON FeatureCollection (or a single Feature) from `reader`, streaming.
pub(super) fn read<R: Read>(
    reader: R,
    source: &str,
    map: &PropertyMap,
    options: ReadOptions,
) -> Result<Loaded> {
    let mut input = BufReader::with_capacity(1 << 16, reader);
    skip_bom(&mut input, source)?;
    let mut state = State {
        source,
        features: super::fields::Reader::new(source, map, options),
        done: 0,
        in_features: false,
        stop: None,
    };
    let mut de = serde_json::Deserializer::from_reader(input);
    let top = TopSeed(&mut state)
        .deserialize(&mut de)
        .and_then(|top| de.end().map(|()| top));
    match top {
        Ok(top) => state.finish(top),
        Err(e) => Err(match state.stop.take() {
            Some(stop) => stop,
            None => state.json_error(e),
        }),
    }
}

/// Skip a leading UTF-8 byte order mark; refuse UTF-16 in words.
fn skip_bom<R: Read>(input: &mut BufReader<R>, source: &str) -> Result<()> {
    const BOM: &[u8] = b"\xEF\xBB\xBF";
    let mut matched = 0;
    while matched < BOM.len() {
        let head = input.fill_buf().map_err(|e| Error::io(source, e))?;
        if matched == 0 && (head.starts_with(b"\xFF\xFE") || head.starts_with(b"\xFE\xFF")) {
            return Err(Error::format(format!(
                "{source} is UTF-16 text: GeoJSON is UTF-8 (RFC 7946); save it as UTF-8"
            )));
        }
        let n = head
            .iter()
            .zip(&BOM[matched..])
            .take_while(|(a, b)| a == b)
            .count();
        if n == 0 {
            break;
        }
        input.consume(n);
        matched += n;
    }
    if matched > 0 && matched < BOM.len() {
        return Err(Error::format(format!(
            "{source} starts with a cut-off byte order mark: not UTF-8 JSON"
        )));
    }
    Ok(())
}

/// What the walk over the document keeps: the feature reader and where the walk is.
struct State<'a> {
    source: &'a str,
    features: super::fields::Reader,
    /// Features read whole so far.
    done: u64,
    /// Inside the `features` array.
    in_features: bool,
    /// The error that stopped the walk when it is not the JSON's own (strict mode, a refused
    /// CRS): the JSON error that carried it out of serde_json is dropped for it.
    stop: Option<Error>,
}

/// The top-level members that matter, gathered while the features stream past.
#[derive(Default)]
struct Top {
    /// `type`, as found.
    kind: Option<Value>,
    /// Whether a `features` array was read.
    features: bool,
    /// A `crs` met after the features, checked at the end.
    crs_after: Option<Value>,
    /// `geometry`, `properties` and `id`, for a document that is a single Feature.
    feature: Feature,
}

impl State<'_> {
    /// Where the walk was, in words, for an error.
    fn place(&self) -> String {
        let n = self.done + 1;
        match (self.in_features, self.done) {
            (true, 0) => "in feature 1".to_string(),
            (true, 1) => "in feature 2 (feature 1 was read)".to_string(),
            (true, done) => format!("in feature {n} (features 1 to {done} were read)"),
            (false, 0) => "before any feature".to_string(),
            (false, 1) => "after the last feature (1 feature was read)".to_string(),
            (false, done) => format!("after the last feature ({done} features were read)"),
        }
    }

    /// An error of serde_json, in words and with the feature reached.
    fn json_error(&self, e: serde_json::Error) -> Error {
        use serde_json::error::Category;
        let source = self.source;
        let place = self.place();
        let full = e.to_string();
        // serde_json appends " at line L column C": keep the words, give the place our way.
        let words = full
            .rsplit_once(" at line ")
            .map_or(full.as_str(), |(w, _)| w);
        let position = if e.line() > 0 {
            format!(" (line {}, column {} of the file)", e.line(), e.column())
        } else {
            String::new()
        };
        match e.classify() {
            Category::Io => Error::io(source, std::io::Error::from(e)),
            Category::Eof if !self.in_features && self.done == 0 => Error::format(format!(
                "{source} ends before its first feature{position}: the file is empty or cut short"
            )),
            Category::Eof => Error::format(format!(
                "{source} ends {place}, in the middle of the JSON{position}: the file is cut \
                 short (an interrupted download or copy?)"
            )),
            Category::Syntax => Error::format(format!(
                "{source}: the JSON is broken {place}{position}: {words}; nothing after it can \
                 be read, so the file must be repaired"
            )),
            Category::Data => Error::format(format!(
                "{source} is not a GeoJSON FeatureCollection or Feature: {words}{position}"
            )),
        }
    }

    /// The document is read: check what could only be checked at its end.
    fn finish(mut self, top: Top) -> Result<Loaded> {
        let source = self.source;
        if let Some(crs) = &top.crs_after {
            check_crs(Some(crs), source)?;
        }
        let kind = top.kind.as_ref().and_then(Value::as_str);
        match (kind, top.features) {
            (Some("FeatureCollection") | None, true) => self.features.finish(false),
            (Some("Feature"), false) => {
                self.features.feature(top.feature, 1).map_err(strict)?;
                self.features.finish(true)
            }
            (Some("FeatureCollection"), false) => Err(Error::format(format!(
                "{source} is a FeatureCollection without a `features` array"
            ))),
            (Some(k), _) if GEOMETRY_TYPES.contains(&k) => Err(Error::format(format!(
                "{source} holds a bare geometry ({k}): incidents are read from Features"
            ))),
            (Some("Feature"), true) => Err(Error::format(format!(
                "{source} is a Feature with a `features` member: expected a FeatureCollection"
            ))),
            (Some(k), _) => Err(Error::format(format!(
                "{source} has type {k:?}: expected a FeatureCollection or a Feature"
            ))),
            (None, false) => Err(Error::format(format!(
                "{source} is a JSON object without a `type`: not GeoJSON"
            ))),
        }
    }
}

/// The geometry types of RFC 7946.
pub(super) const GEOMETRY_TYPES: [&str; 7] = [
    "Point",
    "MultiPoint",
    "LineString",
    "MultiLineString",
    "Polygon",
    "MultiPolygon",
    "GeometryCollection",
];

/// Strict mode's first rejected feature, named as a feature rather than a line.
fn strict(e: Error) -> Error {
    match e {
        Error::Parse {
            file,
            line,
            field,
            reason,
        } => Error::Feature {
            file,
            feature: line,
            field,
            reason,
        },
        other => other,
    }
}

/// The top-level object.
struct TopSeed<'s, 'a>(&'s mut State<'a>);

impl<'de> DeserializeSeed<'de> for TopSeed<'_, '_> {
    type Value = Top;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Top, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for TopSeed<'_, '_> {
    type Value = Top;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object (a GeoJSON FeatureCollection or Feature)")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<Top, A::Error> {
        let state = self.0;
        let mut top = Top::default();
        while let Some(key) = m.next_key::<String>()? {
            match key.as_str() {
                "type" => top.kind = Some(m.next_value()?),
                "features" => {
                    let kind = top.kind.as_ref().and_then(Value::as_str);
                    if kind.is_none_or(|k| k == "FeatureCollection") {
                        m.next_value_seed(FeaturesSeed(&mut *state))?;
                        top.features = true;
                    } else {
                        // A foreign member of a Feature or geometry: not features.
                        m.next_value::<IgnoredAny>()?;
                    }
                }
                "crs" => {
                    let crs: Value = m.next_value()?;
                    if top.features {
                        top.crs_after = Some(crs);
                    } else if let Err(e) = check_crs(Some(&crs), state.source) {
                        // Refused before any feature is read.
                        state.stop = Some(e);
                        return Err(de::Error::custom("the CRS is refused"));
                    }
                }
                "geometry" => top.feature.geometry = Some(m.next_value()?),
                "properties" => {
                    let seed = PropertiesSeed(&mut state.features.keys);
                    top.feature.properties = Some(m.next_value_seed(seed)?);
                }
                "id" => top.feature.id = Some(m.next_value()?),
                _ => {
                    m.next_value::<IgnoredAny>()?;
                }
            }
        }
        top.feature.kind = top.kind.clone();
        Ok(top)
    }
}

/// The `features` array: each element read, turned into an incident and dropped.
struct FeaturesSeed<'s, 'a>(&'s mut State<'a>);

impl<'de> DeserializeSeed<'de> for FeaturesSeed<'_, '_> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for FeaturesSeed<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("`features` as an array of Features")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let state = self.0;
        state.in_features = true;
        while let Some(feature) = seq.next_element_seed(FeatureSeed(&mut state.features.keys))? {
            let number = state.done + 1;
            if let Err(e) = state.features.feature(feature, number) {
                state.stop = Some(strict(e));
                return Err(de::Error::custom("stopped at a rejected feature"));
            }
            state.done = number;
        }
        state.in_features = false;
        Ok(())
    }
}

/// Implement the visits of scalars and arrays for a visitor that takes any JSON value but
/// only wants an object: each gives `$other(kind)` and the array is skipped.
macro_rules! not_an_object {
    ($other:expr) => {
        fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
            Ok($other("a boolean"))
        }
        fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
            Ok($other("a number"))
        }
        fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
            Ok($other("a number"))
        }
        fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
            Ok($other("a number"))
        }
        fn visit_str<E: de::Error>(self, _: &str) -> Result<Self::Value, E> {
            Ok($other("a string"))
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok($other("null"))
        }
        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok($other("null"))
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
            while seq.next_element::<IgnoredAny>()?.is_some() {}
            Ok($other("an array"))
        }
    };
}

/// One element of `features`, of any JSON shape.
struct FeatureSeed<'k>(&'k mut Keys);

impl<'de> DeserializeSeed<'de> for FeatureSeed<'_> {
    type Value = Feature;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Feature, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for FeatureSeed<'_> {
    type Value = Feature;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a Feature")
    }

    not_an_object!(|kind| Feature {
        not_an_object: Some(kind),
        ..Feature::default()
    });

    fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<Feature, A::Error> {
        let mut feature = Feature::default();
        while let Some(key) = m.next_key::<String>()? {
            match key.as_str() {
                "type" => feature.kind = Some(m.next_value()?),
                "geometry" => feature.geometry = Some(m.next_value()?),
                "properties" => {
                    feature.properties = Some(m.next_value_seed(PropertiesSeed(&mut *self.0))?);
                }
                "id" => feature.id = Some(m.next_value()?),
                _ => {
                    m.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(feature)
    }
}

/// A feature's `properties`: every member kept in file order, repeated names included (a
/// `serde_json::Map` would keep the last silently); the values of names the reader does not
/// ask for are skipped, not built.
struct PropertiesSeed<'k>(&'k mut Keys);

impl<'de> DeserializeSeed<'de> for PropertiesSeed<'_> {
    type Value = Properties;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Properties, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for PropertiesSeed<'_> {
    type Value = Properties;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object of properties")
    }

    not_an_object!(|kind| match kind {
        "null" => Properties::Null,
        other => Properties::Other(other),
    });

    fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<Properties, A::Error> {
        let keys = self.0;
        let mut entries = Vec::with_capacity(m.size_hint().unwrap_or(32));
        while let Some((field, spelling, wanted)) = m.next_key_seed(KeySeed(&mut *keys))? {
            let value = if wanted {
                m.next_value()?
            } else {
                m.next_value::<IgnoredAny>()?;
                Value::Null
            };
            entries.push(Entry {
                field,
                spelling,
                value,
            });
        }
        Ok(Properties::Object(entries))
    }
}

/// A property name, interned as read: no allocation for a name met before.
struct KeySeed<'k>(&'k mut Keys);

impl<'de> DeserializeSeed<'de> for KeySeed<'_> {
    type Value = (u32, u32, bool);
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for KeySeed<'_> {
    type Value = (u32, u32, bool);

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a property name")
    }

    fn visit_str<E: de::Error>(self, name: &str) -> Result<Self::Value, E> {
        Ok(self.0.intern(name))
    }
}
