//! Scenario tests of the tempo, expansion and nexus, built so the answer is known.

use geo::Point;
use jiff::civil::{Date, date};
use rand::{RngExt, SeedableRng};
use rand_pcg::Pcg64Mcg;

use super::*;
use crate::geodesy::{destination, haversine_km};
use crate::incident::{Actor, ActorKind, CountryCode, DateSpan, Incident};
use crate::index::{DateWindow, IncidentIndex};
use crate::validate::IncidentSet;

/// The yearly expansion of every incident in `incidents` over the window.
fn yearly(incidents: &[Incident], from: Date, to: Date) -> Vec<ExpansionStep> {
    let (set, _) = IncidentSet::validate(incidents.to_vec());
    let window = DateWindow::new(from, to).expect("a valid window");
    Expansion::yearly()
        .run(&IncidentIndex::new(&set), window, |_| true)
        .expect("valid")
        .steps
}

/// JNIM meeting Ansaru in `set` over the window.
fn jnim_ansaru(set: &IncidentSet, spec: &Nexus, from: Date, to: Date) -> NexusFindings {
    let window = DateWindow::new(from, to).expect("a valid window");
    spec.run(&IncidentIndex::new(set), &ActorGroups::corridor(), window)
        .expect("valid")
}

fn event(id: String, p: Point<f64>, d: Date, actor: &str) -> Incident {
    let mut i = Incident::new(id.as_str(), p.x(), p.y(), DateSpan::day(d));
    i.primary_actor = Some(Actor::new(actor, ActorKind::Rebel));
    i
}

fn day_in(year: i16, rng: &mut Pcg64Mcg) -> Date {
    date(year, 1, 1)
        .checked_add(jiff::Span::new().days(rng.random_range(0..360)))
        .expect("in range")
}

/// `n` incidents of `actor` in 2022, at random bearings and distances up to `km` from
/// `centre` (ids `{actor}-0`, `{actor}-1`, ...).
fn around(rng: &mut Pcg64Mcg, centre: Point<f64>, km: f64, n: usize, actor: &str) -> Vec<Incident> {
    (0..n)
        .map(|k| {
            let p = destination(
                centre,
                rng.random_range(0.0..360.0),
                rng.random_range(0.0..km),
            );
            event(format!("{actor}-{k}"), p, day_in(2022, rng), actor)
        })
        .collect()
}

/// A group whose activity moves 100 km south every year, 200 incidents a year within
/// 20 km of its centre.
fn moving_south(rng: &mut Pcg64Mcg) -> Vec<Incident> {
    let mut out = Vec::new();
    for (k, year) in (2019..=2023).enumerate() {
        let centre = destination(Point::new(0.5, 13.5), 180.0, 100.0 * k as f64);
        for n in 0..200 {
            let p = destination(
                centre,
                rng.random_range(0.0..360.0),
                rng.random_range(0.0..20.0),
            );
            out.push(event(format!("m{year}-{n}"), p, day_in(year, rng), "JNIM"));
        }
    }
    out
}

#[test]
fn a_group_moving_south_by_100_km_a_year() {
    let mut rng = Pcg64Mcg::seed_from_u64(1);
    let incidents = moving_south(&mut rng);
    let steps = yearly(&incidents, date(2019, 1, 1), date(2023, 12, 31));
    assert_eq!(steps.len(), 5);
    for w in steps.windows(2) {
        let (a, b) = (
            w[0].centroid.expect("active"),
            w[1].centroid.expect("active"),
        );
        let moved = haversine_km(a, b);
        assert!((moved - 100.0).abs() < 5.0, "centroid moved {moved} km");
        assert!(b.y() < a.y());
        let south = w[0].southward_km_to(&w[1]).expect("active");
        assert!((south - 100.0).abs() < 10.0, "p10 moved {south} km");
        // 100 km a year with 20 km of spread: the old cells fall quiet (no 55 km cell
        // reaches across the 60 km gap), new ones open.
        assert_eq!(w[1].change, Some(SpreadKind::Relocation));
        let d = w[1].new_km_from_previous_clusters.expect("new cells");
        assert!(d > 20.0 && d < 110.0, "{d}");
    }
    let total = steps[0].southward_km_to(&steps[4]).expect("active");
    assert!((total - 400.0).abs() < 15.0, "{total}");
    assert!(steps[0].change.is_none());
}

