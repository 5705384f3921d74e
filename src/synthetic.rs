//! The seeded synthetic corridor: deterministic, realistic-looking incidents of any size, for
//! examples, tests and benchmarks. **Synthetic: these are not real events.** Every incident it
//! makes has [`Dataset::Synthetic`], a source id starting `SYN`, and a location name starting
//! `synthetic`.
//!
//! Incidents fall in Gaussian hotspots around real places of the corridor (widths 5–40 km, in
//! km on the ground) with heavy-tailed (Pareto) hotspot weights, plus a uniform background over
//! lon −6..15, lat 4..16. Activity grows year on year from 2018 to 2024; hotspots in northern
//! Togo and Benin switch on in 2020–2021. Fatalities are zero-inflated with a heavy tail, and
//! actors follow the region: JNIM and IS Sahel in the central Sahel, JNIM spreading south
//! through eastern Burkina into Togo and Benin, Ansaru and bandit militias in north-west
//! Nigeria, JAS and ISWAP around Lake Chad, state forces everywhere.

use arcstr::ArcStr;

use compact_str::format_compact;
use geo::Point;
use jiff::civil::Date;
use rand::distr::weighted::WeightedIndex;
use rand::{Rng, RngExt, SeedableRng};
use rand_distr::{Distribution, Pareto};
use rand_pcg::Pcg64Mcg;

use crate::geodesy::destination;
use crate::incident::{
    Actor, ActorKind, CountryCode, Dataset, DateSpan, EventKind, Fatalities, GeoPrecision,
    Incident, SourceId, TimePrecision,
};
use crate::site::Site;

/// A named place with a position (WGS 84 degrees, to about 0.01°) and its country: a row of
/// the built-in tables, made public as a [`Site`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Place {
    /// The place's name.
    pub name: &'static str,
    /// ISO 3166-1 alpha-3 code of its country.
    pub country: &'static str,
    /// Longitude, degrees.
    pub lon: f64,
    /// Latitude, degrees.
    pub lat: f64,
}

impl Place {
    /// The place as a [`Site`] (the tables hold valid positions and codes).
    pub(crate) fn site(&self) -> Site {
        Site {
            name: self.name.to_string(),
            country: CountryCode::new(self.country),
            lon: self.lon,
            lat: self.lat,
        }
    }
}

/// Which actors are active around a hotspot.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Region {
    /// Northern and western Burkina Faso, central Mali, Tillabéri: JNIM and IS Sahel.
    CentralSahel,
    /// Eastern Burkina Faso down into northern Togo and Benin: JNIM's southward front.
    SouthernFront,
    /// North-west Nigeria and the Kainji area: Ansaru, bandit militias.
    NorthWestNigeria,
    /// Lake Chad basin: JAS (Boko Haram) and ISWAP.
    LakeChad,
}

struct Hotspot {
    place: Place,
    region: Region,
    first_year: i16,
}

const fn hs(
    name: &'static str,
    country: &'static str,
    lon: f64,
    lat: f64,
    region: Region,
    first_year: i16,
) -> Hotspot {
    Hotspot {
        place: Place {
            name,
            country,
            lon,
            lat,
        },
        region,
        first_year,
    }
}

use Region::{CentralSahel as CS, LakeChad as LC, NorthWestNigeria as NW, SouthernFront as SF};

