//! Cells with named values, and their export as GeoJSON polygons and as a flat CSV that
//! kepler.gl turns into a hexagon or grid layer.

use std::io::Write;

use serde_json::Value;

use crate::error::{Error, Result};
use crate::surface::{CellId, CellRisk, EmergingCell, GiCell, RiskSurface};

/// Cells and columns of values, one value per cell in each column.
///
/// ```
/// use conflict_risk::{CellLayer, Grid};
/// let cells = vec![Grid::PrioGrid.cell_of(0.25, 10.25)?];
/// let mut layer = CellLayer::new(cells);
/// layer.push_column("risk", vec![0.5.into()])?;
/// let mut csv = Vec::new();
/// layer.write_csv(&mut csv)?;
/// assert_eq!(String::from_utf8(csv).unwrap(), "gid,longitude,latitude,risk\n144361,0.25,10.25,0.5\n");
/// # Ok::<(), conflict_risk::Error>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CellLayer {
    cells: Vec<CellId>,
    columns: Vec<(String, Vec<Value>)>,
}

impl CellLayer {
    /// A layer of these cells with no columns yet.
    #[must_use]
    pub fn new(cells: Vec<CellId>) -> Self {
        CellLayer {
            cells,
            columns: Vec::new(),
        }
    }

    /// The cells.
    #[must_use]
    pub fn cells(&self) -> &[CellId] {
        &self.cells
    }

    /// Add a column (one value per cell; a name not used yet).
    pub fn push_column(&mut self, name: &str, values: Vec<Value>) -> Result<()> {
        if values.len() != self.cells.len() {
            return Err(Error::invalid(
                "column",
                name,
                format!("has {} values for {} cells", values.len(), self.cells.len()),
            ));
        }
        if self.columns.iter().any(|(n, _)| n == name)
            || ["longitude", "latitude", "hex_id", "gid"].contains(&name)
        {
            return Err(Error::invalid("column", name, "the name is taken"));
        }
        self.columns.push((name.to_string(), values));
        Ok(())
    }

    /// The layer of a risk surface: `raw`, `count`, `fatalities`, `normalised`, `percentile`,
    /// plus the as-of date, bandwidth and kernel in every row so that a layer on its own says
    /// how it was made.
    #[must_use]
    pub fn from_surface(surface: &RiskSurface) -> Self {
        let mut layer = CellLayer::new(surface.cells.iter().map(|c| c.cell).collect());
        let col = |f: &dyn Fn(&CellRisk) -> Value| -> Vec<Value> {
            surface.cells.iter().map(f).collect()
        };
        let same = |v: Value| vec![v; surface.cells.len()];
        let kernel = serde_json::to_value(surface.kernel).unwrap_or(Value::Null);
        let columns: [(&str, Vec<Value>); 8] = [
            ("raw", col(&|c| round(c.raw, 9))),
            ("count", col(&|c| c.count.into())),
            ("fatalities", col(&|c| c.fatalities.into())),
            ("normalised", col(&|c| round(c.normalised, 6))),
            ("percentile", col(&|c| round(c.percentile, 3))),
            ("as_of", same(surface.policy.as_of().to_string().into())),
            ("bandwidth_km", same(surface.bandwidth_km.into())),
            ("kernel", same(kernel)),
        ];
        for (name, values) in columns {
            // Names are distinct and lengths match by construction.
            let _ = layer.push_column(name, values);
        }
        layer
    }

    /// Add Gi* columns `gi_z`, `gi_p`, `gi_q`, `gi_p_sim` (if computed), `gi_bin` and
    /// `gi_neighbours` (the cells in its neighbourhood, itself included: 1 means its z-score
    /// says nothing of its surroundings), one result per cell in the layer's order.
    pub fn push_gi(&mut self, gi: &[GiCell]) -> Result<()> {
        self.push_column("gi_z", gi.iter().map(|g| round(g.z, 9)).collect())?;
        self.push_column("gi_p", gi.iter().map(|g| round(g.p, 12)).collect())?;
        self.push_column("gi_q", gi.iter().map(|g| round(g.q, 12)).collect())?;
        if gi.iter().any(|g| g.p_sim.is_some()) {
            self.push_column("gi_p_sim", gi.iter().map(|g| g.p_sim.into()).collect())?;
        }
        self.push_column("gi_bin", gi.iter().map(|g| g.bin.into()).collect())?;
        self.push_column(
            "gi_neighbours",
            gi.iter().map(|g| g.neighbours.into()).collect(),
        )
    }

