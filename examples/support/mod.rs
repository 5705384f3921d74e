//! Helpers shared by the example programs: timing, medians, peak memory, argument errors.

#![allow(dead_code)] // each example uses a part

use std::time::Instant;

/// The grid an example's `--grid` and `--resolution` name: `h3` at the resolution, or
/// `prio` (PRIO-GRID).
pub fn grid(name: &str, resolution: u8) -> Result<conflict_risk::Grid, String> {
    match name {
        "h3" => conflict_risk::Grid::h3(resolution).map_err(|e| e.to_string()),
        "prio" => Ok(conflict_risk::Grid::PrioGrid),
        other => Err(format!("--grid: {other:?} is neither h3 nor prio")),
    }
}

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

/// CPU time this process has used so far, user and system, in seconds (Linux: from
/// /proc/self/stat, in clock ticks of 1/100 s); `None` where that file is not there.
pub fn cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // The fields after the command name (which is in parentheses and may hold spaces):
    // utime and stime are the 12th and 13th.
    let rest = stat.get(stat.rfind(')')? + 1..)?;
    let mut fields = rest.split_whitespace().skip(11);
    let user: f64 = fields.next()?.parse().ok()?;
    let system: f64 = fields.next()?.parse().ok()?;
    Some((user + system) / 100.0)
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
    quiet_on_closed_stdout();
    let args = parse().unwrap_or_else(|e| usage_error(e, usage));
    exit_on_error(run(&args));
}

/// Let a closed stdout (`| head`) end the program quietly, as other command-line tools end:
/// Rust ignores SIGPIPE, so printing to a closed pipe would panic; this restores the default
/// (the process ends with status 141 in a shell).
pub fn quiet_on_closed_stdout() {
    #[cfg(unix)]
    // SAFETY: setting a signal's disposition to the default at the start of main, before any
    // thread is started, is sound.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
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

/// The usage lines of the input options every example takes (see [`Inputs`]), for `concat!`.
/// The names of the input options, as a pattern for the examples' argument loops:
/// `Long(name @ input_options!()) => inputs.take(..)`.
#[allow(unused_macros)] // bench takes no input options
macro_rules! input_options {
    () => {
        "input" | "date-order" | "encoding" | "field" | "sheet" | "strict" | "all-rows"
    };
}
#[allow(unused_imports)]
pub(crate) use input_options;

#[allow(unused_macros)] // bench takes no input options
macro_rules! input_usage {
    () => {
        "  --input FILE          ACLED or UCDP GED table (CSV with , ; tab or |, gzip or zip; or an
                        .xlsx, .ods or .xls workbook), or GeoJSON; the format, encoding and
                        date order are found from the content; repeat for several files;
                        without it, the embedded demo data (3 hand-coded + 20,000
                        SYNTHETIC incidents)
  --sheet NAME          the workbook sheet to read [the first that reads as ACLED or UCDP]
  --date-order dmy|mdy  read dates such as 05/07/2023 day first (dmy) or month first
                        (mdy), when a file does not settle it (no day above 12)
  --encoding NAME       utf-8, windows-1252, utf-16le or utf-16be [found per file]
  --field F=PROPERTY    GeoJSON: read field F (id, time, date_end, fatalities, actor1,
                        actor2, event_type, country, location) from PROPERTY; repeatable
  --strict              stop at the first rejected row, naming its line
  --all-rows            list every rejected row and warning, not the first ten"
    };
}
#[allow(unused_imports)]
pub(crate) use input_usage;

/// The input options every example shares: which files, and how to read them.
#[derive(Default)]
pub struct Inputs {
    /// The files to read; empty means the embedded demo data.
    pub paths: Vec<std::path::PathBuf>,
    /// Strictness, encoding and date order.
    pub options: conflict_risk::ReadOptions,
    /// GeoJSON property names.
    pub properties: conflict_risk::PropertyMap,
    /// List every rejected row and warning.
    pub all_rows: bool,
}