/// The hotspot places, their region and the year they switch on.
const HOTSPOTS: [Hotspot; 42] = [
    hs("Djibo", "BFA", -1.627, 14.099, CS, 2018),
    hs("Arbinda", "BFA", -0.870, 14.230, CS, 2018),
    hs("Dori", "BFA", -0.028, 14.034, CS, 2018),
    hs("Gorom-Gorom", "BFA", -0.233, 14.450, CS, 2018),
    hs("Sebba", "BFA", 0.530, 13.436, CS, 2018),
    hs("Kaya", "BFA", -1.090, 13.090, CS, 2018),
    hs("Ouahigouya", "BFA", -2.420, 13.570, CS, 2018),
    hs("Tougan", "BFA", -3.070, 13.069, CS, 2018),
    hs("Nouna", "BFA", -3.860, 12.729, CS, 2018),
    hs("Dedougou", "BFA", -3.464, 12.455, CS, 2019),
    hs("Mopti", "MLI", -4.180, 14.490, CS, 2018),
    hs("Douentza", "MLI", -2.950, 15.000, CS, 2018),
    hs("Gao", "MLI", -0.050, 16.267, CS, 2018),
    hs("Menaka", "MLI", 2.400, 15.917, CS, 2018),
    hs("Tillaberi", "NER", 1.453, 14.212, CS, 2018),
    hs("Ouallam", "NER", 2.090, 14.320, CS, 2018),
    hs("Tera", "NER", 0.750, 14.010, CS, 2018),
    hs("Fada N'Gourma", "BFA", 0.361, 12.055, SF, 2018),
    hs("Pama", "BFA", 0.710, 11.250, SF, 2018),
    hs("Diapaga", "BFA", 1.796, 12.077, SF, 2018),
    hs("Kantchari", "BFA", 1.510, 12.480, SF, 2019),
    hs("Koupela", "BFA", -0.356, 12.177, SF, 2019),
    hs("Torodi", "NER", 1.800, 13.120, SF, 2019),
    hs("Bawku", "GHA", -0.240, 11.060, SF, 2021),
    hs("Mandouri", "TGO", 0.830, 10.860, SF, 2021),
    hs("Dapaong", "TGO", 0.207, 10.862, SF, 2021),
    hs("Cinkasse", "TGO", 0.000, 11.100, SF, 2021),
    hs("Tanguieta", "BEN", 1.270, 10.620, SF, 2020),
    hs("Materi", "BEN", 1.060, 10.700, SF, 2021),
    hs("Kandi", "BEN", 2.940, 11.130, SF, 2021),
    hs("Karimama", "BEN", 3.190, 12.070, SF, 2020),
    hs("Banikoara", "BEN", 2.440, 11.300, SF, 2021),
    hs("Malanville", "BEN", 3.390, 11.860, SF, 2021),
    hs("New Bussa/Kainji", "NGA", 4.510, 9.880, NW, 2021),
    hs("Birnin Gwari", "NGA", 6.540, 10.660, NW, 2018),
    hs("Gusau", "NGA", 6.660, 12.170, NW, 2018),
    hs("Sokoto", "NGA", 5.240, 13.060, NW, 2018),
    hs("Birnin Kebbi", "NGA", 4.200, 12.450, NW, 2019),
    hs("Diffa", "NER", 12.609, 13.317, LC, 2018),
    hs("Maiduguri", "NGA", 13.158, 11.852, LC, 2018),
    hs("Bama", "NGA", 13.690, 11.520, LC, 2018),
    hs("Gwoza", "NGA", 13.690, 11.080, LC, 2018),
];

/// The places the synthetic hotspots are centred on, west to east within each region.
pub(crate) fn corridor_places() -> impl ExactSizeIterator<Item = &'static Place> {
    HOTSPOTS.iter().map(|h| &h.place)
}

const FIRST_YEAR: i16 = 2018;
const LAST_YEAR: i16 = 2024;
/// Activity grows by this factor a year.
const YEARLY_GROWTH: f64 = 1.35;
/// The background's extent: lon −6..15, lat 4..16.
const BACKGROUND: ([f64; 2], [f64; 2]) = ([-6.0, 15.0], [4.0, 16.0]);
/// Incidents are generated in chunks with their own seeded streams, so the output does not
/// depend on the number of threads.
const CHUNK: usize = 1 << 16;

/// A seeded, deterministic synthetic corridor of any size. **Synthetic: not real events.**
///
/// Incidents fall in Gaussian hotspots around the places of [`CorridorScenario::places`] (widths 5–40 km, in km
/// on the ground) with heavy-tailed (Pareto) hotspot weights, plus 20 % uniform background over
/// lon −6..15, lat 4..16. Activity grows 35 % a year from 2018 to 2024; hotspots in northern
/// Togo and Benin switch on in 2020–2021. About 55 % of incidents have no fatalities, the rest
/// a Pareto tail. Actors follow the region: JNIM and IS Sahel in the central Sahel, JNIM
/// spreading south through eastern Burkina Faso into Togo and Benin, Ansaru and bandit
/// militias in north-west Nigeria, JAS and ISWAP around Lake Chad, state forces everywhere.
/// Every incident has [`Dataset::Synthetic`], a source id starting `SYN` and a location name
/// starting `synthetic`.
///
/// The same size and seed always give the same incidents, on any machine and thread count, and
/// a smaller scenario is a prefix of a larger one with the same seed.
///
/// ```
/// use conflict_risk::{CorridorScenario, Dataset};
/// let a = CorridorScenario::new(1_000).seed(7).generate();
/// let b = CorridorScenario::new(1_000).seed(7).generate();
/// assert_eq!(a, b);
/// assert!(a.iter().all(|i| i.dataset == Dataset::Synthetic));
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct CorridorScenario {
    n: usize,
    seed: u64,
}

