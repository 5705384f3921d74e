//! The example programs run as an analyst runs them, with odd but legal parameters and with
//! parameters beyond their limits: every run ends, within a stated time, with a result (exit 0)
//! or a clear error (a non-zero exit and a message in words), never a panic, an abort or a hang.
//!
//! The programs are the debug builds `cargo test` makes of `examples/`; the data is 400
//! incidents of the synthetic corridor written as an ACLED CSV.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use conflict_risk::{CorridorScenario, write_acled_csv};
use proptest::prelude::*;

/// The longest any run may take (debug build, 2 cores shared).
const LIMIT: Duration = Duration::from_secs(120);

fn examples_dir() -> PathBuf {
    // target/debug/deps/programs-xxxx -> target/debug/examples
    let exe = std::env::current_exe().expect("the test's own path");
    exe.parent()
        .and_then(Path::parent)
        .map(|d| d.join("examples"))
        .expect("a target directory")
}

fn scratch() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("conflict_risk_programs_{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a scratch folder");
    dir
}

/// 400 synthetic incidents as an ACLED CSV, written once per test process.
fn input() -> PathBuf {
    static INPUT: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    INPUT
        .get_or_init(|| {
            let path = scratch().join("events.csv");
            let file = std::fs::File::create(&path).expect("a scratch file");
            write_acled_csv(file, &CorridorScenario::new(400).generate()).expect("written");
            path
        })
        .clone()
}

struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

/// The example's program, if `cargo test` built it. Plain `cargo test` builds every example
/// as a program; `cargo test --all-targets` builds them as test harnesses instead, and then
/// these tests say they skipped (CI runs both, so they run in the plain one).
fn program(example: &str) -> Option<PathBuf> {
    let exe = examples_dir().join(example);
    if exe.is_file() {
        Some(exe)
    } else {
        eprintln!(
            "skipped: {} is not built (plain cargo test builds it)",
            exe.display()
        );
        None
    }
}

/// Whether every example these tests run is built.
fn programs_built() -> bool {
    ["cluster", "risk_map", "corridor_report"]
        .iter()
        .all(|e| program(e).is_some())
}

