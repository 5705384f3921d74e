//! Risk surfaces on H3 and PRIO-GRID cells: kernel density, Getis-Ord Gi* hot spots and
//! emerging hot spots, with one weight policy for all; and how well a surface says where the
//! next incidents fall ([`Backtest`]).

mod backtest;
mod grid;
mod hotspot;
mod kernel;
mod series;
mod weight;

pub use backtest::{
    AREA_SHARES, Backtest, BacktestResult, MAX_BOOTSTRAP, MAX_CELL_SURFACES, MAX_CONFIGS,
    MAX_ORIGINS, MIN_BLOCKS, MethodKind, MethodScores, Scores, Skill, SurfaceConfig,
};
pub use grid::{CellId, Grid, MAX_COVER_CELLS, PRIO_GRID_DEGREES, PrioCell};
pub use hotspot::{
    EmergingClass, GiCell, GiStar, HotSpots, MAX_GI_PERMUTATIONS, MAX_NEIGHBOUR_PAIRS,
    MAX_PERMUTATION_DRAWS, Neighbours,
};
pub use kernel::{CellRisk, Kernel, KernelSurface, PointRisk, RiskSurface};
pub use series::{
    CellSeries, CellTotals, EmergingCell, EmergingHotSpots, EmergingMap, SliceLength,
};
pub use weight::{FatalityWeighting, WeightPolicy, WeightReport};
