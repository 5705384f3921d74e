//! Tables shaped as the files analysts hold are (tests/fixtures/make_exports.py writes them,
//! with invented events): old ACLED downloads saved by European Excel (Windows-1252, `;`,
//! CRLF, day first, a decimal comma), US Excel saves (month first, two-digit years, CR-only
//! line ends, an index column, no id), Excel's own date forms in UTF-16, `|` tables, UCDP
//! re-saved day first, a stray quote, gzip and zip, and the files that must be refused.

mod common;

use common::fixture;
use conflict_risk::io::Format;
use conflict_risk::jiff::civil::{Date, date};
use conflict_risk::{DateOrder, Encoding, Loaded, ReadOptions, read_path};

fn read(name: &str) -> Loaded {
    read_path(fixture(name), ReadOptions::new()).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn refusal(name: &str) -> String {
    match read_path(fixture(name), ReadOptions::new()) {
        Ok(l) => panic!("{name} should be refused, read {}", l.report),
        Err(e) => e.to_string(),
    }
}

fn starts(l: &Loaded) -> Vec<Date> {
    l.incidents.iter().map(|i| i.date.start).collect()
}

/// (line, field, message) of every warning.
fn warnings(l: &Loaded) -> Vec<(u64, &str, &str)> {
    l.report
        .warnings
        .iter()
        .map(|w| (w.line, w.field.as_str(), w.message.as_str()))
        .collect()
}

#[test]
fn an_old_acled_download_saved_by_european_excel() {
    let l = read("acled_old_download_cp1252.csv");
    let r = &l.report;
    assert_eq!(r.format, Format::AcledCsv);
    assert!(r.layout.contains("early download"), "{}", r.layout);
    assert_eq!((r.rows_seen, r.accepted, r.rejected.len()), (5, 4, 1));
    assert_eq!(r.encoding, Encoding::Windows1252);
    assert_eq!(r.text_form(), "Windows-1252, ';'-separated, CRLF line ends");
    let dates = r.dates.as_ref().expect("dates read");
    assert_eq!(dates.order, Some(DateOrder::DayMonth));
    assert_eq!(
        starts(&l),
        [
            date(2011, 2, 16),
            date(2011, 4, 3),
            date(2011, 12, 25),
            date(2011, 6, 5)
        ]
    );
    // The curly apostrophe (0x92) is U+2019, never U+FFFD, and no row is lost for it.
    let actor = |k: usize| {
        l.incidents[k]
            .primary_actor
            .as_ref()
            .map(|a| a.name.to_string())
    };
    assert_eq!(
        actor(0).as_deref(),
        Some("Jama\u{2019}atu Ahlis Invented Group")
    );
    // R's NA is no actor, not an actor named "NA"; N/A deaths are missing, taken as 0.
    assert_eq!(actor(3), None);
    assert_eq!(l.incidents[3].fatalities.best, 0);
    // A decimal comma in a ';' file, upper-case aliases (TOTAL_FATALITIES, ALLY_ACTOR_1).
    assert_eq!((l.incidents[0].lat, l.incidents[0].lon), (11.85, 13.16));
    assert_eq!(l.incidents[0].fatalities.best, 12);
    assert_eq!(
        l.incidents[0].country.map(|c| c.to_string()).as_deref(),
        Some("NGA")
    );
    // 31 February is no date in the file's order, and the reason says which order and why.
    assert_eq!(r.rejected[0].line, 6);
    let p = &r.rejected[0].problems[0];
    assert_eq!(
        (p.field.as_str(), p.value.as_str()),
        ("event_date", "31/02/2011")
    );
    assert!(
        p.reason.contains("day/month/year") && p.reason.contains("line 2: 16/02/2011"),
        "{}",
        p.reason
    );
    // A date that disagrees with the YEAR column is kept, with a warning.
    let w = warnings(&l);
    assert!(
        w.contains(&(
            4,
            "year",
            "the date 2011-12-25 is in 2011, but the year column says 2012"
        )),
        "{w:?}"
    );
}

#[test]
fn a_us_excel_save_with_cr_line_ends_and_no_id() {
    let l = read("acled_us_excel_cr.csv");
    let r = &l.report;
    assert_eq!((r.rows_seen, r.accepted), (4, 4));
    assert_eq!(r.text_form(), "UTF-8, ','-separated, CR line ends");
    assert_eq!(
        r.dates.as_ref().and_then(|d| d.order),
        Some(DateOrder::MonthDay)
    );
    assert_eq!(
        starts(&l),
        [
            date(2021, 2, 16),
            date(2021, 12, 30),
            date(2022, 1, 5),
            date(2022, 7, 4)
        ]
    );
    // Line numbers are right with CR-only line ends; ids are the line numbers, said once.
    assert_eq!(l.lines, [2, 3, 4, 5]);
    let ids: Vec<&str> = l.incidents.iter().map(|i| i.source_id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "acled_us_excel_cr.csv:2",
            "acled_us_excel_cr.csv:3",
            "acled_us_excel_cr.csv:4",
            "acled_us_excel_cr.csv:5"
        ]
    );
    assert_eq!(r.notes.len(), 1);
    assert!(r.notes[0].contains("no id column"), "{}", r.notes[0]);
    // A Togo event at latitude -10.9 is kept, with a warning.
    assert_eq!(
        warnings(&l),
        [(
            5,
            "latitude, longitude",
            "(-10.9, 0.8) lies outside TGO (latitude 6.09 to 11.12, longitude -0.09 to 1.78): \
             is the position or the country wrong?"
        )]
    );
}