/// Run an example with `args`; fail the test if it outlives [`LIMIT`].
fn run(example: &str, args: &[String]) -> Run {
    let exe = examples_dir().join(example);
    let mut child = Command::new(&exe)
        .args(args)
        .current_dir(scratch())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the example starts");
    let start = Instant::now();
    loop {
        if child.try_wait().expect("waitable").is_some() {
            break;
        }
        if start.elapsed() > LIMIT {
            let _ = child.kill();
            panic!("{example} {args:?} ran past {LIMIT:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let out = child.wait_with_output().expect("output");
    Run {
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// A run that ended as a program should: exit 0, or 1/2 with an `error:` line in words.
fn check(example: &str, args: &[String], r: &Run) {
    let what = format!(
        "{example} {args:?}\nstdout:\n{}\nstderr:\n{}",
        r.stdout, r.stderr
    );
    let code = r
        .code
        .unwrap_or_else(|| panic!("killed by a signal: {what}"));
    assert!(!r.stderr.contains("panicked"), "panicked: {what}");
    assert!(
        !r.stdout.contains("NaN") && !r.stdout.contains("inf "),
        "printed NaN or inf: {what}"
    );
    match code {
        0 => {}
        1 | 2 => {
            assert!(r.stderr.contains("error: "), "no error message: {what}");
            assert!(
                !r.stderr.contains("Error {") && !r.stderr.contains("kind:"),
                "Debug output in the message: {what}"
            );
        }
        other => panic!("exit {other}: {what}"),
    }
}

fn args(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| (*s).to_string()).collect()
}

#[test]
fn a_write_error_names_the_file_and_the_reason() {
    if !programs_built() {
        return;
    }
    let input = input();
    let target = scratch().join("no_such_folder").join("clusters.geojson");
    let a = vec![
        "--input".to_string(),
        input.display().to_string(),
        "--geojson-out".to_string(),
        target.display().to_string(),
    ];
    let r = run("cluster", &a);
    check("cluster", &a, &r);
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    assert!(r.stderr.contains("clusters.geojson"), "{}", r.stderr);
    assert!(
        r.stderr.contains("No such file or directory"),
        "{}",
        r.stderr
    );
}

#[test]
fn a_far_as_of_date_is_refused_with_the_data_range() {
    if !programs_built() {
        return;
    }
    let input = input().display().to_string();
    for example in ["corridor_report", "risk_map"] {
        let a = args(&[
            "--input",
            &input,
            "--as-of",
            "9999-12-31",
            "--out",
            "out_far",
        ]);
        let r = run(example, &a);
        check(example, &a, &r);
        assert_eq!(r.code, Some(1), "{example}: {}", r.stderr);
        assert!(r.stderr.contains("the data runs from"), "{}", r.stderr);
    }
}

/// Values at and beyond each numeric parameter's limits.
/// Every program that reads input, with the arguments that make it read `path` quickly.
fn readers(path: &str) -> Vec<(&'static str, Vec<String>)> {
    let out = scratch().join("out_any").display().to_string();
    vec![
        ("cluster", args(&["--input", path])),
        (
            "risk_map",
            args(&["--input", path, "--region", "0,10,2,12", "--out", &out]),
        ),
        ("corridor_report", args(&["--input", path, "--out", &out])),
        ("export", args(&["--input", path])),
        ("backtest", args(&["--input", path])),
    ]
}

#[test]
fn a_file_with_no_accepted_row_is_an_error_in_every_program() {
    if !programs_built() || program("export").is_none() || program("backtest").is_none() {
        return;
    }
    // Every row rejected (latitude "abc"), and a file of a header only.
    let bad = scratch().join("nothing.csv");
    std::fs::write(
        &bad,
        "event_id_cnty,event_date,latitude,longitude\nX1,2024-07-20,abc,0.8\n",
    )
    .expect("written");
    let empty = scratch().join("header_only.csv");
    std::fs::write(&empty, "event_id_cnty,event_date,latitude,longitude\n").expect("written");
    for file in [&bad, &empty] {
        for (example, a) in readers(&file.display().to_string()) {
            let r = run(example, &a);
            check(example, &a, &r);
            assert_eq!(
                r.code,
                Some(1),
                "{example} on {}: {}",
                file.display(),
                r.stderr
            );
            assert!(
                r.stderr.contains("nothing could be read from")
                    && r.stderr.contains(&*file.display().to_string()),
                "{example}: {}",
                r.stderr
            );
        }
    }
    let r = run("cluster", &args(&["--input", &bad.display().to_string()]));
    assert!(
        r.stderr
            .contains("line 2: latitude = \"abc\": not a number"),
        "{}",
        r.stderr
    );
}

#[test]
fn a_closed_stdout_ends_every_program_quietly() {
    // `program | head -1`: the program's stdout closes after the first line.
    if !programs_built() || program("export").is_none() {
        return;
    }
    use std::io::{BufRead, BufReader};
    let input = input().display().to_string();
    for (example, a) in readers(&input) {
        let mut child = Command::new(examples_dir().join(example))
            .args(&a)
            .current_dir(scratch())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the example starts");
        let stdout = child.stdout.take().expect("piped");
        let mut first = String::new();
        BufReader::new(stdout)
            .read_line(&mut first)
            .expect("a line");
        // The reader is dropped here: the pipe is closed.
        let out = child.wait_with_output().expect("ends");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!first.is_empty(), "{example} printed nothing");
        assert!(!stderr.contains("panicked"), "{example}: {stderr}");
        #[cfg(unix)]
        {
            use std::os::unix::process::ExitStatusExt;
            // Ended by SIGPIPE (a shell shows 141) or, had it printed everything already, 0.
            assert!(
                out.status.signal() == Some(13) || out.status.code() == Some(0),
                "{example}: {:?} {stderr}",
                out.status
            );
        }
    }
}

fn edge(values: &'static [&'static str]) -> impl Strategy<Value = &'static str> {
    proptest::sample::select(values)
}

const KM: &[&str] = &[
    "-1", "0", "1e-20", "1e-12", "0.001", "0.5", "25", "20000", "1e9", "NaN", "inf", "x",
];
const COUNT: &[&str] = &["0", "1", "5", "1000000", "18446744073709551615", "-3"];
const DAYS: &[&str] = &["0", "1", "7", "36500", "4294967295", "4294967296"];

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

    #[test]
    fn cluster_ends_with_a_result_or_a_clear_error(
        eps in edge(KM), min in edge(COUNT), days in proptest::option::of(edge(DAYS)),
    ) {
        if !programs_built() {
            return Ok(());
        }
        let input = input().display().to_string();
        let mut a = args(&["--input", &input, "--eps-km", eps, "--min-points", min]);
        if let Some(d) = days {
            a.extend(args(&["--window-days", d]));
        }
        let r = run("cluster", &a);
        check("cluster", &a, &r);
    }

    #[test]
    fn risk_map_ends_with_a_result_or_a_clear_error(
        resolution in edge(&["0", "3", "5", "8", "15", "16"]),
        bandwidth in edge(KM),
        permutations in edge(&["0", "99", "99999", "100000", "100000000"]),
        half_life in proptest::option::of(edge(&["-1", "0", "1e-9", "180", "1e300"])),
        as_of in proptest::option::of(edge(&["2018-01-01", "2024-12-31", "2025-06-30", "9999-12-31", "1900-01-01"])),
    ) {
        if !programs_built() {
            return Ok(());
        }
        let input = input().display().to_string();
        // A small region keeps every run short; the size guard is the grid's own.
        let mut a = args(&[
            "--input", &input, "--region", "0,10,2,12", "--resolution", resolution,
            "--bandwidth-km", bandwidth, "--permutations", permutations, "--out", "out_risk",
        ]);
        if let Some(h) = half_life {
            a.extend(args(&["--half-life-days", h]));
        }
        if let Some(d) = as_of {
            a.extend(args(&["--as-of", d]));
        }
        let r = run("risk_map", &a);
        check("risk_map", &a, &r);
    }
}

