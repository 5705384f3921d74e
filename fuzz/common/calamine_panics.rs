//! calamine panics on some damaged workbooks (a BIFF record shorter than it reads, a sheet
//! placed past the end of its stream); the crate catches those around its calls to calamine
//! and refuses the file in words. libFuzzer's panic hook would abort on them all the same, so
//! the targets that can reach a workbook let a panic raised inside calamine's source unwind to
//! the crate's guard (naming each such place once on stderr), and keep every other panic
//! fatal: a panic in this crate is still a crash.

use std::collections::HashSet;
use std::sync::{Mutex, Once};

static HOOK: Once = Once::new();
static SEEN: Mutex<Option<HashSet<String>>> = Mutex::new(None);

/// Install the hook (once per process).
pub fn let_calamine_panics_unwind() {
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
