//! Embedded demo data: the incidents named in the corridor brief, written by hand with honest
//! precision codes, the brief's named sites, and the default demo dataset (those incidents plus
//! a synthetic corridor). **Demo data, not a dataset to analyse**: the hand-coded incidents are
//! three facts from public reporting, and everything else is synthetic.

use arcstr::ArcStr;

use jiff::civil::{Date, date};

use crate::incident::{
    Actor, ActorKind, CountryCode, Dataset, DateSpan, EventKind, Fatalities, GeoPrecision,
    Incident, TimePrecision,
};
use crate::site::Site;
use crate::synthetic::{CorridorScenario, Place};

/// Reference position of Kpendjal prefecture (Savanes region, northern Togo), near the Burkina
/// Faso border north of Mandouri: where incidents known only to the prefecture are placed.
/// The Kpekakandi base's own position is not public.
pub(crate) const KPENDJAL_REFERENCE: Place = Place {
    name: "Kpekakandi base area (Kpendjal prefecture)",
    country: "TGO",
    lon: 0.80,
    lat: 10.95,
};

/// The sites the corridor brief asks about, the Kpekakandi base area first: the base area
/// (the reference position of Kpendjal prefecture, lon 0.80, lat 10.95: the base's own position
/// is not public), Dapaong and Mandouri in Togo, Tanguiéta, Karimama and Kandi in
/// Benin. Positions to about 0.01°.
///
/// ```
/// use conflict_risk::brief_sites;
/// let sites = brief_sites();
/// assert!(sites[0].name.starts_with("Kpekakandi"));
/// assert_eq!(sites.len(), 6);
/// ```
#[must_use]
pub fn brief_sites() -> Vec<Site> {
    let place = |name, country, lon, lat| Place {
        name,
        country,
        lon,
        lat,
    };
    [
        KPENDJAL_REFERENCE,
        place("Dapaong", "TGO", 0.207, 10.862),
        place("Mandouri", "TGO", 0.830, 10.860),
        place("Tanguieta", "BEN", 1.270, 10.620),
        place("Karimama", "BEN", 3.190, 12.070),
        place("Kandi", "BEN", 2.940, 11.130),
    ]
    .iter()
    .map(Place::site)
    .collect()
}

/// Ouagadougou, the capital the corridor brief calls "nearly surrounded" by JNIM: the default
/// site of the report's encirclement section.
///
/// ```
/// use conflict_risk::ouagadougou;
/// assert_eq!(ouagadougou().name, "Ouagadougou");
/// ```
#[must_use]
pub fn ouagadougou() -> Site {
    CORRIDOR_PLACES[0].site()
}

/// Ouagadougou and the towns on the roads out of it, for naming the places that lie in an open
/// gap of the ring around the capital. Positions from Natural Earth 1:10m Populated Places
/// (version 4.0.0, public domain), rounded to 0.01°; names without accents (Pô is "Po").
const CORRIDOR_PLACES: [Place; 20] = [
    Place {
        name: "Ouagadougou",
        country: "BFA",
        lon: -1.53,
        lat: 12.37,
    },
    // South: the N5 to Pô and Ghana; south-west: the N6 to Léo and Sapouy.
    Place {
        name: "Kombissiri",
        country: "BFA",
        lon: -1.33,
        lat: 12.06,
    },
    Place {
        name: "Manga",
        country: "BFA",
        lon: -1.06,
        lat: 11.66,
    },
    Place {
        name: "Po",
        country: "BFA",
        lon: -1.13,
        lat: 11.17,
    },
    Place {
        name: "Sapouy",
        country: "BFA",
        lon: -1.77,
        lat: 11.55,
    },
    Place {
        name: "Leo",
        country: "BFA",
        lon: -2.10,
        lat: 11.09,
    },
    // West: the N1 to Koudougou; north-west: the N2 to Yako and Ouahigouya.
    Place {
        name: "Koudougou",
        country: "BFA",
        lon: -2.37,
        lat: 12.25,
    },
    Place {
        name: "Reo",
        country: "BFA",
        lon: -2.47,
        lat: 12.33,
    },
    Place {
        name: "Yako",
        country: "BFA",
        lon: -2.26,
        lat: 12.95,
    },
    Place {
        name: "Ouahigouya",
        country: "BFA",
        lon: -2.42,
        lat: 13.57,
    },
    // North: the N3 to Ziniaré and Kaya.
    Place {
        name: "Ziniare",
        country: "BFA",
        lon: -1.29,
        lat: 12.58,
    },
    Place {
        name: "Kaya",
        country: "BFA",
        lon: -1.09,
        lat: 13.09,
    },
    Place {
        name: "Boulsa",
        country: "BFA",
        lon: -0.57,
        lat: 12.66,
    },
    // East: the N4 to Zorgho, Koupéla and Fada N'Gourma; south-east: the N16 to Tenkodogo.
    Place {
        name: "Zorgho",
        country: "BFA",
        lon: -0.61,
        lat: 12.24,
    },
    Place {
        name: "Koupela",
        country: "BFA",
        lon: -0.36,
        lat: 12.18,
    },
    Place {
        name: "Tenkodogo",
        country: "BFA",
        lon: -0.37,
        lat: 11.78,
    },
    Place {
        name: "Fada N'Gourma",
        country: "BFA",
        lon: 0.36,
        lat: 12.05,
    },
    // Farther out, for wider rings.
    Place {
        name: "Dori",
        country: "BFA",
        lon: -0.03,
        lat: 14.03,
    },
    Place {
        name: "Djibo",
        country: "BFA",
        lon: -1.63,
        lat: 14.10,
    },
    Place {
        name: "Bobo Dioulasso",
        country: "BFA",
        lon: -4.29,
        lat: 11.18,
    },
];

