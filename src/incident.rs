//! The incident model: one georeferenced, dated event of armed conflict, as ACLED, UCDP GED or
//! another source records it, with its uncertainties kept rather than hidden.
//!
//! Text that repeats across many incidents (actor names, event types, admin names) is held as
//! `ArcStr`, so a reader that interns it stores each distinct name once however many
//! incidents carry it. Source ids are short and stored inline.

use arcstr::ArcStr;
use std::fmt;

use compact_str::CompactString;
use geo::Point;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

/// The dense position of an incident inside an [`IncidentSet`](crate::IncidentSet): 0, 1, 2, …
/// in the set's order. Every result of the crate that refers to incidents uses it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct IncidentId(u32);

impl IncidentId {
    /// The id of the incident at position `index`.
    #[must_use]
    pub const fn new(index: u32) -> Self {
        IncidentId(index)
    }

    /// The position as `u32`.
    #[must_use]
    pub const fn get(self) -> u32 {
        self.0
    }

    /// The position as `usize`, for indexing slices.
    #[must_use]
    pub const fn index(self) -> usize {
        self.0 as usize
    }
}

impl fmt::Display for IncidentId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#{}", self.0)
    }
}

/// The source's own id of an incident, kept exactly as given (`"BFA12345"` in ACLED,
/// `"501478"` in UCDP GED). Ids up to 24 bytes are stored without a heap allocation.
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct SourceId(CompactString);

impl SourceId {
    /// Wrap a source id.
    #[must_use]
    pub fn new(id: &str) -> Self {
        SourceId(CompactString::new(id))
    }

    /// The id as text.
    #[must_use]
    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }

    pub(crate) fn from_compact(id: CompactString) -> Self {
        SourceId(id)
    }
}

impl From<&str> for SourceId {
    fn from(id: &str) -> Self {
        SourceId::new(id)
    }
}

impl From<String> for SourceId {
    fn from(id: String) -> Self {
        SourceId(CompactString::from(id))
    }
}

impl AsRef<str> for SourceId {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl fmt::Display for SourceId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// When an incident happened: the first and last day it may have happened on, both inclusive.
/// A single known day has `start == end`; "sometime in March 2023" is March 1 to March 31.
///
/// Validation rejects a span whose end is before its start.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct DateSpan {
    /// First possible day.
    pub start: Date,
    /// Last possible day (inclusive).
    pub end: Date,
}

impl DateSpan {
    /// A span from `start` to `end`, both inclusive. It is not checked here: validation
    /// reports an end before the start.
    #[must_use]
    pub const fn new(start: Date, end: Date) -> Self {
        DateSpan { start, end }
    }

    /// A single known day.
    ///
    /// ```
    /// use conflict_risk::{DateSpan, jiff::civil::date};
    /// let d = DateSpan::day(date(2024, 7, 20));
    /// assert_eq!(d.start, d.end);
    /// assert_eq!(d.days(), 1);
    /// ```
    #[must_use]
    pub const fn day(day: Date) -> Self {
        DateSpan {
            start: day,
            end: day,
        }
    }

    /// Whether `start <= end`.
    #[must_use]
    pub fn is_ordered(&self) -> bool {
        self.start <= self.end
    }

    /// Number of days covered, counting both ends (1 for a single day, 0 if unordered).
    #[must_use]
    pub fn days(&self) -> i32 {
        if self.is_ordered() {
            day_number(self.end) - day_number(self.start) + 1
        } else {
            0
        }
    }

    /// Whether the span shares at least one day with `[from, to]` (both inclusive).
    #[must_use]
    pub fn overlaps(&self, from: Date, to: Date) -> bool {
        self.start <= to && self.end >= from
    }
}

/// Days since 1970-01-01 (negative before), the integer day line dates are compared on.
pub(crate) fn day_number(d: Date) -> i32 {
    // Dates are within jiff's range (years -9999..=9999), so the count fits an i32 and the
    // subtraction never fails; `unwrap_or` keeps this total without a panic path.
    let epoch = Date::constant(1970, 1, 1);
    d.since(epoch)
        .map(|span| span.get_days())
        .unwrap_or_default()
}

/// The date of a day number (the inverse of [`day_number`]), clamped to jiff's range.
pub(crate) fn date_of_day_number(n: i32) -> Date {
    let epoch = Date::constant(1970, 1, 1);
    jiff::Span::new()
        .try_days(i64::from(n))
        .ok()
        .and_then(|span| epoch.checked_add(span).ok())
        .unwrap_or(if n < 0 { Date::MIN } else { Date::MAX })
}

