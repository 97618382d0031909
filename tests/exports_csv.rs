//! Every CSV table of every vendor's export, read back through the `csv` crate: cell for cell
//! as written, for a spreadsheet and for a database, and Humind's tables against the
//! simulator's own data, hostile text included.

mod support;

use std::collections::HashSet;

use conversation_export::export::columns::{
    raw_cell, timestamp, CellKind, Column, HasExtras, WriteCell, EXTRA_PREFIX, LIST_SEPARATOR,
};
use conversation_export::export::csv::{
    cut_to_spreadsheet_cell, extra_columns, neutralise_formula, write_table, CsvOptions, Delimiter,
    Layout, SPREADSHEET_MAX_CELL_CHARS,
};
use conversation_export::export::tables::*;
use conversation_export::export::{self, Table};
use conversation_export::model::Conversation;
use conversation_export::store::Contents;
use conversation_export::vendors::VendorId;
use sim::{humind, text};
use support::{full_export, world, FULL_EXPORTS};

/// Every vendor's full export from one world of 80 conversations each.
fn every_vendors_export() -> Vec<(VendorId, Vec<Conversation>)> {
    let world = world(80);
    FULL_EXPORTS
        .iter()
        .map(|(vendor, _)| {
            let export = full_export(&world, *vendor);
            (*vendor, export.store.conversations().to_vec())
        })
        .collect()
}

fn database() -> CsvOptions {
    CsvOptions {
        for_spreadsheet: false,
        ..CsvOptions::default()
    }
}

/// Every record of a CSV file, the header first, without the byte-order mark.
fn read(bytes: &[u8], delimiter: u8) -> Vec<Vec<String>> {
    let bytes = bytes
        .strip_prefix(b"\xEF\xBB\xBF".as_slice())
        .unwrap_or(bytes);
    csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .from_reader(bytes)
        .records()
        .map(|r| r.unwrap().iter().map(str::to_owned).collect())
        .collect()
}

/// The header and the rows of a table written with `options`.
fn written(
    table: Table,
    conversations: &[Conversation],
    options: &CsvOptions,
) -> (Vec<String>, Vec<Vec<String>>) {
    let file = table.write(conversations, options);
    let mut records = read(&file.bytes.to_vec(), options.delimiter.byte());
    assert!(!records.is_empty(), "{table:?}: no header");
    let header = records.remove(0);
    (header, records)
}

fn column(header: &[String], name: &str) -> usize {
    header
        .iter()
        .position(|h| h == name)
        .unwrap_or_else(|| panic!("no column {name} in {header:?}"))
}

/// What a cell must read back as: the column's rendering of the model value, adjusted as
/// documented for spreadsheets.
fn expected_cell(kind: CellKind, mut value: String, for_spreadsheet: bool) -> String {
    if for_spreadsheet {
        if kind == CellKind::Text {
            neutralise_formula(&mut value);
        }
        cut_to_spreadsheet_cell(&mut value);
    }
    value
}

/// Reads a table back and checks every cell of every row against the model.
fn check_table<R, W, I>(
    name: &str,
    columns: &[Column<W>],
    rows: impl Fn() -> I,
    options: &CsvOptions,
) where
    R: HasExtras,
    W: WriteCell<R>,
    I: Iterator<Item = R>,
{
    let mut bytes = Vec::new();
    let report = write_table(columns, &rows, options, &mut bytes);
    assert_eq!(report.rows, rows().count(), "{name}: rows counted");
    let table = read(&bytes, options.delimiter.byte());
    let (header, body) = table
        .split_first()
        .unwrap_or_else(|| panic!("{name}: no header"));
    assert_eq!(body.len(), rows().count(), "{name}: one row per record");
    let unique: HashSet<&String> = header.iter().collect();
    assert_eq!(
        unique.len(),
        header.len(),
        "{name}: column names are unique: {header:?}"
    );
    let extras = extra_columns(columns, rows());
    for (line, (cells, row)) in body.iter().zip(rows()).enumerate() {
        assert_eq!(
            cells.len(),
            header.len(),
            "{name} row {line}: every row has every column"
        );
        for (cell, column_name) in cells.iter().zip(header) {
            let expected = match columns.iter().find(|c| c.name == column_name) {
                // Empty where the row's vendor does not fill the column: never a 0.
                Some(column) if !column.filled_by.includes(row.vendor()) => String::new(),
                Some(column) => {
                    let mut value = String::new();
                    column.write.write_cell(&row, &mut value);
                    expected_cell(column.kind, value, options.for_spreadsheet)
                }
                None => {
                    let (key, _) = extras
                        .iter()
                        .find(|(_, n)| n == column_name)
                        .expect("an extra column");
                    assert!(column_name.starts_with(EXTRA_PREFIX));
                    let mut value = String::new();
                    if let Some(extra) = row.extras().and_then(|e| e.get(key)) {
                        raw_cell(&mut value, extra);
                    }
                    expected_cell(CellKind::Text, value, options.for_spreadsheet)
                }
            };
            assert_eq!(cell, &expected, "{name} row {line} column {column_name}");
        }
    }
}

