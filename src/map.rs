//! The map picture (feature `map`): country borders, risk cells, cluster outlines, incidents
//! coloured by armed group and named sites on a latitude-correct plate carrée, with a legend,
//! a scale bar in km and the as-of date. Pure Rust: plotters draws, font8x8 letters.

use std::path::Path;

use font8x8::UnicodeFonts;
use geo::{Area, Coord, InteriorPoint, LineString};
use jiff::civil::Date;
use plotters::prelude::*;

use crate::borders::Borders;
use crate::cluster::ClusterSummary;
use crate::error::{Error, Result};
use crate::geodesy::KM_PER_DEGREE;
use crate::geodesy::annulus_sector;
use crate::incident::{CountryCode, Incident};
use crate::index::BoundingBox;
use crate::site::Site;
use crate::surface::{CellId, RiskSurface};
use crate::trend::{ActorGroups, Encirclement, Ring};

/// What goes on the map.
#[derive(Clone, Copy, Debug)]
pub struct MapLayers<'a> {
    /// The lon/lat extent shown.
    pub extent: BoundingBox,
    /// The title, top left.
    pub title: &'a str,
    /// The as-of date, under the title.
    pub as_of: Date,
    /// A note at the bottom (the data source).
    pub note: &'a str,
    /// Country outlines and borders.
    pub borders: Option<&'a Borders>,
    /// Countries of `borders` outside the data's coverage, shaded as no data (not calm).
    pub no_data: &'a [CountryCode],
    /// Risk cells, shaded by their normalised value.
    pub surface: Option<&'a RiskSurface>,
    /// Cluster outlines; the cross-border ones (second element true) drawn heavier.
    pub clusters: &'a [(&'a ClusterSummary, bool)],
    /// Incidents, coloured by the first of `groups` they involve.
    pub incidents: &'a [Incident],
    /// The armed groups of the legend (at most 6 colours; others grey).
    pub groups: &'a ActorGroups,
    /// Sites, marked and labelled.
    pub sites: &'a [Site],
    /// Rings of sectors around sites: active sectors filled, the open gap outlined.
    pub rings: &'a [MapRing<'a>],
    /// The gap cells between two groups' zones, filled and outlined.
    pub gap: Option<MapGap<'a>>,
}

/// A ring of sectors around a site ([`Encirclement`](crate::trend::Encirclement)), drawn
/// over its annulus.
#[derive(Clone, Copy, Debug)]
pub struct MapRing<'a> {
    /// The site.
    pub site: &'a Site,
    /// The ring.
    pub ring: &'a Ring,
    /// What made it: the annulus and the threshold of an active sector.
    pub params: &'a Encirclement,
    /// Its legend label (`JNIM, 2023`).
    pub label: &'a str,
}

/// The gap cells between two groups' zones ([`Crossroads`](crate::trend::Crossroads)).
#[derive(Clone, Copy, Debug)]
pub struct MapGap<'a> {
    /// The cells.
    pub cells: &'a [CellId],
    /// Its legend label (`JNIM-Ansaru gap, 2023`).
    pub label: &'a str,
}

const GROUP_COLOURS: [RGBColor; 6] = [
    RGBColor(200, 30, 40), // JNIM: red
    RGBColor(20, 20, 20),  // IS Sahel: black
    RGBColor(0, 140, 70),  // Ansaru: green
    RGBColor(140, 80, 20), // Boko Haram/JAS: brown
    RGBColor(240, 140, 0), // ISWAP: orange
    RGBColor(30, 90, 200), // State forces: blue
];
const OTHER: RGBColor = RGBColor(150, 150, 150);
const LAND: RGBColor = RGBColor(246, 243, 236);
const SEA: RGBColor = RGBColor(220, 232, 240);
const NO_DATA: RGBColor = RGBColor(214, 214, 214);
const BORDER: RGBColor = RGBColor(90, 90, 90);
const HULL: RGBColor = RGBColor(110, 40, 140);
const INK: RGBColor = RGBColor(30, 30, 30);
const SECTOR: RGBColor = RGBColor(120, 30, 120);
const GAP: RGBColor = RGBColor(0, 120, 170);

