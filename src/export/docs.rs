//! The README's column tables, printed from the column lists themselves.

use std::fmt::Write;

use super::columns::Column;
use super::tables::{
    CONVERSATION_COLUMNS, CRITERION_COLUMNS, EVENT_COLUMNS, MESSAGE_COLUMNS, PARTICIPANT_COLUMNS,
    TOOL_CALL_COLUMNS,
};

fn table<W>(out: &mut String, file: &str, about: &str, columns: &[Column<W>]) {
    let _ = writeln!(
        out,
        "#### `{file}`\n\n{about}\n\n| column | meaning | filled by |\n|---|---|---|"
    );
    for column in columns {
        let _ = writeln!(
            out,
            "| `{}` | {} | {} |",
            column.name,
            column.meaning.replace('|', "\\|"),
            column.filled_by.describe()
        );
    }
    out.push('\n');
}

/// Markdown for every CSV file's columns.
pub fn columns_markdown() -> String {
    let mut out = String::new();
    table(
        &mut out,
        "conversations.csv",
        "One row per conversation.",
        CONVERSATION_COLUMNS,
    );
    table(
        &mut out,
        "messages.csv",
        "One row per message, with its conversation and its place in it.",
        MESSAGE_COLUMNS,
    );
    table(
        &mut out,
        "events.csv",
        "Humind's interaction events, one row each (written when there are any).",
        EVENT_COLUMNS,
    );
    table(
        &mut out,
        "participants.csv",
        "TalkToHumans' participants, one row per person per conversation.",
        PARTICIPANT_COLUMNS,
    );
    table(
        &mut out,
        "tool_calls.csv",
        "Tool calls made by the AI (voice widget, Mindo).",
        TOOL_CALL_COLUMNS,
    );
    table(
        &mut out,
        "criteria.csv",
        "The voice widget's acceptance criteria, one row per criterion per conversation.",
        CRITERION_COLUMNS,
    );
    out.push_str(
        "Vendor fields that have no column of their own follow the columns above as `extra_<field>` \
         (nested fields joined with `_`; objects and lists as compact JSON), so nothing the vendor sent is dropped.\n",
    );
    out
}
