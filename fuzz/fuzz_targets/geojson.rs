//! Any bytes into the GeoJSON reader: it must return, never panic, and account for every
//! feature; what it accepts must be written and read again.
#![no_main]

use conflict_risk::{ExtraColumns, PropertyMap, ReadOptions, read_geojson, write_geojson};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let map = PropertyMap::new();
    if let Ok(loaded) = read_geojson(data, &map, ReadOptions::new()) {
        let r = &loaded.report;
        assert_eq!(r.rows_seen, r.accepted + r.rejected.len() as u64);
        let mut out = Vec::new();
        write_geojson(&mut out, &loaded.incidents, &ExtraColumns::new()).expect("write to memory");
        let again =
            read_geojson(out.as_slice(), &map, ReadOptions::new()).expect("own output reads");
        assert_eq!(again.report.rows_seen, loaded.incidents.len() as u64);
    }
});
