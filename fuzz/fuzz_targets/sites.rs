//! Any bytes into the sites reader: it must return a list or an error naming a line, never
//! panic; every site it accepts has a valid position and a name.
#![no_main]

use conflict_risk::io::read_sites_from;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(sites) = read_sites_from(data) {
        for s in &sites {
            assert!(!s.name.trim().is_empty());
            assert!(s.lon.is_finite() && s.lat.is_finite());
            assert!(s.lon.abs() <= 180.0 && s.lat.abs() <= 90.0);
        }
    }
});
