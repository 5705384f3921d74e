//! The table readers' row loop: records read in order on the calling thread, parsed in
//! batches on worker threads, and filed in their order, so that the result is the same with
//! one thread or several.
//!
//! Reading a record (csv's parser, line counting, decoding) is a fifth of the work; parsing its
//! fields into an incident and checking it is most of the rest, and each row's parse depends
//! on nothing but the row. Filing is in order (the file's date order, duplicate ids, the
//! first rejection in strict mode), on one thread.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, mpsc};

use csv::ByteRecord;

use super::*;
use crate::error::Result;
use crate::io::report::FieldProblem;

/// Records per batch: enough that handing a batch to a thread costs little against parsing
/// it; a file shorter than one batch is read on the calling thread alone.
const BATCH: usize = 2048;

/// Batches queued per worker thread, ahead of the one it parses.
const QUEUED: usize = 2;

/// One record as read: the line it starts on, its fields (as UTF-8 text), and its problem as
/// a whole when a quote left open swallowed the lines after it.
pub(crate) struct Raw {
    /// The line (or sheet row) the record starts on.
    pub(crate) line: u64,
    /// The record's fields.
    pub(crate) record: ByteRecord,
    /// The record's quote ran over the lines after it.
    pub(crate) runaway: Option<FieldProblem>,
}

/// Records read in order; only the first `len` are this batch's (the others are kept for
/// their buffers).
#[derive(Default)]
struct Batch {
    raws: Vec<Raw>,
    len: usize,
}

impl Batch {
    /// Read up to [`BATCH`] records from `input`, noting rows that hold no event in `skips`;
    /// `false` when the input has ended. On an error the records read before it stay in the
    /// batch, to be filed before the error is returned.
    fn fill(
        &mut self,
        input: &mut impl TableInput,
        first: &mut bool,
        skips: &mut Vec<(u64, &'static str)>,
    ) -> Result<bool> {
        self.len = 0;
        while self.len < BATCH {
            let Some(line) = input.next_line()? else {
                return Ok(false);
            };
            if let Some(why) = input.not_data(std::mem::take(first)) {
                skips.push((line, why));
                continue;
            }
            if self.len == self.raws.len() {
                self.raws.push(Raw {
                    line: 0,
                    record: ByteRecord::new(),
                    runaway: None,
                });
            }
            let raw = &mut self.raws[self.len];
            raw.line = line;
            raw.runaway = input.runaway_problem();
            input.take_record(&mut raw.record);
            self.len += 1;
        }
        Ok(true)
    }

    fn rows(&self) -> &[Raw] {
        &self.raws[..self.len]
    }
}

/// The worker threads to parse on: rayon's thread count (the machine's cores, or
/// `RAYON_NUM_THREADS`, or the pool the call runs in); one without the `parallel` feature.
fn workers() -> usize {
    #[cfg(feature = "parallel")]
    {
        rayon::current_num_threads()
    }
    #[cfg(not(feature = "parallel"))]
    {
        1
    }
}

/// Read every record of `input`, turn each into a dated row with `parse` (given a state of
/// its own per thread, for caches such as interned names) and file the rows in the input's
/// order through `dates` into `sink`. The first error in the file's order is returned: an
/// input error, or a row's rejection in strict mode.
pub(crate) fn read_rows<I, S, P>(
    input: &mut I,
    dates: &mut Dates,
    sink: &mut Sink,
    parse: P,
) -> Result<()>
where
    I: TableInput,
    S: Default + Send,
    P: Fn(&mut S, &Raw, &Columns) -> DatedRow + Sync,
{
    let mut first = true;
    let mut skips = Vec::new();
    let mut batch = Batch::default();
    let mut read = batch.fill(input, &mut first, &mut skips);
    let threads = workers();
    if matches!(read, Ok(true)) && threads > 1 {
        in_parallel(
            input, dates, sink, &parse, batch, threads, &mut first, &mut skips,
        )?;
    } else {
        let mut state = S::default();
        loop {
            // The rows read before an input error are filed first: a bad row among them is
            // the first error in the file's order.
            for raw in batch.rows() {
                dates.row(sink, parse(&mut state, raw, input.columns()))?;
            }
            match read {
                Ok(true) => read = batch.fill(input, &mut first, &mut skips),
                Ok(false) => break,
                Err(e) => return Err(e),
            }
        }
    }
    for (line, why) in skips {
        sink.skip(line, why);
    }
    Ok(())
}

/// [`read_rows`] with `threads` workers, once the first batch is read and more follow.
#[allow(clippy::too_many_arguments)]
fn in_parallel<I, S, P>(
    input: &mut I,
    dates: &mut Dates,
    sink: &mut Sink,
    parse: &P,
    batch: Batch,
    threads: usize,
    first: &mut bool,
    skips: &mut Vec<(u64, &'static str)>,
) -> Result<()>
where
    I: TableInput,
    S: Default + Send,
    P: Fn(&mut S, &Raw, &Columns) -> DatedRow + Sync,
{
    let columns = input.columns().clone();
    let columns = &columns;
    std::thread::scope(|scope| {
        let (work, queue) = mpsc::sync_channel::<(u64, Batch)>(threads * QUEUED);
        // Shared by the workers alone, so that the reader's send fails once they have all
        // stopped (filing stopped at a rejection in strict mode).
        let queue = Arc::new(Mutex::new(queue));
        let (parsed, done) = mpsc::sync_channel::<(u64, Batch, Vec<DatedRow>)>(threads * QUEUED);
        let (give_back, returned) = mpsc::channel::<Batch>();
        for _ in 0..threads {
            let (queue, parsed) = (Arc::clone(&queue), parsed.clone());
            scope.spawn(move || {
                let mut state = S::default();
                loop {
                    // Another worker panicking cannot leave the queue half-taken.
                    let job = queue.lock().unwrap_or_else(|e| e.into_inner()).recv();
                    let Ok((k, batch)) = job else { break };
                    let rows = batch
                        .rows()
                        .iter()
                        .map(|raw| parse(&mut state, raw, columns))
                        .collect();
                    if parsed.send((k, batch, rows)).is_err() {
                        break;
                    }
                }
            });
        }
        drop((queue, parsed));
        // Filing, in order: a batch that comes back early waits for those before it.
        let filing = scope.spawn(move || -> Result<()> {
            let mut next = 0u64;
            let mut early = BTreeMap::new();
            for (k, batch, rows) in done {
                early.insert(k, (batch, rows));
                while let Some((batch, rows)) = early.remove(&next) {
                    for row in rows {
                        dates.row(sink, row)?;
                    }
                    // The reader may be gone already; then the batch is simply dropped.
                    let _ = give_back.send(batch);
                    next += 1;
                }
            }
            Ok(())
        });
        let mut reading = Ok(());
        let (mut k, mut batch, mut more) = (0u64, batch, true);
        loop {
            if work.send((k, batch)).is_err() || !more {
                // Sent the last, or filing stopped (a rejection in strict mode).
                break;
            }
            k += 1;
            batch = returned.try_recv().unwrap_or_default();
            match batch.fill(input, first, skips) {
                Ok(m) => more = m,
                Err(e) => {
                    // The rows read before the error are sent, then reading stops.
                    reading = Err(e);
                    more = false;
                }
            }
        }
        drop(work);
        // Filing's error comes from a row before any the reader failed at.
        match filing.join() {
            Ok(filed) => filed.and(reading),
            Err(panic) => std::panic::resume_unwind(panic),
        }
    })
}