fn check_all_tables(conversations: &[Conversation], options: &CsvOptions) {
    check_table(
        "conversations",
        CONVERSATION_COLUMNS,
        || conversations.iter(),
        options,
    );
    check_table(
        "messages",
        MESSAGE_COLUMNS,
        || export::message_rows(conversations),
        options,
    );
    check_table(
        "events",
        EVENT_COLUMNS,
        || export::event_rows(conversations),
        options,
    );
    check_table(
        "participants",
        PARTICIPANT_COLUMNS,
        || export::participant_rows(conversations),
        options,
    );
    check_table(
        "tool_calls",
        TOOL_CALL_COLUMNS,
        || export::tool_call_rows(conversations),
        options,
    );
    check_table(
        "criteria",
        CRITERION_COLUMNS,
        || export::criterion_rows(conversations),
        options,
    );
}

#[test]
fn every_csv_of_every_vendor_reads_back_cell_for_cell() {
    for (vendor, conversations) in every_vendors_export() {
        for delimiter in [Delimiter::Comma, Delimiter::Semicolon, Delimiter::Tab] {
            for for_spreadsheet in [true, false] {
                for layout in [Layout::Vendor(vendor), Layout::Unified] {
                    let options = CsvOptions {
                        delimiter,
                        for_spreadsheet,
                        columns: None,
                        layout,
                    };
                    check_all_tables(&conversations, &options);
                }
            }
        }
    }
}

#[test]
fn hostile_text_reaches_every_vendors_csv_intact() {
    for (vendor, conversations) in every_vendors_export() {
        let all: String = [Table::Conversations, Table::Messages]
            .into_iter()
            .map(|table| {
                String::from_utf8(table.write(&conversations, &database()).bytes.to_vec()).unwrap()
            })
            .collect();
        // In a CSV file, a quote inside a cell is written twice.
        let found = text::HOSTILE
            .iter()
            .filter(|h| all.contains(&h.replace('"', "\"\"")))
            .count();
        assert!(
            found >= 8,
            "{vendor}: only {found} hostile strings made it into the files"
        );
    }
}

#[test]
fn column_choice_and_order_apply_to_every_table() {
    let conversations = full_export(&world(40), VendorId::Humind)
        .store
        .conversations()
        .to_vec();
    let chosen = |names: &[&str]| CsvOptions {
        columns: Some(names.iter().map(|n| n.to_string()).collect()),
        ..database()
    };
    let options = chosen(&["text", "message_id", "vendor_role", "nope"]);
    let (header, _) = written(Table::Messages, &conversations, &options);
    assert_eq!(
        header,
        ["text", "message_id", "vendor_role"],
        "unknown names are left out"
    );
    check_table(
        "messages",
        MESSAGE_COLUMNS,
        || export::message_rows(&conversations),
        &options,
    );
    let options = chosen(&["title", "conversation_id", "nonsense"]);
    let (header, rows) = written(Table::Conversations, &conversations, &options);
    assert_eq!(header, ["title", "conversation_id"]);
    assert_eq!(rows[0][1], conversations[0].id);
}

