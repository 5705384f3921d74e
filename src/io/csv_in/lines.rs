//! Line counting and the CSV record loop the readers share.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::io::Read;
use std::rc::Rc;

use csv::ByteRecord;

use super::*;
use crate::error::{Error, Result};

/// A reader that notes where its newlines are, so that a record's line can be found from its
/// byte offset. The csv crate's own line numbers are wrong after CRLF line ends (it counts a
/// record as starting on the `\n` of the previous `\r\n`), so the readers count for themselves.
pub(crate) struct LineCounting<R> {
    inner: R,
    state: Rc<RefCell<Lines>>,
}

/// Newline offsets read but not yet passed, and the line reached.
#[derive(Default)]
pub(crate) struct Lines {
    read: u64,
    pending: VecDeque<u64>,
    line: u64,
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
        for k in memchr::memchr_iter(b'\n', &buf[..n]) {
            state.pending.push_back(start + k as u64);
        }
        state.read += n as u64;
        Ok(n)
    }
}

/// A CSV file being read: its header's columns, the current record, and the line each record
/// starts on.
pub(crate) struct CsvInput<R: Read> {
    csv: csv::Reader<LineCounting<R>>,
    lines: Rc<RefCell<Lines>>,
    source: String,
    /// The record last read by [`next_line`](Self::next_line).
    pub(crate) record: ByteRecord,
    /// The header's columns.
    pub(crate) columns: Columns,
}

impl<R: Read> CsvInput<R> {
    /// Start reading: the first record is the header; `Err` if there is none.
    pub(crate) fn open(reader: R, source: &str) -> Result<Self> {
        let (reader, lines) = LineCounting::new(reader);
        let mut csv = csv_reader(reader);
        let mut record = ByteRecord::new();
        if !next_record(&mut csv, &mut record, source)? {
            return Err(Error::format(format!("{source} is empty: no header line")));
        }
        let columns = Columns::new(&record);
        Ok(CsvInput {
            csv,
            lines,
            source: source.to_string(),
            record,
            columns,
        })
    }

    /// Read the next record into `record` and return the line it starts on; `None` at the end.
    pub(crate) fn next_line(&mut self) -> Result<Option<u64>> {
        if !next_record(&mut self.csv, &mut self.record, &self.source)? {
            return Ok(None);
        }
        let byte = self.record.position().map_or(0, csv::Position::byte);
        Ok(Some(self.lines.borrow_mut().line_at(byte)))
    }
}

/// Read CSV records with the crate's settings: no header handling by csv (the readers map
/// it), rows of any length, quotes and embedded newlines as RFC 4180.
pub(crate) fn csv_reader<R: Read>(reader: R) -> csv::Reader<R> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(reader)
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
                line,
                field: "record".into(),
                reason,
            },
        }
    })
}
