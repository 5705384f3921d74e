//! Risk surfaces on H3 and PRIO-GRID cells: kernel density, Getis-Ord Gi* hot spots and
//! emerging hot spots, with one weight policy for all.

mod grid;
mod hotspot;
mod kernel;
mod layer;
mod series;
mod weight;

pub use grid::{CellId, Grid, PRIO_GRID_DEGREES, PrioCell};
pub use hotspot::{EmergingClass, GiCell, GiStar, Neighbours, classify_emerging, space_time_gi};
pub use kernel::{CellRisk, Kernel, KernelSurface, RiskSurface};
pub use layer::CellLayer;
pub use series::{CellSeries, EmergingCell, SliceLength, bin_by_cell, emerging_hot_spots};
pub use weight::{
    FatalityWeighting, PrecisionWeighting, WeightPolicy, WeightReport, uncertainty_km,
};
