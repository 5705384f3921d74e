//! [`Windowed`]: the index's queries restricted to a date window.

use geo::Point;

use super::{IncidentIndex, Neighbor, QueryArea, sorted_ids};
use crate::bbox::BoundingBox;
use crate::error::Result;
use crate::incident::{Incident, IncidentId};
use crate::window::{DateWindow, DayRange};

/// The queries of an [`IncidentIndex`] restricted to a [`DateWindow`]: made by
/// [`IncidentIndex::during`]. Each method means the same as its namesake on the index.
#[derive(Clone, Copy, Debug)]
pub struct Windowed<'i> {
    pub(super) index: &'i IncidentIndex,
    pub(super) window: DateWindow,
}

impl Windowed<'_> {
    /// The window.
    #[must_use]
    pub fn window(&self) -> DateWindow {
        self.window
    }

    fn days(&self) -> Option<DayRange> {
        Some(self.window.days())
    }

    /// See [`IncidentIndex::within_radius`].
    pub fn within_radius(&self, center: Point<f64>, radius_km: f64) -> Result<Vec<Neighbor>> {
        self.index.radius_sorted(self.days(), center, radius_km)
    }

    /// See [`IncidentIndex::for_each_within_radius`].
    pub fn for_each_within_radius(
        &self,
        center: Point<f64>,
        radius_km: f64,
        f: impl FnMut(Neighbor),
    ) -> Result<()> {
        self.index.radius_visit(self.days(), center, radius_km, f)
    }

    /// See [`IncidentIndex::nearest`].
    pub fn nearest(&self, center: Point<f64>, k: usize) -> Result<Vec<Neighbor>> {
        self.index.nearest_impl(self.days(), center, k, |_| true)
    }

    /// See [`IncidentIndex::nearest_where`].
    pub fn nearest_where(
        &self,
        center: Point<f64>,
        k: usize,
        keep: impl FnMut(&Incident) -> bool,
    ) -> Result<Vec<Neighbor>> {
        self.index.nearest_impl(self.days(), center, k, keep)
    }

    /// See [`IncidentIndex::within_bbox`].
    #[must_use]
    pub fn within_bbox(&self, bbox: &BoundingBox) -> Vec<IncidentId> {
        sorted_ids(|f| self.index.bbox_visit(self.days(), bbox, f))
    }

    /// See [`IncidentIndex::for_each_within_bbox`].
    pub fn for_each_within_bbox(&self, bbox: &BoundingBox, f: impl FnMut(IncidentId)) {
        self.index.bbox_visit(self.days(), bbox, f);
    }

    /// See [`IncidentIndex::within_polygon`].
    pub fn within_polygon<G: QueryArea>(&self, polygon: &G) -> Result<Vec<IncidentId>> {
        self.index.polygon_ids(self.days(), polygon)
    }

    /// See [`IncidentIndex::for_each_within_polygon`].
    pub fn for_each_within_polygon<G: QueryArea>(
        &self,
        polygon: &G,
        f: impl FnMut(IncidentId),
    ) -> Result<()> {
        self.index.polygon_visit(self.days(), polygon, f)
    }
}