#[test]
fn corridor_report_ends_with_a_result_or_a_clear_error_at_every_as_of_date() {
    if !programs_built() {
        return;
    }
    let input = input().display().to_string();
    for (as_of, code) in [
        ("2017-01-01", 1), // before the data
        ("2018-06-30", 0),
        ("2025-06-30", 0), // after the data, within a year: a warning
        ("2026-01-01", 1), // more than a year after it
        ("9999-12-31", 1),
        ("x", 2),
    ] {
        let a = args(&["--input", &input, "--as-of", as_of, "--out", "out_report"]);
        let r = run("corridor_report", &a);
        check("corridor_report", &a, &r);
        assert_eq!(r.code, Some(code), "{as_of}: {}", r.stderr);
    }
}

#[test]
fn the_backtest_ends_with_one_json_object_and_refuses_origins_past_the_data() {
    if program("backtest").is_none() {
        return;
    }
    // The demo data (20,003 incidents to 2024-12-31), two surfaces, quarterly origins.
    let a = args(&[
        "--bandwidths",
        "50",
        "--half-lives",
        "180,none",
        "--step",
        "quarter",
        "--json",
        "--quiet",
    ]);
    let r = run("backtest", &a);
    check("backtest", &a, &r);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let last = r.stdout.lines().last().expect("output");
    let json: serde_json::Value = serde_json::from_str(last).expect("the last line is JSON");
    assert_eq!(json["origins"], 12, "{last}");
    assert_eq!(json["horizon_days"], 90);
    let methods = json["methods"].as_array().expect("methods");
    let kinds: Vec<&str> = methods.iter().filter_map(|m| m["kind"].as_str()).collect();
    assert_eq!(
        kinds,
        ["kernel", "kernel", "persistence", "history", "uniform"]
    );
    let uniform = &methods[4];
    assert!((uniform["pai_10"].as_f64().expect("a number") - 1.0).abs() < 1e-9);
    assert!(
        json["best"]
            .as_str()
            .is_some_and(|b| b.starts_with("quartic 50 km"))
    );
    assert!(r.stdout.contains("HOW GOOD IS THE MAP"), "{}", r.stdout);

    // Origins whose horizon runs past the data's end: refused in words.
    let late = args(&["--from", "2024-12-01", "--quiet"]);
    let r = run("backtest", &late);
    check("backtest", &late, &r);
    assert_eq!(r.code, Some(1));
    assert!(
        r.stderr
            .contains("no origin with its whole 90-day horizon inside the data"),
        "{}",
        r.stderr
    );
}