#[test]
fn excel_date_forms_in_a_utf16_tab_file() {
    let l = read("acled_excel_dates_utf16.tsv");
    let r = &l.report;
    assert_eq!((r.rows_seen, r.accepted), (6, 6));
    assert_eq!(r.text_form(), "UTF-16LE, tab-separated, CRLF line ends");
    assert_eq!(
        starts(&l),
        [
            date(2021, 2, 16),
            date(2022, 9, 12),
            date(2020, 5, 9),
            date(2021, 2, 16), // Excel serial 44243
            date(2021, 2, 16),
            date(2022, 9, 12), // French month name
        ]
    );
    let forms: Vec<(&str, u64)> = r
        .dates
        .as_ref()
        .expect("dates")
        .forms
        .iter()
        .map(|(f, n)| (f.as_str(), *n))
        .collect();
    assert_eq!(
        forms,
        [
            ("D-Mon-YY", 3),
            ("Excel serial number", 1),
            ("YYYY-MM-DD with a time", 1),
            ("D Month YYYY", 1)
        ]
    );
    assert_eq!(
        r.dates.as_ref().and_then(|d| d.order),
        None,
        "no numeric dates"
    );
}

#[test]
fn compact_and_two_digit_dates_in_a_pipe_file() {
    let l = read("acled_compact_pipe.csv");
    assert_eq!(l.report.separator, Some('|'));
    assert_eq!(
        starts(&l),
        [date(2020, 12, 31), date(2019, 12, 31), date(2019, 2, 1)]
    );
    assert!(l.report.warnings.is_empty(), "{}", l.report);
}

#[test]
fn ucdp_saved_day_first_reads_5_july_as_5_july() {
    // The symptom: 05/07/2023 was read as 7 May without a word while 20/07/2023 was rejected.
    let l = read("ucdp_european_excel.csv");
    assert_eq!(l.report.accepted, 3);
    let spans: Vec<(Date, Date)> = l
        .incidents
        .iter()
        .map(|i| (i.date.start, i.date.end))
        .collect();
    assert_eq!(
        spans,
        [
            (date(2023, 7, 5), date(2023, 7, 5)),
            (date(2023, 7, 20), date(2023, 7, 21)),
            (date(2023, 8, 11), date(2023, 8, 11)),
        ]
    );
}

#[test]
fn a_file_nothing_settles_is_refused_naming_the_option_that_does() {
    let err = refusal("acled_ambiguous_dates.csv");
    assert!(err.contains("line 2: 05/07/2023"), "{err}");
    assert!(err.contains("ReadOptions::date_order"), "{err}");
    assert!(err.contains("--date-order dmy"), "{err}");
    let dmy = read_path(
        fixture("acled_ambiguous_dates.csv"),
        ReadOptions::new().date_order(DateOrder::DayMonth),
    )
    .expect("settled");
    assert_eq!(starts(&dmy), [date(2023, 7, 5), date(2023, 4, 3)]);
    let r = dmy.report.dates.as_ref().expect("dates");
    assert_eq!(r.order_from.as_deref(), Some("as asked"));
    let mdy = read_path(
        fixture("acled_ambiguous_dates.csv"),
        ReadOptions::new().date_order(DateOrder::MonthDay),
    )
    .expect("settled");
    assert_eq!(starts(&mdy), [date(2023, 5, 7), date(2023, 3, 4)]);
}