/// Pixel placement of the map frame.
struct Frame {
    extent: BoundingBox,
    x0: i32,
    y0: i32,
    w: i32,
    h: i32,
}

impl Frame {
    fn px(&self, lon: f64, lat: f64) -> (i32, i32) {
        let e = &self.extent;
        let fx = (lon - e.west()) / (e.east() - e.west());
        let fy = (e.north() - lat) / (e.north() - e.south());
        (
            self.x0 + (fx * f64::from(self.w)).round() as i32,
            self.y0 + (fy * f64::from(self.h)).round() as i32,
        )
    }

    fn ring(&self, ring: &LineString<f64>) -> Vec<(i32, i32)> {
        ring.coords().map(|c: &Coord| self.px(c.x, c.y)).collect()
    }

    fn inside(&self, (x, y): (i32, i32)) -> bool {
        x >= self.x0 && x <= self.x0 + self.w && y >= self.y0 && y <= self.y0 + self.h
    }
}

/// Draw the map as a PNG of `width_px` (the height follows from the extent's aspect, with
/// longitude scaled by the cosine of the middle latitude, plus room for the legend).
///
/// ```no_run
/// use conflict_risk::{ActorGroups, BoundingBox, MapLayers, DEMO_AS_OF, render_map};
/// let layers = MapLayers {
///     extent: BoundingBox::new(-6.0, 4.0, 15.0, 16.0)?,
///     title: "Corridor",
///     as_of: DEMO_AS_OF,
///     note: "",
///     borders: None,
///     no_data: &[],
///     surface: None,
///     clusters: &[],
///     incidents: &[],
///     groups: &ActorGroups::corridor(),
///     sites: &[],
///     rings: &[],
///     gap: None,
/// };
/// render_map(&layers, "map.png".as_ref(), 1600)?;
/// # Ok::<(), conflict_risk::Error>(())
/// ```
pub fn render_map(layers: &MapLayers<'_>, path: &Path, width_px: u32) -> Result<()> {
    let e = layers.extent;
    if e.crosses_antimeridian() || e.north() <= e.south() || e.east() <= e.west() {
        return Err(Error::invalid(
            "extent",
            format!(
                "lon {}..{}, lat {}..{}",
                e.west(),
                e.east(),
                e.south(),
                e.north()
            ),
            "needs a box with area that does not cross the antimeridian",
        ));
    }
    if !(400..=8000).contains(&width_px) {
        return Err(Error::invalid(
            "width_px",
            width_px,
            "must be 400 to 8000 pixels",
        ));
    }
    let mid_lat = ((e.north() + e.south()) / 2.0).to_radians();
    let legend_w = 330;
    let margin = 40;
    let map_w = width_px as i32 - legend_w - 2 * margin;
    let aspect = (e.north() - e.south()) / ((e.east() - e.west()) * mid_lat.cos());
    let map_h = (f64::from(map_w) * aspect).round() as i32;
    let height = (map_h + 2 * margin + 60).max(700) as u32;
    let frame = Frame {
        extent: e,
        x0: margin,
        y0: margin + 40,
        w: map_w,
        h: map_h,
    };
    let draw_err = |what: &str, err: String| {
        Error::io(
            path.display().to_string(),
            std::io::Error::other(format!("drawing {what}: {err}")),
        )
    };
    let root = BitMapBackend::new(path, (width_px, height)).into_drawing_area();
    root.fill(&WHITE)
        .map_err(|x| draw_err("the background", x.to_string()))?;
    let map = root.clone();
    // The frame: sea, then the countries as land.
    let (fx1, fy1) = (frame.x0 + frame.w, frame.y0 + frame.h);
    type DrawResult<'b> = std::result::Result<
        (),
        DrawingAreaErrorKind<<BitMapBackend<'b> as DrawingBackend>::ErrorType>,
    >;
    let d = |r: DrawResult<'_>, what: &str| r.map_err(|x| draw_err(what, x.to_string()));
    d(
        map.draw(&Rectangle::new(
            [(frame.x0, frame.y0), (fx1, fy1)],
            SEA.filled(),
        )),
        "the sea",
    )?;
    if let Some(b) = layers.borders {
        for c in b.countries() {
            let fill = if layers.no_data.contains(&c.code) {
                NO_DATA
            } else {
                LAND
            };
            for poly in &c.shape.0 {
                d(
                    map.draw(&Polygon::new(frame.ring(poly.exterior()), fill.filled())),
                    "a country",
                )?;
            }
        }
    } else {
        d(
            map.draw(&Rectangle::new(
                [(frame.x0, frame.y0), (fx1, fy1)],
                LAND.filled(),
            )),
            "the land",
        )?;
    }
    // Risk cells.
    if let Some(s) = layers.surface {
        for c in s.cells.iter().filter(|c| c.normalised >= 0.02) {
            let poly = c.cell.polygon();
            let pts = frame.ring(poly.exterior());
            let t = c.normalised.sqrt(); // lift the faint end
            let colour = ramp(t);
            d(
                map.draw(&Polygon::new(pts, colour.mix(0.25 + 0.55 * t).filled())),
                "a risk cell",
            )?;
        }
    }
    // The gap cells between two groups.
    if let Some(g) = layers.gap {
        for c in g.cells {
            let pts = frame.ring(c.polygon().exterior());
            d(
                map.draw(&Polygon::new(pts.clone(), GAP.mix(0.3).filled())),
                "a gap cell",
            )?;
            d(
                map.draw(&PathElement::new(pts, GAP.stroke_width(1))),
                "a gap cell",
            )?;
        }
    }
    // Rings: active sectors filled, the open gap outlined.
    for r in layers.rings {
        let (inner, outer) = r.params.annulus_km();
        let width = 360.0 / r.ring.counts.len().max(1) as f64;
        let k_min = r.params.min_incidents_per_sector();
        for (k, &n) in r.ring.counts.iter().enumerate() {
            if n >= k_min {
                let from = k as f64 * width;
                let pts = frame
                    .ring(annulus_sector(r.site.point(), from, width, inner, outer).exterior());
                d(
                    map.draw(&Polygon::new(pts, SECTOR.mix(0.35).filled())),
                    "a sector",
                )?;
            }
        }
        if let Some(g) = r.ring.gap {
            let pts = frame.ring(
                annulus_sector(r.site.point(), g.from_deg, g.width_deg, inner, outer).exterior(),
            );
            d(
                map.draw(&PathElement::new(pts, GAP.stroke_width(3))),
                "the open gap",
            )?;
        }
    }
    // Borders: the lines if loaded, else the country outlines.
    if let Some(b) = layers.borders {
        if b.lines().is_empty() {
            for c in b.countries() {
                for poly in &c.shape.0 {
                    d(
                        map.draw(&PathElement::new(
                            frame.ring(poly.exterior()),
                            BORDER.stroke_width(2),
                        )),
                        "a border",
                    )?;
                }
            }
        } else {
            for l in b.lines() {
                for ls in &l.line.0 {
                    d(
                        map.draw(&PathElement::new(frame.ring(ls), BORDER.stroke_width(2))),
                        "a border",
                    )?;
                }
            }
        }
    }
    // Incidents: other actors first, then the groups in reverse so the first group is on top.
    let mut matcher = crate::trend::GroupMatcher::new(layers.groups);
    let mut group_of = |i: &Incident| {
        let mask = matcher.mask(i);
        (0..layers.groups.groups().len().min(6)).find(|&g| mask & (1 << g) != 0)
    };
    let mut by_group: Vec<Vec<(i32, i32)>> = vec![Vec::new(); 7];
    for i in layers.incidents {
        let p = frame.px(i.lon, i.lat);
        if frame.inside(p) {
            by_group[group_of(i).unwrap_or(6)].push(p);
        }
    }
    for g in (0..7).rev() {
        let colour = if g < 6 { GROUP_COLOURS[g] } else { OTHER };
        for &p in &by_group[g] {
            d(
                map.draw(&Circle::new(p, 2, colour.mix(0.75).filled())),
                "an incident",
            )?;
        }
    }
    // Cluster outlines.
    for (c, cross) in layers.clusters {
        for part in &c.hull {
            let mut pts = frame.ring(part.exterior());
            if pts.len() == 1 {
                pts.push(pts[0]);
            }
            let width = if *cross { 4 } else { 2 };
            d(
                map.draw(&PathElement::new(pts, HULL.stroke_width(width))),
                "a cluster",
            )?;
        }
    }
    // Everything drawn so far may spill past the frame: paint the margins over.
    let (iw, ih) = (width_px as i32, height as i32);
    for r in [
        [(0, 0), (iw, frame.y0 - 1)],
        [(0, fy1 + 1), (iw, ih)],
        [(0, 0), (frame.x0 - 1, ih)],
        [(fx1 + 1, 0), (iw, ih)],
    ] {
        d(map.draw(&Rectangle::new(r, WHITE.filled())), "the margins")?;
    }
    // Country codes at an interior point of each country's largest part.
    if let Some(b) = layers.borders {
        for c in b.countries() {
            let largest = c
                .shape
                .0
                .iter()
                .max_by(|p, q| p.unsigned_area().total_cmp(&q.unsigned_area()));
            if let Some(pt) = largest.and_then(|p| p.interior_point()) {
                let (x, y) = frame.px(pt.x(), pt.y());
                if frame.inside((x, y)) {
                    text(
                        &map,
                        x - 24,
                        y - 8,
                        c.code.as_str(),
                        2,
                        RGBColor(150, 140, 125),
                    )
                    .map_err(|x| draw_err("a country", x))?;
                }
            }
        }
    }
    // Sites, each label placed where it overlaps no earlier one.
    let mut placed: Vec<(i32, i32, i32, i32)> = Vec::new();
    for s in layers.sites {
        let (x, y) = frame.px(s.lon, s.lat);
        if !frame.inside((x, y)) {
            continue;
        }
        site_marker(&map, x, y).map_err(|x| draw_err("a site", x))?;
        let label: String = s.name.chars().take(28).collect();
        let w = 8 * label.chars().count() as i32;
        let overlaps = |(lx, ly): (i32, i32)| {
            placed
                .iter()
                .any(|&(px, py, pw, ph)| lx < px + pw && px < lx + w && ly < py + ph && py < ly + 8)
        };
        let spots = [
            (x + 11, y - 6),
            (x - 11 - w, y - 6),
            (x - w / 2, y - 22),
            (x - w / 2, y + 10),
            (x + 11, y + 8),
            (x - 11 - w, y + 8),
            (x + 11, y - 20),
            (x - 11 - w, y - 20),
        ];
        let (lx, ly) = spots
            .into_iter()
            .find(|&spot| !overlaps(spot))
            .unwrap_or((x + 11, y - 6));
        placed.push((lx - 1, ly - 1, w + 2, 10));
        text_halo(&map, lx, ly, &label, 1, INK).map_err(|x| draw_err("a label", x))?;
    }
    // Frame and graticule ticks every 2 degrees.
    d(
        map.draw(&PathElement::new(
            vec![
                (frame.x0, frame.y0),
                (fx1, frame.y0),
                (fx1, fy1),
                (frame.x0, fy1),
                (frame.x0, frame.y0),
            ],
            INK.stroke_width(1),
        )),
        "the frame",
    )?;
    let mut lon = (e.west() / 2.0).ceil() * 2.0;
    while lon <= e.east() {
        let (x, _) = frame.px(lon, e.south());
        d(
            map.draw(&PathElement::new(
                vec![(x, fy1), (x, fy1 + 6)],
                INK.stroke_width(1),
            )),
            "a tick",
        )?;
        text(&map, x - 12, fy1 + 10, &degrees(lon, 'E', 'W'), 1, INK)
            .map_err(|x| draw_err("a tick label", x))?;
        lon += 2.0;
    }
    let mut lat = (e.south() / 2.0).ceil() * 2.0;
    while lat <= e.north() {
        let (_, y) = frame.px(e.west(), lat);
        d(
            map.draw(&PathElement::new(
                vec![(frame.x0 - 6, y), (frame.x0, y)],
                INK.stroke_width(1),
            )),
            "a tick",
        )?;
        text(&map, 2, y - 4, &degrees(lat, 'N', 'S'), 1, INK)
            .map_err(|x| draw_err("a tick label", x))?;
        lat += 2.0;
    }
    // Title and date.
    text(&map, margin, 10, layers.title, 2, INK).map_err(|x| draw_err("the title", x))?;
    text(&map, margin, 30, &format!("as of {}", layers.as_of), 1, INK)
        .map_err(|x| draw_err("the date", x))?;
    // Scale bar: a round number of km near a fifth of the width, at the middle latitude.
    let km_per_px = (e.east() - e.west()) * KM_PER_DEGREE * mid_lat.cos() / f64::from(frame.w);
    let target = km_per_px * f64::from(frame.w) / 5.0;
    let bar_km = [25.0, 50.0, 100.0, 200.0, 250.0, 500.0, 1000.0]
        .into_iter()
        .min_by(|a: &f64, b: &f64| (a - target).abs().total_cmp(&(b - target).abs()))
        .unwrap_or(100.0);
    let bar_px = (bar_km / km_per_px).round() as i32;
    let (bx, by) = (frame.x0 + 20, fy1 - 30);
    d(
        map.draw(&Rectangle::new(
            [(bx - 6, by - 22), (bx + bar_px + 60, by + 12)],
            WHITE.mix(0.8).filled(),
        )),
        "the scale",
    )?;
    d(
        map.draw(&Rectangle::new(
            [(bx, by), (bx + bar_px / 2, by + 6)],
            INK.filled(),
        )),
        "the scale",
    )?;
    d(
        map.draw(&Rectangle::new(
            [(bx + bar_px / 2, by), (bx + bar_px, by + 6)],
            WHITE.filled(),
        )),
        "the scale",
    )?;
    d(
        map.draw(&Rectangle::new(
            [(bx, by), (bx + bar_px, by + 6)],
            INK.stroke_width(1),
        )),
        "the scale",
    )?;
    text(&map, bx, by - 14, "0", 1, INK).map_err(|x| draw_err("the scale", x))?;
    text(
        &map,
        bx + bar_px - 8,
        by - 14,
        &format!("{bar_km} km"),
        1,
        INK,
    )
    .map_err(|x| draw_err("the scale", x))?;
    // Legend.
    let lx = frame.x0 + frame.w + 30;
    let mut ly = frame.y0;
    text(&map, lx, ly, "Incidents by group", 2, INK).map_err(|x| draw_err("the legend", x))?;
    ly += 28;
    let names: Vec<&str> = layers
        .groups
        .groups()
        .iter()
        .take(6)
        .map(|g| g.name.as_str())
        .collect();
    for (g, name) in names.iter().enumerate() {
        let count = by_group[g].len();
        d(
            map.draw(&Circle::new((lx + 6, ly + 4), 5, GROUP_COLOURS[g].filled())),
            "the legend",
        )?;
        text(&map, lx + 20, ly, &format!("{name} ({count})"), 1, INK)
            .map_err(|x| draw_err("the legend", x))?;
        ly += 18;
    }
    d(
        map.draw(&Circle::new((lx + 6, ly + 4), 5, OTHER.filled())),
        "the legend",
    )?;
    text(
        &map,
        lx + 20,
        ly,
        &format!("other actors ({})", by_group[6].len()),
        1,
        INK,
    )
    .map_err(|x| draw_err("the legend", x))?;
    ly += 34;
    if let Some(s) = layers.surface {
        text(&map, lx, ly, "Kernel risk", 2, INK).map_err(|x| draw_err("the legend", x))?;
        ly += 24;
        for k in 0..200 {
            let t = f64::from(k) / 199.0;
            let c = ramp(t.sqrt()).mix(0.25 + 0.55 * t.sqrt());
            d(
                map.draw(&Rectangle::new(
                    [(lx + k, ly), (lx + k + 1, ly + 14)],
                    c.filled(),
                )),
                "the legend",
            )?;
        }
        text(&map, lx, ly + 20, "low", 1, INK).map_err(|x| draw_err("the legend", x))?;
        text(&map, lx + 176, ly + 20, "high", 1, INK).map_err(|x| draw_err("the legend", x))?;
        ly += 36;
        text(
            &map,
            lx,
            ly,
            &format!("{} km {} kernel", s.bandwidth_km, s.kernel.label()),
            1,
            INK,
        )
        .map_err(|x| draw_err("the legend", x))?;
        ly += 30;
    }
    if !layers.clusters.is_empty() {
        text(&map, lx, ly, "Clusters", 2, INK).map_err(|x| draw_err("the legend", x))?;
        ly += 24;
        legend_line(&map, lx, ly, HULL, 2, "cluster outline")
            .map_err(|x| draw_err("the legend", x))?;
        ly += 18;
        legend_line(&map, lx, ly, HULL, 4, "crosses a border")
            .map_err(|x| draw_err("the legend", x))?;
        ly += 30;
    }
    if !layers.sites.is_empty() {
        site_marker(&map, lx + 8, ly + 6).map_err(|x| draw_err("the legend", x))?;
        text(&map, lx + 24, ly, "site", 1, INK).map_err(|x| draw_err("the legend", x))?;
        ly += 30;
    }
    if layers.borders.is_some() {
        legend_line(&map, lx, ly, BORDER, 2, "international border")
            .map_err(|x| draw_err("the legend", x))?;
        ly += 24;
    }
    for r in layers.rings {
        let title: String = format!("{}, {}", r.site.name, r.label)
            .chars()
            .take(36)
            .collect();
        text(&map, lx, ly, &title, 1, INK).map_err(|x| draw_err("the legend", x))?;
        ly += 16;
        legend_swatch(
            &map,
            lx,
            ly,
            SECTOR.mix(0.35),
            &format!("active sectors ({} of {})", r.ring.active, r.ring.sectors),
        )
        .map_err(|x| draw_err("the legend", x))?;
        ly += 18;
        if let Some(g) = r.ring.gap {
            legend_line(
                &map,
                lx,
                ly,
                GAP,
                3,
                &format!("open gap {:.0}-{:.0} deg", g.from_deg, g.to_deg),
            )
            .map_err(|x| draw_err("the legend", x))?;
            ly += 18;
        }
        ly += 12;
    }
    if let Some(g) = layers.gap {
        legend_swatch(
            &map,
            lx,
            ly,
            GAP.mix(0.3),
            &format!("{} ({} cells)", g.label, g.cells.len()),
        )
        .map_err(|x| draw_err("the legend", x))?;
        ly += 30;
    }
    if layers.borders.is_some() && !layers.no_data.is_empty() {
        legend_swatch(&map, lx, ly, NO_DATA.into(), "no data (outside coverage)")
            .map_err(|x| draw_err("the legend", x))?;
    }
    // The note, wrapped under the map.
    let mut y = height as i32 - 24;
    for line in wrap(layers.note, ((width_px as i32 - 2 * margin) / 8) as usize)
        .iter()
        .rev()
        .take(2)
    {
        text(&map, margin, y, line, 1, INK).map_err(|x| draw_err("the note", x))?;
        y -= 12;
    }
    root.present()
        .map_err(|x| draw_err("the file", x.to_string()))?;
    Ok(())
}

