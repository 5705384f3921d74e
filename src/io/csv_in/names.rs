//! Shared text (interning) and country names and codes to ISO alpha-3.

use arcstr::ArcStr;

use rustc_hash::FxHashMap as HashMap;

use super::*;
use crate::incident::CountryCode;

/// Repeated text shared as one `ArcStr` per distinct value.
#[derive(Default)]
pub(crate) struct Interner {
    map: HashMap<Box<str>, ArcStr>,
}

impl Interner {
    pub(crate) fn get(&mut self, s: &str) -> ArcStr {
        if let Some(a) = self.map.get(s) {
            return a.clone();
        }
        let a: ArcStr = ArcStr::from(s);
        self.map.insert(Box::from(s), a.clone());
        a
    }

    pub(crate) fn opt(&mut self, s: Option<&str>) -> Option<ArcStr> {
        s.map(|s| self.get(s))
    }
}

/// Country names and codes to ISO 3166-1 alpha-3, with a cache.
#[derive(Default)]
pub(crate) struct Countries {
    cache: HashMap<String, Option<CountryCode>>,
}

impl Countries {
    /// Resolve a row's country text, if any; a warning when the text names no known country.
    pub(crate) fn resolve_or_warn(
        &mut self,
        text: Option<&str>,
        warnings: &mut Vec<(&'static str, String)>,
    ) -> Option<CountryCode> {
        let t = text?;
        let code = self.resolve(t);
        if code.is_none() {
            warnings.push((
                "country",
                format!("{t:?} is not a country this crate knows"),
            ));
        }
        code
    }

    /// An alpha-3 code, a numeric code (`854`) or a name (`Burkina Faso`, `Ivory Coast`).
    pub(crate) fn resolve(&mut self, text: &str) -> Option<CountryCode> {
        if let Some(c) = self.cache.get(text) {
            return *c;
        }
        let found = lookup_country(text);
        self.cache.insert(text.to_string(), found);
        found
    }
}

pub(crate) fn lookup_country(text: &str) -> Option<CountryCode> {
    let t = text.trim();
    if t.len() == 3 && t.bytes().all(|b| b.is_ascii_alphabetic()) {
        return celes::Country::from_alpha3(t)
            .ok()
            .and_then(|c| CountryCode::new(c.alpha3));
    }
    if let Some(v) = parse_whole(t) {
        return usize::try_from(v)
            .ok()
            .and_then(|v| celes::Country::from_value(v).ok())
            .and_then(|c| CountryCode::new(c.alpha3));
    }
    let key: String = t
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .map(|c| match c {
            'ô' | 'ó' => 'o',
            'é' | 'è' => 'e',
            'í' => 'i',
            'ã' => 'a',
            other => other,
        })
        .collect();
    if let Some((_, code)) = ALIASES.iter().find(|(name, _)| *name == key) {
        return CountryCode::new(code);
    }
    let country = celes::Country::from_name(&key)
        .or_else(|_| celes::Country::from_alias(&key))
        .or_else(|_| key.parse::<celes::Country>());
    country.ok().and_then(|c| CountryCode::new(c.alpha3))
}

/// Names ACLED (and UCDP) write that the ISO list does not know, as lookup keys (lowercase,
/// letters and digits only) with their alpha-3 codes.
const ALIASES: [(&str, &str); 8] = [
    ("caribbeannetherlands", "BES"),
    ("cocoskeelingislands", "CCK"),
    ("democraticrepublicofcongo", "COD"),
    ("frenchsouthernandantarcticlands", "ATF"),
    ("republicofcongo", "COG"),
    ("republicofthecongo", "COG"),
    ("sainthelenaascensionandtristandacunha", "SHN"),
    ("virginislandsus", "VIR"),
];

/// Rough extents (west, south, east, north; degrees, from Natural Earth 1:50m plus a margin) of
/// the corridor's countries and their West African neighbours, for spotting positions outside
/// their recorded country and coordinates written the wrong way round. Sorted by code.
pub(crate) const EXTENTS: [(&str, [f64; 4]); 16] = [
    ("BEN", [0.76, 6.22, 3.83, 12.38]),
    ("BFA", [-5.52, 9.42, 2.39, 15.08]),
    ("CIV", [-8.6, 4.35, -2.51, 10.72]),
    ("CMR", [8.5, 1.65, 16.19, 13.08]),
    ("GHA", [-3.24, 4.76, 1.19, 11.17]),
    ("GIN", [-15.08, 7.19, -7.64, 12.68]),
    ("GMB", [-16.82, 13.06, -13.8, 13.83]),
    ("GNB", [-16.71, 10.93, -13.64, 12.69]),
    ("LBR", [-11.49, 4.36, -7.37, 8.55]),
    ("MLI", [-12.28, 10.14, 4.23, 25.0]),
    ("MRT", [-17.07, 14.72, -4.83, 27.3]),
    ("NER", [0.16, 11.7, 15.96, 23.52]),
    ("NGA", [2.69, 4.28, 14.63, 13.87]),
    ("SEN", [-17.54, 12.31, -11.35, 16.69]),
    ("SLE", [-13.3, 6.92, -10.27, 10.0]),
    ("TGO", [-0.09, 6.09, 1.78, 11.12]),
];

/// Where a position lies with respect to its recorded country's extent (when the crate has
/// one): inside, outside, or outside but inside with latitude and longitude exchanged.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Placement {
    Inside,
    Outside([f64; 4]),
    Swapped,
}

/// Where (lon, lat) lies with respect to `country`'s extent, with a margin of half a degree;
/// `None` for a country without an extent in the table.
pub(crate) fn placement(country: CountryCode, lon: f64, lat: f64) -> Option<Placement> {
    let at = EXTENTS
        .binary_search_by(|(c, _)| (*c).cmp(country.as_str()))
        .ok()?;
    let (_, [w, s, e, n]) = &EXTENTS[at];
    let margin = 0.5;
    let inside =
        |x: f64, y: f64| x >= w - margin && x <= e + margin && y >= s - margin && y <= n + margin;
    Some(if inside(lon, lat) {
        Placement::Inside
    } else if inside(lat, lon) {
        Placement::Swapped
    } else {
        Placement::Outside([*w, *s, *e, *n])
    })
}

#[cfg(test)]
#[test]
fn extents_are_sorted_for_binary_search() {
    assert!(EXTENTS.windows(2).all(|w| w[0].0 < w[1].0));
}

/// Whether (lon, lat) lies outside the country's extent while (lat, lon) lies inside it.
#[cfg(test)]
pub(crate) fn looks_swapped(country: CountryCode, lon: f64, lat: f64) -> bool {
    placement(country, lon, lat) == Some(Placement::Swapped)
}

/// A field's text: UTF-8 when it is valid UTF-8, else Windows-1252 (the encoding of
/// Excel-saved files), so that no row is lost for its bytes and `’` stays `’`.
pub(crate) fn decode_text(bytes: &[u8]) -> std::borrow::Cow<'_, str> {
    match std::str::from_utf8(bytes) {
        Ok(text) => std::borrow::Cow::Borrowed(text),
        Err(_) => {
            encoding_rs::WINDOWS_1252
                .decode_without_bom_handling(bytes)
                .0
        }
    }
}
