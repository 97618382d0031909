//! Reading a successful body as its list's spec says: a JSON page once complete, or NDJSON line
//! by line as it arrives (the rows read before a failure are handed back with the problem).

use serde_json::value::RawValue;

use crate::error::Problem;
use crate::model::Timestamp;
use crate::ndjson::LineSplitter;
use crate::transport::{read_to_end, Body, TransportError};
use crate::vendors::changes::keep_changed;
use crate::vendors::paging::{after_lines, list_of, read_json_page, read_line, with_follow_ups};
use crate::vendors::spec::ListSpec;
use crate::vendors::{BodyFormat, Line, Page, Task, VendorSpec};

/// The rows a body gave before it failed.
type Partial = Vec<Box<RawValue>>;

/// `changed_since`: the mark of an export of only what changed (pages keep what moved past it).
/// `arriving` hears how many rows of a streamed body (NDJSON) were read so far, as they come.
pub(super) async fn read_body<B: Body>(
    spec: &VendorSpec,
    task: &Task,
    changed_since: Option<Timestamp>,
    body: &mut B,
    arriving: &mut dyn FnMut(usize),
) -> Result<Page, (Problem, Partial)> {
    let list = list_of(spec, &task.step);
    let page = match list.body {
        BodyFormat::Json => {
            let bytes = read_to_end(body)
                .await
                .map_err(|error| (body_problem(error), Vec::new()))?;
            read_json_page(list, task, &bytes).map_err(|problem| (problem, Vec::new()))?
        }
        BodyFormat::Ndjson => read_lines(list, task, body, arriving).await?,
    };
    let page = keep_changed(spec.changes, changed_since, task, page);
    Ok(with_follow_ups(spec, task, page))
}

async fn read_lines<B: Body>(
    list: &ListSpec,
    task: &Task,
    body: &mut B,
    arriving: &mut dyn FnMut(usize),
) -> Result<Page, (Problem, Partial)> {
    let mut splitter = LineSplitter::new();
    let mut records = Vec::new();
    let mut next_cursor = None;
    let mut line_number = 0usize;
    let mut take_line = |line: &[u8], records: &mut Partial| -> Result<(), Problem> {
        line_number += 1;
        let text = std::str::from_utf8(line).map_err(|_| Problem::Malformed {
            detail: format!("Line {line_number} is not UTF-8."),
        })?;
        match read_line(list, text)? {
            Line::Record(raw) => records.push(raw),
            Line::Next(cursor) => next_cursor = Some(cursor),
            Line::Skip => {}
        }
        Ok(())
    };
    loop {
        match body.chunk().await {
            Ok(Some(chunk)) => {
                if let Err(problem) = splitter.push(&chunk, |line| take_line(line, &mut records)) {
                    return Err((problem, records));
                }
                arriving(records.len());
            }
            Ok(None) => break,
            Err(error) => return Err((body_problem(error), records)),
        }
    }
    if let Some(last) = splitter.finish() {
        if let Err(problem) = take_line(&last, &mut records) {
            return Err((problem, records));
        }
    }
    match after_lines(list, task, next_cursor) {
        Ok(next) => Ok(Page {
            records,
            next,
            total: None,
            fetched_at: None,
        }),
        Err(problem) => Err((problem, records)),
    }
}

/// A body that stopped arriving midway.
pub(super) fn body_problem(error: TransportError) -> Problem {
    match error {
        TransportError::Timeout => Problem::BodyTimedOut,
        TransportError::Network(reason) => Problem::BodyCut { reason },
    }
}
