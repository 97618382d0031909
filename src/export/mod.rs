//! Files for people and programs: CSV, JSON, NDJSON, and the names they download under.

pub mod buffer;
pub mod bundle;
pub mod columns;
pub mod csv;
pub mod docs;
pub mod files;
pub mod json;
pub mod source;
pub mod tables;
pub mod transcript;
pub mod transcript_facts;
mod zip;

use std::collections::BTreeSet;
use std::io::Write;

use buffer::Chunks;
use columns::FilledBy;
use columns::{Column, EventRow, ItemRow};
use csv::{select_columns, write_table, CsvFile, CsvOptions, CsvReport, Layout, Selected};
use tables::{
    CONVERSATION_COLUMNS, CRITERION_COLUMNS, EVENT_COLUMNS, MESSAGE_COLUMNS, PARTICIPANT_COLUMNS,
    TOOL_CALL_COLUMNS,
};

use crate::model::{Conversation, Criterion, Message, Participant, ToolCall};
use crate::store::Contents;
use crate::vendors::{ExportQuery, VendorId};

/// The CSV files an export can have: conversations and messages always, the others when they
/// have rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Table {
    Conversations,
    Messages,
    Events,
    Participants,
    ToolCalls,
    Criteria,
}

impl Table {
    pub const ALL: [Table; 6] = [
        Table::Conversations,
        Table::Messages,
        Table::Events,
        Table::Participants,
        Table::ToolCalls,
        Table::Criteria,
    ];

    /// The file's kind: `messages` in `humind_2026-05-01_2026-06-01_messages.csv`.
    pub fn kind(self) -> &'static str {
        match self {
            Table::Conversations => "conversations",
            Table::Messages => "messages",
            Table::Events => "events",
            Table::Participants => "participants",
            Table::ToolCalls => "tool_calls",
            Table::Criteria => "criteria",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Table::Conversations => "Conversations",
            Table::Messages => "Messages",
            Table::Events => "Events",
            Table::Participants => "Participants",
            Table::ToolCalls => "Tool calls",
            Table::Criteria => "Criteria",
        }
    }

    /// Rows this table would have.
    pub fn rows(self, conversations: &[Conversation]) -> usize {
        match self {
            Table::Conversations => conversations.len(),
            Table::Messages => conversations.iter().map(|c| c.messages.len()).sum(),
            Table::Events => conversations.iter().map(Conversation::event_count).sum(),
            Table::Participants => conversations.iter().map(|c| c.participants.len()).sum(),
            Table::ToolCalls => conversations.iter().map(|c| c.tool_calls.len()).sum(),
            Table::Criteria => conversations.iter().map(|c| c.criteria.len()).sum(),
        }
    }

    /// The vendors whose data fills this file.
    pub fn filled_by(self) -> FilledBy {
        match self {
            Table::Conversations => FilledBy::All,
            Table::Messages => FilledBy::Only(&[
                VendorId::Humind,
                VendorId::HueChat,
                VendorId::VoiceWidget,
                VendorId::Mindo,
            ]),
            Table::Events => FilledBy::Only(&[VendorId::Humind]),
            Table::Participants => FilledBy::Only(&[VendorId::TalkToHumans]),
            Table::ToolCalls => FilledBy::Only(&[VendorId::VoiceWidget, VendorId::Mindo]),
            Table::Criteria => FilledBy::Only(&[VendorId::VoiceWidget]),
        }
    }

    /// Whether this file is offered: a vendor's own files (never one its data cannot fill);
    /// in the shared layout, conversations and messages always, the others when they have rows.
    pub fn offered(self, layout: Layout, contents: &Contents) -> bool {
        let always = match layout {
            Layout::Vendor(vendor) if !self.filled_by().includes(vendor) => return false,
            Layout::Vendor(_) | Layout::Unified => {
                matches!(self, Table::Conversations | Table::Messages)
            }
        };
        always || self.rows_in(contents) > 0
    }

    /// Rows this table has in an export of `contents`.
    pub fn rows_in(self, contents: &Contents) -> usize {
        match self {
            Table::Conversations => contents.conversations,
            Table::Messages => contents.messages,
            Table::Events => contents.events,
            Table::Participants => contents.participants,
            Table::ToolCalls => contents.tool_calls,
            Table::Criteria => contents.criteria,
        }
    }

    /// Its columns in `layout`, with the current data's vendor fields, in default order.
    /// The columns of this table, in order, for an export that holds `contents`.
    pub fn column_names(self, layout: Layout, contents: &Contents) -> Vec<String> {
        fn names<W>(
            columns: &[Column<W>],
            extras: &BTreeSet<String>,
            layout: Layout,
        ) -> Vec<String> {
            select_columns(columns, extras, layout, None)
                .iter()
                .map(Selected::name)
                .collect()
        }
        match self {
            Table::Conversations => {
                names(CONVERSATION_COLUMNS, &contents.conversation_extras, layout)
            }
            Table::Messages => names(MESSAGE_COLUMNS, &contents.message_extras, layout),
            Table::Events => names(EVENT_COLUMNS, &contents.event_extras, layout),
            Table::Participants => names(PARTICIPANT_COLUMNS, &contents.participant_extras, layout),
            Table::ToolCalls => names(TOOL_CALL_COLUMNS, &contents.tool_call_extras, layout),
            Table::Criteria => names(CRITERION_COLUMNS, &BTreeSet::new(), layout),
        }
    }

    pub fn from_kind(kind: &str) -> Option<Table> {
        Table::ALL.into_iter().find(|table| table.kind() == kind)
    }

    /// The table as a CSV file in memory.
    pub fn write(self, conversations: &[Conversation], options: &CsvOptions) -> CsvFile {
        let mut bytes = Chunks::new();
        let report = self.write_to(conversations, options, &mut bytes);
        CsvFile { bytes, report }
    }

    /// Writes the table as CSV into `out` (a file in memory, an entry of a zip).
    pub fn write_to(
        self,
        conversations: &[Conversation],
        options: &CsvOptions,
        out: &mut dyn Write,
    ) -> CsvReport {
        match self {
            Table::Conversations => {
                write_table(CONVERSATION_COLUMNS, || conversations.iter(), options, out)
            }
            Table::Messages => write_table(
                MESSAGE_COLUMNS,
                || items(conversations, |c| &c.messages),
                options,
                out,
            ),
            Table::Events => write_table(EVENT_COLUMNS, || event_rows(conversations), options, out),
            Table::Participants => write_table(
                PARTICIPANT_COLUMNS,
                || items(conversations, |c| &c.participants),
                options,
                out,
            ),
            Table::ToolCalls => write_table(
                TOOL_CALL_COLUMNS,
                || items(conversations, |c| &c.tool_calls),
                options,
                out,
            ),
            Table::Criteria => write_table(
                CRITERION_COLUMNS,
                || items(conversations, |c| &c.criteria),
                options,
                out,
            ),
        }
    }
}

