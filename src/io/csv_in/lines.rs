//! Line counting and the CSV record loop the readers share.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::io::{BufReader, Read};
use std::rc::Rc;

use csv::ByteRecord;

use super::*;
use crate::error::{Error, Result};
use crate::io::report::{FieldProblem, LoadReport};

/// A reader that notes where its line ends are, so that a record's line can be found from its
/// byte offset. The csv crate's own line numbers are wrong after CRLF line ends (it counts a
/// record as starting on the `\n` of the previous `\r\n`) and count no lines at all in a file
/// with CR-only line ends (old Mac Excel), so the readers count for themselves: a line ends at
/// `\n`, at `\r\n` and at a `\r` not followed by `\n`.
pub(crate) struct LineCounting<R> {
    inner: R,
    state: Rc<RefCell<Lines>>,
}

/// Line-end offsets read but not yet passed, and the line reached.
#[derive(Default)]
pub(crate) struct Lines {
    read: u64,
    pending: VecDeque<u64>,
    line: u64,
    /// Whether the last byte read was `\r` (its `\n` may start the next buffer).
    after_cr: bool,
    /// Line ends seen of each kind: `\n`, `\r\n`, lone `\r`.
    kinds: [u64; 3],
}

impl Lines {
    /// The line of a record starting at `byte` (1-based). Records must be asked in order.
    fn line_at(&mut self, byte: u64) -> u64 {
        while self.pending.front().is_some_and(|&nl| nl <= byte) {
            self.pending.pop_front();
            self.line += 1;
        }
        self.line + 1
    }
}

impl<R: Read> LineCounting<R> {
    fn new(inner: R) -> (Self, Rc<RefCell<Lines>>) {
        let state = Rc::new(RefCell::new(Lines::default()));
        (
            LineCounting {
                inner,
                state: state.clone(),
            },
            state,
        )
    }
}

impl<R: Read> Read for LineCounting<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        let mut state = self.state.borrow_mut();
        let start = state.read;
        let mut prev = None;
        for k in memchr::memchr2_iter(b'\n', b'\r', &buf[..n]) {
            if let Some(p) = prev.take() {
                // A `\r` is a line end of its own unless `\n` follows it at once.
                if p + 1 == k && buf[k] == b'\n' {
                    state.kinds[1] += 1;
                    state.pending.push_back(start + k as u64);
                    continue;
                }
                state.kinds[2] += 1;
                state.pending.push_back(start + p as u64);
            }
            if buf[k] == b'\r' {
                prev = Some(k);
            } else if k == 0 && state.after_cr {
                // The `\n` of a `\r\n` split between two reads: the `\r` was counted as a
                // lone one at the end of the previous read; make it this `\n`.
                state.kinds[2] = state.kinds[2].saturating_sub(1);
                state.kinds[1] += 1;
                if let Some(last) = state.pending.back_mut() {
                    *last = start;
                }
            } else {
                state.kinds[0] += 1;
                state.pending.push_back(start + k as u64);
            }
        }
        if let Some(p) = prev {
            state.kinds[2] += 1;
            state.pending.push_back(start + p as u64);
        }
        state.after_cr = n > 0 && buf[n - 1] == b'\r';
        state.read += n as u64;
        Ok(n)
    }
}

/// Where the ACLED and UCDP readers take their records from: a CSV stream ([`CsvInput`]) or a
/// workbook sheet ([`SheetInput`](crate::io::workbook::SheetInput)). The readers are generic
/// over it, so that each source gets its own compiled loop and the CSV one stays as fast as
/// it was.
pub(crate) trait TableInput {
    /// The header's columns.
    fn columns(&self) -> &Columns;
    /// The record last read by [`next_line`](Self::next_line), as UTF-8 text.
    fn record(&self) -> &ByteRecord;
    /// Read the next record and return the line (or sheet row) it starts on, counted from 1;
    /// `None` at the end.
    fn next_line(&mut self) -> Result<Option<u64>>;
    /// The problem of a record whose quote ran over the lines after it, if this is one.
    fn runaway_problem(&self) -> Option<FieldProblem>;
    /// How the input was read, for the load report.
    fn describe(&self, report: &mut LoadReport);
    /// Every quote left open that swallowed lines: the line it opens on and the lines it
    /// swallowed (none in a workbook).
    fn swallowed(&self) -> &[(u64, u64)] {
        &[]
    }

    /// Move the record last read into `into`, leaving `into`'s old record (for its buffers)
    /// to be read into next.
    fn take_record(&mut self, into: &mut ByteRecord);

    /// Why the current record holds no event, if it does not: a row of empty fields
    /// (Excel's trailing `;;;;`), or, as the first row under the header (`first`), HDX's row
    /// of HXL hashtags.
    fn not_data(&self, first: bool) -> Option<&'static str> {
        let record = self.record();
        if record.iter().all(|f| f.trim_ascii().is_empty()) {
            Some("an empty row: every field is empty")
        } else if first && is_hxl_row(record) {
            Some("HXL hashtag row (#date+year, #geo+lat, ...): metadata, not an event")
        } else {
            None
        }
    }
}

