//! What the CSV readers share: the options and result type, the header map, a row view that
//! parses fields and collects every problem, date and number parsing as the real files write
//! them, country resolution, string interning, the sink that files each row as accepted or
//! rejected, and line counting.

mod batches;
mod columns;
mod dates;
mod lines;
mod names;
mod options;
mod rows;
mod sink;
#[cfg(test)]
mod tests;
mod text;

pub(crate) use batches::*;
pub(crate) use columns::*;
pub(crate) use dates::*;
pub(crate) use lines::*;
pub(crate) use names::*;
pub use options::{DateOrder, Encoding, Loaded, ReadOptions};
pub(crate) use rows::*;
pub(crate) use sink::*;
pub(crate) use text::*;
