//! Dates, numbers and names as the real files write them.

use super::*;
use crate::incident::CountryCode;
use jiff::civil::date;

#[test]
fn dates_as_the_files_write_them() {
    let m = SlashDates::MonthFirst;
    let r = SlashDates::Refuse;
    let d = date(2023, 10, 6);
    for t in [
        "2023-10-06",
        "06-10-2023",
        "6 October 2023",
        "06 Oct 2023",
        "6-Oct-2023",
        "2023-10-06 00:00:00.000",
        "2023-10-06T00:00:00",
    ] {
        assert_eq!(parse_date(t, r), Some(d), "{t}");
    }
    assert_eq!(parse_date("10/06/2023 00:00:00", m), Some(d));
    assert_eq!(parse_date("10/06/2023", r), None);
    assert_eq!(parse_date("16 May 2025", r), Some(date(2025, 5, 16)));
    for bad in [
        "",
        "2023-13-01",
        "2023-02-30",
        "yesterday",
        "2023-10",
        "1-2-3",
    ] {
        assert_eq!(parse_date(bad, m), None, "{bad}");
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
