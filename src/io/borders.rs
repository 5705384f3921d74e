//! The borders reader: Natural Earth style GeoJSON of country polygons (`ADM0_A3`) and border
//! lines (`adm0_a3_l`, `adm0_a3_r`), into [`Borders`].

use std::io::Read;
use std::path::{Path, PathBuf};

use geo::{MultiLineString, MultiPolygon};
use geojson::{GeoJson, Geometry};

use crate::borders::{AdminLabel, BorderLine, BorderPair, Borders, Country};
use crate::error::{Error, Result};
use crate::incident::CountryCode;

impl Borders {
    /// Read one GeoJSON document of country polygons, border lines, admin-1 label points
    /// (Natural Earth's `admin_1_label_points`: `name` and `adm0_a3` or `sr_adm0_a3`), or a
    /// mix.
    pub fn from_reader(reader: impl Read) -> Result<Self> {
        let mut b = Borders::default();
        b.add_reader(reader, "<reader>")?;
        Ok(b)
    }

    /// Read several GeoJSON files (country polygons and border lines may come apart).
    pub fn from_paths<P: AsRef<Path>>(paths: &[P]) -> Result<Self> {
        let mut b = Borders::default();
        for path in paths {
            let path = path.as_ref();
            let name = path.display().to_string();
            let file = std::fs::File::open(path).map_err(|e| Error::io(&name, e))?;
            b.add_reader(std::io::BufReader::new(file), &name)?;
            b.files.push(
                path.file_name()
                    .map_or(name.clone(), |n| n.to_string_lossy().into_owned()),
            );
        }
        Ok(b)
    }

    fn add_reader(&mut self, reader: impl Read, source: &str) -> Result<()> {
        let doc = GeoJson::from_reader(reader)
            .map_err(|e| Error::format(format!("{source} is not valid GeoJSON: {e}")))?;
        let features = match doc {
            GeoJson::FeatureCollection(fc) => fc.features,
            GeoJson::Feature(f) => vec![f],
            GeoJson::Geometry(_) => {
                return Err(Error::format(format!(
                    "{source} holds a bare geometry: borders need Features with country codes"
                )));
            }
        };
        for (k, f) in features.into_iter().enumerate() {
            let line = k as u64 + 1;
            let prop = |names: &[&str]| -> Option<String> {
                let props = f.properties.as_ref()?;
                names
                    .iter()
                    .find_map(|n| props.get(*n)?.as_str().map(str::to_string))
            };
            let Some(geometry) = f.geometry.as_ref() else {
                continue;
            };
            let parse_err = |reason: String| Error::Parse {
                file: source.to_string(),
                line,
                field: "geometry".into(),
                reason,
            };
            let code = |field: &str, text: Option<String>| -> Result<CountryCode> {
                text.as_deref()
                    .and_then(CountryCode::new)
                    .ok_or_else(|| Error::Parse {
                        file: source.to_string(),
                        line,
                        field: field.into(),
                        reason: format!("needs a three-letter country code, found {text:?}"),
                    })
            };
            match shape(geometry).map_err(parse_err)? {
                Shape::Area(shape) => {
                    let code = code("ADM0_A3", prop(&["ADM0_A3", "adm0_a3", "ISO_A3", "iso_a3"]))?;
                    let name = prop(&["ADMIN", "NAME", "admin", "name"])
                        .unwrap_or_else(|| code.to_string());
                    self.countries.push(Country::new(code, name, shape));
                }
                Shape::Point(point) => {
                    // A populated place has a name and a country too: only a feature that
                    // says it is an admin-1 label is taken as one.
                    if prop(&["adm1_code", "ADM1_CODE"]).is_none() {
                        return Err(parse_err(
                            "a Point without adm1_code is neither a country (Polygon), a border \
                             (LineString) nor an admin-1 label point"
                                .to_string(),
                        ));
                    }
                    let country = code(
                        "adm0_a3",
                        prop(&["adm0_a3", "ADM0_A3", "sr_adm0_a3", "SR_ADM0_A3"]),
                    )?;
                    let name = prop(&["name", "NAME", "name_en"]).ok_or_else(|| Error::Parse {
                        file: source.to_string(),
                        line,
                        field: "name".into(),
                        reason: "an admin-1 label point needs a name".into(),
                    })?;
                    self.admin_labels.push(AdminLabel {
                        name,
                        country,
                        point,
                    });
                }
                Shape::Lines(lines) => {
                    let l = code("adm0_a3_l", prop(&["adm0_a3_l", "ADM0_A3_L"]))?;
                    let r = code("adm0_a3_r", prop(&["adm0_a3_r", "ADM0_A3_R"]))?;
                    self.lines.push(BorderLine {
                        pair: BorderPair::new(l, r),
                        line: lines,
                    });
                }
            }
        }
        self.rebuild();
        Ok(())
    }

