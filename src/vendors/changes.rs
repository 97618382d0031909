//! Only what changed since a mark: each vendor's way (`spec::Changes`) applied to the first
//! requests, to the pages as they arrive, and to find the next mark.

use serde_json::value::RawValue;

use super::fields::parse_timestamp;
use super::spec::{Changes, ExportQuery, Stamp};
use super::task::{Page, Step, Task, Update};
use crate::model::Timestamp;

/// The filters of a query that asks for what changed since its mark: the mark goes where the
/// vendor takes it (never earlier than a bound the user set).
pub fn filters_with_mark(query: &ExportQuery) -> ExportQuery {
    let Some(mark) = query.changed_since else {
        return query.clone();
    };
    let mut query = query.clone();
    let at_least = |query: &mut ExportQuery, name: &str| {
        let later = match parse_timestamp(query.filter(name)) {
            Some(set) if set > mark => set,
            _ => mark,
        };
        query.filters.insert(name.to_string(), iso(later));
    };
    match query.vendor.spec().changes {
        Changes::Filter { filter, .. } => at_least(&mut query, filter),
        Changes::Range { .. } => {
            if let Some(windows) = query.vendor.spec().windows {
                at_least(&mut query, windows.from);
            }
        }
        Changes::Sorted { filter, value, .. } => {
            query.filters.insert(filter.to_string(), value.to_string());
        }
        Changes::WholeList { .. } => {}
    }
    query
}

/// A main-list page of a query with a mark keeps only the records changed at or after it; a
/// list sorted newest first stops at the first record older than the mark. Vendors that take
/// the mark in a filter already sent only what changed.
pub fn keep_changed(
    changes: Changes,
    mark: Option<Timestamp>,
    task: &Task,
    mut page: Page,
) -> Page {
    let (Some(mark), Step::List { .. }) = (mark, &task.step) else {
        return page;
    };
    let field = changes.field().record;
    let changed = |raw: &RawValue| field_time(raw, field).is_none_or(|at| at >= mark);
    match changes {
        Changes::Sorted { .. } => {
            let kept = page.records.iter().take_while(|raw| changed(raw)).count();
            if kept < page.records.len() {
                page.records.truncate(kept);
                // Past the mark: the rest of the list is older still.
                page.next.retain(|next| !next.step.is_list());
            }
        }
        Changes::WholeList { .. } => page.records.retain(|raw| changed(raw)),
        Changes::Filter { .. } | Changes::Range { .. } => {}
    }
    page
}

/// The time `stamp` names in an update, as mapped: the mark is kept on the mapped records so an
/// export read back from storage (where raw records are not at hand) finds it the same way.
pub fn stamp_of(stamp: Stamp, update: &Update) -> Option<Timestamp> {
    let (conversation, message) = match update {
        Update::Conversation(conversation) => (Some(conversation.as_ref()), None),
        Update::Message { message, .. } => (None, Some(message.as_ref())),
        Update::Loose { shell, message } => (Some(shell.as_ref()), Some(message.as_ref())),
    };
    match stamp {
        Stamp::ConversationUpdated => conversation?.updated_at,
        Stamp::ConversationStarted => conversation?.started_at,
        Stamp::LastMessage => conversation?.last_message_at,
        Stamp::MessageSent => message?.sent_at,
    }
}

fn field_time(raw: &RawValue, field: &str) -> Option<Timestamp> {
    let object: std::collections::BTreeMap<&str, &RawValue> =
        serde_json::from_str(raw.get()).ok()?;
    let text: String = serde_json::from_str(object.get(field)?.get()).ok()?;
    parse_timestamp(&text)
}

fn iso(at: Timestamp) -> String {
    at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vendors::{plan, VendorId};

    fn at(text: &str) -> Timestamp {
        text.parse().unwrap()
    }

    fn raw(json: &str) -> Box<RawValue> {
        RawValue::from_string(json.to_string()).unwrap()
    }

    #[test]
    fn the_mark_goes_where_each_vendor_takes_it() {
        let mark = Some(at("2026-06-01T00:00:00Z"));
        let humind = ExportQuery {
            changed_since: mark,
            ..ExportQuery::new(VendorId::Humind)
        };
        assert_eq!(
            filters_with_mark(&humind).filter("updated_after"),
            "2026-06-01T00:00:00Z"
        );
        let later = humind.clone().with("updated_after", "2026-06-15");
        assert_eq!(
            filters_with_mark(&later).filter("updated_after"),
            "2026-06-15T00:00:00Z",
            "a later bound the user set stays"
        );
        let huechat = ExportQuery {
            changed_since: mark,
            ..ExportQuery::new(VendorId::HueChat)
        };
        assert_eq!(
            filters_with_mark(&huechat).filter("sort"),
            "last_message_at:desc"
        );
        let mindo = ExportQuery {
            changed_since: mark,
            ..ExportQuery::new(VendorId::Mindo)
        }
        .with("company_id", "42")
        .with("from", "2026-01-01")
        .with("to", "2026-07-01");
        let mindo = filters_with_mark(&mindo);
        assert_eq!(mindo.filter("from"), "2026-06-01T00:00:00Z");
        assert_eq!(plan(&mindo).len(), 1, "one window from the mark");
    }

    #[test]
    fn a_sorted_list_stops_past_the_mark_and_a_whole_list_keeps_what_moved() {
        let query = ExportQuery::new(VendorId::HueChat);
        let task = plan(&query).remove(0);
        let page = Page {
            records: vec![
                raw(r#"{"id":"a","last_message_at":"2026-06-03T00:00:00Z"}"#),
                raw(r#"{"id":"b","last_message_at":"2026-06-01T00:00:00Z"}"#),
                raw(r#"{"id":"c","last_message_at":"2026-05-20T00:00:00Z"}"#),
            ],
            next: vec![task.clone()],
            total: None,
            fetched_at: None,
        };
        let mark = Some(at("2026-06-01T00:00:00Z"));
        let sorted = keep_changed(VendorId::HueChat.spec().changes, mark, &task, page);
        assert_eq!(sorted.records.len(), 2);
        assert!(sorted.next.is_empty(), "older ones follow: no next page");
        let whole = Page {
            records: vec![
                raw(r#"{"last_message_at":"2026-05-20T00:00:00Z"}"#),
                raw(r#"{"last_message_at":"2026-06-03T00:00:00Z"}"#),
            ],
            next: vec![task.clone()],
            total: None,
            fetched_at: None,
        };
        let kept = keep_changed(VendorId::TalkToHumans.spec().changes, mark, &task, whole);
        assert_eq!(kept.records.len(), 1);
        assert_eq!(kept.next.len(), 1, "the whole list is read");
    }
}
