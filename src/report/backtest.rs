//! How good is the map on the user's own data: the [`Backtest`] on the covered cells of a grid
//! and region, as a table and as one JSON object.

use std::fmt::{self, Display, Formatter};

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::borders::Borders;
use crate::coverage::{Coverage, SourceCoverage};
use crate::error::Result;
use crate::index::{BoundingBox, IncidentIndex};
use crate::surface::{AREA_SHARES, Backtest, BacktestResult, Grid, MethodKind, MethodScores};

/// The backtest of risk surfaces on the covered cells of a grid over a region: what the
/// `backtest` example prints.
///
/// ```
/// use conflict_risk::report::BacktestReport;
/// use conflict_risk::surface::{Backtest, Grid};
/// use conflict_risk::{BoundingBox, CorridorScenario, IncidentIndex, IncidentSet};
/// use conflict_risk::coverage::Coverage;
/// use conflict_risk::jiff::civil::date;
/// let (set, _) = IncidentSet::validate(CorridorScenario::new(3_000).generate());
/// let backtest = Backtest::new(date(2023, 1, 1), date(2024, 6, 30), 90)?;
/// let report = BacktestReport::build(
///     &IncidentIndex::new(&set), None, Grid::PrioGrid, BoundingBox::CORRIDOR,
///     Coverage::default(), &backtest)?;
/// let json = report.summary_json();
/// assert_eq!(json["origins"], 18);
/// assert_eq!(json["methods"].as_array().unwrap().len(), 4); // the map and three baselines
/// assert!(report.to_string().contains("persistence"));
/// # Ok::<(), conflict_risk::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BacktestReport {
    /// The grid.
    pub grid: Grid,
    /// The region whose covered cells are scored.
    pub region: BoundingBox,
    /// What the data cover.
    pub coverage: Coverage,
    /// Whether the covered area could be tested (with country polygons, or a box).
    pub coverage_checked: bool,
    /// Cells of the region left out as outside the coverage.
    pub cells_uncovered: usize,
    /// The earliest end of the sources, when they end on different days: no horizon runs
    /// past it.
    pub sources_end: Option<jiff::civil::Date>,
    /// The scores.
    pub result: BacktestResult,
}

impl BacktestReport {
    /// Run `backtest` on the cells of `grid` over `region` that lie in the covered area
    /// (`coverage`'s area with `borders`; a coverage without sources is taken from the
    /// incidents' recorded countries and days).
    pub fn build(
        index: &IncidentIndex,
        borders: Option<&Borders>,
        grid: Grid,
        region: BoundingBox,
        mut coverage: Coverage,
        backtest: &Backtest,
    ) -> Result<BacktestReport> {
        if coverage.sources.is_empty() {
            coverage
                .sources
                .extend(SourceCoverage::of("the data", index.set().incidents()));
        }
        let area = coverage.area_test(borders);
        let (cells, cells_uncovered) = area.cover(&grid, &region, |c| {
            index
                .within_polygon(&c.polygon())
                .is_ok_and(|ids| !ids.is_empty())
        })?;
        // Sources that end on different days: horizons only up to the earliest end.
        let last = index.set().incidents().iter().map(|i| i.date.end).max();
        let sources_end = last.and_then(|l| coverage.compared_until(l));
        let result = match sources_end {
            Some(end) => backtest.clone().data_end(end).run(index, &cells)?,
            None => backtest.run(index, &cells)?,
        };
        Ok(BacktestReport {
            sources_end,
            grid,
            region,
            coverage_checked: area.is_checked(),
            coverage,
            cells_uncovered,
            result,
        })
    }

    /// One JSON object: `{"origins": N, "horizon_days": H, "cells": C, "methods": [{"name",
    /// "kind", "hit_rate_10", "pai_10", "auc"}, ...], "best": "...", "skill_pai_10": {...}}`
    /// (`null` for a figure without incidents to score).
    #[must_use]
    pub fn summary_json(&self) -> Value {
        let r = &self.result;
        let methods: Vec<Value> = r
            .methods
            .iter()
            .map(|m| {
                json!({
                    "name": m.name,
                    "kind": m.kind,
                    "hit_rate_10": m.pooled.hit_rate[2],
                    "pai_10": m.pooled.pai[2],
                    "auc": m.pooled.auc,
                })
            })
            .collect();
        json!({
            "origins": r.origins.len(),
            "horizon_days": r.params.horizon(),
            "cells": r.cells,
            "methods": methods,
            "best": r.best.and_then(|b| r.methods.get(b)).map(|m| m.name.clone()),
            "skill_pai_10": r.skill.map(|s| json!({
                "over": "persistence",
                "difference": s.pai_10_difference,
                "low_5": s.low,
                "high_95": s.high,
                "block": s.block,
            })),
        })
    }
}