impl CorridorScenario {
    /// The places the synthetic hotspots are centred on, west to east within each region.
    ///
    /// ```
    /// use conflict_risk::CorridorScenario;
    /// let places = CorridorScenario::places();
    /// assert!(places.iter().any(|p| p.name == "Dapaong" && p.country.is_some_and(|c| c.as_str() == "TGO")));
    /// assert_eq!(places.len(), 42);
    /// ```
    #[must_use]
    pub fn places() -> Vec<Site> {
        corridor_places().map(Place::site).collect()
    }

    /// The seed used unless [`seed`](Self::seed) sets another.
    pub const DEFAULT_SEED: u64 = 20_240_720;

    /// A scenario of `n` incidents with the default seed.
    #[must_use]
    pub fn new(n: usize) -> Self {
        CorridorScenario {
            n,
            seed: Self::DEFAULT_SEED,
        }
    }

    /// Use another seed.
    #[must_use]
    pub fn seed(self, seed: u64) -> Self {
        CorridorScenario { seed, ..self }
    }

    /// The number of incidents it makes.
    #[must_use]
    pub fn len(&self) -> usize {
        self.n
    }

    /// Whether it makes no incidents.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.n == 0
    }

    /// Make the incidents. With the `parallel` feature, chunks are made on all cores.
    #[must_use]
    pub fn generate(&self) -> Vec<Incident> {
        let model = Model::new(self.seed);
        // Fill a buffer of placeholders chunk by chunk, in place: the incidents are held once.
        let placeholder = Incident::new("", 0.0, 0.0, DateSpan::day(Date::ZERO));
        let mut out = vec![placeholder; self.n];
        let fill = |(c, slice): (usize, &mut [Incident])| {
            let mut rng = Pcg64Mcg::seed_from_u64(
                self.seed ^ (c as u64 + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15),
            );
            for (k, slot) in slice.iter_mut().enumerate() {
                *slot = model.incident(c * CHUNK + k, &mut rng);
            }
        };
        #[cfg(feature = "parallel")]
        {
            use rayon::prelude::*;
            out.par_chunks_mut(CHUNK).enumerate().for_each(fill);
        }
        #[cfg(not(feature = "parallel"))]
        out.chunks_mut(CHUNK).enumerate().for_each(fill);
        out
    }
}

/// Names shared by every incident that carries them (one allocation each).
struct Names {
    jnim: Actor,
    is_sahel: Actor,
    ansaru: Actor,
    bandits: Actor,
    jas: Actor,
    iswap: Actor,
    unidentified: Actor,
    /// Per country of [`COUNTRIES`]: state forces, civilians, the country code.
    countries: Vec<(Actor, Actor, CountryCode)>,
    event_types: [ArcStr; 5],
    places: Vec<ArcStr>,
    background: ArcStr,
}

const COUNTRIES: [(&str, &str); 7] = [
    ("BFA", "Burkina Faso"),
    ("MLI", "Mali"),
    ("NER", "Niger"),
    ("TGO", "Togo"),
    ("BEN", "Benin"),
    ("NGA", "Nigeria"),
    ("GHA", "Ghana"),
];

/// Everything drawn once per scenario: hotspot weights and widths, the name table.
struct Model {
    hotspot_pick: WeightedIndex<f64>,
    widths_km: Vec<f64>,
    /// Year pickers for hotspots switching on in 2018, 2019, 2020, 2021.
    year_pick: Vec<WeightedIndex<f64>>,
    /// Country index (into `COUNTRIES`) of each hotspot.
    hotspot_country: Vec<usize>,
    fatal_tail: Pareto<f64>,
    names: Names,
}

fn country_index(code: &str) -> usize {
    COUNTRIES.iter().position(|c| c.0 == code).unwrap_or(0)
}

