//! Proximity clusters: exact great-circle DBSCAN and ST-DBSCAN over the index, and what each
//! cluster holds.

mod dbscan;
mod summary;
mod union_find;

pub use crate::tally::Count;
pub use dbscan::{ClusterId, Clustering, Dbscan};
pub use summary::{ClusterSummary, DeathTotals, HullShape, MonthCount};
