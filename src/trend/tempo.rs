//! The tempo of attacks: incidents per month, their trend and the year-on-year change.

use std::collections::BTreeMap;

use jiff::civil::Date;
use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

use super::ActorGroups;
use crate::error::Result;
use crate::incident::CountryCode;
use crate::index::{DateWindow, IncidentIndex};
use crate::stats::{MannKendall, poisson_rate_test};
use crate::surface::SliceLength;

/// Counts incidents and deaths per calendar month (by the first day of each date span), in
/// total and by country, actor group and event kind.
///
/// ```
/// use conflict_risk::{ActorGroups, DateWindow, IncidentIndex, IncidentSet, Tempo, brief_incidents};
/// use conflict_risk::jiff::civil::date;
/// let (set, _) = IncidentSet::validate(brief_incidents());
/// let index = IncidentIndex::new(&set);
/// let window = DateWindow::new(date(2022, 1, 1), date(2024, 12, 31))?;
/// let t = Tempo::new(ActorGroups::corridor()).run(&index, window);
/// assert_eq!(t.months.len(), 36);
/// assert_eq!(t.incidents.iter().sum::<u64>(), 3);
/// # Ok::<(), conflict_risk::Error>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Tempo {
    groups: ActorGroups,
}

impl Tempo {
    /// Count per month, and per group of `groups`.
    #[must_use]
    pub fn new(groups: ActorGroups) -> Self {
        Tempo { groups }
    }

    /// The groups counted.
    #[must_use]
    pub fn groups(&self) -> &ActorGroups {
        &self.groups
    }

    /// Count the incidents of `index` whose first day falls in the whole months from the
    /// month of the window's first day to that of its last day.
    #[must_use]
    pub fn run(&self, index: &IncidentIndex, window: DateWindow) -> TempoSeries {
        let m = SliceLength::Month;
        let (lo, hi) = (m.number(window.first_day()), m.number(window.last_day()));
        let n = (hi - lo + 1) as usize;
        let mut t = TempoSeries {
            window,
            months: (lo..=hi).map(|k| m.start(k)).collect(),
            incidents: vec![0; n],
            fatalities: vec![0; n],
            by_country: BTreeMap::new(),
            by_group: BTreeMap::new(),
            by_kind: BTreeMap::new(),
        };
        // Counted under keys that cost no allocation (a country code, a group's name, a
        // kind's label), named once at the end: a `String` key per incident was most of the
        // time at 1M incidents.
        let mut by_country: FxHashMap<Option<CountryCode>, Vec<u64>> = FxHashMap::default();
        let mut by_group: FxHashMap<&str, Vec<u64>> = FxHashMap::default();
        let mut by_kind: FxHashMap<&'static str, Vec<u64>> = FxHashMap::default();
        let mut groups = super::groups::GroupMatcher::new(&self.groups);
        for i in index.set().incidents() {
            let k = m.number(i.date.start);
            if k < lo || k > hi {
                continue;
            }
            let k = (k - lo) as usize;
            t.incidents[k] += 1;
            t.fatalities[k] += i64::from(i.fatalities.best.max(0));
            by_country.entry(i.country).or_insert_with(|| vec![0; n])[k] += 1;
            for g in groups.names_of(i) {
                by_group.entry(g).or_insert_with(|| vec![0; n])[k] += 1;
            }
            by_kind.entry(i.kind.label()).or_insert_with(|| vec![0; n])[k] += 1;
        }
        t.by_country = by_country
            .into_iter()
            .map(|(c, v)| (c.map_or("unknown".to_string(), |c| c.to_string()), v))
            .collect();
        t.by_group = by_group
            .into_iter()
            .map(|(g, v)| (g.to_string(), v))
            .collect();
        t.by_kind = by_kind
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect();
        t
    }
}

/// Incidents and deaths per calendar month, made by [`Tempo::run`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TempoSeries {
    /// The window asked for (the months cover it whole).
    pub window: DateWindow,
    /// First day of each month.
    pub months: Vec<Date>,
    /// Incidents per month.
    pub incidents: Vec<u64>,
    /// Deaths (best estimates) per month.
    pub fatalities: Vec<i64>,
    /// Incidents per month by recorded country (`"unknown"` when none).
    pub by_country: BTreeMap<String, Vec<u64>>,
    /// Incidents per month by actor group (an incident counts for each group in it).
    pub by_group: BTreeMap<String, Vec<u64>>,
    /// Incidents per month by event kind.
    pub by_kind: BTreeMap<String, Vec<u64>>,
}

/// The last twelve months against the twelve before.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct YearOnYear {
    /// Incidents in the last 12 months of the series.
    pub last_12: u64,
    /// Incidents in the 12 months before.
    pub previous_12: u64,
    /// Change in percent; `None` when the 12 months before had none.
    pub change_pct: Option<f64>,
    /// Two-sided p-value of equal rates (exact conditional Poisson test).
    pub p_value: f64,
}

impl TempoSeries {
    /// Mann-Kendall with Sen's slope (incidents per month, per month) over the last `months`
    /// months of a series (`None`: the total).
    pub fn trend(&self, series: Option<&[u64]>, months: usize) -> Result<MannKendall> {
        let s = series.unwrap_or(&self.incidents);
        let from = s.len().saturating_sub(months);
        let x: Vec<f64> = s[from..].iter().map(|&v| v as f64).collect();
        MannKendall::test(&x)
    }

    /// The last 12 months of the series against the 12 before; `None` when the series has
    /// fewer than 24 months (the two periods would not be equally long).
    #[must_use]
    pub fn year_on_year(&self, series: Option<&[u64]>) -> Option<YearOnYear> {
        let s = series.unwrap_or(&self.incidents);
        let n = s.len();
        if n < 24 {
            return None;
        }
        let last: u64 = s[n - 12..].iter().sum();
        let prev: u64 = s[n - 24..n - 12].iter().sum();
        let (_, p) = poisson_rate_test(last, prev);
        Some(YearOnYear {
            last_12: last,
            previous_12: prev,
            change_pct: (prev > 0).then(|| (last as f64 - prev as f64) / prev as f64 * 100.0),
            p_value: p,
        })
    }
}
