//! Helpers the integration tests share.

#![allow(dead_code)] // each test file uses a part

use std::path::PathBuf;

/// A file of the shared real data (`../shared/data`, or the folder named by
/// `CONFLICT_RISK_DATA`). When `CI` is set a missing file fails the test; elsewhere the test
/// says it skipped.
pub fn data_file(name: &str) -> Option<PathBuf> {
    let dir = std::env::var_os("CONFLICT_RISK_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/data"));
    let path = dir.join(name);
    if path.is_file() {
        Some(path)
    } else if std::env::var_os("CI").is_some() {
        panic!(
            "{} is missing (CI is set, so real-data tests must run)",
            path.display()
        );
    } else {
        eprintln!(
            "skipped: {} not found (set CONFLICT_RISK_DATA)",
            path.display()
        );
        None
    }
}

/// The header of a CSV reader as strings.
pub fn header<R: std::io::Read>(r: &mut csv::Reader<R>) -> Vec<String> {
    r.headers()
        .expect("header")
        .iter()
        .map(String::from)
        .collect()
}

/// (line, field) of every warning of a load report.
pub fn warning_lines(report: &conflict_risk::LoadReport) -> Vec<(u64, &str)> {
    report
        .warnings
        .iter()
        .map(|w| (w.line, w.field.as_str()))
        .collect()
}

/// A hand-written fixture in `tests/fixtures/`.
pub fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// (line or feature number, field, reason) of every problem of every rejected row.
pub fn problems(l: &conflict_risk::Loaded) -> Vec<(u64, String, String)> {
    l.report
        .rejected
        .iter()
        .flat_map(|r| {
            r.problems
                .iter()
                .map(move |p| (r.line, p.field.clone(), p.reason.clone()))
        })
        .collect()
}

/// Every row accounted for: seen = accepted + rejected, one line per incident.
pub fn accounted(l: &conflict_risk::Loaded) {
    let r = &l.report;
    assert_eq!(r.rows_seen, r.accepted + r.rejected.len() as u64, "{r}");
    assert_eq!(l.incidents.len() as u64, r.accepted);
    assert_eq!(l.lines.len(), l.incidents.len());
}