// ---- Humind against the simulator's data --------------------------------------------------

#[test]
fn humind_messages_csv_reads_back_the_vendors_messages_exactly_for_a_database() {
    let world = world(120);
    let conversations = full_export(&world, VendorId::Humind)
        .store
        .conversations()
        .to_vec();
    let file = export::messages_csv(&conversations, &database());
    assert!(
        !file.bytes.starts_with(b"\xEF\xBB\xBF"),
        "no BOM for databases"
    );
    assert!(
        file.bytes.to_vec().windows(2).any(|w| w == b"\r\n"),
        "CRLF line ends"
    );
    let (header, rows) = written(Table::Messages, &conversations, &database());
    let truth: Vec<(&humind::Conversation, usize, &humind::Message)> = world
        .humind()
        .conversations
        .iter()
        .flat_map(|c| c.messages.iter().enumerate().map(move |(i, m)| (c, i, m)))
        .collect();
    assert_eq!(rows.len(), truth.len());
    assert_eq!(file.report.rows, truth.len());
    let (text, id, conversation, position, sent) = (
        column(&header, "text"),
        column(&header, "message_id"),
        column(&header, "conversation_id"),
        column(&header, "position"),
        column(&header, "sent_at"),
    );
    for (row, (truth_conversation, index, message)) in rows.iter().zip(&truth) {
        assert_eq!(row[id], message.id);
        assert_eq!(row[conversation], truth_conversation.id);
        assert_eq!(row[position], index.to_string());
        // A message's text blocks are joined with a blank line.
        assert_eq!(row[text], message.content.join("\n\n"), "{}", message.id);
        let mut at = String::new();
        timestamp(&mut at, &Some(message.created_at));
        assert_eq!(row[sent], at);
    }
    let texts: Vec<&str> = rows.iter().map(|r| r[text].as_str()).collect();
    for hostile in text::HOSTILE {
        assert!(
            texts.contains(hostile),
            "hostile text survives: {hostile:?}"
        );
    }
    assert!(
        texts
            .iter()
            .any(|t| t.chars().count() > SPREADSHEET_MAX_CELL_CHARS),
        "long text kept whole"
    );
}

#[test]
fn humind_spreadsheet_csv_has_bom_neutralised_formulas_and_cut_cells() {
    let conversations = full_export(&world(120), VendorId::Humind)
        .store
        .conversations()
        .to_vec();
    let options = CsvOptions {
        delimiter: Delimiter::Semicolon,
        ..CsvOptions::default()
    };
    let file = export::messages_csv(&conversations, &options);
    assert!(file.bytes.starts_with(b"\xEF\xBB\xBF"));
    let (header, rows) = written(Table::Messages, &conversations, &options);
    let text = column(&header, "text");
    let texts: Vec<&str> = rows.iter().map(|r| r[text].as_str()).collect();
    let formula_start = ['=', '+', '-', '@', '\t', '\r'];
    for hostile in text::HOSTILE {
        let expected = if hostile.starts_with(formula_start) {
            format!("'{hostile}")
        } else {
            hostile.to_string()
        };
        assert!(texts.contains(&expected.as_str()), "{expected:?}");
    }
    assert!(texts.iter().all(|t| !t.starts_with(formula_start)));
    assert!(file.report.truncated_cells >= 1);
    assert!(texts
        .iter()
        .all(|t| t.encode_utf16().count() <= SPREADSHEET_MAX_CELL_CHARS));
    assert_eq!(file.report.rows_beyond_spreadsheet, 0);
}