/// How precisely the location of an incident is known, normalised across sources. The
/// source's own code is kept beside it in [`Incident::geo_precision_code`].
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum GeoPrecision {
    /// The exact place (a town or village): ACLED 1, UCDP `where_prec` 1.
    Exact,
    /// Near a named place, within about 25 km, or a part of a region: ACLED 2, UCDP 2.
    Near,
    /// Only the second-order administrative unit (district, prefecture, department): UCDP 3.
    District,
    /// Only the first-order unit or a larger named region; the point is the unit's capital or
    /// centre: ACLED 3, UCDP 4 and 5.
    Region,
    /// Only the country: UCDP 6.
    Country,
    /// Not stated, or not on land (UCDP 7, international waters or airspace).
    #[default]
    Unknown,
}

impl GeoPrecision {
    /// ACLED's `geo_precision` code (1 town, 2 near a town or part of a region, 3 region).
    ///
    /// ```
    /// use conflict_risk::GeoPrecision;
    /// assert_eq!(GeoPrecision::from_acled(3), Some(GeoPrecision::Region));
    /// assert_eq!(GeoPrecision::from_acled(4), None);
    /// ```
    #[must_use]
    pub fn from_acled(code: u8) -> Option<Self> {
        match code {
            1 => Some(GeoPrecision::Exact),
            2 => Some(GeoPrecision::Near),
            3 => Some(GeoPrecision::Region),
            _ => None,
        }
    }

    /// UCDP GED's `where_prec` code (1 exact … 6 country, 7 international waters).
    #[must_use]
    pub fn from_ucdp(code: u8) -> Option<Self> {
        match code {
            1 => Some(GeoPrecision::Exact),
            2 => Some(GeoPrecision::Near),
            3 => Some(GeoPrecision::District),
            4 | 5 => Some(GeoPrecision::Region),
            6 => Some(GeoPrecision::Country),
            7 => Some(GeoPrecision::Unknown),
            _ => None,
        }
    }

    /// Whether the point stands for a whole region or country rather than a place: such an
    /// incident should not be read as a point on a map.
    #[must_use]
    pub fn is_coarse(self) -> bool {
        matches!(self, GeoPrecision::Region | GeoPrecision::Country)
    }

    /// Whether the point is the place itself or near a named place (within about 25 km):
    /// [`GeoPrecision::Exact`] or [`GeoPrecision::Near`].
    ///
    /// ```
    /// use conflict_risk::GeoPrecision;
    /// assert!(GeoPrecision::Near.is_precise());
    /// assert!(!GeoPrecision::District.is_precise());
    /// ```
    #[must_use]
    pub fn is_precise(self) -> bool {
        matches!(self, GeoPrecision::Exact | GeoPrecision::Near)
    }

    /// The precision in a word: "exact", "near", "district", "region", "country", "unknown".
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            GeoPrecision::Exact => "exact",
            GeoPrecision::Near => "near",
            GeoPrecision::District => "district",
            GeoPrecision::Region => "region",
            GeoPrecision::Country => "country",
            GeoPrecision::Unknown => "unknown",
        }
    }
}

/// How precisely the date of an incident is known, normalised across sources. The source's own
/// code is kept beside it in [`Incident::time_precision_code`].
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum TimePrecision {
    /// The exact day: ACLED 1, UCDP `date_prec` 1.
    Day,
    /// Within two to six days: UCDP 2.
    FewDays,
    /// The week: ACLED 2, UCDP 3.
    Week,
    /// The month, or within 8 to 30 days: ACLED 3, UCDP 4.
    Month,
    /// Only within more than 30 days, or the year: UCDP 5.
    Year,
    /// Not stated.
    #[default]
    Unknown,
}

impl TimePrecision {
    /// ACLED's `time_precision` code (1 day, 2 week, 3 month).
    #[must_use]
    pub fn from_acled(code: u8) -> Option<Self> {
        match code {
            1 => Some(TimePrecision::Day),
            2 => Some(TimePrecision::Week),
            3 => Some(TimePrecision::Month),
            _ => None,
        }
    }