impl Inputs {
    /// Take the long option `name` (one of `input`, `date-order`, `encoding`, `field`,
    /// `sheet`, `strict`, `all-rows`; the examples match these names and pass them here), its value
    /// from `p`.
    pub fn take(&mut self, name: &str, p: &mut lexopt::Parser) -> Result<(), lexopt::Error> {
        let value = |p: &mut lexopt::Parser| -> Result<String, lexopt::Error> {
            p.value()?
                .into_string()
                .map_err(|v| lexopt::Error::from(format!("{v:?} is not valid text")))
        };
        match name {
            "input" => self.paths.push(p.value()?.into()),
            "date-order" => {
                let order: conflict_risk::DateOrder = value(p)?.parse()?;
                self.options = std::mem::take(&mut self.options).date_order(order);
            }
            "encoding" => {
                let encoding: conflict_risk::Encoding = value(p)?.parse()?;
                self.options = std::mem::take(&mut self.options).encoding(encoding);
            }
            "field" => {
                let text = value(p)?;
                let Some((field, property)) = text.split_once('=') else {
                    return Err(format!("--field {text}: expected FIELD=PROPERTY").into());
                };
                let map = std::mem::take(&mut self.properties);
                self.properties = map
                    .set(field.trim(), property.trim())
                    .map_err(|e| lexopt::Error::from(format!("--field {text}: {e}")))?;
            }
            "strict" => self.options = std::mem::take(&mut self.options).strict(true),
            "sheet" => {
                let sheet = value(p)?;
                self.options = std::mem::take(&mut self.options).sheet(&sheet);
            }
            "all-rows" => self.all_rows = true,
            other => return Err(format!("--{other} is not an input option").into()),
        }
        Ok(())
    }

    /// Read every file, printing its load report if `print` (or `--all-rows` was given);
    /// without files, take the embedded demo data. A file from which nothing could be read is an error that names it and gives its
    /// first reasons. Returns each file with what was read from it (none for the demo), the
    /// incidents, and the reading time in seconds.
    pub fn read(&self, show_progress: bool, print: bool) -> conflict_risk::Result<Read> {
        use conflict_risk::{demo_incidents, io::read_path_mapped};
        let start = Instant::now();
        let mut read = Read::default();
        if self.paths.is_empty() {
            if print {
                println!(
                    "no --input: the embedded demo data (3 hand-coded + 20,000 SYNTHETIC \
                     incidents)"
                );
            }
            read.incidents = demo_incidents();
        }
        for path in &self.paths {
            let label = format!("reading {}", path.display());
            let loaded = with_progress(&label, show_progress, || {
                read_path_mapped(path, self.options.clone(), &self.properties)
            })?;
            if print || self.all_rows {
                self.print_report(&loaded.report);
            }
            let loaded = loaded.non_empty()?;
            let name = path.display().to_string();
            read.coverage
                .extend(conflict_risk::coverage::SourceCoverage::of(
                    name,
                    &loaded.incidents,
                ));
            read.incidents.extend(loaded.incidents);
            read.files.push((path.clone(), loaded.report));
        }
        read.seconds = start.elapsed().as_secs_f64();
        Ok(read)
    }

    /// Print a load report: the first ten entries, or all with `--all-rows`.
    pub fn print_report(&self, report: &conflict_risk::LoadReport) {
        if self.all_rows {
            print!("{report:#}");
        } else {
            print!("{report}");
            if report.rejected.len() > 10 || report.warnings.len() > 10 || report.skipped.len() > 10
            {
                println!("  (--all-rows lists them all)");
            }
        }
    }

    /// Read and validate: the set, the reading time in seconds and what each file covers.
    pub fn load(
        &self,
        show_progress: bool,
    ) -> conflict_risk::Result<(
        conflict_risk::IncidentSet,
        f64,
        Vec<conflict_risk::coverage::SourceCoverage>,
    )> {
        let read = self.read(show_progress, true)?;
        // The readers already ran validation's checks and reported them; what is left here is
        // what only the whole set can show (ids repeated across files).
        let (set, report) = conflict_risk::IncidentSet::validate(read.incidents);
        if !report.rejected.is_empty() {
            if self.all_rows {
                print!("{report:#}");
            } else {
                print!("{report}");
            }
        }
        Ok((set, read.seconds, read.coverage))
    }
}

/// What [`Inputs::read`] read.
#[derive(Default)]
pub struct Read {
    /// Each file and its load report.
    pub files: Vec<(std::path::PathBuf, conflict_risk::LoadReport)>,
    /// Every incident read, file after file.
    pub incidents: Vec<conflict_risk::Incident>,
    /// What each file covers: its recorded countries, first and last day (in file order).
    pub coverage: Vec<conflict_risk::coverage::SourceCoverage>,
    /// Seconds spent reading.
    pub seconds: f64,
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