/// Pale yellow → orange → dark red.
fn ramp(t: f64) -> RGBColor {
    let t = t.clamp(0.0, 1.0);
    let lerp = |a: f64, b: f64, u: f64| (a + (b - a) * u).round() as u8;
    if t < 0.5 {
        let u = t / 0.5;
        RGBColor(
            lerp(255.0, 245.0, u),
            lerp(235.0, 140.0, u),
            lerp(150.0, 30.0, u),
        )
    } else {
        let u = (t - 0.5) / 0.5;
        RGBColor(
            lerp(245.0, 150.0, u),
            lerp(140.0, 0.0, u),
            lerp(30.0, 20.0, u),
        )
    }
}

fn degrees(v: f64, pos: char, neg: char) -> String {
    if v == 0.0 {
        "0".to_string()
    } else {
        format!("{}{}", v.abs(), if v > 0.0 { pos } else { neg })
    }
}

fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// A site's marker: a white triangle outlined in ink, centred near (x, y).
fn site_marker<DB: DrawingBackend>(
    area: &DrawingArea<DB, plotters::coord::Shift>,
    x: i32,
    y: i32,
) -> std::result::Result<(), String> {
    let tri = vec![(x, y - 9), (x - 8, y + 6), (x + 8, y + 6)];
    area.draw(&Polygon::new(tri.clone(), WHITE.filled()))
        .map_err(|e| e.to_string())?;
    let mut outline = tri;
    outline.push((x, y - 9));
    area.draw(&PathElement::new(outline, INK.stroke_width(2)))
        .map_err(|e| e.to_string())
}