#[test]
fn humind_conversations_csv_has_every_field_and_vendor_extras() {
    let world = world(120);
    let conversations = full_export(&world, VendorId::Humind)
        .store
        .conversations()
        .to_vec();
    let (header, rows) = written(Table::Conversations, &conversations, &database());
    assert_eq!(rows.len(), world.humind().conversations.len());
    let (id, tags, cart, email, count, title) = (
        column(&header, "conversation_id"),
        column(&header, "tags"),
        column(&header, "has_cart"),
        column(&header, "contact_email"),
        column(&header, "message_count"),
        column(&header, "title"),
    );
    let (satisfaction, event_count) = (
        column(&header, "extra_satisfaction"),
        column(&header, "extra_event_count"),
    );
    for (row, truth) in rows.iter().zip(&world.humind().conversations) {
        assert_eq!(row[id], truth.id);
        assert_eq!(row[tags], truth.tags.join(LIST_SEPARATOR));
        assert_eq!(row[cart], truth.has_triggered_cart().to_string());
        assert_eq!(
            row[email],
            truth
                .contact
                .as_ref()
                .and_then(|c| c.email.clone())
                .unwrap_or_default()
        );
        assert_eq!(row[count], truth.messages.len().to_string());
        assert_eq!(row[event_count], truth.events().count().to_string());
        assert_eq!(row[title], truth.title.clone().unwrap_or_default());
        let expected = truth
            .undocumented_satisfaction
            .map(|s| format!("{{\"score\":{s}}}"))
            .unwrap_or_default();
        assert_eq!(
            row[satisfaction], expected,
            "undocumented fields become columns"
        );
    }
}

#[test]
fn humind_events_csv_lists_every_interaction() {
    let world = world(120);
    let conversations = full_export(&world, VendorId::Humind)
        .store
        .conversations()
        .to_vec();
    let (header, rows) = written(Table::Events, &conversations, &database());
    let truth: Vec<&humind::Event> = world
        .humind()
        .conversations
        .iter()
        .flat_map(|c| c.events())
        .collect();
    assert!(!truth.is_empty());
    assert_eq!(rows.len(), truth.len());
    let (id, kind, price, button) = (
        column(&header, "event_id"),
        column(&header, "kind"),
        column(&header, "price"),
        column(&header, "button"),
    );
    for (row, event) in rows.iter().zip(truth) {
        assert_eq!(row[id], event.id);
        assert_eq!(row[kind], event.kind);
        assert_eq!(
            row[price],
            event
                .price_at_event
                .map(|p| p.to_string())
                .unwrap_or_default()
        );
        assert_eq!(row[button], event.button_identifier.unwrap_or(""));
    }
}

#[test]
fn each_vendor_gets_its_own_columns_and_files_and_the_shared_layout_leaves_foreign_ones_empty() {
    for (vendor, conversations) in every_vendors_export() {
        let own = CsvOptions {
            layout: Layout::Vendor(vendor),
            ..database()
        };
        let (header, rows) = written(Table::Conversations, &conversations, &own);
        // No column of the vendor's own file is empty in every row: nothing padded.
        for (at, name) in header.iter().enumerate() {
            let filled = rows.iter().any(|row| !row[at].is_empty());
            let documented_optional = [
                "ended_at",
                "contact_name",
                "contact_email",
                "contact_phone",
                "assignee_id",
                "assignee_name",
                "url",
                "flags",
                "extracted_data",
                "languages",
            ];
            assert!(
                filled || documented_optional.contains(&name.as_str()),
                "{vendor}: {name} is always empty"
            );
        }
        let offered: Vec<Table> = Table::ALL
            .into_iter()
            .filter(|t| t.offered(Layout::Vendor(vendor), &Contents::of(&conversations)))
            .collect();
        assert_eq!(
            offered.contains(&Table::Messages),
            vendor != VendorId::TalkToHumans,
            "{vendor}: TalkToHumans has no messages file of its own"
        );
        let (shared, shared_rows) = written(Table::Conversations, &conversations, &database());
        let criteria = column(&shared, "criteria_passed");
        let expected_empty = vendor != VendorId::VoiceWidget;
        assert!(
            shared_rows
                .iter()
                .all(|row| row[criteria].is_empty() == expected_empty),
            "{vendor}: criteria_passed is empty, not 0, where the vendor has no criteria"
        );
        assert!(
            shared.len() > header.len(),
            "{vendor}: the shared layout has every column"
        );
    }
}