/// `n` JNIM incidents of `year` spread evenly over a disc of `radius` km around `at`.
fn disc(
    rng: &mut Pcg64Mcg,
    prefix: &str,
    at: Point<f64>,
    radius: f64,
    n: usize,
    year: i16,
) -> Vec<Incident> {
    (0..n)
        .map(|k| {
            let p = destination(
                at,
                rng.random_range(0.0..360.0),
                radius * rng.random_range(0.0f64..1.0).sqrt(),
            );
            event(format!("{prefix}{year}-{k}"), p, day_in(year, rng), "JNIM")
        })
        .collect()
}

#[test]
fn a_year_with_fewer_incidents_in_fewer_cells_is_a_decline_not_escalation() {
    // 2020: 400 incidents over a 150 km disc; 2021: 150 over a 125 km disc and a new spot
    // 300 km away: new cells, most old cells still active (escalation by the cell counts
    // alone), but fewer incidents in fewer cells, as JNIM's 2020 in Burkina (events 143 to
    // 79, cells 32 to 27, and called escalation).
    let mut rng = Pcg64Mcg::seed_from_u64(3);
    let mut incidents = Vec::new();
    let centre = Point::new(1.0, 12.0);
    let spots = [(2020, centre, 150.0, 400), (2021, centre, 125.0, 150)];
    let far = destination(centre, 90.0, 300.0);
    for (year, at, radius, n) in spots.into_iter().chain([(2021, far, 10.0, 10)]) {
        let prefix = format!("d{radius}-");
        incidents.extend(disc(&mut rng, &prefix, at, radius, n, year));
    }
    let steps = yearly(&incidents, date(2020, 1, 1), date(2021, 12, 31));
    assert!(steps[1].incidents < steps[0].incidents);
    assert!(steps[1].active_cells < steps[0].active_cells);
    assert!(steps[1].new_cells > 0, "the far spot opens new cells");
    assert!(
        steps[1].retained_cells >= steps[1].quiet_cells,
        "{} retained, {} quiet",
        steps[1].retained_cells,
        steps[1].quiet_cells
    );
    assert_eq!(steps[1].change, Some(SpreadKind::Decline));
    assert_eq!(SpreadKind::Decline.label(), "decline");
}

#[test]
fn a_group_that_grows_in_place_escalates() {
    let mut rng = Pcg64Mcg::seed_from_u64(2);
    let mut incidents = Vec::new();
    for (k, year) in (2020..=2022).enumerate() {
        let radius = 40.0 + 60.0 * k as f64;
        incidents.extend(disc(
            &mut rng,
            "g",
            Point::new(1.0, 12.0),
            radius,
            400,
            year,
        ));
    }
    let steps = yearly(&incidents, date(2020, 1, 1), date(2022, 12, 31));
    assert_eq!(steps[1].change, Some(SpreadKind::Escalation));
    assert_eq!(steps[2].change, Some(SpreadKind::Escalation));
    assert!(steps[2].hull_area_km2 > steps[0].hull_area_km2 * 5.0);
    // A year with no incidents between two active ones: no change is claimed either side.
    let gap: Vec<Incident> = incidents
        .iter()
        .filter(|i| i.date.start.year() != 2021)
        .cloned()
        .collect();
    let steps = yearly(&gap, date(2020, 1, 1), date(2022, 12, 31));
    assert_eq!((steps[1].change, steps[2].change), (None, None));
}

fn two_groups(converge: bool, rng: &mut Pcg64Mcg) -> Vec<Incident> {
    let mut out = Vec::new();
    for (k, year) in (2019..=2023).enumerate() {
        // A at 0.0° E, B at 6.0° E (about 650 km apart); converging, each moves 60 km a
        // year towards the other.
        let step = if converge { 60.0 * k as f64 } else { 0.0 };
        let ca = destination(Point::new(0.0, 11.0), 90.0, step);
        let cb = destination(Point::new(6.0, 11.0), 270.0, step);
        for n in 0..150 {
            let pa = destination(
                ca,
                rng.random_range(0.0..360.0),
                rng.random_range(0.0..25.0),
            );
            let pb = destination(
                cb,
                rng.random_range(0.0..360.0),
                rng.random_range(0.0..25.0),
            );
            out.push(event(format!("a{year}-{n}"), pa, day_in(year, rng), "JNIM"));
            out.push(event(
                format!("b{year}-{n}"),
                pb,
                day_in(year, rng),
                "Ansaru",
            ));
        }
    }
    out
}