    /// Add the emerging hot-spot columns `emerging` (the class) and `trend_tau`, `trend_p`.
    pub fn push_emerging(&mut self, emerging: &[EmergingCell]) -> Result<()> {
        let class = |e: &EmergingCell| serde_json::to_value(e.class).unwrap_or(Value::Null);
        self.push_column("emerging", emerging.iter().map(class).collect())?;
        self.push_column(
            "trend_tau",
            emerging
                .iter()
                .map(|e| e.trend.map(|t| round(t.tau, 6)).unwrap_or(Value::Null))
                .collect(),
        )?;
        self.push_column(
            "trend_p",
            emerging
                .iter()
                .map(|e| e.trend.map(|t| round(t.p, 9)).unwrap_or(Value::Null))
                .collect(),
        )
    }

    /// Write the cells as RFC 7946 polygons (counter-clockwise, 6 decimals) with the columns
    /// and the cell id (`hex_id` or `gid`) as properties.
    pub fn write_geojson<W: Write>(&self, writer: W) -> Result<()> {
        let mut w = std::io::BufWriter::new(writer);
        let io = |e| Error::io("<writer>", e);
        w.write_all(b"{\"type\":\"FeatureCollection\",\"features\":[")
            .map_err(io)?;
        for (k, cell) in self.cells.iter().enumerate() {
            let ring: Vec<[f64; 2]> = cell
                .polygon()
                .exterior()
                .coords()
                .map(|c| [round6(c.x), round6(c.y)])
                .collect();
            let mut props = serde_json::Map::new();
            props.insert(cell.id_column().to_string(), id_value(cell));
            for (name, values) in &self.columns {
                props.insert(name.clone(), values[k].clone());
            }
            let feature = serde_json::json!({
                "type": "Feature",
                "geometry": {"type": "Polygon", "coordinates": [ring]},
                "properties": props,
            });
            w.write_all(if k > 0 { b",\n" } else { b"\n" })
                .map_err(io)?;
            serde_json::to_writer(&mut w, &feature).map_err(|e| io(std::io::Error::other(e)))?;
        }
        w.write_all(b"\n]}\n").map_err(io)?;
        w.flush().map_err(io)
    }

    /// Write one row per cell: the id (`hex_id` or `gid`), the centre's `longitude` and
    /// `latitude`, then the columns.
    pub fn write_csv<W: Write>(&self, writer: W) -> Result<()> {
        let mut w = csv::Writer::from_writer(writer);
        let err = |e: csv::Error| Error::io("<writer>", std::io::Error::other(e));
        let id = self.cells.first().map_or("cell", CellId::id_column);
        let mut header = vec![id.to_string(), "longitude".into(), "latitude".into()];
        header.extend(self.columns.iter().map(|(n, _)| n.clone()));
        w.write_record(&header).map_err(err)?;
        for (k, cell) in self.cells.iter().enumerate() {
            let c = cell.centre();
            let mut row = vec![
                cell.to_string(),
                round6(c.x()).to_string(),
                round6(c.y()).to_string(),
            ];
            row.extend(self.columns.iter().map(|(_, v)| match &v[k] {
                Value::Null => String::new(),
                Value::String(s) => s.clone(),
                other => other.to_string(),
            }));
            w.write_record(&row).map_err(err)?;
        }
        w.flush().map_err(|e| Error::io("<writer>", e))
    }
}

fn id_value(cell: &CellId) -> Value {
    match cell {
        CellId::H3(_) => Value::String(cell.to_string()),
        CellId::Prio(p) => p.gid().into(),
    }
}

fn round6(v: f64) -> f64 {
    (v * 1e6).round() / 1e6
}

/// A finite number rounded to `digits` decimals as JSON; NaN and infinities become null.
fn round(v: f64, digits: i32) -> Value {
    let scale = 10f64.powi(digits);
    let r = (v * scale).round() / scale;
    serde_json::Number::from_f64(if r.is_finite() { r } else { v })
        .map_or(Value::Null, Value::Number)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::surface::Grid;

    #[test]
    fn geojson_has_closed_counter_clockwise_rings_and_ids() {
        let cells = vec![
            Grid::h3(5)
                .expect("valid test input")
                .cell_of(0.2, 10.8)
                .expect("valid test input"),
            Grid::h3(5)
                .expect("valid test input")
                .cell_of(1.2, 10.8)
                .expect("valid test input"),
        ];
        let mut layer = CellLayer::new(cells.clone());
        layer
            .push_column("v", vec![1.into(), Value::Null])
            .expect("valid test input");
        assert!(layer.push_column("v", vec![1.into(), 2.into()]).is_err());
        assert!(layer.push_column("w", vec![1.into()]).is_err());
        let mut out = Vec::new();
        layer.write_geojson(&mut out).expect("valid test input");
        let doc: Value = serde_json::from_slice(&out).expect("valid test input");
        let f = &doc["features"][0];
        assert_eq!(f["properties"]["hex_id"], cells[0].to_string());
        let ring = f["geometry"]["coordinates"][0]
            .as_array()
            .expect("valid test input");
        assert_eq!(ring.first(), ring.last());
        assert_eq!(ring.len(), 7);
        assert_eq!(doc["features"][1]["properties"]["v"], Value::Null);
    }
}