impl TableInput for CsvInput<'_> {
    #[inline]
    fn columns(&self) -> &Columns {
        &self.columns
    }

    #[inline]
    fn record(&self) -> &ByteRecord {
        &self.record
    }

    #[inline]
    fn next_line(&mut self) -> Result<Option<u64>> {
        CsvInput::next_line(self)
    }

    #[inline]
    fn runaway_problem(&self) -> Option<FieldProblem> {
        CsvInput::runaway_problem(self)
    }

    fn describe(&self, report: &mut LoadReport) {
        CsvInput::describe(self, report);
    }

    fn swallowed(&self) -> &[(u64, u64)] {
        &self.swallowed
    }

    fn take_record(&mut self, into: &mut ByteRecord) {
        std::mem::swap(&mut self.record, into);
    }
}

/// A CSV file being read: its header's columns, the current record, and the line each record
/// starts on.
pub(crate) struct CsvInput<'a> {
    csv: csv::Reader<LineCounting<BufReader<Box<dyn Read + 'a>>>>,
    lines: Rc<RefCell<Lines>>,
    source: String,
    /// The record last read by [`next_line`](Self::next_line), as UTF-8 when the file's
    /// encoding is decided record by record.
    pub(crate) record: ByteRecord,
    scratch: ByteRecord,
    /// The header's columns.
    pub(crate) columns: Columns,
    /// The separator found in the header line.
    pub(crate) separator: u8,
    /// What came before the header: Excel's `sep=;` hint, title lines.
    head: TableHead,
    /// The encoding fixed for the stream, or `None` when decided record by record.
    fixed: Option<Encoding>,
    container: Option<String>,
    /// Non-ASCII records that were valid UTF-8, and records read as Windows-1252.
    utf8_records: u64,
    cp1252_records: u64,
    /// The current record, when it holds a line break inside quotes whose lines look like
    /// rows of their own: the line where it starts and the lines it runs over.
    runaway: Option<(u64, u64)>,
    /// Where the current record ends: the line the next one starts on.
    next_line: u64,
    /// Every runaway quote met: the line it opens on and the lines it swallowed.
    swallowed: Vec<(u64, u64)>,
}