#[test]
fn converging_groups_meet_and_distant_ones_never_do() {
    let spec = Nexus::new("JNIM", "Ansaru")
        .and_then(|n| n.permutations(199))
        .expect("valid");
    let mut rng = Pcg64Mcg::seed_from_u64(5);
    let (set, _) = IncidentSet::validate(two_groups(true, &mut rng));
    let n = jnim_ansaru(&set, &spec, date(2019, 1, 1), date(2023, 12, 31));
    assert_eq!((n.incidents.a, n.incidents.b), (750, 750));
    let mins: Vec<f64> = n
        .min_km_by_period
        .iter()
        .map(|p| p.km.expect("both active"))
        .collect();
    // About 650, 530, 410, 290, 170 km between centres, less up to 50 km of spread.
    for w in mins.windows(2) {
        assert!(w[1] < w[0] - 90.0, "{mins:?}");
    }
    assert!(mins[4] < 180.0 && mins[0] > 550.0, "{mins:?}");
    // Still 120 km apart at the end: no pairs within 50 km, no shared cells.
    assert_eq!(n.colocated_pairs, 0);
    assert_eq!(n.cross_k.observed, 0);

    let mut rng = Pcg64Mcg::seed_from_u64(6);
    let (set, _) = IncidentSet::validate(two_groups(false, &mut rng));
    let n = jnim_ansaru(&set, &spec, date(2019, 1, 1), date(2023, 12, 31));
    let mins: Vec<f64> = n
        .min_km_by_period
        .iter()
        .map(|p| p.km.expect("both active"))
        .collect();
    assert!(mins.iter().all(|&d| d > 590.0), "{mins:?}");
    assert_eq!(n.shared_cells, 0);
    // Apart, the groups are far less close than shuffled labels would make them.
    assert!(n.cross_k.expected > 1000.0 && n.cross_k.p_value == 1.0);
}

#[test]
fn groups_that_share_ground_are_closer_than_chance() {
    let groups = ActorGroups::corridor();
    let mut rng = Pcg64Mcg::seed_from_u64(8);
    // A spread over 300 km; B only where A is densest, and A also there.
    let mut incidents = around(&mut rng, Point::new(2.0, 11.0), 300.0, 300, "JNIM");
    for n in 0..100 {
        let pb = destination(
            Point::new(2.0, 11.0),
            rng.random_range(0.0..360.0),
            rng.random_range(0.0..20.0),
        );
        let pa = destination(
            Point::new(2.0, 11.0),
            rng.random_range(0.0..360.0),
            rng.random_range(0.0..20.0),
        );
        incidents.push(event(format!("b{n}"), pb, day_in(2022, &mut rng), "Ansaru"));
        incidents.push(event(format!("c{n}"), pa, day_in(2022, &mut rng), "JNIM"));
    }
    let (set, _) = IncidentSet::validate(incidents);
    let spec = Nexus::new("JNIM", "Ansaru")
        .and_then(|n| n.permutations(199))
        .and_then(|n| n.radius_km(25.0))
        .expect("valid");
    let n = jnim_ansaru(&set, &spec, date(2022, 1, 1), date(2022, 12, 31));
    assert!(
        n.cross_k.observed as f64 > n.cross_k.expected * 1.3,
        "{:?}",
        n.cross_k
    );
    assert!(n.cross_k.p_value <= 0.01, "{:?}", n.cross_k);
    assert!(n.shared_cells > 0 && n.colocated_pairs > 0);
    // The observed count equals a brute-force count of cross pairs by haversine.
    let (a, b): (Vec<&Incident>, Vec<&Incident>) =
        set.incidents().iter().partition(|i| groups.involves(0, i));
    let brute = a
        .iter()
        .flat_map(|x| b.iter().map(move |y| haversine_km(x.point(), y.point())))
        .filter(|&d| d <= 25.0)
        .count() as u64;
    assert_eq!(n.cross_k.observed, brute);
}