impl Model {
    fn new(seed: u64) -> Model {
        let mut rng = Pcg64Mcg::seed_from_u64(seed);
        // Heavy-tailed weights: Pareto with shape 1.1, capped so one hotspot cannot take all.
        let pareto: Pareto<f64> = Pareto::new(1.0, 1.1).expect("Pareto(1, 1.1) is valid");
        let weights: Vec<f64> = HOTSPOTS
            .iter()
            .map(|_| pareto.sample(&mut rng).min(50.0))
            .collect();
        // Widths log-uniform on 5..40 km.
        let widths_km: Vec<f64> = HOTSPOTS
            .iter()
            .map(|_| 5.0 * 8f64.powf(rng.random::<f64>()))
            .collect();
        let year_pick = (2018..=2021)
            .map(|first| {
                let w = (FIRST_YEAR..=LAST_YEAR).map(|y| {
                    if y < first {
                        0.0
                    } else {
                        YEARLY_GROWTH.powi(i32::from(y - FIRST_YEAR))
                    }
                });
                weighted(w)
            })
            .collect();
        let state = |name: &str| Actor::new(format!("Military Forces of {name}"), ActorKind::State);
        let civ = |name: &str| Actor::new(format!("Civilians ({name})"), ActorKind::Civilians);
        let names = Names {
            jnim: Actor::new(
                "JNIM: Group for Support of Islam and Muslims",
                ActorKind::Rebel,
            ),
            is_sahel: Actor::new("Islamic State Sahel Province", ActorKind::Rebel),
            ansaru: Actor::new("Ansaru", ActorKind::Rebel),
            bandits: Actor::new("Bandit Militia (Nigeria)", ActorKind::Militia),
            jas: Actor::new(
                "Boko Haram - Jamaatu Ahli is-Sunnah lid-Dawati wal-Jihad",
                ActorKind::Rebel,
            ),
            iswap: Actor::new(
                "ISWAP: Islamic State West Africa Province",
                ActorKind::Rebel,
            ),
            unidentified: Actor::new("Unidentified Armed Group", ActorKind::Other),
            countries: COUNTRIES
                .iter()
                .map(|&(code, name)| {
                    let cc = CountryCode::new(code).expect("the table holds alpha-3 codes");
                    (state(name), civ(name), cc)
                })
                .collect(),
            event_types: [
                ArcStr::from("Battles"),
                ArcStr::from("Explosions/Remote violence"),
                ArcStr::from("Violence against civilians"),
                ArcStr::from("Strategic developments"),
                ArcStr::from("Protests"),
            ],
            places: HOTSPOTS
                .iter()
                .map(|h| ArcStr::from(format!("synthetic: near {}", h.place.name)))
                .collect(),
            background: ArcStr::from("synthetic: background"),
        };
        Model {
            hotspot_pick: weighted(weights.into_iter()),
            widths_km,
            year_pick,
            hotspot_country: HOTSPOTS
                .iter()
                .map(|h| country_index(h.place.country))
                .collect(),
            fatal_tail: Pareto::new(1.0, 1.2).expect("Pareto(1, 1.2) is valid"),
            names,
        }
    }

    fn incident(&self, i: usize, rng: &mut impl Rng) -> Incident {
        let background = rng.random::<f64>() < 0.2;
        let (hotspot, point, precision) = if background {
            let ([w, e], [s, n]) = BACKGROUND;
            let p = Point::new(rng.random_range(w..e), rng.random_range(s..n));
            (nearest_hotspot(p), p, GeoPrecision::Exact)
        } else {
            let h = self.hotspot_pick.sample(rng);
            let centre = Point::new(HOTSPOTS[h].place.lon, HOTSPOTS[h].place.lat);
            let u: f64 = rng.random();
            let (p, precision) = if u < 0.6 {
                (self.jitter(centre, h, rng), GeoPrecision::Exact)
            } else if u < 0.9 {
                (self.jitter(centre, h, rng), GeoPrecision::Near)
            } else {
                // Region-coded incidents sit on the reference point, as ACLED codes them.
                (centre, GeoPrecision::Region)
            };
            (h, p, precision)
        };
        let spot = &HOTSPOTS[hotspot];
        let first = if background {
            FIRST_YEAR
        } else {
            spot.first_year.clamp(2018, 2021)
        };
        let year = FIRST_YEAR + self.year_pick[(first - 2018) as usize].sample(rng) as i16;
        let (date, time_precision) = random_date(year, rng);
        let (state, civilians, country) = &self.names.countries[self.hotspot_country[hotspot]];
        let primary = self.primary_actor(spot.region, rng).unwrap_or(state);
        let kind = random_kind(primary.kind == ActorKind::State, rng);
        let secondary = match kind {
            EventKind::Battle if primary.kind == ActorKind::State => Some(
                self.primary_actor(spot.region, rng)
                    .unwrap_or(&self.names.unidentified),
            ),
            EventKind::Battle => Some(state),
            EventKind::ViolenceAgainstCivilians => Some(civilians),
            EventKind::ExplosionRemoteViolence if rng.random::<f64>() < 0.6 => Some(state),
            _ => None,
        };
        let fatalities = if kind == EventKind::StrategicDevelopment || rng.random::<f64>() < 0.55 {
            0
        } else {
            self.fatal_tail.sample(rng).ceil().min(300.0) as i32
        };
        let mut inc = Incident::new(
            SourceId::from_compact(format_compact!("SYN{i:07}")),
            point.x(),
            point.y(),
            date,
        );
        inc.geo_precision = precision;
        inc.geo_precision_code = Some(match precision {
            GeoPrecision::Exact => 1,
            GeoPrecision::Near => 2,
            _ => 3,
        });
        inc.time_precision = time_precision;
        inc.time_precision_code = Some(match time_precision {
            TimePrecision::Day => 1,
            TimePrecision::Week => 2,
            _ => 3,
        });
        inc.kind = kind;
        inc.event_type = Some(self.names.event_types[kind_slot(kind)].clone());
        inc.primary_actor = Some(primary.clone());
        inc.secondary_actor = secondary.cloned();
        inc.fatalities = Fatalities::best(fatalities);
        inc.country = Some(*country);
        inc.location_name = Some(if background {
            self.names.background.clone()
        } else {
            self.names.places[hotspot].clone()
        });
        inc.dataset = Dataset::Synthetic;
        inc
    }

