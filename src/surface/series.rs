//! Incidents binned into cells, and into cells × time slices for emerging hot spots.

use geo::Point;
use jiff::civil::Date;
use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::incident::{Incident, day_number};
use crate::stats::MannKendall;
use crate::surface::grid::{CellId, Grid};
use crate::surface::hotspot::{EmergingClass, GiStar, Neighbours, space_time_gi};
use crate::surface::weight::WeightPolicy;

/// The length of a time slice.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SliceLength {
    /// Calendar months.
    Month,
    /// Calendar quarters (January–March, …).
    Quarter,
    /// Calendar years.
    Year,
}

impl SliceLength {
    fn months(self) -> i32 {
        match self {
            SliceLength::Month => 1,
            SliceLength::Quarter => 3,
            SliceLength::Year => 12,
        }
    }

    /// The slice number of a date: months (or quarters) since year 0.
    pub(crate) fn number(self, d: Date) -> i32 {
        (i32::from(d.year()) * 12 + i32::from(d.month()) - 1).div_euclid(self.months())
    }

    pub(crate) fn start(self, number: i32) -> Date {
        let m = number * self.months();
        // The numbers come from valid dates, so the slice start is a valid date.
        Date::new(m.div_euclid(12) as i16, (m.rem_euclid(12) + 1) as i8, 1).unwrap_or(Date::MIN)
    }
}

/// The grid the cells of a list belong to, if they all belong to one.
fn grid_of(cells: &[CellId]) -> Result<Grid> {
    let grid = |c: &CellId| match c {
        CellId::H3(h) => Grid::H3 {
            resolution: h.resolution(),
        },
        CellId::Prio(_) => Grid::PrioGrid,
    };
    let first = cells
        .first()
        .map(grid)
        .ok_or_else(|| Error::invalid("cells", 0, "needs at least one cell"))?;
    if cells.iter().any(|c| grid(c) != first) {
        return Err(Error::invalid(
            "cells",
            cells.len(),
            "every cell must be of one grid and resolution",
        ));
    }
    Ok(first)
}

/// The position of each incident's cell in `cells`, or `None` when it falls outside them.
pub(crate) fn cell_positions(
    incidents: &[Incident],
    cells: &[CellId],
) -> Result<Vec<Option<usize>>> {
    let grid = grid_of(cells)?;
    let at: FxHashMap<CellId, usize> = cells.iter().enumerate().map(|(k, c)| (*c, k)).collect();
    Ok(incidents
        .iter()
        .map(|i| {
            grid.cell_of(i.lon, i.lat)
                .ok()
                .and_then(|c| at.get(&c).copied())
        })
        .collect())
}

/// Weighted incidents per cell: the values a Gi* hot-spot analysis of counts runs on.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CellTotals {
    /// The policy's weight summed per cell, in the order of the cells given.
    pub totals: Vec<f64>,
    /// Weighted incidents in none of the cells.
    pub outside: usize,
}

impl CellTotals {
    /// Incidents binned into cells: the policy's weight summed per cell (a validated set's
    /// incidents always have a cell; those outside the listed cells are counted in the second
    /// value).
    ///
    /// ```
    /// use conflict_risk::surface::CellTotals;
    /// use conflict_risk::{BoundingBox, Grid, IncidentSet, WeightPolicy, brief_incidents};
    /// let (set, _) = IncidentSet::validate(brief_incidents());
    /// let cells = Grid::PrioGrid.cover(&BoundingBox::new(0.0, 10.5, 1.5, 11.5)?)?;
    /// let policy = WeightPolicy::new(conflict_risk::jiff::civil::date(2024, 12, 31));
    /// let binned = CellTotals::new(set.incidents(), &cells, &policy)?;
    /// assert_eq!(binned.totals.iter().sum::<f64>(), 3.0);
    /// assert_eq!(binned.outside, 0);
    /// # Ok::<(), conflict_risk::Error>(())
    /// ```
    pub fn new(incidents: &[Incident], cells: &[CellId], policy: &WeightPolicy) -> Result<Self> {
        let pos = cell_positions(incidents, cells)?;
        let mut totals = vec![0.0; cells.len()];
        let mut outside = 0;
        for (i, p) in incidents.iter().zip(pos) {
            let w = policy.weigh(i, 1.0).0.weight;
            if w <= 0.0 {
                continue;
            }
            match p {
                Some(k) => totals[k] += w,
                None => outside += 1,
            }
        }
        Ok(CellTotals { totals, outside })
    }
}

