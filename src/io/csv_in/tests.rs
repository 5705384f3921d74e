//! Dates, numbers and names as the real files write them.

use super::*;
use crate::incident::CountryCode;
use jiff::civil::date;

/// The date of `text` read in `order` (with no `year` column).
fn read(text: &str, order: Option<DateOrder>) -> Option<jiff::civil::Date> {
    parse_written(text)?.resolve(order)
}

#[test]
fn every_date_form_the_files_write() {
    let d = date(2021, 2, 16);
    let dmy = Some(DateOrder::DayMonth);
    let mdy = Some(DateOrder::MonthDay);
    // Forms that are a date by themselves.
    for (t, form) in [
        ("2021-02-16", "YYYY-MM-DD"),
        ("2021/02/16", "YYYY/MM/DD"),
        ("20210216", "YYYYMMDD"),
        ("16-Feb-21", "D-Mon-YY"),
        ("16-February-21", "D-Mon-YY"),
        ("16 February 2021", "D Month YYYY"),
        ("16 févr. 2021", "D Month YYYY"),
        ("16 fevrier 2021", "D Month YYYY"),
        ("February 16, 2021", "Month D, YYYY"),
        ("44243", "Excel serial number"),
        ("44243.5", "Excel serial number"),
        ("2021-02-16T00:00:00Z", "YYYY-MM-DD"),
        ("2021-02-16 00:00:00.000", "YYYY-MM-DD"),
    ] {
        let p = parse_written(t).unwrap_or_else(|| panic!("{t} not read"));
        assert_eq!((p.form, read(t, None)), (form, Some(d)), "{t}");
    }
    assert_eq!(read("12-September-22", None), Some(date(2022, 9, 12)));
    assert_eq!(read("9-May-20", None), Some(date(2020, 5, 9)));
    assert_eq!(read("12 septembre 2022", None), Some(date(2022, 9, 12)));
    assert_eq!(read("3 juil. 2022", None), Some(date(2022, 7, 3)));
    assert_eq!(read("1er mai 2022", None), Some(date(2022, 5, 1)));
    assert_eq!(read("July 4th, 2022", None), Some(date(2022, 7, 4)));
    assert_eq!(
        read("1er/05/2022", None),
        None,
        "ordinals only beside a month name"
    );
    // Numeric forms need the file's order.
    for t in [
        "16/02/2021",
        "16-02-2021",
        "16.02.2021",
        "16/02/21",
        "16/2/21",
    ] {
        assert_eq!(read(t, dmy), Some(d), "{t}");
        assert_eq!(read(t, mdy), None, "{t}: no month 16");
    }
    for t in [
        "2/16/21",
        "02/16/2021",
        "2/16/2021 12:00:00 AM",
        "2/16/2021 0:00",
    ] {
        assert_eq!(read(t, mdy), Some(d), "{t}");
    }
    assert_eq!(read("05/07/2023", dmy), Some(date(2023, 7, 5)));
    assert_eq!(read("05/07/2023", mdy), Some(date(2023, 5, 7)));
    assert_eq!(read("05/07/2023", None), None, "order unknown");
    assert_eq!(
        read("07/07/2023", None),
        Some(date(2023, 7, 7)),
        "either order"
    );
    assert_eq!(read("31-12-19", dmy), Some(date(2019, 12, 31)));
    assert_eq!(
        read("31-12-89", dmy),
        Some(date(1989, 12, 31)),
        "69-99 are 19xx"
    );
    // The year column settles a two-digit year's century.
    let p = parse_written("16-Feb-21").expect("read");
    assert_eq!(p.written.resolve(None, Some(1921)), Some(date(1921, 2, 16)));
    for bad in [
        "",
        "2023-13-01",
        "2023-02-30",
        "yesterday",
        "2023-10",
        "1-2-3",
        "123456",
        "16-Febr-2021x",
        "16 Jun 2021 extra",
        "jui 2021 16",
    ] {
        assert_eq!(read(bad, dmy), None, "{bad}");
    }
}

#[test]
fn whole_numbers_as_floats() {
    assert_eq!(parse_whole("15960.0"), Some(15960));
    assert_eq!(parse_whole("-1.0"), Some(-1));
    assert_eq!(parse_whole("1.5"), None);
    assert_eq!(parse_whole("NaN"), None);
    assert_eq!(parse_whole("1e300"), None);
}