impl<'a> CsvInput<'a> {
    /// Start reading a stream: unwrap its container and encoding, find the separator, read
    /// the header; `Err` if there is none.
    pub(crate) fn open<R: Read + 'a>(
        reader: R,
        source: &str,
        options: &ReadOptions,
    ) -> Result<Self> {
        Self::from_opened(
            Opened::new(reader, source, options.encoding_asked())?,
            source,
        )
    }

    /// Start reading a stream opened already (by format detection).
    pub(crate) fn from_opened(mut opened: Opened<'a>, source: &str) -> Result<Self> {
        let head = opened.separator(source)?;
        let separator = head.separator;
        let (reader, lines) = LineCounting::new(opened.reader);
        // The lines before the header (Excel's `sep=` hint, a title) were read past; a `\r`
        // ending them may have its `\n` still to come.
        lines.borrow_mut().line = head.lines;
        lines.borrow_mut().after_cr = head.ends_in_cr;
        let mut csv = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(separator)
            .from_reader(reader);
        let mut record = ByteRecord::new();
        if !next_record(&mut csv, &mut record, source)? {
            return Err(Error::format(format!("{source} is empty: no header line")));
        }
        let mut input = CsvInput {
            csv,
            lines,
            source: source.to_string(),
            record,
            scratch: ByteRecord::new(),
            columns: Columns::default(),
            separator,
            head,
            fixed: opened.encoding,
            container: opened.container,
            utf8_records: 0,
            cp1252_records: 0,
            runaway: None,
            next_line: 1,
            swallowed: Vec::new(),
        };
        input.decode_record();
        input.columns = Columns::new(&input.record);
        input.columns.source = source.to_string();
        Ok(input)
    }

    /// Read the next record into `record` and return the line it starts on; `None` at the end.
    pub(crate) fn next_line(&mut self) -> Result<Option<u64>> {
        if !next_record(&mut self.csv, &mut self.record, &self.source)? {
            return Ok(None);
        }
        let byte = self.record.position().map_or(0, csv::Position::byte);
        let mut lines = self.lines.borrow_mut();
        let line = lines.line_at(byte);
        self.next_line = lines.line_at(self.csv.position().byte());
        drop(lines);
        self.decode_record();
        self.runaway = None;
        if self.next_line > line + 1 && self.swallows_rows() {
            let runaway = (line, self.next_line - line - 1);
            self.runaway = Some(runaway);
            self.swallowed.push(runaway);
        }
        Ok(Some(line))
    }

    /// With the encoding decided as it goes, a field that is not valid UTF-8 is read as
    /// Windows-1252 (the other fields of its record stay as they are).
    fn decode_record(&mut self) {
        if self.fixed.is_some() || self.record.as_slice().is_ascii() {
            return;
        }
        if std::str::from_utf8(self.record.as_slice()).is_ok() {
            self.utf8_records += 1;
            return;
        }
        self.cp1252_records += 1;
        self.scratch.clear();
        for field in &self.record {
            self.scratch.push_field(decode_text(field).as_bytes());
        }
        self.scratch.set_position(self.record.position().cloned());
        std::mem::swap(&mut self.record, &mut self.scratch);
    }

    /// Whether the current record has lost its shape (too few fields, or extra ones that are
    /// not empty) and a field of it runs over line breaks that look like rows: a quote left
    /// open that swallowed the lines after it. A long quoted field over several lines in a
    /// record of the right length (UCDP's source texts) is fine.
    fn swallows_rows(&self) -> bool {
        let m = self.columns.len();
        let n = self.record.len();
        let shaped = n == m || (n > m && self.record.iter().skip(m).all(<[u8]>::is_empty));
        if shaped {
            return false;
        }
        let wanted = (m / 2).max(2);
        self.record.iter().any(|field| {
            field
                .split(|&b| b == b'\n' || b == b'\r')
                .skip(1)
                .any(|line| line.iter().filter(|&&b| b == self.separator).count() >= wanted)
        })
    }

    /// The problem of a record whose quote ran over the lines after it, if this is one.
    pub(crate) fn runaway_problem(&self) -> Option<FieldProblem> {
        let (line, swallowed) = self.runaway?;
        Some(FieldProblem {
            field: "record".into(),
            value: format!("lines {line}-{}", line + swallowed),
            reason: format!(
                "a quote opened on line {line} is not closed where its field ends: it swallows \
                 the next {swallowed} line{}, which look like rows of their own (a stray \" in \
                 the file?)",
                if swallowed == 1 { "" } else { "s" }
            ),
        })
    }

    /// The encoding the records were read in, in words, and a note when they were mixed.
    pub(crate) fn encoding_read(&self) -> (Encoding, Option<String>) {
        if let Some(e) = self.fixed {
            return (e, None);
        }
        match (self.utf8_records, self.cp1252_records) {
            (_, 0) => (Encoding::Utf8, None),
            (0, _) => (Encoding::Windows1252, None),
            (utf8, cp) => (
                Encoding::Utf8,
                Some(format!(
                    "mixed encodings: {cp} record(s) hold text that is not valid UTF-8, read \
                     as Windows-1252, while {utf8} record(s) with accented letters are UTF-8; \
                     check those names, or set the encoding"
                )),
            ),
        }
    }

    /// How the file was read, for the load report: container, encoding, separator, line ends.
    pub(crate) fn describe(&self, report: &mut LoadReport) {
        let (encoding, note) = self.encoding_read();
        report.encoding = encoding;
        report.separator = Some(char::from(self.separator));
        report.container.clone_from(&self.container);
        let kinds = self.lines.borrow().kinds;
        let names = ["LF", "CRLF", "CR"];
        report.line_ends = (0..3)
            .filter(|&k| kinds[k] > 0)
            .map(|k| names[k])
            .collect::<Vec<_>>()
            .join(" and ");
        if let Some(note) = note {
            report.notes.push(note);
        }
        if self.head.hinted {
            report.notes.push(format!(
                "line 1, \"sep={}\", is Excel's separator hint: read as such",
                char::from(self.separator).escape_default()
            ));
        }
        if self.head.lines > u64::from(self.head.hinted) {
            let titles: Vec<String> = self.head.titles.iter().map(|t| format!("{t:?}")).collect();
            report.notes.push(format!(
                "the header is on line {}: the lines before it were read past as a title, not \
                 rows{}",
                self.head.lines + 1,
                if titles.is_empty() {
                    String::new()
                } else {
                    format!(" ({})", titles.join(", "))
                }
            ));
        }
    }
}

/// A table is read: decide its dates, say how it was read, and hand back what was read.
pub(crate) fn finish_table(
    dates: Dates,
    mut sink: Sink,
    input: &impl TableInput,
) -> Result<Loaded> {
    dates.finish(&mut sink)?;
    for &(line, lines) in input.swallowed() {
        sink.swallowed(line, lines);
    }
    input.describe(&mut sink.report);
    Ok(sink.finish())
}

/// Read the next record into `record`; `Ok(false)` at the end.
pub(crate) fn next_record<R: Read>(
    reader: &mut csv::Reader<R>,
    record: &mut ByteRecord,
    source: &str,
) -> Result<bool> {
    reader.read_byte_record(record).map_err(|e| {
        let line = e.position().map_or(0, csv::Position::line);
        let reason = e.to_string();
        match e.into_kind() {
            csv::ErrorKind::Io(io) => Error::io(source, io),
            _ => Error::Parse {
                file: source.to_string(),
                line,
                field: "record".into(),
                reason,
            },
        }
    })
}

/// The HDX copy's second line: every non-empty field after the index column is a hashtag.
pub(crate) fn is_hxl_row(record: &ByteRecord) -> bool {
    let mut tags = 0;
    for f in record.iter().skip(1) {
        let f = f.trim_ascii();
        if f.is_empty() {
            continue;
        }
        if f.first() != Some(&b'#') {
            return false;
        }
        tags += 1;
    }
    tags > 0
}