/// Incidents binned into cells × time slices.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CellSeries {
    /// The cells.
    pub cells: Vec<CellId>,
    /// First day of each slice.
    pub slices: Vec<Date>,
    /// `values[c][t]`: the policy's weight summed over the incidents of cell c whose date
    /// span's middle day falls in slice t.
    pub values: Vec<Vec<f64>>,
    /// Weighted incidents outside the cells or the slices.
    pub outside: usize,
}

impl CellSeries {
    /// Bin by slice the incidents from the slice holding `first` to the one holding the
    /// policy's as-of date. Use a policy without a half-life here: decay would make every
    /// series rise.
    pub fn new(
        incidents: &[Incident],
        cells: &[CellId],
        policy: &WeightPolicy,
        slice: SliceLength,
        first: Date,
    ) -> Result<Self> {
        let (lo, hi) = (slice.number(first), slice.number(policy.as_of()));
        if hi < lo {
            return Err(Error::invalid(
                "first",
                first,
                "must not be after the as-of date",
            ));
        }
        let pos = cell_positions(incidents, cells)?;
        let t = (hi - lo + 1) as usize;
        let mut values = vec![vec![0.0; t]; cells.len()];
        let mut outside = 0;
        for (i, p) in incidents.iter().zip(pos) {
            let w = policy.weigh(i, 1.0).0.weight;
            if w <= 0.0 {
                continue;
            }
            let mid = (day_number(i.date.start) + day_number(i.date.end)).div_euclid(2);
            let day = crate::incident::date_of_day_number(mid);
            let s = slice.number(day);
            match p {
                Some(k) if (lo..=hi).contains(&s) => values[k][(s - lo) as usize] += w,
                _ => outside += 1,
            }
        }
        Ok(CellSeries {
            cells: cells.to_vec(),
            slices: (lo..=hi).map(|n| slice.start(n)).collect(),
            values,
            outside,
        })
    }
}

/// One cell's emerging hot-spot result.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct EmergingCell {
    /// The cell.
    pub cell: CellId,
    /// Its class.
    pub class: EmergingClass,
    /// The space-time Gi* z-score per slice.
    pub z: Vec<f64>,
    /// The Mann-Kendall test of the z-scores (`None` with a single slice).
    pub trend: Option<MannKendall>,
}

/// Emerging hot spots (after ArcGIS's Emerging Hot Spot Analysis): space-time Gi* per cell
/// and slice over the neighbours in space and the `time_window` slices before, each cell
/// classified by [`EmergingClass::classify`] at significance `alpha`.
///
/// ```
/// use conflict_risk::{CellSeries, Grid, BoundingBox, EmergingHotSpots, Neighbours, SliceLength};
/// use conflict_risk::{WeightPolicy, demo_incidents, IncidentSet, jiff::civil::date};
/// let (set, _) = IncidentSet::validate(demo_incidents());
/// let cells = Grid::PrioGrid.cover(&BoundingBox::CORRIDOR)?;
/// let policy = WeightPolicy::new(date(2024, 12, 31));
/// let series = CellSeries::new(set.incidents(), &cells, &policy, SliceLength::Quarter, date(2022, 1, 1))?;
/// let found = EmergingHotSpots::new(Neighbours::DistanceBand { km: 60.0 })?.run(&series)?;
/// assert_eq!(found.cells.len(), cells.len());
/// # Ok::<(), conflict_risk::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EmergingHotSpots {
    neighbours: Neighbours,
    time_window: usize,
    alpha: f64,
}

