#![doc = include_str!("../README.md")]
//!
//! # The crate at a glance
//!
//! Data flows one way: incidents (from [`read_path`] and the other readers, each with a
//! [`LoadReport`] of every rejected row; or [`demo_incidents`] / [`CorridorScenario`]) →
//! [`IncidentSet::validate`] (every rejected incident reported in a [`ValidationReport`]) →
//! [`IncidentIndex`] (an R-tree of unit-sphere points with a date-sorted side array) →
//! queries and analyses → [`write_geojson`] / [`write_csv`].
//!
//! # Units and coordinates
//!
//! Positions are WGS 84 longitude/latitude in degrees (`geo::Point` with x = longitude).
//! Every distance is a great-circle distance in kilometres on the sphere of radius
//! [`EARTH_RADIUS_KM`] (the IUGG mean radius); names carry their unit (`radius_km`,
//! `distance_km`). Dates are civil dates ([`jiff::civil::Date`]) and date spans are inclusive.
//!
//! # Features
//!
//! - `parallel` (default): bulk work (index construction, the synthetic generator) on all
//!   cores via rayon. Results are identical with or without it.

#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![warn(clippy::unwrap_used)]

mod borders;
mod cluster;
mod error;
mod geodesy;
mod incident;
mod index;
mod io;
#[cfg(feature = "map")]
mod map;
pub mod report;
mod sample;
mod site;
mod stats;
mod surface;
mod synthetic;
mod trend;
mod validate;

pub use borders::{
    BorderBand, BorderDistance, BorderLine, BorderPair, BorderPlace, Borders, Country,
    CrossBorderCluster, band_counts_by_year, near_border_by_year,
};
pub use cluster::{
    ClusterId, ClusterSummary, Clustering, Dbscan, DeathTotals, HullShape, PrecisionPolicy,
    summarize,
};
pub use error::{Error, Result};
pub use geodesy::{
    EARTH_RADIUS_KM, KM_PER_DEGREE, MAX_DISTANCE_KM, chord2_to_km, destination, haversine_km,
    km_to_chord2, lon_lat_of, unit_vector,
};
pub use incident::{
    Actor, ActorKind, CountryCode, Dataset, DateSpan, EventKind, Fatalities, GeoPrecision,
    Incident, IncidentId, SourceId, TimePrecision, UcdpDetails,
};
pub use index::{BoundingBox, DateWindow, IncidentIndex, Neighbor, QueryArea, Windowed};
pub use io::{
    ExtraColumns, FieldProblem, Format, LoadReport, Loaded, PropertyMap, ReadOptions, RejectedRow,
    RowWarning, SkippedLine, read_acled, read_any, read_geojson, read_path, read_ucdp,
    write_acled_csv, write_clusters_geojson, write_csv, write_geojson,
};
#[cfg(feature = "map")]
pub use map::{MapLayers, render_map};
pub use report::{CorridorReport, ReportSpec, Source};
pub use sample::{DEMO_AS_OF, DEMO_SYNTHETIC_SIZE, brief_incidents, brief_sites, demo_incidents};
pub use site::{
    Exposure, NearestIncident, Site, SiteRisk, SiteRiskSpec, SiteTrend, read_sites, read_sites_from,
};
pub use stats::MannKendall;
pub use surface::{
    CellId, CellLayer, CellRisk, CellSeries, EmergingCell, EmergingClass, FatalityWeighting,
    GiCell, GiStar, Grid, Kernel, KernelSurface, Neighbours, PRIO_GRID_DEGREES, PrecisionWeighting,
    PrioCell, RiskSurface, SliceLength, WeightPolicy, WeightReport, bin_by_cell, classify_emerging,
    emerging_hot_spots, space_time_gi, uncertainty_km,
};
pub use synthetic::CorridorScenario;
pub use trend::{
    ActorGroup, ActorGroups, Alias, CrossK, Expansion, ExpansionSeries, ExpansionStep,
    MAX_PERMUTATIONS, Nexus, NexusFindings, PairCounts, PeriodDistance, SpreadKind, Tempo,
    TempoSeries, YearOnYear,
};
pub use validate::{Flag, IncidentSet, Problem, Rejection, ValidationReport, Warning};

/// The shared, one-pointer string type of the incident's text fields (actor names, event
/// types, places): it derefs to `&str` and converts from `&str` and `String`.
pub use arcstr::ArcStr;
/// The geometry crate whose types ([`geo::Point`], [`geo::Polygon`]) appear in this API.
pub use geo;
/// The GeoJSON crate whose `JsonValue` extra columns are made of.
pub use geojson;
/// The H3 crate whose cell index ([`h3o::CellIndex`]) appears in [`CellId`].
pub use h3o;
/// The date crate whose [`jiff::civil::Date`] appears in this API.
pub use jiff;
