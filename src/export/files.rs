//! A data file written a batch of conversations at a time: the header first (its columns are
//! known from the export's contents), then rows as batches come, so a file of a million messages
//! never needs them all in memory at once.

use std::io::Write;

use super::columns::{Column, EventRow, ItemRow};
use super::csv::{select_columns, CsvOptions, CsvReport, CsvWriter, Selected};
use super::json::raw_ndjson;
use super::tables::{
    CONVERSATION_COLUMNS, CRITERION_COLUMNS, EVENT_COLUMNS, MESSAGE_COLUMNS, PARTICIPANT_COLUMNS,
    TOOL_CALL_COLUMNS,
};
use super::{event_rows, items, Table};
use crate::model::{Conversation, Criterion, Message, Participant, ToolCall};
use crate::store::Contents;

/// A data file of an export: a CSV table, the JSON, or the raw archive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DataFile {
    Csv(Table),
    Json,
    Raw,
}

type Columns<W> = Vec<Selected<'static, W>>;

/// Which file, with what its rows need.
enum Writing<'o> {
    Conversations(CsvWriter<'o>, Columns<fn(&Conversation, &mut String)>),
    Messages(CsvWriter<'o>, Columns<ItemWrite<Message>>),
    Events(CsvWriter<'o>, Columns<fn(&EventRow<'_>, &mut String)>),
    Participants(CsvWriter<'o>, Columns<ItemWrite<Participant>>),
    ToolCalls(CsvWriter<'o>, Columns<ItemWrite<ToolCall>>),
    Criteria(CsvWriter<'o>, Columns<ItemWrite<Criterion>>),
    Json { out: &'o mut dyn Write, first: bool },
    Raw { out: &'o mut dyn Write },
}

/// How a column of a table of items (messages, participants...) writes its cell.
type ItemWrite<T> = fn(&ItemRow<'_, T>, &mut String);

/// A data file being written.
pub struct FileWriter<'o> {
    writing: Writing<'o>,
    records: usize,
}

/// Starts a CSV table: its columns from the export's contents, its header.
fn table<'o, W>(
    columns: &'static [Column<W>],
    extras: &std::collections::BTreeSet<String>,
    options: &CsvOptions,
    out: &'o mut dyn Write,
) -> (CsvWriter<'o>, Columns<W>) {
    let selected = select_columns(columns, extras, options.layout, options.columns.as_deref());
    let header: Vec<String> = selected.iter().map(|s| s.name()).collect();
    (CsvWriter::start(out, options, &header), selected)
}

impl<'o> FileWriter<'o> {
    /// Starts `file` in `out`; `options.columns` are the chosen columns of a CSV table.
    pub fn start(
        file: DataFile,
        contents: &Contents,
        options: &CsvOptions,
        out: &'o mut dyn Write,
    ) -> Self {
        let writing = match file {
            DataFile::Csv(Table::Conversations) => {
                let (w, c) = table(
                    CONVERSATION_COLUMNS,
                    &contents.conversation_extras,
                    options,
                    out,
                );
                Writing::Conversations(w, c)
            }
            DataFile::Csv(Table::Messages) => {
                let (w, c) = table(MESSAGE_COLUMNS, &contents.message_extras, options, out);
                Writing::Messages(w, c)
            }
            DataFile::Csv(Table::Events) => {
                let (w, c) = table(EVENT_COLUMNS, &contents.event_extras, options, out);
                Writing::Events(w, c)
            }
            DataFile::Csv(Table::Participants) => {
                let (w, c) = table(
                    PARTICIPANT_COLUMNS,
                    &contents.participant_extras,
                    options,
                    out,
                );
                Writing::Participants(w, c)
            }
            DataFile::Csv(Table::ToolCalls) => {
                let (w, c) = table(TOOL_CALL_COLUMNS, &contents.tool_call_extras, options, out);
                Writing::ToolCalls(w, c)
            }
            DataFile::Csv(Table::Criteria) => {
                let none = std::collections::BTreeSet::new();
                let (w, c) = table(CRITERION_COLUMNS, &none, options, out);
                Writing::Criteria(w, c)
            }
            DataFile::Json => {
                out.write_all(b"[").expect("writing to memory cannot fail");
                Writing::Json { out, first: true }
            }
            DataFile::Raw => Writing::Raw { out },
        };
        FileWriter {
            writing,
            records: 0,
        }
    }

    /// Writes the rows of a batch of conversations.
    pub fn write(&mut self, batch: &[Conversation]) {
        match &mut self.writing {
            Writing::Conversations(writer, columns) => {
                for conversation in batch {
                    writer.row(columns, &conversation);
                }
            }
            Writing::Messages(writer, columns) => {
                for row in items(batch, |c| &c.messages) {
                    writer.row(columns, &row);
                }
            }
            Writing::Events(writer, columns) => {
                for row in event_rows(batch) {
                    writer.row(columns, &row);
                }
            }
            Writing::Participants(writer, columns) => {
                for row in items(batch, |c| &c.participants) {
                    writer.row(columns, &row);
                }
            }
            Writing::ToolCalls(writer, columns) => {
                for row in items(batch, |c| &c.tool_calls) {
                    writer.row(columns, &row);
                }
            }
            Writing::Criteria(writer, columns) => {
                for row in items(batch, |c| &c.criteria) {
                    writer.row(columns, &row);
                }
            }
            Writing::Json { out, first } => {
                for conversation in batch {
                    if !*first {
                        out.write_all(b",").expect("writing to memory cannot fail");
                    }
                    *first = false;
                    serde_json::to_writer(&mut **out, conversation)
                        .expect("the model always serialises");
                    self.records += 1;
                }
            }
            Writing::Raw { out } => self.records += raw_ndjson(batch, *out),
        }
    }

    /// Ends the file: how many records it holds, and for a CSV what a reader should know.
    pub fn finish(self) -> (usize, Option<CsvReport>) {
        let report = match self.writing {
            Writing::Conversations(writer, _) => writer.finish(),
            Writing::Messages(writer, _) => writer.finish(),
            Writing::Events(writer, _) => writer.finish(),
            Writing::Participants(writer, _) => writer.finish(),
            Writing::ToolCalls(writer, _) => writer.finish(),
            Writing::Criteria(writer, _) => writer.finish(),
            Writing::Json { out, .. } => {
                out.write_all(b"]").expect("writing to memory cannot fail");
                return (self.records, None);
            }
            Writing::Raw { .. } => return (self.records, None),
        };
        (report.rows, Some(report))
    }
}
