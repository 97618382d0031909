//! Files for people and programs: CSV, JSON, NDJSON, and the names they download under.

pub mod columns;
pub mod csv;
pub mod json;
pub mod transcript;

use columns::{EventRow, MessageRow, CONVERSATION_COLUMNS, EVENT_COLUMNS, MESSAGE_COLUMNS};
use csv::{write_table, CsvFile, CsvOptions};

use crate::model::Conversation;
use crate::vendors::{ExportQuery, FilterKind};

pub fn conversations_csv(conversations: &[Conversation], options: &CsvOptions) -> CsvFile {
    write_table(CONVERSATION_COLUMNS, || conversations.iter(), options)
}

pub fn message_rows(conversations: &[Conversation]) -> impl Iterator<Item = MessageRow<'_>> {
    conversations.iter().flat_map(|conversation| {
        conversation.messages.iter().map(move |message| MessageRow {
            conversation,
            message,
        })
    })
}

pub fn event_rows(conversations: &[Conversation]) -> impl Iterator<Item = EventRow<'_>> {
    conversations.iter().flat_map(|conversation| {
        conversation.events().map(move |(message, event)| EventRow {
            conversation,
            message,
            event,
        })
    })
}

pub fn messages_csv(conversations: &[Conversation], options: &CsvOptions) -> CsvFile {
    write_table(MESSAGE_COLUMNS, || message_rows(conversations), options)
}

pub fn events_csv(conversations: &[Conversation], options: &CsvOptions) -> CsvFile {
    write_table(EVENT_COLUMNS, || event_rows(conversations), options)
}

/// `humind_2026-05-01_2026-06-01_messages.csv`: vendor, the date range, and what the file holds.
/// The range comes from the date filters; where one is open, from the data itself.
pub fn file_name(query: &ExportQuery, conversations: &[Conversation], kind: &str) -> String {
    let spec = query.vendor.spec();
    let mut bounds = spec
        .filters
        .iter()
        .filter(|filter| {
            matches!(filter.kind, FilterKind::Instant) && filter.name != "updated_after"
        })
        .map(|filter| {
            query
                .filter(filter.name)
                .get(..10)
                .unwrap_or("")
                .to_string()
        });
    let from = bounds.next().unwrap_or_default();
    let to = bounds.next().unwrap_or_default();
    let dates = conversations.iter().filter_map(|c| c.started_at);
    let first = dates
        .clone()
        .min()
        .map(|at| at.format("%Y-%m-%d").to_string());
    let last = dates.max().map(|at| at.format("%Y-%m-%d").to_string());
    let from = if from.is_empty() {
        first.unwrap_or_default()
    } else {
        from
    };
    let to = if to.is_empty() {
        last.unwrap_or_default()
    } else {
        to
    };
    let mut name = spec.slug.to_string();
    for part in [from, to] {
        if !part.is_empty() {
            name.push('_');
            name.push_str(&part);
        }
    }
    name.push('_');
    name.push_str(kind);
    name
}
