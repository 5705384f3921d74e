//! Any bytes into `read_any`, as a workbook would reach it: it must return, never panic, and
//! account for every row. Seeded with the `.xlsx`, `.xls` and `.ods` fixtures, whose mutations
//! go through calamine's zip, XML, OLE and BIFF parsing and the sheet reader.
//!
//! calamine panics on some damaged files (an assertion in its OLE reader, for one); the crate
//! catches those around its calls to calamine and refuses the file in words. libFuzzer's panic
//! hook would abort on them all the same, so this target lets a panic raised inside calamine's
//! source unwind to the crate's guard (naming each such place once on stderr), and keeps every
//! other panic fatal: a panic in this crate is still a crash.
#![no_main]

use std::collections::HashSet;
use std::sync::{Mutex, Once};

use conflict_risk::{ReadOptions, read_any};
use libfuzzer_sys::fuzz_target;

static HOOK: Once = Once::new();
static SEEN: Mutex<Option<HashSet<String>>> = Mutex::new(None);

fn let_calamine_panics_unwind() {
    HOOK.call_once(|| {
        let fuzzer_hook = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let place = info
                .location()
                .map(|l| format!("{}:{}", l.file(), l.line()))
                .unwrap_or_default();
            if place.contains("/calamine-") {
                let mut seen = SEEN.lock().unwrap_or_else(|e| e.into_inner());
                if seen.get_or_insert_with(HashSet::new).insert(place.clone()) {
                    eprintln!("calamine panicked at {place} (guarded): {info}");
                }
                return;
            }
            fuzzer_hook(info);
        }));
    });
}

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