    /// A point drawn from a 2-D Gaussian of the hotspot's width around its centre, measured in
    /// km on the ground: Rayleigh-distributed distance along a uniform bearing.
    fn jitter(&self, centre: Point<f64>, h: usize, rng: &mut impl Rng) -> Point<f64> {
        let u: f64 = rng.random();
        let r_km = self.widths_km[h] * (-2.0 * (1.0 - u).ln()).sqrt();
        destination(centre, rng.random_range(0.0..360.0), r_km)
    }

    /// The perpetrator, by region; `None` means the country's state forces.
    fn primary_actor(&self, region: Region, rng: &mut impl Rng) -> Option<&Actor> {
        let n = &self.names;
        let u: f64 = rng.random();
        let table: &[(f64, &Actor)] = match region {
            Region::CentralSahel => &[
                (0.45, &n.jnim),
                (0.30, &n.is_sahel),
                (0.05, &n.unidentified),
            ],
            Region::SouthernFront => &[
                (0.65, &n.jnim),
                (0.08, &n.is_sahel),
                (0.05, &n.unidentified),
            ],
            Region::NorthWestNigeria => &[
                (0.15, &n.ansaru),
                (0.45, &n.bandits),
                (0.05, &n.jnim),
                (0.10, &n.unidentified),
            ],
            Region::LakeChad => &[(0.35, &n.jas), (0.40, &n.iswap), (0.05, &n.unidentified)],
        };
        let mut acc = 0.0;
        table.iter().find_map(|&(p, a)| {
            acc += p;
            (u < acc).then_some(a)
        })
    }
}

/// A weighted picker; the weights here are fixed, finite and positive.
fn weighted(w: impl Iterator<Item = f64>) -> WeightedIndex<f64> {
    let w: Vec<f64> = w.collect();
    WeightedIndex::new(&w).expect("the generator's own weights are finite and positive")
}

fn kind_slot(kind: EventKind) -> usize {
    match kind {
        EventKind::Battle => 0,
        EventKind::ExplosionRemoteViolence => 1,
        EventKind::ViolenceAgainstCivilians => 2,
        EventKind::StrategicDevelopment => 3,
        _ => 4,
    }
}

fn random_kind(state_perpetrator: bool, rng: &mut impl Rng) -> EventKind {
    let u: f64 = rng.random();
    let table: [(f64, EventKind); 4] = if state_perpetrator {
        [
            (0.50, EventKind::Battle),
            (0.20, EventKind::ExplosionRemoteViolence),
            (0.25, EventKind::ViolenceAgainstCivilians),
            (0.03, EventKind::StrategicDevelopment),
        ]
    } else {
        [
            (0.42, EventKind::Battle),
            (0.15, EventKind::ExplosionRemoteViolence),
            (0.33, EventKind::ViolenceAgainstCivilians),
            (0.07, EventKind::StrategicDevelopment),
        ]
    };
    let mut acc = 0.0;
    table
        .iter()
        .find_map(|&(p, k)| {
            acc += p;
            (u < acc).then_some(k)
        })
        .unwrap_or(EventKind::RiotProtest)
}