/// A legend entry: a 30 by 12 pixel swatch of `colour`, then its label.
fn legend_swatch<DB: DrawingBackend>(
    area: &DrawingArea<DB, plotters::coord::Shift>,
    x: i32,
    y: i32,
    colour: RGBAColor,
    label: &str,
) -> std::result::Result<(), String> {
    area.draw(&Rectangle::new([(x, y), (x + 30, y + 12)], colour.filled()))
        .map_err(|e| e.to_string())?;
    text(area, x + 38, y, label, 1, INK)
}

/// A legend entry: a 30-pixel line of `colour` and `width`, then its label.
fn legend_line<DB: DrawingBackend>(
    area: &DrawingArea<DB, plotters::coord::Shift>,
    x: i32,
    y: i32,
    colour: RGBColor,
    width: u32,
    label: &str,
) -> std::result::Result<(), String> {
    area.draw(&PathElement::new(
        vec![(x, y + 4), (x + 30, y + 4)],
        colour.stroke_width(width),
    ))
    .map_err(|e| e.to_string())?;
    text(area, x + 40, y, label, 1, INK)
}

/// Letter `s` from the 8×8 font at `scale`, top-left at (x, y).
fn text<DB: DrawingBackend>(
    area: &DrawingArea<DB, plotters::coord::Shift>,
    x: i32,
    y: i32,
    s: &str,
    scale: i32,
    colour: RGBColor,
) -> std::result::Result<(), String> {
    let mut cx = x;
    for ch in s.chars() {
        let glyph = font8x8::BASIC_FONTS
            .get(ch)
            .or_else(|| font8x8::LATIN_FONTS.get(ch))
            .or_else(|| font8x8::BASIC_FONTS.get(fallback(ch)))
            .unwrap_or([0; 8]);
        for (row, bits) in (0..).zip(glyph) {
            for col in 0..8 {
                if bits & (1 << col) != 0 {
                    for dy in 0..scale {
                        for dx in 0..scale {
                            let at = (cx + col * scale + dx, y + row * scale + dy);
                            area.draw_pixel(at, &colour).map_err(|e| e.to_string())?;
                        }
                    }
                }
            }
        }
        cx += 8 * scale;
    }
    Ok(())
}

