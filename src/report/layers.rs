//! The report's layers: incidents, clusters and risk cells as GeoJSON, and the map picture.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use super::CorridorReport;
use crate::borders::{BorderPlace, Borders};
use crate::cluster::ClusterSummary;
use crate::error::{Error, Result};
use crate::io::CellLayer;
use crate::io::{ExtraColumns, write_clusters_geojson, write_geojson};
use crate::site::Site;
use crate::surface::RiskSurface;
use crate::validate::IncidentSet;

/// What the layers are drawn from: kept by [`CorridorReport::build`], not serialised.
#[derive(Clone, Debug)]
pub(crate) struct LayerData {
    /// The incidents up to the as-of date.
    pub set: IncidentSet,
    /// The clustered window's incidents.
    #[cfg_attr(not(feature = "map"), allow(dead_code))] // drawn on the map only
    pub recent: IncidentSet,
    /// Where each incident of `set` stands against the borders.
    pub places: Option<Vec<BorderPlace>>,
    /// The clusters.
    pub summaries: Vec<ClusterSummary>,
    /// Clusters that cross a border.
    #[cfg_attr(not(feature = "map"), allow(dead_code))] // drawn on the map only
    pub crossing: BTreeSet<u32>,
    /// The risk surface.
    pub surface: RiskSurface,
    /// The borders.
    pub borders: Option<Borders>,
    /// The sites.
    #[cfg_attr(not(feature = "map"), allow(dead_code))] // drawn on the map only
    pub sites: Vec<Site>,
}

/// The files [`CorridorReport::write_layers`] wrote.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WrittenLayers {
    /// Every incident up to the as-of date with its border columns and groups.
    pub incidents: PathBuf,
    /// The clusters' outlines.
    pub clusters: PathBuf,
    /// The risk cells.
    pub risk_cells: PathBuf,
    /// The gap cells between each pair of groups' zones, by year.
    pub crossroads: PathBuf,
    /// The sectors around each encircled site, by year.
    pub encirclement: PathBuf,
    /// The map picture (with the `map` feature).
    pub map: Option<PathBuf>,
}

use crate::io::create_file as create;

fn column<T>(items: &[T], f: impl Fn(&T) -> Value) -> Vec<Value> {
    items.iter().map(f).collect()
}