    /// Read the files [`Borders::find_natural_earth`] picks for `given`; `None` when it
    /// picks none (no file given and no Natural Earth files found).
    pub fn given_or_natural_earth<P: AsRef<Path>>(given: &[P]) -> Result<Option<Self>> {
        let files = Self::find_natural_earth(given);
        if files.is_empty() {
            Ok(None)
        } else {
            Self::from_paths(&files).map(Some)
        }
    }

    /// The border files to read: `given` as it is, plus the Natural Earth country polygons
    /// from the data folder when none of `given` holds polygons (border lines alone give
    /// distances; the country check needs polygons). Without `given`, the Natural Earth files
    /// (`ne_50m_admin_0_countries_wafrica.geojson`,
    /// `ne_10m_admin_0_boundary_lines_land_wafrica.geojson`,
    /// `ne_10m_admin_1_label_points_wafrica.geojson`) found in `$CONFLICT_RISK_DATA`, else in
    /// `../shared/data` beside this crate; none if neither has them.
    #[must_use]
    pub fn find_natural_earth<P: AsRef<Path>>(given: &[P]) -> Vec<PathBuf> {
        const NATURAL_EARTH: [&str; 3] = [
            "ne_50m_admin_0_countries_wafrica.geojson",
            "ne_10m_admin_0_boundary_lines_land_wafrica.geojson",
            "ne_10m_admin_1_label_points_wafrica.geojson",
        ];
        let defaults = || {
            let dirs = [
                std::env::var_os("CONFLICT_RISK_DATA").map(PathBuf::from),
                Some(Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data")),
            ];
            for dir in dirs.into_iter().flatten() {
                let found: Vec<PathBuf> = NATURAL_EARTH
                    .iter()
                    .map(|n| dir.join(n))
                    .filter(|p| p.is_file())
                    .collect();
                if !found.is_empty() {
                    return found;
                }
            }
            Vec::new()
        };
        // A cheap look at a file's text for polygon geometries.
        let has_polygons = |path: &Path| {
            std::fs::read_to_string(path)
                .is_ok_and(|t| t.contains("\"Polygon\"") || t.contains("\"MultiPolygon\""))
        };
        if given.is_empty() {
            return defaults();
        }
        let mut files: Vec<PathBuf> = given.iter().map(|p| p.as_ref().to_path_buf()).collect();
        if !files.iter().any(|p| has_polygons(p)) {
            files.extend(defaults().into_iter().filter(|p| has_polygons(p)));
        }
        files
    }
}

enum Shape {
    Area(MultiPolygon<f64>),
    Point(geo::Point<f64>),
    Lines(MultiLineString<f64>),
}

fn shape(g: &Geometry) -> std::result::Result<Shape, String> {
    let geom: geo::Geometry<f64> = g.clone().try_into().map_err(|e| format!("{e}"))?;
    match geom {
        geo::Geometry::Polygon(p) => Ok(Shape::Area(MultiPolygon(vec![p]))),
        geo::Geometry::MultiPolygon(m) => Ok(Shape::Area(m)),
        geo::Geometry::LineString(l) => Ok(Shape::Lines(MultiLineString(vec![l]))),
        geo::Geometry::MultiLineString(m) => Ok(Shape::Lines(m)),
        geo::Geometry::Point(p) => Ok(Shape::Point(p)),
        other => Err(format!(
            "a {} is neither a country (Polygon), a border (LineString) nor an admin-1 label \
             (Point)",
            geometry_name(&other)
        )),
    }
}

fn geometry_name(g: &geo::Geometry<f64>) -> &'static str {
    match g {
        geo::Geometry::MultiPoint(_) => "MultiPoint",
        geo::Geometry::GeometryCollection(_) => "GeometryCollection",
        _ => "geometry",
    }
}