    /// UCDP GED's `date_prec` code (1 day … 5 year).
    ///
    /// ```
    /// use conflict_risk::TimePrecision;
    /// assert_eq!(TimePrecision::from_ucdp(2), Some(TimePrecision::FewDays));
    /// ```
    #[must_use]
    pub fn from_ucdp(code: u8) -> Option<Self> {
        match code {
            1 => Some(TimePrecision::Day),
            2 => Some(TimePrecision::FewDays),
            3 => Some(TimePrecision::Week),
            4 => Some(TimePrecision::Month),
            5 => Some(TimePrecision::Year),
            _ => None,
        }
    }
}

/// The kind of event, normalised across sources. The source's raw type and sub-type are kept
/// in [`Incident::event_type`] and [`Incident::sub_event_type`].
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum EventKind {
    /// Armed clash between organised groups (ACLED "Battles"; UCDP state-based and non-state
    /// violence).
    Battle,
    /// Explosions and remote violence: IEDs, shelling, air strikes, suicide bombs.
    ExplosionRemoteViolence,
    /// Violence against civilians (ACLED; UCDP one-sided violence).
    ViolenceAgainstCivilians,
    /// Riots and protests.
    RiotProtest,
    /// Strategic developments: base takeovers without a fight, arrests, looting, agreements.
    StrategicDevelopment,
    /// Anything else, or not stated.
    #[default]
    Other,
}

impl EventKind {
    /// Map ACLED's `event_type` text, case-insensitively; unknown text gives [`EventKind::Other`].
    ///
    /// ```
    /// use conflict_risk::EventKind;
    /// assert_eq!(EventKind::from_acled("Explosions/Remote violence"), EventKind::ExplosionRemoteViolence);
    /// assert_eq!(EventKind::from_acled("Riots"), EventKind::RiotProtest);
    /// ```
    #[must_use]
    pub fn from_acled(event_type: &str) -> Self {
        named(
            event_type,
            &[
                ("battles", EventKind::Battle),
                ("battle", EventKind::Battle),
                (
                    "explosions/remote violence",
                    EventKind::ExplosionRemoteViolence,
                ),
                ("remote violence", EventKind::ExplosionRemoteViolence),
                (
                    "violence against civilians",
                    EventKind::ViolenceAgainstCivilians,
                ),
                ("riots", EventKind::RiotProtest),
                ("protests", EventKind::RiotProtest),
                ("riots/protests", EventKind::RiotProtest),
                ("strategic developments", EventKind::StrategicDevelopment),
                ("strategic development", EventKind::StrategicDevelopment),
            ],
        )
        .unwrap_or(EventKind::Other)
    }

    /// Map UCDP GED's `type_of_violence` (1 state-based, 2 non-state, 3 one-sided).
    #[must_use]
    pub fn from_ucdp(type_of_violence: u8) -> Self {
        match type_of_violence {
            1 | 2 => EventKind::Battle,
            3 => EventKind::ViolenceAgainstCivilians,
            _ => EventKind::Other,
        }
    }

    /// A short human-readable label.
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            EventKind::Battle => "battle",
            EventKind::ExplosionRemoteViolence => "explosion/remote violence",
            EventKind::ViolenceAgainstCivilians => "violence against civilians",
            EventKind::RiotProtest => "riot/protest",
            EventKind::StrategicDevelopment => "strategic development",
            EventKind::Other => "other",
        }
    }
}

/// What kind of actor a party to an incident is.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ActorKind {
    /// State forces: army, police, gendarmerie, and state-backed auxiliaries such as the VDP.
    State,
    /// Rebel or jihadist groups (JNIM, IS Sahel, Ansaru, ISWAP, Boko Haram).
    Rebel,
    /// Political or identity (communal, ethnic) militias.
    Militia,
    /// Unarmed civilians.
    Civilians,
    /// Rioters, protesters, external forces, or not stated.
    #[default]
    Other,
}

impl ActorKind {
    /// Map ACLED's `inter1`/`inter2` code, written as a number (`"2"`) or as text
    /// (`"Rebel group"`), as exports since 2024 do. Unknown values give [`ActorKind::Other`].
    ///
    /// ```
    /// use conflict_risk::ActorKind;
    /// assert_eq!(ActorKind::from_acled_inter("1"), ActorKind::State);
    /// assert_eq!(ActorKind::from_acled_inter("Identity militia"), ActorKind::Militia);
    /// ```
    #[must_use]
    pub fn from_acled_inter(code: &str) -> Self {
        named(
            code,
            &[
                ("1", ActorKind::State),
                ("state forces", ActorKind::State),
                ("2", ActorKind::Rebel),
                ("rebel group", ActorKind::Rebel),
                ("rebel groups", ActorKind::Rebel),
                ("3", ActorKind::Militia),
                ("4", ActorKind::Militia),
                ("political militia", ActorKind::Militia),
                ("political militias", ActorKind::Militia),
                ("identity militia", ActorKind::Militia),
                ("identity militias", ActorKind::Militia),
                ("7", ActorKind::Civilians),
                ("civilians", ActorKind::Civilians),
            ],
        )
        .unwrap_or(ActorKind::Other)
    }
}

