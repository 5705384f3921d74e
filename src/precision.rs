//! What the analyses do with incidents whose position stands for an area: one
//! [`PrecisionPolicy`] for clustering and surfaces, and the uncertainty radius of each
//! [`GeoPrecision`] class.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::incident::GeoPrecision;

/// What an analysis does with roughly located incidents. Every analysis says in its result
/// how many incidents the policy touched.
///
/// Clustering ([`Dbscan::precision`](crate::Dbscan::precision)) takes `Keep`, `Drop` and
/// `NeverCore`; surfaces ([`WeightPolicy::precision`](crate::WeightPolicy::precision)) take
/// `Keep`, `Drop`, `DownWeight` and `Widen`. Each refuses the others when set.
///
/// ```
/// use conflict_risk::{Dbscan, PrecisionPolicy, WeightPolicy, jiff::civil::date};
/// let dbscan = Dbscan::new(25.0, 5)?.precision(PrecisionPolicy::NeverCore)?;
/// let weights = WeightPolicy::new(date(2024, 12, 31)).precision(PrecisionPolicy::Widen)?;
/// assert!(Dbscan::new(25.0, 5)?.precision(PrecisionPolicy::Widen).is_err());
/// # Ok::<(), conflict_risk::Error>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum PrecisionPolicy {
    /// Use every position as given.
    #[default]
    Keep,
    /// Leave out incidents located only to a region or the country
    /// ([`GeoPrecision::is_coarse`]): clustering labels them noise, surfaces give them no
    /// weight.
    Drop,
    /// Clustering only: coarse incidents count in neighbourhoods and join clusters as border
    /// points, but are never core; a pile of region-coded incidents on a provincial capital
    /// cannot make a cluster alone.
    NeverCore,
    /// Surfaces only: multiply the weight by a factor (finite, at least 0) per precision
    /// class; classes not listed count 1.
    DownWeight(BTreeMap<GeoPrecision, f64>),
    /// Surfaces only: widen the kernel by the position's uncertainty. The bandwidth becomes
    /// `√(h² + r²)` with `r` from [`GeoPrecision::uncertainty_km`], and the weight is scaled
    /// by `h² / (h² + r²)` so the incident's total mass stays the same. Country-level and
    /// unknown positions are left out.
    Widen,
}

impl PrecisionPolicy {
    /// `Err` unless the policy is one clustering applies.
    pub(crate) fn for_clustering(self) -> Result<Self> {
        match self {
            PrecisionPolicy::Keep | PrecisionPolicy::Drop | PrecisionPolicy::NeverCore => Ok(self),
            other => Err(Error::invalid(
                "precision",
                other.name(),
                "clustering takes keep, drop or never_core",
            )),
        }
    }

    /// `Err` unless the policy is one surfaces apply, with valid factors.
    pub(crate) fn for_surfaces(self) -> Result<Self> {
        match &self {
            PrecisionPolicy::NeverCore => Err(Error::invalid(
                "precision",
                self.name(),
                "surfaces take keep, drop, down_weight or widen",
            )),
            PrecisionPolicy::DownWeight(factors) => {
                match factors.iter().find(|(_, f)| !f.is_finite() || **f < 0.0) {
                    Some((p, f)) => Err(Error::invalid(
                        "precision factor",
                        format!("{} {f}", p.label()),
                        "must be finite and at least 0",
                    )),
                    None => Ok(self),
                }
            }
            _ => Ok(self),
        }
    }

    fn name(&self) -> &'static str {
        match self {
            PrecisionPolicy::Keep => "keep",
            PrecisionPolicy::Drop => "drop",
            PrecisionPolicy::NeverCore => "never_core",
            PrecisionPolicy::DownWeight(_) => "down_weight",
            PrecisionPolicy::Widen => "widen",
        }
    }
}

impl GeoPrecision {
    /// The radius within which a position of this precision lies, km: exact 0, near 25 (UCDP
    /// `where_prec` 2: "within 25 km"), district 50, region 100; `None` for country-level or
    /// unknown positions.
    ///
    /// ```
    /// use conflict_risk::GeoPrecision;
    /// assert_eq!(GeoPrecision::Near.uncertainty_km(), Some(25.0));
    /// assert_eq!(GeoPrecision::Country.uncertainty_km(), None);
    /// ```
    #[must_use]
    pub fn uncertainty_km(self) -> Option<f64> {
        match self {
            GeoPrecision::Exact => Some(0.0),
            GeoPrecision::Near => Some(25.0),
            GeoPrecision::District => Some(50.0),
            GeoPrecision::Region => Some(100.0),
            _ => None,
        }
    }
}