/// Text with a white halo so it reads over any fill.
fn text_halo<DB: DrawingBackend>(
    area: &DrawingArea<DB, plotters::coord::Shift>,
    x: i32,
    y: i32,
    s: &str,
    scale: i32,
    colour: RGBColor,
) -> std::result::Result<(), String> {
    for (dx, dy) in [(-1, 0), (1, 0), (0, -1), (0, 1)] {
        text(area, x + dx, y + dy, s, scale, WHITE)?;
    }
    text(area, x, y, s, scale, colour)
}

/// ASCII stand-ins for typography the 8×8 font lacks.
fn fallback(ch: char) -> char {
    match ch {
        '–' | '—' => '-',
        '‘' | '’' => '\'',
        '“' | '”' => '"',
        '°' => 'o',
        '…' => '.',
        _ => '?',
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ramp_runs_from_pale_to_dark() {
        let (a, b) = (ramp(0.0), ramp(1.0));
        assert!(
            u32::from(a.0) + u32::from(a.1) + u32::from(a.2)
                > u32::from(b.0) + u32::from(b.1) + u32::from(b.2)
        );
        assert_eq!(wrap("a bb ccc dddd", 6), vec!["a bb", "ccc", "dddd"]);
        assert_eq!(degrees(-4.0, 'E', 'W'), "4W");
    }

    #[test]
    fn a_map_is_written_with_the_latitude_correct_aspect() {
        let dir =
            std::env::temp_dir().join(format!("conflict-risk-map-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let path = dir.join("map.png");
        let (set, _) = crate::IncidentSet::validate(crate::brief_incidents());
        let sites = vec![Site::new("Dapaong", 0.207, 10.862).expect("valid")];
        let layers = MapLayers {
            extent: BoundingBox::new(-1.0, 10.0, 2.0, 12.0).expect("valid"),
            title: "Test",
            as_of: jiff::civil::date(2024, 12, 31),
            note: "hand-built",
            borders: None,
            no_data: &[],
            surface: None,
            clusters: &[],
            incidents: set.incidents(),
            groups: &ActorGroups::corridor(),
            sites: &sites,
            rings: &[],
            gap: None,
        };
        render_map(&layers, &path, 1000).expect("drawn");
        // With a ring (one active sector, the gap the other 350 degrees) and gap cells.
        let params = Encirclement::new();
        let mut counts = vec![0u64; 36];
        counts[3] = 2;
        let ring = Ring {
            first_day: jiff::civil::date(2024, 1, 1),
            last_day: jiff::civil::date(2024, 12, 31),
            incidents: 2,
            counts,
            sectors: 36,
            active: 1,
            active_pct: 100.0 / 36.0,
            gap: Some(crate::trend::Gap {
                from_deg: 40.0,
                to_deg: 30.0,
                width_deg: 350.0,
            }),
            gap_places: Vec::new(),
            expected_active: 2.0,
            no_data: vec![false; 36],
            p_fewer: None,
        };
        let cells = crate::surface::Grid::PrioGrid
            .cover(&BoundingBox::new(0.0, 10.5, 1.0, 11.0).expect("valid"))
            .expect("cells");
        let with_rings = MapLayers {
            rings: &[MapRing {
                site: &sites[0],
                ring: &ring,
                params: &params,
                label: "JNIM, 2024",
            }],
            gap: Some(MapGap {
                cells: &cells,
                label: "gap A-B, 2024",
            }),
            ..layers
        };
        render_map(&with_rings, &path, 1000).expect("drawn with rings");
        let bytes = std::fs::read(&path).expect("written");
        assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n");
        // IHDR: width then height, big-endian.
        let w = u32::from_be_bytes([bytes[16], bytes[17], bytes[18], bytes[19]]);
        assert_eq!(w, 1000);
        let _ = std::fs::remove_dir_all(&dir);
        assert!(render_map(&layers, &path, 100).is_err());
    }
}
