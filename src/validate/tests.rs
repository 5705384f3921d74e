//! Validation on hand-built incidents.

use super::*;
use crate::incident::{DateSpan, Fatalities, GeoPrecision};
use jiff::civil::date;

fn ok(id: &str) -> Incident {
    Incident::new(id, 1.0, 11.0, DateSpan::day(date(2023, 1, 1)))
}

#[test]
fn every_problem_has_its_report_entry() {
    let mut nan_lon = ok("nan-lon");
    nan_lon.lon = f64::NAN;
    let mut inf_lat = ok("inf-lat");
    inf_lat.lat = f64::INFINITY;
    let mut lat_range = ok("lat-range");
    lat_range.lat = 91.0;
    let mut lon_range = ok("lon-range");
    lon_range.lon = -180.5;
    let mut null = ok("null");
    null.lon = 0.0;
    null.lat = 0.0;
    let mut backwards = ok("backwards");
    backwards.date = DateSpan::new(date(2023, 5, 2), date(2023, 5, 1));
    let mut negative = ok("negative");
    negative.fatalities = Fatalities {
        best: -1,
        low: Some(-2),
        high: Some(3),
    };
    let empty = ok("");
    let dup = ok("good");
    let incidents = vec![
        ok("good"),
        nan_lon,
        inf_lat,
        lat_range,
        lon_range,
        null,
        backwards,
        negative,
        empty,
        dup,
    ];
    let (set, report) = IncidentSet::validate(incidents);
    assert_eq!(set.len(), 1);
    assert_eq!(report.seen, 10);
    assert_eq!(report.accepted + report.rejected.len(), report.seen);
    let got: Vec<(usize, Vec<Problem>)> = report
        .rejected
        .iter()
        .map(|r| (r.input_index, r.problems.clone()))
        .collect();
    let want = vec![
        (
            1,
            vec![Problem::NonFiniteCoordinate {
                field: "longitude",
                value: f64::NAN,
            }],
        ),
        (
            2,
            vec![Problem::NonFiniteCoordinate {
                field: "latitude",
                value: f64::INFINITY,
            }],
        ),
        (3, vec![Problem::LatitudeOutOfRange { value: 91.0 }]),
        (4, vec![Problem::LongitudeOutOfRange { value: -180.5 }]),
        (5, vec![Problem::NullIsland]),
        (
            6,
            vec![Problem::EndBeforeStart {
                start: date(2023, 5, 2),
                end: date(2023, 5, 1),
            }],
        ),
        (
            7,
            vec![
                Problem::NegativeFatalities {
                    field: "best",
                    value: -1,
                },
                Problem::NegativeFatalities {
                    field: "low",
                    value: -2,
                },
            ],
        ),
        (8, vec![Problem::EmptyId]),
        (
            9,
            vec![Problem::DuplicateId {
                first_input_index: 0,
            }],
        ),
    ];
    // NaN != NaN, so compare the NaN entry by its text.
    assert_eq!(got.len(), want.len());
    for ((gi, gp), (wi, wp)) in got.iter().zip(&want) {
        assert_eq!(gi, wi);
        assert_eq!(format!("{gp:?}"), format!("{wp:?}"));
    }
    let text = report.to_string();
    assert!(
        text.contains("10 incidents seen, 1 accepted, 9 rejected"),
        "{text}"
    );
    assert!(text.contains("rejected #3 (lat-range), latitude: latitude 91 is outside [-90, 90]"));
}

#[test]
fn all_problems_of_one_incident_are_reported() {
    let mut bad = ok("");
    bad.lon = 200.0;
    bad.lat = f64::NAN;
    bad.date = DateSpan::new(date(2023, 5, 2), date(2023, 5, 1));
    bad.fatalities.high = Some(-4);
    let (_, report) = IncidentSet::validate(vec![bad]);
    let fields: Vec<&str> = report.rejected[0]
        .problems
        .iter()
        .map(Problem::field)
        .collect();
    assert_eq!(
        fields,
        ["source_id", "longitude", "latitude", "date", "fatalities"]
    );
}

#[test]
fn a_rejected_incident_does_not_claim_its_id() {
    let mut bad = ok("same");
    bad.lat = 100.0;
    let (set, report) = IncidentSet::validate(vec![bad, ok("same")]);
    assert_eq!(set.len(), 1);
    assert_eq!(report.rejected.len(), 1);
    assert_eq!(report.rejected[0].input_index, 0);
}

