//! Property: incidents written by `write_acled_csv` and re-saved the way spreadsheet programs
//! re-save them (another separator, encoding, line end and date form) read back as the very
//! same incidents.

use conflict_risk::{
    CorridorScenario, DateOrder, Encoding, Incident, ReadOptions, read_acled, read_any,
    write_acled_csv,
};
use proptest::prelude::*;

/// How a spreadsheet program re-saves a table.
#[derive(Clone, Copy, Debug)]
struct Resave {
    separator: u8,
    encoding: Text,
    line_end: &'static str,
    dates: DateForm,
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Text {
    Utf8,
    Utf8Bom,
    Windows1252,
    Utf16Le,
    Utf16Be,
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum DateForm {
    Iso,
    DayFirst,
    MonthFirst,
    DayMonthName,
    ExcelShort,
    Compact,
    Serial,
    IsoTime,
}

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

impl DateForm {
    fn write(self, iso: &str) -> String {
        let (y, rest) = iso.split_at(4);
        let (m, d) = (&rest[1..3], &rest[4..6]);
        let mi: usize = m.parse().expect("month");
        let di: u32 = d.parse().expect("day");
        match self {
            DateForm::Iso => iso.to_string(),
            DateForm::DayFirst => format!("{d}/{m}/{y}"),
            DateForm::MonthFirst => format!("{}/{di}/{y}", mi),
            DateForm::DayMonthName => format!("{di} {} {y}", MONTHS[mi - 1]),
            DateForm::ExcelShort => format!("{di}-{}-{}", MONTHS[mi - 1], &y[2..]),
            DateForm::Compact => format!("{y}{m}{d}"),
            DateForm::Serial => {
                let date: conflict_risk::jiff::civil::Date = iso.parse().expect("date");
                let epoch = conflict_risk::jiff::civil::date(1899, 12, 30);
                let days = (date - epoch).get_days();
                format!("{days}")
            }
            DateForm::IsoTime => format!("{iso} 00:00:00.000"),
        }
    }

    /// The order option a file in this form needs when its rows do not settle it.
    fn order(self) -> Option<DateOrder> {
        match self {
            DateForm::DayFirst => Some(DateOrder::DayMonth),
            DateForm::MonthFirst => Some(DateOrder::MonthDay),
            _ => None,
        }
    }
}

fn resave(original: &[u8], how: Resave) -> Vec<u8> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(original);
    let mut writer = csv::WriterBuilder::new()
        .delimiter(how.separator)
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    let mut date_col = None;
    for (k, record) in reader.records().enumerate() {
        let record = record.expect("our own CSV");
        let fields: Vec<String> = record
            .iter()
            .enumerate()
            .map(|(c, f)| {
                if k == 0 {
                    if f == "event_date" {
                        date_col = Some(c);
                    }
                    // Old downloads write the header in capitals.
                    f.to_ascii_uppercase()
                } else if Some(c) == date_col {
                    how.dates.write(f)
                } else {
                    f.to_string()
                }
            })
            .collect();
        writer.write_record(&fields).expect("write");
    }
    let text = String::from_utf8(writer.into_inner().expect("flush")).expect("utf-8");
    // Line ends: the csv writer ends records with \n; quoted fields hold none (no notes).
    let text = text.replace('\n', how.line_end);
    match how.encoding {
        Text::Utf8 => text.into_bytes(),
        Text::Utf8Bom => [b"\xef\xbb\xbf".as_slice(), text.as_bytes()].concat(),
        Text::Windows1252 => {
            let (bytes, _, lossy) = encoding_rs::WINDOWS_1252.encode(&text);
            assert!(!lossy, "names are chosen to fit Windows-1252");
            bytes.into_owned()
        }
        Text::Utf16Le => {
            let mut out = vec![0xff, 0xfe];
            out.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
            out
        }
        Text::Utf16Be => {
            let mut out = vec![0xfe, 0xff];
            out.extend(text.encode_utf16().flat_map(u16::to_be_bytes));
            out
        }
    }
}

/// Synthetic incidents whose names carry the characters Excel-saved files mangle.
fn incidents(n: usize, seed: u64) -> Vec<Incident> {
    let mut v = CorridorScenario::new(n).seed(seed).generate();
    for (k, i) in v.iter_mut().enumerate() {
        if k % 3 == 0
            && let Some(a) = i.primary_actor.as_mut()
        {
            a.name = format!("Jama\u{2019}atu {} – Tanguiéta", a.name).into();
        }
    }
    v
}

fn resave_strategy() -> impl Strategy<Value = Resave> {
    (
        prop::sample::select(vec![b',', b';', b'\t', b'|']),
        prop::sample::select(vec![
            Text::Utf8,
            Text::Utf8Bom,
            Text::Windows1252,
            Text::Utf16Le,
            Text::Utf16Be,
        ]),
        prop::sample::select(vec!["\n", "\r\n", "\r"]),
        prop::sample::select(vec![
            DateForm::Iso,
            DateForm::DayFirst,
            DateForm::MonthFirst,
            DateForm::DayMonthName,
            DateForm::ExcelShort,
            DateForm::Compact,
            DateForm::Serial,
            DateForm::IsoTime,
        ]),
    )
        .prop_map(|(separator, encoding, line_end, dates)| Resave {
            separator,
            encoding,
            line_end,
            dates,
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn resaved_exports_read_back_the_same(how in resave_strategy(), n in 1usize..40, seed in 0u64..1000) {
        let written = incidents(n, seed);
        let mut original = Vec::new();
        write_acled_csv(&mut original, &written).expect("write");
        let want = read_acled(original.as_slice(), ReadOptions::new().strict(true)).expect("read");
        let bytes = resave(&original, how);
        // A few rows may not settle the day/month order by themselves: then say it, as an
        // analyst would with --date-order.
        let options = match how.dates.order() {
            Some(order) => ReadOptions::new().strict(true).date_order(order),
            None => ReadOptions::new().strict(true),
        };
        let got = read_any(bytes.as_slice(), options)
            .map_err(|e| TestCaseError::fail(format!("{how:?}: {e}")))?;
        prop_assert_eq!(&got.incidents, &want.incidents, "{:?}", how);
        prop_assert_eq!(&got.lines, &want.lines, "{:?}", how);
        let expected = match how.encoding {
            Text::Utf8 | Text::Utf8Bom => Encoding::Utf8,
            Text::Windows1252 => Encoding::Windows1252,
            Text::Utf16Le => Encoding::Utf16Le,
            Text::Utf16Be => Encoding::Utf16Be,
        };
        prop_assert_eq!(got.report.encoding, expected);
        prop_assert_eq!(got.report.separator, Some(char::from(how.separator)));
    }
}

#[test]
fn day_first_dates_settle_themselves_in_a_longer_file() {
    // Without the option, a file with a day above 12 settles its own order.
    let written = incidents(200, 7);
    let mut original = Vec::new();
    write_acled_csv(&mut original, &written).expect("write");
    let want = read_acled(original.as_slice(), ReadOptions::new()).expect("read");
    for form in [DateForm::DayFirst, DateForm::MonthFirst] {
        let how = Resave {
            separator: b';',
            encoding: Text::Windows1252,
            line_end: "\r\n",
            dates: form,
        };
        let got = read_any(resave(&original, how).as_slice(), ReadOptions::new()).expect("read");
        assert_eq!(got.incidents, want.incidents, "{form:?}");
        assert_eq!(
            got.report.dates.as_ref().and_then(|d| d.order),
            form.order()
        );
    }
}
