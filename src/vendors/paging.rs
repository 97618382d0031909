//! Reading a page as its vendor's spec says: where its records are, and which requests follow.
//! The same conditions (a repeated cursor, "more" without a cursor) are handled the same way
//! for every vendor, because this is the only place that handles them.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::value::RawValue;

use super::spec::{BodyFormat, FollowUpSpec, ListSpec, Paginator, Selector, VendorSpec};
use super::task::{Call, MapContext, Page, Position, RecordAt, Step, Task, Update};
use super::VendorId;
use crate::error::{Problem, VendorComplaint};
use crate::http::encode_component;

/// The value at `path` under `root`, if every key along the way is there.
fn find<'a>(root: &'a RawValue, path: &[&str]) -> Option<&'a RawValue> {
    let mut here = root;
    for key in path {
        let object: BTreeMap<&str, &RawValue> = serde_json::from_str(here.get()).ok()?;
        here = object.get(key)?;
    }
    Some(here)
}

/// The first value the selector finds that reads as a `T`.
fn select<'a, T: Deserialize<'a>>(root: &'a RawValue, selector: Selector) -> Option<T> {
    selector
        .0
        .iter()
        .filter_map(|path| find(root, path))
        .find_map(|raw| serde_json::from_str(raw.get()).ok())
}

fn select_text(root: &RawValue, selector: Selector) -> Option<String> {
    selector.0.iter().find_map(|path| text_at(root, path))
}

/// The non-empty text at `path`.
fn text_at(root: &RawValue, path: &[&str]) -> Option<String> {
    let raw = find(root, path)?;
    serde_json::from_str::<Option<String>>(raw.get())
        .ok()
        .flatten()
        .filter(|text| !text.is_empty())
}

fn describe(selector: Selector) -> String {
    selector
        .0
        .iter()
        .map(|path| match path {
            [] => "the body itself".to_string(),
            keys => keys.join("."),
        })
        .collect::<Vec<_>>()
        .join(" or ")
}

/// The same list, one page on, from `position`.
fn next_page(task: &Task, position: Position) -> Task {
    let mut next = task.clone();
    next.position = position;
    match &mut next.step {
        Step::List { page, .. } | Step::FollowUp { page, .. } => *page += 1,
    }
    next
}

/// The page after one whose cursor is `cursor`, unless that would fetch the same page again.
fn after_cursor(task: &Task, param: &'static str, cursor: String) -> Result<Task, Problem> {
    if task.position.cursor() == Some(cursor.as_str()) {
        return Err(Problem::RepeatedCursor { cursor });
    }
    Ok(next_page(
        task,
        Position::Cursor {
            param: param.to_string(),
            cursor,
        },
    ))
}

/// Reads a complete JSON page of `list`: its records, the next page, and the reported total.
pub fn read_json_page(list: &ListSpec, task: &Task, body: &[u8]) -> Result<Page, Problem> {
    let root: &RawValue = serde_json::from_slice(body).map_err(|error| Problem::Malformed {
        detail: format!("The body is not JSON: {error}"),
    })?;
    let records: Vec<Box<RawValue>> =
        select(root, list.records).ok_or_else(|| Problem::Malformed {
            detail: format!("No list of records at {}.", describe(list.records)),
        })?;
    let mut page = Page {
        records,
        ..Page::default()
    };
    match list.paginator {
        Paginator::Cursor {
            param,
            next,
            has_more,
        } => {
            let more = has_more.and_then(|selector| select::<bool>(root, selector));
            match (more, select_text(root, next)) {
                (Some(false), _) | (None, None) => {}
                (_, Some(cursor)) => page.next.push(after_cursor(task, param, cursor)?),
                (Some(true), None) => return Err(Problem::MissingCursor),
            }
        }
        Paginator::Offset {
            param,
            has_more,
            total,
        } => {
            page.total = total.and_then(|selector| select(root, selector));
            if select::<bool>(root, has_more).unwrap_or(false) {
                let offset = task.position.offset() + u64::from(list.page_size.size);
                page.next.push(next_page(
                    task,
                    Position::Offset {
                        param: param.to_string(),
                        offset,
                    },
                ));
            }
        }
        Paginator::Sentinel { .. } => {
            return Err(Problem::Malformed {
                detail: "This list is NDJSON, not one JSON document.".into(),
            })
        }
    }
    Ok(page)
}

/// One line of an NDJSON body.
#[derive(Debug)]
pub enum Line {
    Record(Box<RawValue>),
    /// The sentinel that announces another page, with its cursor.
    Next(String),
    /// Nothing to keep (a blank line).
    Skip,
}