/// The corridor's places around Ouagadougou (the capital first, then the towns on the roads
/// out of it: Kombissiri, Manga and Pô south, Sapouy and Léo south-west, Koudougou and Réo
/// west, Yako and Ouahigouya north-west, Ziniaré, Kaya and Boulsa north, Zorgho, Koupéla,
/// Tenkodogo and Fada N'Gourma east, and Dori, Djibo and Bobo-Dioulasso farther out).
/// Positions from Natural Earth 1:10m Populated Places (v4.0.0, public domain) to 0.01°.
///
/// ```
/// use conflict_risk::corridor_places;
/// let places = corridor_places();
/// assert_eq!(places[0].name, "Ouagadougou");
/// assert!(places.iter().any(|p| p.name == "Po") && places.iter().any(|p| p.name == "Leo"));
/// ```
#[must_use]
pub fn corridor_places() -> Vec<Site> {
    CORRIDOR_PLACES.iter().map(Place::site).collect()
}

/// The incidents named in the corridor brief, coded by hand ([`Dataset::HandCoded`]):
///
/// 1. **2022-11, Kpendjal**: an attack on a Togolese army position, 17 soldiers killed. Known
///    to the month and the prefecture; the attackers were not identified in the brief.
/// 2. **2023-02, Kpendjal**: an attack that killed 31 civilians. Known to the month and the
///    prefecture; perpetrator not identified in the brief.
/// 3. **2024-07-20, Kpekakandi base, Kpendjal**: JNIM takes over the base; 6 soldiers killed,
///    per JNIM's own claim. Known to the day; the base's position only to the prefecture.
///
/// All three are placed at the Kpendjal prefecture reference position (lon 0.80, lat 10.95) with region-level precision (ACLED-style
/// code 3), so validation flags them as coarse: they must not be read as points.
///
/// ```
/// use conflict_risk::{GeoPrecision, brief_incidents};
/// let brief = brief_incidents();
/// assert_eq!(brief.iter().map(|i| i.fatalities.best).sum::<i32>(), 17 + 31 + 6);
/// assert!(brief.iter().all(|i| i.geo_precision == GeoPrecision::Region));
/// ```
#[must_use]
pub fn brief_incidents() -> Vec<Incident> {
    let togo = CountryCode::new("TGO");
    let army = Actor::new("Military Forces of Togo", ActorKind::State);
    let unidentified = Actor::new("Unidentified Armed Group", ActorKind::Other);
    let admin1: ArcStr = ArcStr::from("Savanes");
    let admin2: ArcStr = ArcStr::from("Kpendjal");
    let make = |id: &str, span: DateSpan, time: TimePrecision, kind: EventKind, deaths: i32| {
        let mut i = Incident::new(id, KPENDJAL_REFERENCE.lon, KPENDJAL_REFERENCE.lat, span);
        i.geo_precision = GeoPrecision::Region;
        i.geo_precision_code = Some(3);
        i.time_precision = time;
        i.time_precision_code = Some(match time {
            TimePrecision::Day => 1,
            _ => 3,
        });
        i.kind = kind;
        i.fatalities = Fatalities::best(deaths);
        i.country = togo;
        i.admin1 = Some(admin1.clone());
        i.admin2 = Some(admin2.clone());
        i.location_name = Some(ArcStr::from("Kpendjal prefecture"));
        i.dataset = Dataset::HandCoded;
        i
    };
    let month = |y: i16, m: i8| {
        let first = date(y, m, 1);
        DateSpan::new(first, first.last_of_month())
    };

    let mut nov_2022 = make(
        "BRIEF-2022-11-KPENDJAL",
        month(2022, 11),
        TimePrecision::Month,
        EventKind::Battle,
        17,
    );
    nov_2022.event_type = Some(ArcStr::from("Battles"));
    nov_2022.primary_actor = Some(unidentified.clone());
    nov_2022.secondary_actor = Some(army.clone());

    let mut feb_2023 = make(
        "BRIEF-2023-02-KPENDJAL",
        month(2023, 2),
        TimePrecision::Month,
        EventKind::ViolenceAgainstCivilians,
        31,
    );
    feb_2023.event_type = Some(ArcStr::from("Violence against civilians"));
    feb_2023.primary_actor = Some(unidentified);
    feb_2023.secondary_actor = Some(Actor::new("Civilians (Togo)", ActorKind::Civilians));

    let mut jul_2024 = make(
        "BRIEF-2024-07-20-KPEKAKANDI",
        DateSpan::day(date(2024, 7, 20)),
        TimePrecision::Day,
        EventKind::Battle,
        6,
    );
    jul_2024.event_type = Some(ArcStr::from("Battles"));
    jul_2024.sub_event_type = Some(ArcStr::from("Non-state actor overtakes territory"));
    jul_2024.primary_actor = Some(Actor::new(
        "JNIM: Group for Support of Islam and Muslims",
        ActorKind::Rebel,
    ));
    jul_2024.secondary_actor = Some(army);

    vec![nov_2022, feb_2023, jul_2024]
}

