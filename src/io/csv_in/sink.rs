//! The sink that files each row as accepted or rejected and checks what validation checks.

use std::hash::BuildHasher;

use rustc_hash::FxHashMap as HashMap;

use super::*;
use crate::error::{Error, Result};
use crate::incident::{Incident, SourceId};
use crate::io::report::{FieldProblem, LoadReport, RejectedRow, RowWarning, SkippedLine, shorten};
use crate::validate::{Problem, check, warnings};

/// Files each row as accepted or rejected, checks what validation checks, and stops at the
/// first reject in strict mode.
pub(crate) struct Sink {
    pub(crate) report: LoadReport,
    incidents: Vec<Incident>,
    lines: Vec<u64>,
    /// The first accepted row of each id, by the id's hash: its index in `incidents`. A map
    /// of hashes is half the size of a map of ids, and a million ids miss the cache either
    /// way.
    first_of_id: HashMap<u64, usize>,
    /// Ids whose hash an earlier, different id has (rare): each one's first line.
    collided: HashMap<SourceId, u64>,
    strict: bool,
    problems: Vec<Problem>,
    id_field: String,
    /// A year after today: a later date is suspicious.
    future: jiff::civil::Date,
}

impl Sink {
    /// A sink for a reader whose ids come from the field `id_field`.
    pub(crate) fn new(report: LoadReport, options: &ReadOptions, id_field: &str) -> Sink {
        Sink {
            id_field: id_field.to_string(),
            report,
            incidents: Vec::new(),
            lines: Vec::new(),
            first_of_id: HashMap::default(),
            collided: HashMap::default(),
            strict: options.is_strict(),
            problems: Vec::new(),
            future: a_year_from_today(),
        }
    }

    pub(crate) fn skip(&mut self, line: u64, reason: impl Into<String>) {
        self.report.skipped.push(SkippedLine {
            line,
            reason: reason.into(),
        });
    }

    /// The `lines` lines after `line` were swallowed by a quote opened on `line`: each is a
    /// row that could not be read, rejected in its place.
    pub(crate) fn swallowed(&mut self, line: u64, lines: u64) {
        for k in line + 1..=line + lines {
            self.report.rows_seen += 1;
            self.report.rejected.push(RejectedRow {
                line: k,
                source_id: None,
                problems: vec![FieldProblem {
                    field: "record".into(),
                    value: String::new(),
                    reason: format!(
                        "swallowed by the quote opened on line {line}: not read (fix the quote \
                         and read the file again)"
                    ),
                }],
            });
        }
        self.report.rejected.sort_by_key(|r| r.line);
    }

    pub(crate) fn warn(&mut self, line: u64, source_id: &str, field: &str, message: String) {
        self.report.warnings.push(RowWarning {
            line,
            source_id: source_id.to_string(),
            field: field.to_string(),
            message,
        });
    }

