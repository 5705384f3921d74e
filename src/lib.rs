#![doc = include_str!("../README.md")]
//!
//! # The crate at a glance
//!
//! Data flows one way, and the root re-exports the main item of each stage in that order:
//!
//! 1. **Read**: [`read_path`] and the other readers turn ACLED, UCDP GED and GeoJSON files
//!    into incidents, each with a [`LoadReport`] of every rejected row ([`io`] has the
//!    details); or take [`demo_incidents`] / [`CorridorScenario`].
//! 2. **Validate**: [`IncidentSet::validate`] keeps the good incidents and reports every
//!    rejected one in a [`ValidationReport`] ([`validate`] has the problems and warnings).
//! 3. **Index**: [`IncidentIndex`], an R-tree of unit-sphere points with a date-sorted side
//!    array: exact great-circle radius, nearest, box and polygon queries over a
//!    [`DateWindow`] ([`index`]).
//! 4. **Analyse**: each analysis takes its required parameters in `new`, optional ones in
//!    validated setters, and `run`s on the index, returning a result that keeps its
//!    parameters: [`Dbscan`] ([`cluster`]), [`KernelSurface`], [`GiStar`] and
//!    [`EmergingHotSpots`] ([`surface`]), [`SiteRisk`] ([`site`]), [`Borders`] ([`borders`]),
//!    [`Tempo`], [`Expansion`] and [`Nexus`] ([`trend`]).
//! 5. **Report**: [`CorridorReport::build`] runs them all for the corridor ([`report`]).
//! 6. **Write**: [`write_geojson`], [`write_csv`], [`CorridorReport::write_layers`],
//!    [`render_map`].
//!
//! `ARCHITECTURE.md` maps every concept to its file.
//!
//! # Units and coordinates
//!
//! Positions are WGS 84 longitude/latitude in degrees (`geo::Point` with x = longitude).
//! Every distance is a great-circle distance in kilometres on the sphere of radius
//! [`geodesy::EARTH_RADIUS_KM`] (the IUGG mean radius); names carry their unit (`radius_km`,
//! `distance_km`). Dates are civil dates ([`jiff::civil::Date`]) and date spans are inclusive.
//!
//! # Features
//!
//! - `parallel` (default): bulk work (index construction, the synthetic generator) on all
//!   cores via rayon. Results are identical with or without it.
//! - `map` (default): [`render_map`] and the report's `map.png`, in pure Rust.

#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![warn(clippy::unwrap_used)]

mod bbox;
pub mod borders;
pub mod cluster;
pub mod coverage;
mod error;
pub mod geodesy;
mod incident;
pub mod index;
pub mod io;
#[cfg(feature = "map")]
mod map;
mod parallel;
mod precision;
mod problem;
pub mod report;
mod sample;
pub mod site;
mod stats;
pub mod surface;
mod synthetic;
mod tally;
pub mod trend;
pub mod validate;
mod window;

// ---- errors
pub use error::{Error, Result};

// ---- 1. read (and the demo data)
pub use io::{
    DateOrder, Encoding, LoadReport, Loaded, PropertyMap, ReadOptions, read_acled, read_any,
    read_geojson, read_path, read_sites, read_ucdp,
};
pub use sample::{
    DEMO_AS_OF, DEMO_SYNTHETIC_SIZE, brief_incidents, brief_sites, corridor_places, demo_incidents,
    ouagadougou,
};
pub use synthetic::CorridorScenario;

// ---- the incident model
/// The shared, one-pointer string type of the incident's text fields (actor names, event
/// types, places): it derefs to `&str` and converts from `&str` and `String`.
pub use arcstr::ArcStr;
pub use incident::{
    Actor, ActorKind, CountryCode, Dataset, DateSpan, EventKind, Fatalities, GeoPrecision,
    Incident, IncidentId, SourceId, TimePrecision, UcdpDetails,
};

// ---- 2. validate
pub use validate::{IncidentSet, ValidationReport};

// ---- 3. index
pub use geodesy::haversine_km;
pub use index::{BoundingBox, DateWindow, IncidentIndex};

// ---- 4. analyse
pub use borders::{AdminLabel, BorderBand, BorderPair, Borders};
pub use cluster::{ClusterSummary, Clustering, Dbscan, HullShape};
pub use precision::PrecisionPolicy;
pub use site::{Site, SiteRisk};
pub use stats::MannKendall;
pub use surface::{
    CellId, CellSeries, EmergingHotSpots, GiStar, Grid, Kernel, KernelSurface, Neighbours,
    RiskSurface, SliceLength, WeightPolicy,
};
pub use trend::{ActorGroups, Expansion, Nexus, Tempo};

// ---- 5. report
pub use report::{CorridorReport, ReportSpec, Source};

// ---- 6. write
pub use io::{
    CellLayer, ExtraColumns, write_acled_csv, write_clusters_geojson, write_csv, write_geojson,
};
#[cfg(feature = "map")]
pub use map::{MapLayers, render_map};

// ---- the crates whose types appear in this API
/// The geometry crate whose types ([`geo::Point`], [`geo::Polygon`]) appear in this API.
pub use geo;
/// The GeoJSON crate whose `JsonValue` extra columns are made of.
pub use geojson;
/// The H3 crate whose cell index ([`h3o::CellIndex`]) appears in [`CellId`].
pub use h3o;
/// The date crate whose [`jiff::civil::Date`] appears in this API.
pub use jiff;
