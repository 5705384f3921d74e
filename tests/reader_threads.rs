//! The table readers parse rows on several threads once a file is longer than one batch, and
//! file them in order: the incidents, lines and load report must be exactly those of a read
//! on one thread, and strict mode must stop at the same first bad line.
#![cfg(feature = "parallel")]

use conflict_risk::{CorridorScenario, Loaded, ReadOptions, Result, read_acled, write_acled_csv};

/// A 9,000-row ACLED export (several batches), damaged the ways real files are: rows with a
/// bad latitude, repeated rows (duplicate ids), empty rows, and day-first dates from line
/// 5,000 on (those rows wait for the file's date order until the end).
fn damaged_export(day_first_from: usize) -> Vec<u8> {
    let incidents = CorridorScenario::new(9_000).seed(7).generate();
    let mut csv = Vec::new();
    write_acled_csv(&mut csv, &incidents).expect("written");
    let text = String::from_utf8(csv).expect("UTF-8");
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    let header: Vec<String> = lines[0].split(',').map(str::to_string).collect();
    let date_col = header
        .iter()
        .position(|c| *c == "event_date")
        .expect("event_date");
    let lat_col = header
        .iter()
        .position(|c| *c == "latitude")
        .expect("latitude");
    for (k, line) in lines.iter_mut().enumerate().skip(1) {
        // Rows with a quoted comma somewhere are left as they are.
        let mut fields: Vec<String> = line.split(',').map(str::to_string).collect();
        if fields.len() != header.len() {
            continue;
        }
        if k % 97 == 0 {
            fields[lat_col] = "north".into();
        }
        if k >= day_first_from {
            let iso = fields[date_col].clone();
            let (y, m, d) = (&iso[0..4], &iso[5..7], &iso[8..10]);
            fields[date_col] = format!("{d}/{m}/{y}");
        }
        *line = fields.join(",");
    }
    for k in (1_000..8_000).step_by(1_500) {
        let copy = lines[k].clone();
        lines.insert(k + 700, copy);
        lines.insert(k + 3, ",,,,".into());
    }
    (lines.join("\r\n") + "\r\n").into_bytes()
}

fn read(bytes: &[u8], threads: usize, options: ReadOptions) -> Result<Loaded> {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .expect("pool")
        .install(|| read_acled(bytes, options))
}

#[test]
fn one_thread_or_several_read_the_same() {
    for day_first_from in [5_000, 1, usize::MAX] {
        let bytes = damaged_export(day_first_from);
        let one = read(&bytes, 1, ReadOptions::new()).expect("read");
        assert!(
            one.report.rejected.len() > 90,
            "{}",
            one.report.rejected.len()
        );
        assert!(
            one.report
                .rejected
                .iter()
                .any(|r| r.problems[0].reason.contains("duplicate"))
        );
        assert!(!one.report.skipped.is_empty());
        for threads in [2, 3] {
            let more = read(&bytes, threads, ReadOptions::new()).expect("read");
            assert_eq!(one.incidents, more.incidents);
            assert_eq!(one.lines, more.lines);
            assert_eq!(one.report, more.report);
        }
        // Strict: the same first bad line, however many threads.
        let strict = |threads| {
            read(&bytes, threads, ReadOptions::new().strict(true))
                .expect_err("a bad row")
                .to_string()
        };
        let first = strict(1);
        assert!(first.contains("line 98"), "{first}");
        assert_eq!(first, strict(2));
    }
}

/// The bytes of a file, then an input error (a download cut short, a damaged gzip stream).
struct CutShort(std::io::Cursor<Vec<u8>>);

impl std::io::Read for CutShort {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        match self.0.read(buf)? {
            0 => Err(std::io::Error::other("the stream is cut short")),
            n => Ok(n),
        }
    }
}

#[test]
fn a_bad_row_before_an_input_error_is_the_error() {
    // Rows up to line 1,500 or 5,000 (in the first batch, or past it), then the input fails;
    // in strict mode the bad latitude on line 98 is the first error of the file, on one
    // thread or several.
    let bytes = damaged_export(usize::MAX);
    for rows in [1_500, 5_000] {
        let cut: usize = bytes
            .split_inclusive(|&b| b == b'\n')
            .take(rows)
            .map(<[u8]>::len)
            .sum();
        for threads in [1, 2] {
            let read = |options: ReadOptions| {
                rayon::ThreadPoolBuilder::new()
                    .num_threads(threads)
                    .build()
                    .expect("pool")
                    .install(|| {
                        read_acled(
                            CutShort(std::io::Cursor::new(bytes[..cut].to_vec())),
                            options,
                        )
                    })
            };
            let strict = read(ReadOptions::new().strict(true)).expect_err("bad row");
            assert!(strict.to_string().contains("line 98"), "{strict}");
            let lenient = read(ReadOptions::new()).expect_err("cut short");
            let reason = std::error::Error::source(&lenient).map(ToString::to_string);
            assert_eq!(
                reason.as_deref(),
                Some("the stream is cut short"),
                "{lenient}"
            );
        }
    }
}