impl CorridorReport {
    /// Write `incidents.geojson` (every incident up to the as-of date, with `border_km`,
    /// `nearest_border`, `country_by_polygon` when borders were given, and `groups`),
    /// `clusters.geojson`, `risk_cells.geojson`, `crossroads.geojson` (the gap cells of each
    /// pair of groups and year: `groups`, `year`, `gap_km`, `country`, `admin` (the nearest
    /// admin-1 label's), `no_data`),
    /// `encirclement.geojson` (each encircled site's sectors by year, for the followed group
    /// and for all: `site`, `who`, `year`, `from_deg`, `to_deg`, `incidents`, `active`,
    /// `in_gap`, `no_data`) and, with the `map` feature, `map.png` (`width_px` wide) into `dir`, creating
    /// it. A report read back from JSON has no layers:
    /// that is an `Err`.
    pub fn write_layers(&self, dir: &Path, width_px: u32) -> Result<WrittenLayers> {
        let Some(l) = &self.layers else {
            return Err(Error::invalid(
                "report",
                "deserialised",
                "has no layers: build it from an index to write them",
            ));
        };
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir.display().to_string(), e))?;
        let incidents = dir.join("incidents.geojson");
        let clusters = dir.join("clusters.geojson");
        let risk_cells = dir.join("risk_cells.geojson");
        let crossroads = dir.join("crossroads.geojson");
        let encirclement = dir.join("encirclement.geojson");
        let small_layers = || -> Result<Option<PathBuf>> {
            write_clusters_geojson(create(&clusters)?, &l.summaries)
                .map_err(|e| e.at_path(&clusters))?;
            CellLayer::from_surface(&l.surface)
                .write_geojson(create(&risk_cells)?)
                .map_err(|e| e.at_path(&risk_cells))?;
            self.crossroads_layer(l)?
                .write_geojson(create(&crossroads)?)
                .map_err(|e| e.at_path(&crossroads))?;
            let mut out = std::io::BufWriter::new(create(&encirclement)?);
            serde_json::to_writer(&mut out, &self.encirclement_layer())
                .map_err(std::io::Error::from)
                .and_then(|()| std::io::Write::flush(&mut out))
                .map_err(|e| Error::io(encirclement.display().to_string(), e))?;
            self.draw_map(l, dir, width_px)
        };
        // The incidents layer is most of the work; with `parallel` the others are written
        // beside it. Errors are reported in the same order either way.
        #[cfg(feature = "parallel")]
        let (written, map) = std::thread::scope(|s| {
            let others = s.spawn(small_layers);
            let written = self.write_incident_layer(l, &incidents);
            let map = others
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            (written, map)
        });
        #[cfg(not(feature = "parallel"))]
        let (written, map) = (self.write_incident_layer(l, &incidents), small_layers());
        written?;
        let map = map?;
        Ok(WrittenLayers {
            incidents,
            clusters,
            risk_cells,
            crossroads,
            encirclement,
            map,
        })
    }

    /// The gap cells of every pair of groups and year, with the country and admin area of
    /// each cell's centre when borders were given.
    fn crossroads_layer(&self, l: &LayerData) -> Result<CellLayer> {
        let mut cells = Vec::new();
        let mut columns: [Vec<Value>; 6] = Default::default();
        let borders = l.borders.as_ref();
        for n in &self.nexus {
            for r in &n.crossroads {
                for c in &r.gap_cells {
                    let centre = c.centre();
                    cells.push(*c);
                    columns[0].push(json!(format!("{}-{}", n.a, n.b)));
                    columns[1].push(json!(r.year));
                    columns[2].push(
                        r.gap_km
                            .map_or(Value::Null, |w| json!((w * 1000.0).round() / 1000.0)),
                    );
                    columns[3].push(
                        borders
                            .and_then(|b| b.country_at(centre))
                            .map_or(Value::Null, |c| json!(c.to_string())),
                    );
                    columns[4].push(
                        borders
                            .and_then(|b| b.admin_area_at(centre))
                            .map_or(Value::Null, |a| json!(a.name)),
                    );
                    columns[5].push(json!(r.no_data_cells.contains(c)));
                }
            }
        }
        let mut layer = CellLayer::new(cells);
        for (name, values) in ["groups", "year", "gap_km", "country", "admin", "no_data"]
            .into_iter()
            .zip(columns)
        {
            layer.push_column(name, values)?;
        }
        Ok(layer)
    }

    /// Every sector of every ring of section 8 as a GeoJSON polygon.
    fn encirclement_layer(&self) -> Value {
        let mut features = Vec::new();
        if let Some(e) = &self.encirclement {
            let (inner, outer) = e.params.annulus_km();
            let k_min = e.params.min_incidents_per_sector();
            // One entry per encircled site, in the spec's order.
            for (site, rings) in self.spec.encircled.iter().zip(&e.sites) {
                for (who, list) in [(e.group.as_str(), &rings.group), ("all", &rings.all)] {
                    for ring in list {
                        let width = 360.0 / ring.counts.len().max(1) as f64;
                        for (k, &n) in ring.counts.iter().enumerate() {
                            let from = k as f64 * width;
                            let shape = crate::geodesy::annulus_sector(
                                site.point(),
                                from,
                                width,
                                inner,
                                outer,
                            );
                            let coords: Vec<[f64; 2]> =
                                shape.exterior().coords().map(|c| [c.x, c.y]).collect();
                            features.push(json!({
                                "type": "Feature",
                                "geometry": {"type": "Polygon", "coordinates": [coords]},
                                "properties": {
                                    "site": site.name,
                                    "who": who,
                                    "year": ring.first_day.year(),
                                    "from_deg": from,
                                    "to_deg": from + width,
                                    "incidents": n,
                                    "active": n >= k_min,
                                    "in_gap": ring.gap.is_some_and(|g| g.holds(from + width / 2.0)),
                                    "no_data": ring.no_data.get(k).copied().unwrap_or(false),
                                },
                            }));
                        }
                    }
                }
            }
        }
        json!({"type": "FeatureCollection", "features": features})
    }

    /// The incidents with their border, polygon-country and group columns.
    fn write_incident_layer(&self, l: &LayerData, path: &Path) -> Result<()> {
        let mut extra = ExtraColumns::new();
        if let Some(p) = &l.places {
            extra = extra
                .with(
                    "border_km",
                    column(p, |x| {
                        x.nearest.map_or(Value::Null, |n| {
                            json!((n.distance_km * 1000.0).round() / 1000.0)
                        })
                    }),
                )?
                .with(
                    "nearest_border",
                    column(p, |x| {
                        x.nearest.map_or(Value::Null, |n| json!(n.pair.to_string()))
                    }),
                )?
                .with(
                    "country_by_polygon",
                    column(p, |x| {
                        x.country.map_or(Value::Null, |c| json!(c.to_string()))
                    }),
                )?;
        }
        // Each incident's groups, on all cores with `parallel` (a matcher per worker).
        let matcher = || crate::trend::GroupMatcher::new(&self.spec.groups);
        let names = |m: &mut crate::trend::GroupMatcher, i: &crate::Incident| {
            Value::String(m.names_of(i).join("; "))
        };
        #[cfg(feature = "parallel")]
        let groups: Vec<Value> = {
            use rayon::prelude::*;
            l.set
                .incidents()
                .par_iter()
                .map_init(matcher, names)
                .collect()
        };
        #[cfg(not(feature = "parallel"))]
        let groups: Vec<Value> = {
            let mut m = matcher();
            l.set.incidents().iter().map(|i| names(&mut m, i)).collect()
        };
        extra = extra.with_json("groups", groups)?;
        write_geojson(create(path)?, l.set.incidents(), &extra).map_err(|e| e.at_path(path))
    }

    #[cfg(feature = "map")]
    fn draw_map(&self, l: &LayerData, dir: &Path, width_px: u32) -> Result<Option<PathBuf>> {
        use crate::coverage::CoverageArea;
        use crate::incident::CountryCode;
        let path = dir.join("map.png");
        let hulls: Vec<(&ClusterSummary, bool)> = l
            .summaries
            .iter()
            .map(|s| (s, l.crossing.contains(&s.id.get())))
            .collect();
        let sources: Vec<&str> = self.data.sources.iter().map(|s| s.name.as_str()).collect();
        // Countries outside the coverage are shaded as no data when the area was tested by
        // country (a box or untested coverage leaves every country as land).
        let covered = self.data.coverage.countries();
        let no_data: Vec<CountryCode> = match (&l.borders, &self.data.coverage.area) {
            (Some(b), area)
                if self.data.coverage_checked && !matches!(area, CoverageArea::Box(_)) =>
            {
                b.countries()
                    .iter()
                    .map(|c| c.code)
                    .filter(|c| !covered.contains(c))
                    .collect()
            }
            _ => Vec::new(),
        };
        let s = &self.spec;
        let note = format!(
            "Data: {}. Risk: {} km quartic kernel on {}, {}-day half-life. Clusters: DBSCAN {} km / {} over the last {} days.",
            sources.join("; "),
            s.bandwidth_km,
            s.grid,
            s.half_life_days,
            s.eps_km,
            s.min_points,
            s.cluster_days
        );
        // The first encircled site's last ring of the followed group (rings around several
        // sites overlap into a blur; encirclement.geojson holds them all), and the latest gap
        // cells of the first pair of groups.
        let last_rings: Vec<(&crate::Site, &crate::trend::Ring, String)> = self
            .encirclement
            .iter()
            .flat_map(|e| {
                s.encircled
                    .iter()
                    .zip(&e.sites)
                    .take(1)
                    .filter_map(|(site, r)| {
                        let ring = r.group.last()?;
                        Some((
                            site,
                            ring,
                            format!("{}, {}", e.group, ring.first_day.year()),
                        ))
                    })
            })
            .collect();
        let rings: Vec<crate::map::MapRing<'_>> = match &self.encirclement {
            Some(e) => last_rings
                .iter()
                .map(|(site, ring, label)| crate::map::MapRing {
                    site,
                    ring,
                    params: &e.params,
                    label,
                })
                .collect(),
            None => Vec::new(),
        };
        let gap_row = self.nexus.first().and_then(|n| {
            n.crossroads
                .iter()
                .rev()
                .find(|r| !r.gap_cells.is_empty())
                .map(|r| (n, r))
        });
        // A gap that has closed since is said to have.
        let gap_label = gap_row.map(|(n, r)| {
            let closed = n
                .crossroads
                .iter()
                .find(|x| x.year > r.year && x.gap_km == Some(0.0))
                .map_or_else(String::new, |x| format!(" (closed in {})", x.year));
            format!("gap {}-{}, {}{closed}", n.a, n.b, r.year)
        });
        let gap = gap_row
            .zip(gap_label.as_deref())
            .map(|((_, r), label)| crate::map::MapGap {
                cells: &r.gap_cells,
                label,
            });
        crate::map::render_map(
            &crate::map::MapLayers {
                extent: s.region,
                title: "Conflict incidents and risk, Burkina Faso - Niger - Togo - Benin - Nigeria corridor",
                as_of: self.as_of,
                note: &note,
                borders: l.borders.as_ref(),
                no_data: &no_data,
                surface: Some(&l.surface),
                clusters: &hulls,
                incidents: l.recent.incidents(),
                groups: &s.groups,
                sites: &l.sites,
                rings: &rings,
                gap,
            },
            &path,
            width_px,
        )?;
        Ok(Some(path))
    }

    #[cfg(not(feature = "map"))]
    #[allow(clippy::unused_self, clippy::unnecessary_wraps)]
    fn draw_map(&self, _: &LayerData, _: &Path, _: u32) -> Result<Option<PathBuf>> {
        Ok(None)
    }
}