#[test]
fn a_stray_quote_is_reported_where_it_opens_with_the_lines_it_swallowed() {
    let l = read("acled_stray_quote.csv");
    let r = &l.report;
    // Every swallowed line counts as a row not read: 5 rows, not the 2 records the quote left.
    assert_eq!((r.rows_seen, r.accepted, r.rejected.len()), (5, 1, 4));
    let lines: Vec<u64> = r.rejected.iter().map(|r| r.line).collect();
    assert_eq!(lines, [3, 4, 5, 6]);
    assert!(
        r.rejected[1].problems[0]
            .reason
            .starts_with("swallowed by the quote opened on line 3")
    );
    let p = &r.rejected[0].problems[0];
    assert_eq!(
        (p.field.as_str(), p.value.as_str()),
        ("record", "lines 3-6")
    );
    assert!(
        p.reason
            .starts_with("a quote opened on line 3 is not closed where its field ends: it swallows the next 3 lines"),
        "{}",
        p.reason
    );
}

#[test]
fn gzip_and_zip_hold_the_table() {
    for (name, container) in [
        ("acled_small.csv.gz", "gzip"),
        ("acled_small.zip", "zip, member export/acled_small.csv"),
    ] {
        let l = read(name);
        assert_eq!(l.report.accepted, 2, "{name}");
        assert_eq!(l.report.container.as_deref(), Some(container));
        assert_eq!(l.lines, [2, 3]);
    }
}

#[test]
fn refusals_say_what_is_wrong_and_name_the_columns_found() {
    let err = refusal("hdx_aggregated.csv");
    assert!(err.contains("aggregated counts, not events"), "{err}");
    assert!(err.contains("`events`, `fatalities`"), "{err}");
    let err = refusal("acled_no_coordinates.csv");
    assert!(
        err.contains("acled_no_coordinates.csv: no latitude column"),
        "{err}"
    );
    assert!(err.contains("`event_id_cnty`, `event_date`"), "{err}");
}

#[test]
fn an_asked_encoding_overrides_the_guess() {
    // Read as UTF-8, the Windows-1252 bytes are not text: those rows are rejected, saying so.
    let l = read_path(
        fixture("acled_old_download_cp1252.csv"),
        ReadOptions::new().encoding(Encoding::Utf8),
    )
    .expect("read");
    assert_eq!(l.report.encoding, Encoding::Utf8);
    assert!(l.report.rejected.iter().any(|r| {
        r.problems
            .iter()
            .any(|p| p.reason == "not valid UTF-8 text")
    }));
}

#[test]
fn suspicious_values_are_kept_with_a_warning() {
    // A year-9999 typo, a date in the future, a death toll of 2,147,483,647, a year 1921.
    let csv = "event_id_cnty,event_date,latitude,longitude,fatalities,country\n\
               S1,9999-12-31,12.37,-1.52,1,Burkina Faso\n\
               S2,2099-01-01,12.37,-1.52,1,Burkina Faso\n\
               S3,2023-01-01,12.37,-1.52,2147483647,Burkina Faso\n\
               S4,1921-03-04,12.37,-1.52,0,Burkina Faso\n";
    let l = conflict_risk::read_acled(csv.as_bytes(), ReadOptions::new()).expect("read");
    assert_eq!(l.report.accepted, 4);
    let w: Vec<(u64, &str)> = l
        .report
        .warnings
        .iter()
        .map(|w| (w.line, w.field.as_str()))
        .collect();
    assert_eq!(
        w,
        [(2, "date"), (3, "date"), (4, "fatalities"), (5, "date")]
    );
    assert!(
        l.report.warnings[1]
            .message
            .contains("more than a year after today")
    );
    assert!(l.report.warnings[2].message.contains("2147483647 deaths"));
    assert!(l.report.warnings[3].message.contains("before 1946"));
}

fn read_text(text: &str, options: ReadOptions) -> conflict_risk::Result<Loaded> {
    conflict_risk::read_any(text.as_bytes(), options)
}

const HEAD: &str = "event_id_cnty,event_date,latitude,longitude,fatalities\n";

#[test]
fn a_file_that_settles_its_order_is_read_in_it_whatever_was_asked() {
    // --date-order applies to files that do not say; this one says day first (25/12).
    let text = format!("{HEAD}A1,25/12/2022,12.3,-1.5,1\nA2,01/10/2022,12.3,-1.5,1\n");
    let l = read_text(&text, ReadOptions::new().date_order(DateOrder::MonthDay)).expect("read");
    assert_eq!(starts(&l), [date(2022, 12, 25), date(2022, 10, 1)]);
    assert_eq!(l.report.notes.len(), 1, "{}", l.report);
    assert!(
        l.report.notes[0].starts_with("dates read day/month/year, not month/day/year as asked"),
        "{}",
        l.report.notes[0]
    );
}