#[test]
fn tempo_counts_and_trends_by_hand() {
    let groups = ActorGroups::corridor();
    let mut incidents = Vec::new();
    // k incidents in month k of 2023 (1..=12), then 2k in 2024: a rising tempo.
    for (year, factor) in [(2023i16, 1u64), (2024, 2)] {
        for m in 1..=12i8 {
            for n in 0..(u64::from(m as u8) * factor) {
                let mut i = event(
                    format!("{year}-{m}-{n}"),
                    Point::new(1.0, 11.0),
                    date(year, m, 10),
                    "JNIM",
                );
                i.country = CountryCode::new(if m % 2 == 0 { "TGO" } else { "BFA" });
                incidents.push(i);
            }
        }
    }
    let (set, _) = IncidentSet::validate(incidents);
    let window = DateWindow::new(date(2023, 1, 1), date(2024, 12, 31)).expect("valid");
    let t = Tempo::new(groups).run(&IncidentIndex::new(&set), window);
    assert_eq!(t.incidents[0], 1);
    assert_eq!(t.incidents[23], 24);
    assert_eq!(t.by_group["JNIM"].iter().sum::<u64>(), 78 + 156);
    assert_eq!(t.by_country["TGO"][1], 2);
    let yoy = t.year_on_year(None).expect("24 months");
    assert!(t.year_on_year(Some(&t.incidents[..23])).is_none());
    assert_eq!((yoy.last_12, yoy.previous_12), (156, 78));
    assert!((yoy.change_pct.expect("a base") - 100.0).abs() < 1e-12);
    assert!(yoy.p_value < 1e-6);
    let mk = t.trend(None, 24).expect("valid");
    assert!(mk.p < 0.001 && mk.slope > 0.0);
}

#[test]
fn aliases_match_whole_words_and_countries() {
    let groups = ActorGroups::corridor();
    let at = |actor: &str, country: &str| {
        let mut i = event("x".into(), Point::new(0.0, 10.0), date(2023, 1, 1), actor);
        i.country = CountryCode::new(country);
        groups
            .names_of(&i)
            .into_iter()
            .map(str::to_string)
            .collect::<Vec<_>>()
    };
    assert_eq!(at("IS", "BFA"), vec!["IS Sahel"]);
    assert_eq!(at("IS", "NGA"), vec!["ISWAP"]);
    assert!(at("Ansaroul Islam", "BFA").is_empty());
    assert!(at("Crisis group", "BFA").is_empty());
    assert_eq!(
        at("Jama'atu Ahlis Sunna Lidda'awati wal-Jihad", "NGA"),
        vec!["Boko Haram/JAS"]
    );
    assert_eq!(
        at("Military Forces of Togo (2020-)", "TGO"),
        vec!["State forces"]
    );
    // UCDP's bare "IS" is matched whole, not as a word inside another name.
    assert_eq!(
        at(
            "Boko Haram - Jamaatu Ahli is-Sunnah lid-Dawati wal-Jihad",
            "NGA"
        ),
        vec!["Boko Haram/JAS"]
    );
    let custom = groups.with_group("Ansaru", &["ansaroul islam"]);
    let mut i = event(
        "x".into(),
        Point::new(0.0, 10.0),
        date(2023, 1, 1),
        "Ansaroul Islam",
    );
    i.country = CountryCode::new("BFA");
    assert_eq!(custom.names_of(&i), vec!["Ansaru"]);
}

#[test]
fn group_names_match_whatever_the_apostrophes_and_punctuation() {
    // From a new user's trial: JNIM with a curly apostrophe and no "JNIM:" prefix, or without
    // punctuation, and ACLED's "Islamic State (Sahel)", all went unmatched.
    use crate::incident::{Actor, ActorKind, DateSpan, Incident};
    let groups = ActorGroups::corridor();
    let named = |name: &str| {
        let mut i = Incident::new(
            "x",
            -1.5,
            12.4,
            DateSpan::day(jiff::civil::date(2024, 1, 1)),
        );
        i.country = crate::incident::CountryCode::new("BFA");
        i.primary_actor = Some(Actor::new(name, ActorKind::Rebel));
        groups.names_of(&i)
    };
    for jnim in [
        "Jama’at Nusrat al-Islam wal-Muslimin",
        "Jamaat Nusrat al Islam wal Muslimin",
        "JAMA'AT NUSRAT AL-ISLAM WAL-MUSLIMIN",
        "JNIM: Group for Support of Islam and Muslims",
    ] {
        assert_eq!(named(jnim), vec!["JNIM"], "{jnim}");
    }
    assert_eq!(named("Islamic State (Sahel)"), vec!["IS Sahel"]);
    assert_eq!(named("Islamic State Sahel Province"), vec!["IS Sahel"]);
    assert!(named("Jamaat Islamiya").is_empty());
}