#[test]
fn warnings_are_kept_with_their_ids() {
    let mut coarse = ok("coarse");
    coarse.geo_precision = GeoPrecision::Region;
    let mut bounds = ok("bounds");
    bounds.fatalities = Fatalities {
        best: 5,
        low: Some(6),
        high: None,
    };
    let (set, report) = IncidentSet::validate(vec![ok("a"), coarse, bounds]);
    assert_eq!(set.len(), 3);
    assert!(report.rejected.is_empty());
    let w: Vec<(usize, IncidentId)> = report
        .warnings
        .iter()
        .map(|f| (f.input_index, f.id))
        .collect();
    assert_eq!(w, [(1, IncidentId::new(1)), (2, IncidentId::new(2))]);
    let json = serde_json::to_string(&report).expect("report serialises");
    assert!(json.contains("\"warning\":\"coarse_location\""), "{json}");
}

#[test]
fn strict_names_the_first_bad_incident_and_field() {
    let mut late = ok("late");
    late.lat = -95.0;
    let err = IncidentSet::validate_strict(vec![ok("a"), ok("a"), late]).expect_err("duplicate id");
    assert_eq!(
        err.to_string(),
        "incident #1 (source id \"a\"), field `source_id`: source id already used by \
         incident #0, which is kept"
    );
    assert!(IncidentSet::validate_strict(vec![ok("a"), ok("b")]).is_ok());
}

#[test]
fn display_summarises_and_alternate_lists_all() {
    let many: Vec<Incident> = (0..25)
        .map(|k| {
            let mut i = ok(&format!("c{k}"));
            i.geo_precision = GeoPrecision::Country;
            i
        })
        .collect();
    let (_, report) = IncidentSet::validate(many);
    let short = report.to_string();
    assert!(short.contains("warnings, coarse location (region or country level): 25"));
    assert_eq!(short.matches("  warning  #").count(), 10, "{short}");
    assert!(short.contains("... 15 more entries"), "{short}");
    let long = format!("{report:#}");
    assert_eq!(long.matches("  warning  #").count(), 25);
    assert!(!long.contains("more entries"));
}

#[test]
fn empty_input_gives_empty_set() {
    let (set, report) = IncidentSet::validate(Vec::new());
    assert!(set.is_empty() && report.is_clean() && report.seen == 0);
    assert_eq!(set.date_range(), None);
}

#[test]
fn suspicious_dates_and_figures_are_kept_with_a_warning() {
    // Each of these passed without a word before: a span to year 9999, a year read in the
    // wrong century, an implausible death toll.
    let mut to_9999 = ok("to_9999");
    to_9999.date.end = date(9999, 12, 31);
    let mut year_366 = ok("year_366");
    year_366.date = DateSpan::new(date(2023, 1, 1), date(2024, 1, 1));
    let mut year_367 = ok("year_367");
    year_367.date = DateSpan::new(date(2023, 1, 1), date(2024, 1, 2));
    let mut early = ok("early");
    early.date = DateSpan::day(date(1921, 3, 4));
    let mut in_1946 = ok("in_1946");
    in_1946.date = DateSpan::day(date(1946, 1, 1));
    let mut deaths = ok("deaths");
    deaths.fatalities.best = i32::MAX;
    let mut ten_thousand = ok("ten_thousand");
    ten_thousand.fatalities.best = 10_000;
    let (set, report) = IncidentSet::validate(vec![
        to_9999,
        year_366,
        year_367,
        early,
        in_1946,
        deaths,
        ten_thousand,
    ]);
    assert_eq!(set.len(), 7, "suspicious incidents are kept");
    let flagged: Vec<(&str, &Warning)> = report
        .warnings
        .iter()
        .map(|w| (w.source_id.as_str(), &w.warning))
        .collect();
    assert_eq!(flagged.len(), 4, "{flagged:?}");
    assert!(matches!(flagged[0], ("to_9999", Warning::LongSpan { days }) if *days > 2_900_000));
    assert_eq!(flagged[1], ("year_367", &Warning::LongSpan { days: 367 }));
    assert_eq!(
        flagged[2],
        (
            "early",
            &Warning::EarlyDate {
                start: date(1921, 3, 4)
            }
        )
    );
    assert_eq!(
        flagged[3],
        ("deaths", &Warning::ManyFatalities { best: i32::MAX })
    );
    assert_eq!(flagged[3].1.field(), "fatalities");
    assert_eq!(flagged[0].1.field(), "date");
    let text = flagged[2].1.to_string();
    assert!(
        text.contains("1921-03-04") && text.contains("1946"),
        "{text}"
    );
}
