//! Any bytes into the UCDP reader: it must return, never panic, and account for every row.
#![no_main]

use conflict_risk::{ReadOptions, read_ucdp};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    for strict in [false, true] {
        if let Ok(loaded) = read_ucdp(data, ReadOptions::new().strict(strict)) {
            let r = &loaded.report;
            assert_eq!(r.rows_seen, r.accepted + r.rejected.len() as u64);
            assert_eq!(loaded.incidents.len() as u64, r.accepted);
            assert_eq!(loaded.lines.len(), loaded.incidents.len());
        }
    }
});