/// Rows of items that belong to conversations, in order.
pub fn items<'a, T: 'a>(
    conversations: &'a [Conversation],
    of: fn(&Conversation) -> &Vec<T>,
) -> impl Iterator<Item = ItemRow<'a, T>> {
    conversations.iter().flat_map(move |conversation| {
        of(conversation)
            .iter()
            .map(move |item| ItemRow { conversation, item })
    })
}

pub fn message_rows(conversations: &[Conversation]) -> impl Iterator<Item = ItemRow<'_, Message>> {
    items(conversations, |c| &c.messages)
}

pub fn participant_rows(
    conversations: &[Conversation],
) -> impl Iterator<Item = ItemRow<'_, Participant>> {
    items(conversations, |c| &c.participants)
}

pub fn tool_call_rows(
    conversations: &[Conversation],
) -> impl Iterator<Item = ItemRow<'_, ToolCall>> {
    items(conversations, |c| &c.tool_calls)
}

pub fn criterion_rows(
    conversations: &[Conversation],
) -> impl Iterator<Item = ItemRow<'_, Criterion>> {
    items(conversations, |c| &c.criteria)
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

pub fn conversations_csv(conversations: &[Conversation], options: &CsvOptions) -> CsvFile {
    Table::Conversations.write(conversations, options)
}

pub fn messages_csv(conversations: &[Conversation], options: &CsvOptions) -> CsvFile {
    Table::Messages.write(conversations, options)
}

pub fn events_csv(conversations: &[Conversation], options: &CsvOptions) -> CsvFile {
    Table::Events.write(conversations, options)
}

/// `humind_2026-05-01_2026-06-01_messages.csv`: vendor, the date range, and what the file holds.
/// The range comes from the date filters; where one is open, from the data itself.
pub fn file_name(query: &ExportQuery, conversations: &[Conversation], kind: &str) -> String {
    let span = source::span(
        conversations
            .iter()
            .filter_map(|c| c.started_at.or(c.last_message_at))
            .map(|at| at.date_naive()),
    );
    file_name_spanning(query, span, kind)
}

/// `file_name`, with the first and last days of the data known.
pub fn file_name_spanning(
    query: &ExportQuery,
    span: Option<(chrono::NaiveDate, chrono::NaiveDate)>,
    kind: &str,
) -> String {
    let spec = query.vendor.spec();
    let day = |name: &str| query.filter(name).get(..10).unwrap_or("").to_string();
    let (from, to) = spec
        .date_range
        .map(|range| (day(range.from), day(range.to)))
        .unwrap_or_default();
    let first = span.map(|(first, _)| first.to_string());
    let last = span.map(|(_, last)| last.to_string());
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

/// The name of a file of an export that stopped before the end: `..._messages_partial.csv`, so
/// it cannot pass for the whole set once it sits in a folder.
pub fn partial_name(name: &str) -> String {
    match name.rsplit_once('.') {
        Some((stem, extension)) => format!("{stem}_partial.{extension}"),
        None => format!("{name}_partial"),
    }
}