/// A party to an incident: the source's name for it and its kind.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Actor {
    /// The name as the source writes it, e.g. `"JNIM: Group for Support of Islam and Muslims"`.
    pub name: ArcStr,
    /// The kind of actor.
    pub kind: ActorKind,
}

impl Actor {
    /// An actor with a name and a kind.
    #[must_use]
    pub fn new(name: impl Into<ArcStr>, kind: ActorKind) -> Self {
        Actor {
            name: name.into(),
            kind,
        }
    }
}

/// Reported deaths: the best estimate and, where the source gives them, low and high
/// estimates. Validation rejects negative values; a set's incidents all have `best >= 0`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Fatalities {
    /// Best estimate (ACLED `fatalities`, UCDP `best`).
    pub best: i32,
    /// Low estimate, where given (UCDP `low`).
    pub low: Option<i32>,
    /// High estimate, where given (UCDP `high`).
    pub high: Option<i32>,
}

impl Fatalities {
    /// A best estimate with no low or high bound.
    #[must_use]
    pub const fn best(best: i32) -> Self {
        Fatalities {
            best,
            low: None,
            high: None,
        }
    }
}

/// An ISO 3166-1 alpha-3 country code such as `BFA` or `TGO`, stored as three uppercase ASCII
/// letters.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CountryCode([u8; 3]);

impl CountryCode {
    /// Parse three ASCII letters, in either case; `None` for anything else.
    ///
    /// ```
    /// use conflict_risk::CountryCode;
    /// assert_eq!(CountryCode::new("tgo").map(|c| c.to_string()), Some("TGO".to_string()));
    /// assert!(CountryCode::new("Togo").is_none());
    /// ```
    #[must_use]
    pub fn new(code: &str) -> Option<Self> {
        let b = code.as_bytes();
        if b.len() == 3 && b.iter().all(u8::is_ascii_alphabetic) {
            Some(CountryCode([
                b[0].to_ascii_uppercase(),
                b[1].to_ascii_uppercase(),
                b[2].to_ascii_uppercase(),
            ]))
        } else {
            None
        }
    }

    /// The code as text.
    #[must_use]
    pub fn as_str(&self) -> &str {
        // Only ASCII letters are ever stored, so this is valid UTF-8.
        std::str::from_utf8(&self.0).unwrap_or("???")
    }
}

impl fmt::Display for CountryCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for CountryCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CountryCode({})", self.as_str())
    }
}

impl TryFrom<String> for CountryCode {
    type Error = String;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        CountryCode::new(&s).ok_or_else(|| format!("{s:?} is not an ISO 3166-1 alpha-3 code"))
    }
}

impl From<CountryCode> for String {
    fn from(c: CountryCode) -> String {
        c.as_str().to_string()
    }
}

/// What UCDP GED records beyond the common model, kept as the source gives it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct UcdpDetails {
    /// `type_of_violence`: 1 state-based conflict, 2 non-state conflict, 3 one-sided violence.
    pub type_of_violence: Option<u8>,
    /// `conflict_name`, e.g. `"Burkina Faso: Islamic State"`.
    pub conflict_name: Option<ArcStr>,
    /// `deaths_a`: deaths on side A.
    pub deaths_a: Option<i32>,
    /// `deaths_b`: deaths on side B.
    pub deaths_b: Option<i32>,
    /// `deaths_civilians`.
    pub deaths_civilians: Option<i32>,
    /// `deaths_unknown`.
    pub deaths_unknown: Option<i32>,
    /// `priogrid_gid`: the PRIO-GRID 0.5° cell UCDP assigns.
    pub priogrid_gid: Option<u32>,
}

/// Which dataset an incident came from.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Dataset {
    /// ACLED (Armed Conflict Location & Event Data).
    Acled,
    /// UCDP Georeferenced Event Dataset.
    UcdpGed,
    /// A GeoJSON file from another tool.
    GeoJson,
    /// Written by hand from public reporting: the crate's demo facts
    /// ([`brief_incidents`](crate::brief_incidents)).
    HandCoded,
    /// Made by the crate's synthetic generator; not real events.
    Synthetic,
    /// Anything else.
    #[default]
    Other,
}

