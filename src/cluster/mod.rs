//! Proximity clusters: exact great-circle DBSCAN over the index.

mod dbscan;
mod union_find;

pub use dbscan::{ClusterId, Clustering, Dbscan, PrecisionPolicy};