#[test]
fn a_file_that_writes_both_orders_is_refused() {
    let mut text = HEAD.to_string();
    for k in 1..=5 {
        text.push_str(&format!("D{k},2{k}/0{k}/2022,12.3,-1.5,1\n")); // day first
        text.push_str(&format!("M{k},0{k}/2{k}/2022,12.3,-1.5,1\n")); // month first
    }
    let err = read_text(&text, ReadOptions::new()).expect_err("mixed");
    let err = err.to_string();
    assert!(
        err.contains("written both day first and month first"),
        "{err}"
    );
    // One stray row in a long file is that row's problem, not the file's.
    let mut text = HEAD.to_string();
    for k in 0..30 {
        text.push_str(&format!(
            "D{k},{}/0{}/2022,12.3,-1.5,1\n",
            13 + k % 15,
            1 + k % 9
        ));
    }
    text.push_str("STRAY,07/20/2022,12.3,-1.5,1\n");
    let l = read_text(&text, ReadOptions::new()).expect("read");
    assert_eq!((l.report.accepted, l.report.rejected.len()), (30, 1));
    assert_eq!(l.report.rejected[0].line, 32);
}

#[test]
fn a_date_no_order_can_read_is_that_rows_problem() {
    // 32/13/2022 is no date either way: it must not make the file look undecided.
    let text = format!("{HEAD}B1,32/13/2022,12.3,-1.5,1\nB2,2022-01-05,12.3,-1.5,1\n");
    let l = read_text(&text, ReadOptions::new()).expect("read");
    assert_eq!((l.report.accepted, l.report.rejected.len()), (1, 1));
    assert_eq!(l.report.rejected[0].problems[0].field, "event_date");
}

#[test]
fn empty_rows_and_hashtag_rows_are_skipped_not_rejected() {
    let text = "event_id_cnty;event_date;latitude;longitude\n\
                #event+code;#date+occurred;#geo+lat;#geo+lon\n\
                C1;2022-01-05;12,3;-1,5\n;;;\n;;;\n";
    let l = read_text(text, ReadOptions::new()).expect("read");
    let r = &l.report;
    assert_eq!((r.rows_seen, r.accepted, r.rejected.len()), (1, 1, 0));
    let skipped: Vec<u64> = r.skipped.iter().map(|s| s.line).collect();
    assert_eq!(skipped, [2, 4, 5]);
}

#[test]
fn one_windows_1252_field_leaves_the_utf8_fields_of_its_row_alone() {
    let mut bytes = b"event_id_cnty,event_date,actor1,location,latitude,longitude\n".to_vec();
    bytes.extend_from_slice("E1,2022-01-05,Forces Armées,".as_bytes());
    bytes.extend_from_slice(b"Tangui\xe9ta,10.6,1.3\n");
    let l = conflict_risk::read_any(bytes.as_slice(), ReadOptions::new()).expect("read");
    let i = &l.incidents[0];
    assert_eq!(
        i.primary_actor
            .as_ref()
            .map(|a| a.name.to_string())
            .as_deref(),
        Some("Forces Armées")
    );
    assert_eq!(i.location_name.as_deref(), Some("Tanguiéta"));
}

#[test]
fn excel_separator_hint_line() {
    let l = read("acled_excel_sep_hint.csv");
    let r = &l.report;
    assert_eq!((r.rows_seen, r.accepted, r.rejected.len()), (3, 2, 1));
    assert_eq!(r.separator, Some(';'));
    // The hint is line 1, the header line 2: the rows keep their own line numbers.
    assert_eq!(l.lines, [3, 5]);
    assert_eq!(r.rejected[0].line, 4);
    assert_eq!(r.rejected[0].problems[0].field, "latitude");
    assert_eq!(starts(&l), [date(2022, 4, 3), date(2022, 5, 14)]);
    assert!((l.incidents[0].lat - 11.3).abs() < 1e-12);
    assert!(
        r.notes.iter().any(|n| n.contains("Excel's separator hint")),
        "{:?}",
        r.notes
    );
}

#[test]
fn title_lines_above_the_header() {
    let l = read("acled_title_lines.csv");
    let r = &l.report;
    assert_eq!((r.rows_seen, r.accepted, r.rejected.len()), (3, 2, 1));
    // The header is line 3; rows keep the lines a text editor shows.
    assert_eq!(l.lines, [4, 6]);
    assert_eq!(r.rejected[0].line, 5);
    assert_eq!(r.rejected[0].problems[0].field, "latitude");
    assert!(
        r.notes
            .iter()
            .any(|n| n.starts_with("the header is on line 3")
                && n.contains("\"ACLED events, northern Togo (invented)\"")),
        "{:?}",
        r.notes
    );
}