/// One incident of armed conflict.
///
/// Build one with [`Incident::new`] and set the other public fields; the struct is
/// `#[non_exhaustive]` so that fields can be added without breaking callers. An incident is
/// only checked when it enters an [`IncidentSet`](crate::IncidentSet).
///
/// ```
/// use conflict_risk::{Actor, ActorKind, EventKind, Fatalities, Incident, DateSpan, jiff::civil::date};
/// let mut i = Incident::new("TGO1234", 0.83, 10.86, DateSpan::day(date(2024, 7, 20)));
/// i.kind = EventKind::Battle;
/// i.primary_actor = Some(Actor::new("JNIM", ActorKind::Rebel));
/// i.fatalities = Fatalities::best(6);
/// assert_eq!(i.point().x(), 0.83);
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Incident {
    /// The source's own id, kept as given.
    pub source_id: SourceId,
    /// Longitude, WGS 84 degrees (east positive).
    pub lon: f64,
    /// Latitude, WGS 84 degrees (north positive).
    pub lat: f64,
    /// When it happened.
    pub date: DateSpan,
    /// How precisely the location is known.
    pub geo_precision: GeoPrecision,
    /// The source's raw location-precision code (ACLED `geo_precision`, UCDP `where_prec`).
    pub geo_precision_code: Option<u8>,
    /// How precisely the date is known.
    pub time_precision: TimePrecision,
    /// The source's raw date-precision code (ACLED `time_precision`, UCDP `date_prec`).
    pub time_precision_code: Option<u8>,
    /// The normalised kind of event.
    pub kind: EventKind,
    /// The source's raw event type (ACLED `event_type`, UCDP `type_of_violence`).
    pub event_type: Option<ArcStr>,
    /// The source's raw event sub-type (ACLED `sub_event_type`).
    pub sub_event_type: Option<ArcStr>,
    /// The first party (ACLED `actor1`, UCDP `side_a`).
    pub primary_actor: Option<Actor>,
    /// The second party (ACLED `actor2`, UCDP `side_b`).
    pub secondary_actor: Option<Actor>,
    /// Associated actors (ACLED `assoc_actor_1` and `assoc_actor_2`, split on `;`).
    pub associated_actors: Box<[Actor]>,
    /// Reported deaths.
    pub fatalities: Fatalities,
    /// ISO 3166-1 alpha-3 code of the country the source places it in, where known.
    pub country: Option<CountryCode>,
    /// First-order administrative unit (region, province, state).
    pub admin1: Option<ArcStr>,
    /// Second-order administrative unit (prefecture, department, LGA).
    pub admin2: Option<ArcStr>,
    /// The named location.
    pub location_name: Option<ArcStr>,
    /// Which dataset it came from.
    pub dataset: Dataset,
    /// UCDP GED's own fields (violence type, death split, PRIO-GRID cell), for UCDP data.
    pub ucdp: Option<Box<UcdpDetails>>,
}

impl Incident {
    /// Set the dataset and the source's own precision codes, decoded by that dataset's
    /// scheme (ACLED's `geo_precision`/`time_precision` or UCDP's `where_prec`/`date_prec`).
    pub(crate) fn set_source_codes(&mut self, dataset: Dataset, geo: Option<u8>, time: Option<u8>) {
        let ucdp = dataset == Dataset::UcdpGed;
        self.dataset = dataset;
        self.geo_precision_code = geo;
        self.geo_precision = geo
            .and_then(|c| {
                if ucdp {
                    GeoPrecision::from_ucdp(c)
                } else {
                    GeoPrecision::from_acled(c)
                }
            })
            .unwrap_or_default();
        self.time_precision_code = time;
        self.time_precision = time
            .and_then(|c| {
                if ucdp {
                    TimePrecision::from_ucdp(c)
                } else {
                    TimePrecision::from_acled(c)
                }
            })
            .unwrap_or_default();
    }

    /// An incident with an id, a position (lon, lat in WGS 84 degrees) and a date span; every
    /// other field empty or unknown.
    #[must_use]
    pub fn new(source_id: impl Into<SourceId>, lon: f64, lat: f64, date: DateSpan) -> Self {
        Incident {
            source_id: source_id.into(),
            lon,
            lat,
            date,
            geo_precision: GeoPrecision::Unknown,
            geo_precision_code: None,
            time_precision: TimePrecision::Unknown,
            time_precision_code: None,
            kind: EventKind::Other,
            event_type: None,
            sub_event_type: None,
            primary_actor: None,
            secondary_actor: None,
            associated_actors: Box::default(),
            fatalities: Fatalities::default(),
            country: None,
            admin1: None,
            admin2: None,
            location_name: None,
            dataset: Dataset::Other,
            ucdp: None,
        }
    }