/// Every cell's emerging hot-spot class, made by [`EmergingHotSpots::run`].
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct EmergingMap {
    /// What made it.
    pub params: EmergingHotSpots,
    /// One entry per cell of the series, in its order.
    pub cells: Vec<EmergingCell>,
}

impl EmergingHotSpots {
    /// Space-time Gi* over `neighbours` in space (validated as for [`GiStar::new`]), the slice
    /// and the one before in time, at significance 0.05.
    pub fn new(neighbours: Neighbours) -> Result<Self> {
        GiStar::new(neighbours)?;
        Ok(EmergingHotSpots {
            neighbours,
            time_window: 1,
            alpha: 0.05,
        })
    }

    /// How many slices before each slice count as its neighbours in time (0: none).
    #[must_use]
    pub fn time_window(self, slices: usize) -> Self {
        EmergingHotSpots {
            time_window: slices,
            ..self
        }
    }

    /// The significance level of the slices and the trend, strictly between 0 and 1.
    pub fn alpha(self, alpha: f64) -> Result<Self> {
        if !(alpha > 0.0 && alpha < 1.0) {
            return Err(Error::invalid("alpha", alpha, "must be between 0 and 1"));
        }
        Ok(EmergingHotSpots { alpha, ..self })
    }

    /// Classify every cell of `series`.
    pub fn run(&self, series: &CellSeries) -> Result<EmergingMap> {
        let centres: Vec<Point<f64>> = series.cells.iter().map(CellId::centre).collect();
        let zp = space_time_gi(&centres, &series.values, self.neighbours, self.time_window)?;
        let cells = series
            .cells
            .iter()
            .zip(zp)
            .map(|(cell, zp)| {
                let (z, p): (Vec<f64>, Vec<f64>) = zp.into_iter().unzip();
                Ok(EmergingCell {
                    cell: *cell,
                    class: EmergingClass::classify(&z, &p, self.alpha)?,
                    trend: if z.len() >= 2 {
                        Some(MannKendall::test(&z)?)
                    } else {
                        None
                    },
                    z,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(EmergingMap {
            params: self.clone(),
            cells,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::incident::DateSpan;
    use jiff::civil::date;

    #[test]
    fn slices_number_months_and_quarters() {
        let q = SliceLength::Quarter;
        assert_eq!(q.start(q.number(date(2024, 5, 17))), date(2024, 4, 1));
        let m = SliceLength::Month;
        assert_eq!(m.number(date(2024, 1, 1)) - m.number(date(2023, 12, 31)), 1);
        assert_eq!(m.start(m.number(date(2024, 12, 31))), date(2024, 12, 1));
    }

    #[test]
    fn series_bins_by_cell_and_month() {
        let cells = vec![
            Grid::PrioGrid
                .cell_of(0.25, 10.25)
                .expect("valid test input"),
            Grid::PrioGrid
                .cell_of(0.75, 10.25)
                .expect("valid test input"),
        ];
        let at = |lon, d| Incident::new("x", lon, 10.2, DateSpan::day(d));
        let incidents = vec![
            at(0.1, date(2024, 1, 5)),
            at(0.1, date(2024, 1, 25)),
            at(0.6, date(2024, 3, 1)),
            at(5.0, date(2024, 3, 1)), // outside the cells
            at(0.6, date(2025, 1, 1)), // after the as-of date: weight 0
        ];
        let policy = WeightPolicy::new(date(2024, 3, 31));
        let s = CellSeries::new(
            &incidents,
            &cells,
            &policy,
            SliceLength::Month,
            date(2024, 1, 1),
        )
        .expect("valid test input");
        assert_eq!(
            s.slices,
            vec![date(2024, 1, 1), date(2024, 2, 1), date(2024, 3, 1)]
        );
        assert_eq!(s.values, vec![vec![2.0, 0.0, 0.0], vec![0.0, 0.0, 1.0]]);
        assert_eq!(s.outside, 1);
        let mixed = vec![
            cells[0],
            Grid::h3(5)
                .expect("valid test input")
                .cell_of(0.0, 10.0)
                .expect("valid test input"),
        ];
        assert!(CellTotals::new(&incidents, &mixed, &policy).is_err());
    }
}