/// Two groups in clumps over two years, with partners placed exactly `km` away and exactly
/// `days` after, and some incidents naming both groups.
fn clumped_pairs(seed: u64, km: f64, days: i64) -> Vec<Incident> {
    let mut rng = Pcg64Mcg::seed_from_u64(seed);
    let mut out = Vec::new();
    let mut n = 0;
    let mut push = |p: Point<f64>, d: Date, actor: &str, second: Option<&str>| {
        let mut i = event(format!("e{n}"), p, d, actor);
        if let Some(s) = second {
            i.secondary_actor = Some(Actor::new(s, ActorKind::Rebel));
        }
        out.push(i);
        n += 1;
    };
    for _ in 0..25 {
        let centre = Point::new(rng.random_range(0.0..2.0), rng.random_range(10.0..12.0));
        let start = date(2022, 1, 1)
            .checked_add(jiff::Span::new().days(rng.random_range(0..600)))
            .expect("in range");
        for _ in 0..rng.random_range(5..40) {
            let p = destination(
                centre,
                rng.random_range(0.0..360.0),
                rng.random_range(0.0..km),
            );
            let d = start
                .checked_add(jiff::Span::new().days(rng.random_range(0..2 * days.max(1))))
                .expect("in range");
            let (actor, second) = match rng.random_range(0..10) {
                0 => ("JNIM", Some("Ansaru")),
                1..=5 => ("JNIM", None),
                _ => ("Ansaru", None),
            };
            push(p, d, actor, second);
            if rng.random_range(0..3) == 0 {
                // On both limits: exactly `km` away and `days` later.
                let q = destination(p, rng.random_range(0.0..360.0), km);
                let later = d
                    .checked_add(jiff::Span::new().days(days))
                    .expect("in range");
                push(
                    q,
                    later,
                    if actor == "JNIM" { "Ansaru" } else { "JNIM" },
                    None,
                );
            }
        }
    }
    out
}

#[test]
fn co_located_and_cross_k_counts_equal_a_brute_force_pair_count() {
    use crate::geodesy::{dist2, km_to_chord2, unit_vector};
    let groups = ActorGroups::corridor();
    for seed in 0..8u64 {
        let (km, days) = (15.0 + 10.0 * seed as f64, [0i64, 1, 30][seed as usize % 3]);
        let (set, _) = IncidentSet::validate(clumped_pairs(seed, km, days));
        let spec = Nexus::new("JNIM", "Ansaru")
            .and_then(|n| n.pairs_within(km, days as u32))
            .and_then(|n| n.radius_km(km))
            .expect("valid");
        let n = jnim_ansaru(&set, &spec, date(2022, 1, 1), date(2023, 12, 31));
        let incidents = set.incidents();
        let (ja, an) = (
            groups.position("JNIM").expect("a group"),
            groups.position("Ansaru").expect("a group"),
        );
        let chord_2 = km_to_chord2(km);
        let day = |d: Date| i64::from(d.since(date(2000, 1, 1)).expect("in range").get_days());
        let v: Vec<([f64; 3], i64, i64, bool, bool)> = incidents
            .iter()
            .map(|i| {
                (
                    unit_vector(i.point()),
                    day(i.date.start),
                    day(i.date.end),
                    groups.involves(ja, i),
                    groups.involves(an, i),
                )
            })
            .collect();
        let (mut colocated, mut cross, mut on_limit) = (0u64, 0u64, 0);
        for (x, &(pa, sa, ea, a_ja, a_an)) in v.iter().enumerate() {
            for (y, &(pb, sb, eb, b_ja, b_an)) in v.iter().enumerate() {
                let d2 = dist2(&pa, &pb);
                let near = d2 <= chord_2;
                on_limit += usize::from((d2 - chord_2).abs() < 1e-12);
                if x != y && a_ja && b_an && near && sb - ea <= days && sa - eb <= days {
                    colocated += 1;
                }
                if a_ja && !a_an && b_an && !b_ja && near {
                    cross += 1;
                }
            }
        }
        assert!(on_limit > 0, "seed {seed}: no pair on the distance limit");
        assert_eq!(n.colocated_pairs, colocated, "seed {seed}");
        assert_eq!(n.cross_k.observed, cross, "seed {seed}");
        // Several pairs at once (groups in two pairs counted once, incidents of both groups
        // taken out through their own counts) give what each pair gives alone, test and all.
        let at = |a: &str, b: &str| Nexus::new(a, b).and_then(|n| n.radius_km(km));
        let pairs = [
            spec.clone(),
            at("JNIM", "IS Sahel").expect("valid"),
            at("IS Sahel", "Ansaru").expect("valid"),
            spec.clone().permutations(99).expect("valid"),
            Nexus::new("JNIM", "Ansaru").expect("valid"),
        ];
        let index = IncidentIndex::new(&set);
        let window = DateWindow::new(date(2022, 1, 1), date(2023, 12, 31)).expect("valid");
        let all = Nexus::run_all(&pairs, &index, &groups, window).expect("runs");
        for (pair, found) in pairs.iter().zip(&all) {
            let alone = pair.run(&index, &groups, window).expect("runs");
            assert_eq!(found, &alone, "seed {seed}");
        }
        assert_eq!(all[0].cross_k.observed, cross, "seed {seed}");
    }
}