    /// The position as a geo point (x = longitude, y = latitude).
    #[must_use]
    pub fn point(&self) -> Point<f64> {
        Point::new(self.lon, self.lat)
    }

    /// Every actor: primary, secondary, then associated.
    pub fn actors(&self) -> impl Iterator<Item = &Actor> {
        self.primary_actor
            .iter()
            .chain(self.secondary_actor.iter())
            .chain(self.associated_actors.iter())
    }
}

/// The value a name stands for in `table`, trimmed and in any case (no allocation: the
/// readers ask this of every row).
fn named<T: Copy>(text: &str, table: &[(&str, T)]) -> Option<T> {
    let text = text.trim();
    table
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case(text))
        .map(|&(_, value)| value)
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    /// A million incidents are held in memory at once: the 300 MB budget of clustering a
    /// million (issue 4) counts 176 bytes each. A new field must find room or move out.
    #[test]
    fn an_incident_stays_within_its_memory_budget() {
        assert!(
            std::mem::size_of::<Incident>() <= 176,
            "Incident is {} bytes",
            std::mem::size_of::<Incident>()
        );
        assert_eq!(std::mem::size_of::<Option<Actor>>(), 16);
    }

    #[test]
    fn date_span_days_and_overlap() {
        let march = DateSpan::new(date(2023, 3, 1), date(2023, 3, 31));
        assert_eq!(march.days(), 31);
        assert!(march.overlaps(date(2023, 3, 31), date(2023, 4, 5)));
        assert!(!march.overlaps(date(2023, 4, 1), date(2023, 4, 5)));
        let backwards = DateSpan::new(date(2023, 3, 2), date(2023, 3, 1));
        assert!(!backwards.is_ordered());
        assert_eq!(backwards.days(), 0);
        assert_eq!(day_number(date(1970, 1, 1)), 0);
        assert_eq!(day_number(date(1969, 12, 31)), -1);
        assert_eq!(day_number(date(2024, 7, 20)), 19_924);
    }

    #[test]
    fn precision_codes_map_as_documented() {
        let ucdp: Vec<_> = (0..=8).map(GeoPrecision::from_ucdp).collect();
        assert_eq!(
            ucdp,
            [
                None,
                Some(GeoPrecision::Exact),
                Some(GeoPrecision::Near),
                Some(GeoPrecision::District),
                Some(GeoPrecision::Region),
                Some(GeoPrecision::Region),
                Some(GeoPrecision::Country),
                Some(GeoPrecision::Unknown),
                None
            ]
        );
        assert!(GeoPrecision::Region.is_coarse() && !GeoPrecision::District.is_coarse());
        assert_eq!(TimePrecision::from_acled(2), Some(TimePrecision::Week));
        assert_eq!(TimePrecision::from_ucdp(6), None);
        assert_eq!(EventKind::from_ucdp(3), EventKind::ViolenceAgainstCivilians);
        assert_eq!(
            EventKind::from_acled(" strategic developments "),
            EventKind::StrategicDevelopment
        );
        assert_eq!(ActorKind::from_acled_inter("Rebel group"), ActorKind::Rebel);
        assert_eq!(ActorKind::from_acled_inter("8"), ActorKind::Other);
    }

    #[test]
    fn incident_serde_round_trip() {
        let mut i = Incident::new("501478", -3.66, 12.5, DateSpan::day(date(2023, 10, 6)));
        i.country = CountryCode::new("BFA");
        i.primary_actor = Some(Actor::new("JNIM", ActorKind::Rebel));
        i.fatalities = Fatalities {
            best: 3,
            low: Some(2),
            high: Some(5),
        };
        let json = serde_json::to_string(&i).expect("serialise");
        assert!(json.contains("\"country\":\"BFA\""), "{json}");
        assert!(json.contains("\"start\":\"2023-10-06\""), "{json}");
        let back: Incident = serde_json::from_str(&json).expect("deserialise");
        assert_eq!(back, i);
        let bad = json.replace("\"BFA\"", "\"Burkina\"");
        assert!(serde_json::from_str::<Incident>(&bad).is_err());
    }
}
