//! Any bytes into `read_any`, as a workbook would reach it: it must return, never panic, and
//! account for every row. Seeded with the `.xlsx`, `.xls` and `.ods` fixtures, whose mutations
//! go through calamine's zip, XML, OLE and BIFF parsing and the sheet reader.
//!
//! calamine's own panics are caught by the crate: see `common/calamine_panics.rs`.
#![no_main]

use conflict_risk::{ReadOptions, read_any};
use libfuzzer_sys::fuzz_target;

#[path = "../common/calamine_panics.rs"]
mod calamine_panics;
use calamine_panics::let_calamine_panics_unwind;

fuzz_target!(|data: &[u8]| {
    let_calamine_panics_unwind();
    // The sheet chosen by its header, and the fixtures' ACLED sheet by name, strictly.
    for options in [
        ReadOptions::new(),
        ReadOptions::new().strict(true).sheet("Events"),
    ] {
        if let Ok(loaded) = read_any(data, options) {
            let r = &loaded.report;
            assert_eq!(r.rows_seen, r.accepted + r.rejected.len() as u64);
            assert_eq!(loaded.incidents.len() as u64, r.accepted);
            assert_eq!(loaded.lines.len(), loaded.incidents.len());
            assert!(loaded.lines.windows(2).all(|w| w[0] < w[1]));
        }
    }
});