/// Size of the synthetic part of [`demo_incidents`].
pub const DEMO_SYNTHETIC_SIZE: usize = 20_000;

/// The default demo dataset the main example runs on: [`brief_incidents`] followed by
/// [`DEMO_SYNTHETIC_SIZE`] incidents of the synthetic corridor with its default seed.
///
/// ```
/// use conflict_risk::{DEMO_SYNTHETIC_SIZE, Dataset, demo_incidents};
/// let demo = demo_incidents();
/// assert_eq!(demo.len(), 3 + DEMO_SYNTHETIC_SIZE);
/// assert_eq!(demo.iter().filter(|i| i.dataset == Dataset::Synthetic).count(), DEMO_SYNTHETIC_SIZE);
/// ```
#[must_use]
pub fn demo_incidents() -> Vec<Incident> {
    let mut all = brief_incidents();
    all.extend(CorridorScenario::new(DEMO_SYNTHETIC_SIZE).generate());
    all
}

/// The last day of the demo data: the as-of date the main example reports at.
pub const DEMO_AS_OF: Date = date(2024, 12, 31);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::validate::{IncidentSet, Warning};

    #[test]
    fn brief_incidents_validate_with_coarse_warnings() {
        let (set, report) = IncidentSet::validate(brief_incidents());
        assert_eq!(set.len(), 3);
        assert_eq!(report.warnings.len(), 3);
        assert!(report.warnings.iter().all(|w| matches!(
            w.warning,
            Warning::CoarseLocation {
                precision: GeoPrecision::Region
            }
        )));
        let jul = &set.incidents()[2];
        assert_eq!(jul.date, DateSpan::day(date(2024, 7, 20)));
        assert_eq!(
            jul.primary_actor.as_ref().map(|a| a.kind),
            Some(ActorKind::Rebel)
        );
        assert_eq!(set.incidents()[1].date.days(), 28);
    }

    #[test]
    fn demo_ends_by_the_as_of_date() {
        let (set, report) = IncidentSet::validate(demo_incidents());
        assert!(report.rejected.is_empty());
        let range = set.date_range().expect("non-empty");
        let (first, last) = (range.first_day(), range.last_day());
        assert!(
            first >= date(2018, 1, 1) && last <= DEMO_AS_OF,
            "{first}..{last}"
        );
    }
}