/// A uniformly drawn day of `year`, with day (85 %), week (10 %) or month (5 %) precision.
fn random_date(year: i16, rng: &mut impl Rng) -> (DateSpan, TimePrecision) {
    let month = rng.random_range(1..=12i8);
    let first = Date::new(year, month, 1).unwrap_or(Date::ZERO);
    let day = rng.random_range(1..=first.days_in_month());
    let d = Date::new(year, month, day).unwrap_or(first);
    let u: f64 = rng.random();
    if u < 0.85 {
        (DateSpan::day(d), TimePrecision::Day)
    } else if u < 0.95 {
        // A week that would run into the next year ends on 31 December.
        let end = d
            .checked_add(jiff::Span::new().days(6))
            .unwrap_or(d)
            .min(first.last_of_year());
        (DateSpan::new(d, end), TimePrecision::Week)
    } else {
        (
            DateSpan::new(first, first.last_of_month()),
            TimePrecision::Month,
        )
    }
}

/// The hotspot nearest to a background point (planar degrees: only a label is chosen).
fn nearest_hotspot(p: Point<f64>) -> usize {
    let d2 = |h: &Hotspot| (h.place.lon - p.x()).powi(2) + (h.place.lat - p.y()).powi(2);
    HOTSPOTS
        .iter()
        .enumerate()
        .min_by(|a, b| d2(a.1).total_cmp(&d2(b.1)))
        .map_or(0, |(i, _)| i)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geodesy::haversine_km;
    use crate::validate::IncidentSet;

    #[test]
    fn deterministic_and_thread_independent_by_construction() {
        let a = CorridorScenario::new(CHUNK + 100).seed(1).generate();
        let b = CorridorScenario::new(CHUNK + 100).seed(1).generate();
        assert_eq!(a, b);
        let c = CorridorScenario::new(CHUNK + 100).seed(2).generate();
        assert_ne!(a, c);
        assert_eq!(a.len(), CHUNK + 100);
        // A smaller scenario is a prefix of a larger one with the same seed.
        let small = CorridorScenario::new(500).seed(1).generate();
        assert_eq!(small[..], a[..500]);
    }

    #[test]
    fn everything_validates_and_is_labelled_synthetic() {
        let incidents = CorridorScenario::new(20_000).generate();
        assert!(incidents.iter().all(|i| {
            i.dataset == Dataset::Synthetic
                && i.source_id.as_str().starts_with("SYN")
                && i.location_name
                    .as_deref()
                    .is_some_and(|n| n.starts_with("synthetic"))
        }));
        let (set, report) = IncidentSet::validate(incidents);
        assert_eq!(set.len(), 20_000, "{report}");
    }

    #[test]
    fn shape_of_the_scenario() {
        let incidents = CorridorScenario::new(50_000).generate();
        let n = incidents.len() as f64;
        // About 20 % background: named after the background.
        let bg = incidents
            .iter()
            .filter(|i| i.location_name.as_deref() == Some("synthetic: background"))
            .count() as f64;
        assert!((bg / n - 0.2).abs() < 0.01, "background share {}", bg / n);
        // Activity grows: 2024 has more than 2018, clearly.
        let year = |y: i16| {
            incidents
                .iter()
                .filter(|i| i.date.start.year() == y)
                .count()
        };
        assert!(
            year(2024) > 3 * year(2018),
            "{} vs {}",
            year(2024),
            year(2018)
        );
        // Togo/Benin hotspots are silent before 2020.
        let tb_before_2020 = incidents.iter().filter(|i| {
            i.date.start.year() < 2020
                && i.location_name.as_deref().is_some_and(|l| {
                    ["Mandouri", "Dapaong", "Tanguieta", "Karimama", "Kandi"]
                        .iter()
                        .any(|p| l.ends_with(p))
                })
        });
        assert_eq!(tb_before_2020.count(), 0);
        // Zero-inflated fatalities.
        let zero = incidents.iter().filter(|i| i.fatalities.best == 0).count() as f64;
        assert!(zero / n > 0.45 && zero / n < 0.7, "zero share {}", zero / n);
        // Hotspot incidents are within a plausible distance of their centre (widths <= 40 km).
        for i in incidents.iter().take(5_000) {
            if let Some(name) = i
                .location_name
                .as_deref()
                .and_then(|l| l.strip_prefix("synthetic: near "))
            {
                let place = corridor_places()
                    .find(|p| p.name == name)
                    .expect("named place");
                assert!(haversine_km(place.site().point(), i.point()) < 40.0 * 7.0);
            }
        }
    }
}