    /// File a parsed row: `row_problems` from parsing, then the checks of validation.
    pub(crate) fn row(
        &mut self,
        line: u64,
        incident: Incident,
        mut row_problems: Vec<FieldProblem>,
        row_warnings: Vec<(&'static str, String)>,
    ) -> Result<()> {
        self.report.rows_seen += 1;
        // Validation's checks. A field that failed to parse was reported already, and left as
        // NaN (coordinates) or as the row's id: its echo from the checks is dropped.
        check(&incident, &mut self.problems);
        for p in self.problems.drain(..) {
            let echo = match &p {
                Problem::EmptyId => true,
                Problem::NonFiniteCoordinate { field, .. } => row_problems
                    .iter()
                    .any(|rp| rp.field == *field || rp.field == "geometry"),
                _ => false,
            };
            if !echo {
                row_problems.push(FieldProblem {
                    field: p.field().to_string(),
                    value: problem_value(&p, &incident),
                    reason: p.to_string(),
                });
            }
        }
        let hash = rustc_hash::FxBuildHasher.hash_one(&incident.source_id);
        let earlier = match self.first_of_id.get(&hash) {
            None => None,
            Some(&k) if self.incidents[k].source_id == incident.source_id => Some(self.lines[k]),
            Some(_) => self.collided.get(&incident.source_id).copied(),
        };
        if let Some(first) = earlier.filter(|_| row_problems.is_empty()) {
            row_problems.push(FieldProblem {
                field: self.id_field.clone(),
                value: shorten(incident.source_id.as_str()),
                reason: format!("duplicate id: line {first} has it too, and is kept"),
            });
        }
        if !row_problems.is_empty() {
            let source_id = Some(incident.source_id.as_str().to_string()).filter(|s| !s.is_empty());
            if self.strict {
                let p = &row_problems[0];
                return Err(Error::Parse {
                    file: self.report.source.clone(),
                    line,
                    field: p.field.clone(),
                    reason: format!("{} (value {:?})", p.reason, p.value),
                });
            }
            self.report.rejected.push(RejectedRow {
                line,
                source_id,
                problems: row_problems,
            });
            return Ok(());
        }
        let id = incident.source_id.as_str();
        for (field, message) in row_warnings {
            self.warn(line, id, field, message);
        }
        if let Some(c) = incident.country {
            let (lat, lon) = (incident.lat, incident.lon);
            let message = match placement(c, lon, lat) {
                Some(Placement::Swapped) => Some(format!(
                    "({lat}, {lon}) lies outside {c}, but would lie inside it swapped: \
                     latitude and longitude look exchanged"
                )),
                Some(Placement::Outside([w, s, e, n])) => Some(format!(
                    "({lat}, {lon}) lies outside {c} (latitude {s} to {n}, longitude {w} to \
                     {e}): is the position or the country wrong?"
                )),
                Some(Placement::Inside) | None => None,
            };
            if let Some(message) = message {
                self.warn(line, id, "latitude, longitude", message);
            }
        }
        for w in warnings(&incident) {
            self.warn(line, id, w.field(), w.to_string());
        }
        if incident.date.end > self.future {
            self.warn(
                line,
                id,
                "date",
                format!(
                    "the date {} is more than a year after today: a mistyped year?",
                    incident.date.end
                ),
            );
        }
        match self.first_of_id.entry(hash) {
            std::collections::hash_map::Entry::Vacant(v) => {
                v.insert(self.incidents.len());
            }
            std::collections::hash_map::Entry::Occupied(k)
                if self.incidents[*k.get()].source_id != incident.source_id =>
            {
                self.collided
                    .entry(incident.source_id.clone())
                    .or_insert(line);
            }
            std::collections::hash_map::Entry::Occupied(_) => {}
        }
        self.report.accepted += 1;
        self.incidents.push(incident);
        self.lines.push(line);
        Ok(())
    }

    pub(crate) fn finish(self) -> Loaded {
        Loaded {
            incidents: self.incidents,
            lines: self.lines,
            report: self.report,
        }
    }
}

/// The date a year after today (by the system clock, in UTC).
fn a_year_from_today() -> jiff::civil::Date {
    let days = jiff::Timestamp::now().as_second().div_euclid(86_400);
    jiff::Span::new()
        .try_days(days)
        .ok()
        .and_then(|d| jiff::civil::date(1970, 1, 1).checked_add(d).ok())
        .and_then(|today| today.checked_add(jiff::Span::new().years(1)).ok())
        .unwrap_or(jiff::civil::Date::MAX)
}

pub(crate) fn problem_value(p: &Problem, i: &Incident) -> String {
    match p {
        Problem::NonFiniteCoordinate { value, .. }
        | Problem::LatitudeOutOfRange { value }
        | Problem::LongitudeOutOfRange { value } => value.to_string(),
        Problem::NullIsland => format!("{}, {}", i.lat, i.lon),
        Problem::EndBeforeStart { start, end } => format!("{start} .. {end}"),
        Problem::NegativeFatalities { value, .. } => value.to_string(),
        _ => shorten(i.source_id.as_str()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::incident::DateSpan;
    use crate::io::report::Format;

    fn file(sink: &mut Sink, line: u64, id: &str) {
        let day = DateSpan::day(jiff::civil::date(2024, 1, 1));
        let incident = Incident::new(id, 1.0, 12.0, day);
        sink.row(line, incident, Vec::new(), Vec::new())
            .expect("lenient");
    }

    #[test]
    fn duplicate_ids_even_when_two_ids_share_a_hash() {
        let report = LoadReport::new("t.csv", Format::AcledCsv, "test");
        let mut sink = Sink::new(report, &ReadOptions::new(), "event_id_cnty");
        file(&mut sink, 2, "A");
        // Make "B" collide with "A": its hash points at A's row.
        let b = rustc_hash::FxBuildHasher.hash_one(SourceId::new("B"));
        sink.first_of_id.insert(b, 0);
        file(&mut sink, 3, "B");
        file(&mut sink, 4, "B");
        file(&mut sink, 5, "A");
        file(&mut sink, 6, "C");
        let loaded = sink.finish();
        assert_eq!(loaded.lines, [2, 3, 6]);
        let rejected: Vec<(u64, &str)> = loaded
            .report
            .rejected
            .iter()
            .map(|r| (r.line, r.problems[0].reason.as_str()))
            .collect();
        assert_eq!(
            rejected,
            [
                (4, "duplicate id: line 3 has it too, and is kept"),
                (5, "duplicate id: line 2 has it too, and is kept")
            ]
        );
    }
}
