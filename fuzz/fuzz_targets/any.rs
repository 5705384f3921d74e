//! Any bytes into format detection and every decoder in front of the readers (gzip, zip,
//! byte-order marks, UTF-16, Windows-1252, separators, dates in every form and order): it must
//! return, never panic, and account for every row. Workbooks are among what it reaches: see
//! `common/calamine_panics.rs` for calamine's own panics.
#![no_main]

use conflict_risk::{DateOrder, Encoding, ReadOptions, read_any};
use libfuzzer_sys::fuzz_target;

#[path = "../common/calamine_panics.rs"]
mod calamine_panics;

fuzz_target!(|data: &[u8]| {
    calamine_panics::let_calamine_panics_unwind();
    // The first byte picks the options, the rest is the file.
    let Some((&pick, file)) = data.split_first() else {
        return;
    };
    let mut options = ReadOptions::new().strict(pick & 1 == 1);
    options = match (pick >> 1) & 3 {
        1 => options.date_order(DateOrder::DayMonth),
        2 => options.date_order(DateOrder::MonthDay),
        _ => options,
    };
    options = match (pick >> 3) & 7 {
        1 => options.encoding(Encoding::Utf8),
        2 => options.encoding(Encoding::Windows1252),
        3 => options.encoding(Encoding::Utf16Le),
        4 => options.encoding(Encoding::Utf16Be),
        _ => options,
    };
    if let Ok(loaded) = read_any(file, options) {
        let r = &loaded.report;
        assert_eq!(r.rows_seen, r.accepted + r.rejected.len() as u64);
        assert_eq!(loaded.incidents.len() as u64, r.accepted);
        assert_eq!(loaded.lines.len(), loaded.incidents.len());
        let _ = r.to_string();
    }
});