#[test]
fn countries_by_code_number_and_name() {
    let mut c = Countries::default();
    let code = |s: &str, c: &mut Countries| c.resolve(s).map(|x| x.to_string());
    assert_eq!(code("Burkina Faso", &mut c).as_deref(), Some("BFA"));
    assert_eq!(code("854", &mut c).as_deref(), Some("BFA"));
    assert_eq!(code("tgo", &mut c).as_deref(), Some("TGO"));
    assert_eq!(code("Nigeria", &mut c).as_deref(), Some("NGA"));
    assert_eq!(code("Niger", &mut c).as_deref(), Some("NER"));
    assert_eq!(code("Benin", &mut c).as_deref(), Some("BEN"));
    assert_eq!(code("Ivory Coast", &mut c).as_deref(), Some("CIV"));
    assert_eq!(code("Côte d'Ivoire", &mut c).as_deref(), Some("CIV"));
    assert_eq!(code("Atlantis", &mut c), None);
}

#[test]
fn swapped_coordinates() {
    let code = |c: &str| CountryCode::new(c).expect("code");
    // Ouagadougou as written, and with latitude and longitude exchanged.
    assert!(!looks_swapped(code("BFA"), -1.5, 12.4));
    assert!(looks_swapped(code("BFA"), 12.4, -1.5));
    // Dapaong (0.207E, 10.862N) exchanged.
    assert!(looks_swapped(code("TGO"), 10.862, 0.207));
    // Niamey (2.1E, 13.5N) exchanged.
    assert!(looks_swapped(code("NER"), 13.5, 2.1));
    // Kano (8.5E, 12.0N) exchanged still falls inside Nigeria's extent: not detectable.
    assert!(!looks_swapped(code("NGA"), 12.0, 8.5));
    // A country without an extent in the table is never flagged.
    assert!(!looks_swapped(code("FRA"), 45.0, 2.0));
}

#[test]
fn every_country_name_acled_writes() {
    let list = include_str!("../../../tests/fixtures/acled_countries.txt");
    let mut wrong = Vec::new();
    let mut n = 0;
    for line in list
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
    {
        let (name, code) = line.split_once('|').expect("name|code");
        n += 1;
        let got = lookup_country(name).map(|c| c.to_string());
        if got.as_deref() != Some(code) {
            wrong.push(format!("{name}: {got:?}, want {code}"));
        }
    }
    assert!(n > 240, "{n} names");
    assert!(
        wrong.is_empty(),
        "{} wrong:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}

#[test]
fn fields_are_text_only_on_their_own() {
    // The record's bytes end to end are valid UTF-8 ("aéb"), but the é is split between two
    // fields: neither field is text, and each says so; the whole-record check must not hide it.
    let mut record = csv::ByteRecord::new();
    record.push_field(b" NA ");
    record.push_field(b"a\xC3");
    record.push_field(b"\xA9b");
    record.push_field("Jama\u{2019}atu ".as_bytes());
    let columns = Columns::new(&csv::ByteRecord::from(vec!["w", "x", "y", "z"]));
    let mut row = Row::new(&record, &columns);
    assert_eq!(row.text(Some(0)), None);
    assert_eq!(row.text(Some(1)), None);
    assert_eq!(row.text(Some(2)), None);
    assert_eq!(row.text(Some(3)), Some("Jama\u{2019}atu"));
    assert_eq!(row.text(Some(4)), None);
    let fields: Vec<&str> = row.problems.iter().map(|p| p.field.as_str()).collect();
    assert_eq!(fields, ["x", "y"]);
    assert!(
        row.problems
            .iter()
            .all(|p| p.reason == "not valid UTF-8 text")
    );
}

#[test]
fn times_after_any_whitespace() {
    // A time after a tab or a form feed, not only a space (the `any` fuzz target found a form
    // feed made the date's end fall before its start).
    for t in [
        "2021-02-16\t10:30",
        "2021-02-16 \u{c}10:30:00 PM",
        "2021-02-16\u{a0}10:30",
    ] {
        let p = parse_written(t).unwrap_or_else(|| panic!("{t:?}"));
        assert!(p.with_time, "{t:?}");
        assert_eq!(p.resolve(None), Some(date(2021, 2, 16)), "{t:?}");
    }
    assert_eq!(
        parse_written("2/16     \u{c}\u{c}:\0\0 \u{c}:").map(|p| p.with_time),
        None
    );
}
