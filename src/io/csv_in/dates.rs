//! Dates as the real files write them.

use jiff::civil::Date;

/// How a reader reads dates written with slashes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum SlashDates {
    /// `MM/DD/YYYY`, as UCDP's web export writes them.
    MonthFirst,
    /// Slashes are not a format of this source.
    Refuse,
}

impl SlashDates {
    pub(crate) fn expected(self) -> &'static str {
        match self {
            SlashDates::MonthFirst => {
                "not a date: expected YYYY-MM-DD or MM/DD/YYYY, optionally with a time"
            }
            SlashDates::Refuse => {
                "not a date: expected YYYY-MM-DD, DD-MM-YYYY or D Month YYYY (16 May 2025)"
            }
        }
    }
}

pub(crate) const MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

/// Parse the date forms found in ACLED and UCDP files: `YYYY-MM-DD`, `DD-MM-YYYY`,
/// `16 May 2025` (or `16-May-2025`, month names in full or abbreviated), `MM/DD/YYYY` where
/// allowed, each optionally followed by a time (`00:00:00`, `00:00:00.000`, `T00:00:00`).
pub(crate) fn parse_date(text: &str, slash: SlashDates) -> Option<Date> {
    let t = text.trim();
    // Drop a trailing time: the part after a space or 'T' that contains ':'.
    let date_part = match t.find([' ', 'T']) {
        Some(i) if t[i + 1..].contains(':') => &t[..i],
        _ => t,
    };
    let mut split = date_part.split(['-', '/', ' ']).filter(|p| !p.is_empty());
    let parts = [split.next()?, split.next()?, split.next()?];
    if split.next().is_some() {
        return None;
    }
    let num = |s: &str| -> Option<i32> {
        (s.len() <= 4 && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse().ok())
            .flatten()
    };
    // A month name in full or cut to at least three letters ("Oct", "Sept", "October").
    let month_name = |s: &str| -> Option<i32> {
        let lower = s.to_ascii_lowercase();
        let m = MONTHS
            .iter()
            .position(|m| lower.len() >= 3 && m.starts_with(lower.as_str()))?;
        Some(m as i32 + 1)
    };
    let slashed = date_part.contains('/');
    let (y, m, d) = if slashed {
        match slash {
            SlashDates::MonthFirst => (num(parts[2])?, num(parts[0])?, num(parts[1])?),
            SlashDates::Refuse => return None,
        }
    } else if parts[0].len() == 4 {
        (num(parts[0])?, num(parts[1])?, num(parts[2])?)
    } else if let Some(m) = month_name(parts[1]) {
        (num(parts[2])?, m, num(parts[0])?)
    } else {
        (num(parts[2])?, num(parts[1])?, num(parts[0])?)
    };
    if !(1000..=9999).contains(&y) || parts.iter().any(|p| p.len() > 9) {
        return None;
    }
    Date::new(
        i16::try_from(y).ok()?,
        i8::try_from(m).ok()?,
        i8::try_from(d).ok()?,
    )
    .ok()
}