/// Reads one line of an NDJSON list paged by a sentinel line.
pub fn read_line(list: &ListSpec, line: &str) -> Result<Line, Problem> {
    let line = line.trim();
    if line.is_empty() {
        return Ok(Line::Skip);
    }
    let raw: Box<RawValue> = serde_json::from_str(line).map_err(|error| Problem::Malformed {
        detail: format!("A line is not JSON: {error}"),
    })?;
    let Paginator::Sentinel {
        flag, next, error, ..
    } = list.paginator
    else {
        return Ok(Line::Record(raw));
    };
    // Only lines that name a control field are read for them: rows are thousands a page, so a
    // byte scan for a quote followed by either name's first letter clears most of them.
    let firsts = [flag, error].map(|field| field.as_bytes().first().copied());
    let may_name = line
        .as_bytes()
        .windows(2)
        .any(|pair| pair[0] == b'"' && firsts.contains(&Some(pair[1])));
    let names = |field: &str| line.contains(&format!("\"{field}\""));
    if !may_name || (!names(flag) && !names(error)) {
        return Ok(Line::Record(raw));
    }
    let Ok(control) = serde_json::from_str::<BTreeMap<String, serde_json::Value>>(line) else {
        return Ok(Line::Record(raw));
    };
    if let Some(complaint) = control.get(error) {
        return Err(Problem::StreamError {
            complaint: VendorComplaint::from_value(&serde_json::json!({ "_error": complaint })),
        });
    }
    if control.get(flag).and_then(|v| v.as_bool()) == Some(true) {
        return match control
            .get(next)
            .and_then(|v| v.as_str())
            .filter(|c| !c.is_empty())
        {
            Some(cursor) => Ok(Line::Next(cursor.to_string())),
            None => Err(Problem::MissingCursor),
        };
    }
    Ok(Line::Record(raw))
}

/// The page after an NDJSON page whose sentinel gave `next_cursor` (none: the list ended).
pub fn after_lines(
    list: &ListSpec,
    task: &Task,
    next_cursor: Option<String>,
) -> Result<Vec<Task>, Problem> {
    match (next_cursor, list.paginator) {
        (Some(cursor), Paginator::Sentinel { param, .. }) => {
            Ok(vec![after_cursor(task, param, cursor)?])
        }
        _ => Ok(Vec::new()),
    }
}

/// The follow-up lists of a main-list page's records: one per record with an id. A record
/// without one is still kept (and warned about) when mapped; it only has nothing to follow.
pub fn follow_ups(
    follow_up: &FollowUpSpec,
    base_url: &str,
    records: &[Box<RawValue>],
) -> Vec<Task> {
    records
        .iter()
        .filter_map(|record| text_at(record, &[follow_up.id_field]))
        .map(|id| {
            let list = &follow_up.list;
            let path = list.path.replace("{id}", &encode_component(&id));
            let params = vec![(
                list.page_size.param.to_string(),
                list.page_size.size.to_string(),
            )];
            let position = match list.paginator {
                Paginator::Offset { param, .. } => Position::Offset {
                    param: param.to_string(),
                    offset: 0,
                },
                _ => Position::Start,
            };
            Task {
                call: Call::new(base_url, &path, params),
                position,
                step: Step::FollowUp {
                    conversation_id: id,
                    page: 0,
                },
            }
        })
        .collect()
}

/// The list a step reads: the main one, or the follow-up.
pub fn list_of<'a>(spec: &'a VendorSpec, step: &Step) -> &'a ListSpec {
    match (step, &spec.follow_up) {
        (Step::FollowUp { .. }, Some(follow_up)) => &follow_up.list,
        _ => &spec.list,
    }
}

/// A main-list page asks for each of its records' follow-up lists too.
pub fn with_follow_ups(spec: &VendorSpec, task: &Task, mut page: Page) -> Page {
    if let (Some(follow_up), Step::List { .. }) = (&spec.follow_up, &task.step) {
        page.next
            .extend(follow_ups(follow_up, &task.call.base_url, &page.records));
    }
    page
}

/// Reads a whole body of `task`'s page. The engine reads bodies as they stream in; tests and
/// fuzzing hand them over in one piece, and get the same page.
pub fn read_page(vendor: VendorId, task: &Task, body: &[u8]) -> Result<Page, Problem> {
    let spec = vendor.spec();
    let list = list_of(spec, &task.step);
    let page = match list.body {
        BodyFormat::Json => read_json_page(list, task, body)?,
        BodyFormat::Ndjson => {
            let text = std::str::from_utf8(body).map_err(|_| Problem::Malformed {
                detail: "The body is not UTF-8.".into(),
            })?;
            let mut page = Page::default();
            let mut next_cursor = None;
            for line in text.lines() {
                match read_line(list, line)? {
                    Line::Record(raw) => page.records.push(raw),
                    Line::Next(cursor) => next_cursor = Some(cursor),
                    Line::Skip => {}
                }
            }
            page.next = after_lines(list, task, next_cursor)?;
            page
        }
    };
    Ok(with_follow_ups(spec, task, page))
}

/// Maps records of `task`'s page, the first of them at index `first` in the page.
pub fn map_records(
    vendor: VendorId,
    task: &Task,
    first: usize,
    records: Vec<Box<RawValue>>,
    context: &mut MapContext<'_>,
) -> Vec<Update> {
    let connector = vendor.connector();
    let offset = task.position.offset();
    records
        .into_iter()
        .enumerate()
        .map(|(index, raw)| {
            let index = first + index;
            let at = RecordAt {
                step: &task.step,
                index,
                position: offset + index as u64,
            };
            connector.map(raw, at, context)
        })
        .collect()
}