fn pct(v: Option<f64>) -> String {
    v.filter(|x| x.is_finite())
        .map_or_else(|| "-".to_string(), |x| format!("{:.1}", 100.0 * x))
}

fn num(v: Option<f64>, decimals: usize) -> String {
    v.filter(|x| x.is_finite())
        .map_or_else(|| "-".to_string(), |x| format!("{x:.decimals$}"))
}

impl Display for BacktestReport {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        let r = &self.result;
        let (first, last) = (r.origins.first(), r.origins.last());
        writeln!(
            f,
            "HOW GOOD IS THE MAP: {} origins from {} to {}, each scored against the next {} days",
            r.origins.len(),
            first.map_or_else(String::new, ToString::to_string),
            last.map_or_else(String::new, ToString::to_string),
            r.params.horizon()
        )?;
        writeln!(
            f,
            "{} cells of {} over lon {}..{}, lat {}..{}; {} left out as outside the coverage{}",
            r.cells,
            self.grid,
            self.region.west(),
            self.region.east(),
            self.region.south(),
            self.region.north(),
            self.cells_uncovered,
            if self.coverage_checked {
                ""
            } else {
                " (the covered area could not be tested: no country polygons)"
            }
        )?;
        if let Some(end) = self.sources_end {
            writeln!(
                f,
                "the sources end on different days, the earliest on {end}: no horizon runs past it"
            )?;
        }
        let events: u64 = r.methods.first().map_or(0, |m| m.pooled.events);
        if events < 30 {
            writeln!(
                f,
                "warning: only {events} incidents to score: the ranking below is mostly chance"
            )?;
        }
        writeln!(
            f,
            "{events} incidents fell in the horizons (counted once per origin whose horizon holds them)\n"
        )?;
        writeln!(
            f,
            "  {:<36} {:>27}  {:>12}  {:>5}  {:>7}  {:>7}",
            "method", "hit rate % at 1/5/10/20% area", "PAI 10% (sd)", "AUC", "deaths%", "recall%"
        )?;
        let mut order: Vec<&MethodScores> = r.methods.iter().collect();
        // Best first by PAI at 10%, baselines as they rank.
        order.sort_by(|a, b| {
            b.pooled.pai[2]
                .unwrap_or(f64::NEG_INFINITY)
                .total_cmp(&a.pooled.pai[2].unwrap_or(f64::NEG_INFINITY))
        });
        for m in order {
            let rates: Vec<String> = (0..AREA_SHARES.len())
                .map(|p| pct(m.pooled.hit_rate[p]))
                .collect();
            let pai = match (m.pooled.pai[2], m.pai_10_sd) {
                (Some(p), Some(sd)) => format!("{p:.2} ({sd:.2})"),
                (p, _) => num(p, 2),
            };
            let name = match m.kind {
                MethodKind::Kernel => m.name.clone(),
                _ => format!("[{}]", m.name),
            };
            writeln!(
                f,
                "  {:<36} {:>27}  {:>12}  {:>5}  {:>7}  {:>7}",
                name,
                rates.join(" / "),
                pai,
                num(m.pooled.auc, 3),
                pct(m.pooled.death_hit_rate[2]),
                pct(m.pooled.recall[2]),
            )?;
        }
        writeln!(
            f,
            "  (pooled over the origins; hit rate: share of the next incidents in the top-ranked cells; PAI = hit rate / area share, 1 is chance;\n   \
             sd: its spread across origins; AUC: area under the hit-rate curve, 0.5 is chance; deaths%: share of the deaths in the top 10%;\n   \
             recall%: share of the cells with incidents among the top 10%; [..]: a baseline)"
        )?;
        match (r.best.and_then(|b| r.methods.get(b)), r.skill) {
            (Some(best), Some(s)) => writeln!(
                f,
                "\nbest: {} (PAI at 10% {}); PAI over persistence's: {}",
                best.name,
                num(best.pooled.pai[2], 2),
                s.in_words()
            )?,
            (Some(best), None) => writeln!(f, "\nbest: {}", best.name)?,
            _ => writeln!(f, "\nno horizon held an incident: nothing to score")?,
        }
        let behind = r.not_beating_persistence();
        if !behind.is_empty() {
            let names: Vec<&str> = behind.iter().map(|m| m.name.as_str()).collect();
            writeln!(
                f,
                "not better than persistence at 10% of the area: {}",
                names.join("; ")
            )?;
        }
        Ok(())
    }
}
