//! [`DateWindow`]: a closed range of days, the one way date ranges enter the crate.

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::incident::day_number;

/// A closed range of days, `from` to `to` inclusive. An incident is in the window when its
/// [`DateSpan`](crate::DateSpan) shares at least one day with it, so an incident known only to
/// the month counts in every window that touches that month.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "RawWindow")]
pub struct DateWindow {
    from: Date,
    to: Date,
}

/// The serialised form of a [`DateWindow`], checked on the way in.
#[derive(Deserialize)]
struct RawWindow {
    from: Date,
    to: Date,
}

impl TryFrom<RawWindow> for DateWindow {
    type Error = Error;
    fn try_from(w: RawWindow) -> Result<Self> {
        DateWindow::new(w.from, w.to)
    }
}

impl DateWindow {
    /// The days `from` to `to`, both inclusive; `Err` if `to` is before `from`.
    ///
    /// ```
    /// use conflict_risk::{DateWindow, jiff::civil::date};
    /// assert!(DateWindow::new(date(2024, 1, 1), date(2024, 12, 31)).is_ok());
    /// assert!(DateWindow::new(date(2024, 2, 1), date(2024, 1, 31)).is_err());
    /// ```
    pub fn new(from: Date, to: Date) -> Result<Self> {
        if to < from {
            return Err(Error::invalid(
                "to",
                to,
                format!("the window ends before it starts ({from})"),
            ));
        }
        Ok(DateWindow { from, to })
    }

    /// The `days` days that end on `as_of`, inclusive: `last_days(d, 90)` is the 90 days up to
    /// and including `d`.
    ///
    /// ```
    /// use conflict_risk::{DateWindow, jiff::civil::date};
    /// let w = DateWindow::last_days(date(2024, 7, 20), 30)?;
    /// assert_eq!(w.first_day(), date(2024, 6, 21));
    /// assert!(DateWindow::last_days(date(2024, 7, 20), u32::MAX).is_err());
    /// # Ok::<(), conflict_risk::Error>(())
    /// ```
    pub fn last_days(as_of: Date, days: u32) -> Result<Self> {
        if days == 0 {
            return Err(Error::invalid(
                "days",
                days,
                "a window has at least one day",
            ));
        }
        let from = jiff::Span::new()
            .try_days(i64::from(days) - 1)
            .and_then(|span| as_of.checked_sub(span))
            .map_err(|e| Error::invalid("days", days, e.to_string()))?;
        DateWindow::new(from, as_of)
    }

    /// First day.
    #[must_use]
    pub fn first_day(&self) -> Date {
        self.from
    }

    /// Last day (inclusive).
    #[must_use]
    pub fn last_day(&self) -> Date {
        self.to
    }

    pub(crate) fn days(&self) -> DayRange {
        DayRange {
            from: day_number(self.from),
            to: day_number(self.to),
        }
    }
}

/// A window as day numbers, the form the hot loops compare.
#[derive(Clone, Copy)]
pub(crate) struct DayRange {
    pub(crate) from: i32,
    pub(crate) to: i32,
}

impl DayRange {
    pub(crate) fn overlaps(self, span: [i32; 2]) -> bool {
        span[0] <= self.to && span[1] >= self.from
    }
}
