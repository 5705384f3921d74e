//! Helpers shared by the example programs: timing, medians, peak memory, argument errors.

#![allow(dead_code)] // each example uses a part

use std::time::Instant;

/// Whether progress lines may be shown: stderr is a terminal and `--quiet` was not given.
pub fn progress_wanted(quiet: bool) -> bool {
    use std::io::IsTerminal;
    !quiet && std::io::stderr().is_terminal()
}

/// Run `f`; if it is still running after 2 seconds and `show` is set, keep a progress line on
/// stderr ("building the report... 7 s") until it ends, then clear it.
pub fn with_progress<T: Send>(label: &str, show: bool, f: impl FnOnce() -> T + Send) -> T {
    use std::io::Write;
    use std::sync::atomic::{AtomicBool, Ordering};
    if !show {
        return f();
    }
    let done = AtomicBool::new(false);
    let start = Instant::now();
    std::thread::scope(|scope| {
        scope.spawn(|| {
            let mut shown = false;
            let mut last = 0;
            while !done.load(Ordering::Relaxed) {
                std::thread::sleep(std::time::Duration::from_millis(200));
                let s = start.elapsed().as_secs();
                if s >= 2 && s != last && !done.load(Ordering::Relaxed) {
                    eprint!("\r{label}... {s} s ");
                    let _ = std::io::stderr().flush();
                    shown = true;
                    last = s;
                }
            }
            if shown {
                eprint!("\r{}\r", " ".repeat(label.len() + 16));
            }
        });
        let out = f();
        done.store(true, Ordering::Relaxed);
        out
    })
}

/// Run `f` and return its result with the wall time in seconds.
pub fn timed<T>(f: impl FnOnce() -> T) -> (T, f64) {
    let t = Instant::now();
    let out = f();
    (out, t.elapsed().as_secs_f64())
}

/// Median of a non-empty slice of seconds (the mean of the middle two for even lengths).
pub fn median(xs: &[f64]) -> f64 {
    let mut v = xs.to_vec();
    v.sort_by(f64::total_cmp);
    match v.len() {
        0 => f64::NAN,
        n if !n.is_multiple_of(2) => v[n / 2],
        n => (v[n / 2 - 1] + v[n / 2]) / 2.0,
    }
}

/// Peak resident memory of this process in MB (VmHWM from /proc; `None` off Linux).
pub fn peak_rss_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

/// Reset the peak-memory mark (Linux: `5` into /proc/self/clear_refs), so that a later
/// [`peak_rss_mb`] measures from here.
pub fn reset_peak_rss() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

/// The last arms of every example's argument loop: `-h`/`--help` prints the usage and exits
/// with status 0; anything else is an unexpected argument.
pub fn help_or_unexpected(arg: lexopt::Arg<'_>, usage: &str) -> Result<(), lexopt::Error> {
    use lexopt::Arg::{Long, Short};
    match arg {
        Short('h') | Long("help") => {
            println!("{usage}");
            std::process::exit(0);
        }
        _ => Err(arg.unexpected()),
    }
}

/// An example's `main`: parse the arguments (a usage error exits with status 2, after the
/// usage), then run (an error exits with status 1, with its causes).
pub fn main<A, E: std::fmt::Display>(
    usage: &str,
    parse: impl FnOnce() -> Result<A, E>,
    run: impl FnOnce(&A) -> conflict_risk::Result<()>,
) {
    let args = parse().unwrap_or_else(|e| usage_error(e, usage));
    exit_on_error(run(&args));
}

/// Exit with status 1 after printing `error` and each of its causes on stderr, or return.
pub fn exit_on_error(result: conflict_risk::Result<()>) {
    if let Err(e) = result {
        eprintln!("error: {e}");
        let mut source = std::error::Error::source(&e);
        while let Some(s) = source {
            eprintln!("  caused by: {s}");
            source = s.source();
        }
        std::process::exit(1);
    }
}

/// Print `message` and the usage to stderr and exit with status 2.
pub fn usage_error(message: impl std::fmt::Display, usage: &str) -> ! {
    eprintln!("error: {message}\n\n{usage}");
    std::process::exit(2)
}

/// Read `input` (any supported format, its load report printed) or, without one, take the
/// embedded demo data; then validate. Returns the set and the reading time in seconds.
pub fn load_input(
    input: Option<&std::path::Path>,
    show_progress: bool,
) -> conflict_risk::Result<(conflict_risk::IncidentSet, f64)> {
    use conflict_risk::{IncidentSet, ReadOptions, demo_incidents, read_path};
    let (incidents, read_s) = match input {
        Some(path) => {
            let label = format!("reading {}", path.display());
            let (loaded, s) = timed(|| {
                with_progress(&label, show_progress, || {
                    read_path(path, ReadOptions::new())
                })
            });
            let loaded = loaded?;
            print!("{}", loaded.report);
            (loaded.incidents, s)
        }
        None => {
            println!(
                "no --input: the embedded demo data (3 hand-coded + 20,000 SYNTHETIC incidents)"
            );
            timed(demo_incidents)
        }
    };
    // The readers already ran validation's checks and reported them; what is left here is
    // what only the whole set can show (none for a single clean file).
    let (set, report) = IncidentSet::validate(incidents);
    if !report.rejected.is_empty() {
        print!("{report}");
    }
    Ok((set, read_s))
}

/// The crate's I/O error for `path`, as a `map_err` argument.
pub fn io_error(path: &std::path::Path) -> impl Fn(std::io::Error) -> conflict_risk::Error {
    let path = path.display().to_string();
    move |source| conflict_risk::Error::Io {
        path: path.clone(),
        source,
    }
}

/// Create (or truncate) the file at `path`, naming it in the error.
pub fn create(path: &std::path::Path) -> conflict_risk::Result<std::fs::File> {
    std::fs::File::create(path).map_err(io_error(path))
}

/// `s` cut to `n` characters, the last replaced by `mark` when anything was cut.
pub fn truncate(s: &str, n: usize, mark: char) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(n.saturating_sub(1)).collect();
        t.push(mark);
        t
    }
}