#[test]
fn the_normal_cross_k_test_agrees_with_9999_shuffles() {
    // Three scenarios: groups sharing ground, independent, and apart.
    for (seed, shift_km) in [(21u64, 0.0), (22, 40.0), (23, 150.0)] {
        let mut rng = Pcg64Mcg::seed_from_u64(seed);
        let centre = destination(Point::new(1.0, 11.0), 90.0, shift_km);
        let mut incidents = around(&mut rng, Point::new(1.0, 11.0), 120.0, 120, "JNIM");
        incidents.extend(around(&mut rng, centre, 60.0, 80, "Ansaru"));
        let (set, _) = IncidentSet::validate(incidents);
        let base = Nexus::new("JNIM", "Ansaru")
            .and_then(|n| n.radius_km(30.0))
            .expect("valid");
        let normal = jnim_ansaru(&set, &base, date(2022, 1, 1), date(2022, 12, 31)).cross_k;
        let shuffled = jnim_ansaru(
            &set,
            &base.clone().permutations(9_999).expect("valid"),
            date(2022, 1, 1),
            date(2022, 12, 31),
        )
        .cross_k;
        assert_eq!(normal.test, CrossKTest::Normal);
        assert_eq!(shuffled.test, CrossKTest::Shuffles(9_999));
        assert_eq!(normal.observed, shuffled.observed);
        // The shuffles' mean and sd estimate the exact moments: within 4 standard errors
        // (the mean's is sd/√9999; the sd's about sd/√(2·9999)), and 5% for the sd's
        // non-normal spread.
        let se = normal.sd / 9_999f64.sqrt();
        assert!(
            (shuffled.expected - normal.expected).abs() <= 4.0 * se,
            "{seed}: {normal:?} {shuffled:?}"
        );
        assert!(
            (shuffled.sd / normal.sd - 1.0).abs() <= 0.05,
            "{seed}: {normal:?} {shuffled:?}"
        );
        // The p-values: within 4 Monte-Carlo standard errors of p, plus 0.02 for the normal
        // approximation of a count's tail.
        let p = shuffled.p_value;
        let mc = (p * (1.0 - p) / 9_999.0).sqrt();
        assert!(
            (normal.p_value - p).abs() <= 4.0 * mc + 0.02,
            "{seed}: normal p {} against shuffled p {p}",
            normal.p_value
        );
    }
}

#[test]
fn the_remembering_matcher_agrees_with_the_groups_on_every_incident() {
    let groups = ActorGroups::corridor();
    let mut incidents = crate::synthetic::CorridorScenario::new(3_000).generate();
    // UCDP's bare "IS": IS Sahel outside Nigeria, ISWAP inside; the same name in both.
    let is = crate::ArcStr::from("IS");
    for (k, country) in ["NGA", "BFA", "NER", "NGA"].into_iter().enumerate() {
        let mut i = event(
            format!("is{k}"),
            Point::new(3.0, 12.0),
            date(2023, 1, 1),
            "x",
        );
        i.primary_actor = Some(Actor {
            name: is.clone(),
            kind: ActorKind::Rebel,
        });
        i.secondary_actor = Some(Actor::new("Military Forces of Nigeria", ActorKind::State));
        i.country = CountryCode::new(country);
        incidents.push(i);
    }
    let mut matcher = GroupMatcher::new(&groups);
    for i in &incidents {
        assert_eq!(matcher.names_of(i), groups.names_of(i), "{:?}", i.source_id);
        for g in 0..groups.groups().len() + 1 {
            assert_eq!(matcher.involves(g, i), groups.involves(g, i));
        }
    }
    let nga = &incidents[incidents.len() - 1];
    assert!(
        matcher.names_of(nga).contains(&"ISWAP"),
        "{:?}",
        matcher.names_of(nga)
    );
    let bfa = &incidents[incidents.len() - 3];
    assert!(
        matcher.names_of(bfa).contains(&"IS Sahel"),
        "{:?}",
        matcher.names_of(bfa)
    );
}
