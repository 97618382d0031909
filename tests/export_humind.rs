//! Exports of a full Humind run read back through real parsers equal the model, for every
//! hostile string the simulator produces.

use std::cell::RefCell;

use conversation_export::engine::cancel::CancelToken;
use conversation_export::engine::clock::FakeClock;
use conversation_export::engine::{run, Export, RunStatus, Settings};
use conversation_export::export::columns::{timestamp, LIST_SEPARATOR};
use conversation_export::export::csv::{CsvOptions, Delimiter, SPREADSHEET_MAX_CELL_CHARS};
use conversation_export::export::{self, json};
use conversation_export::model::Conversation;
use conversation_export::secret::ApiKey;
use conversation_export::transport::sim::SimTransport;
use conversation_export::vendors::{ExportQuery, VendorId};
use futures_executor::block_on;
use sim::{humind, text, World, WorldConfig};

fn exported(include_contact: bool) -> (Vec<Conversation>, std::rc::Rc<World>) {
    let world = World::generate(&WorldConfig {
        conversations: 120,
        ..WorldConfig::default()
    });
    let transport = SimTransport::new(world, FakeClock::new());
    let mut query = ExportQuery::new(VendorId::Humind);
    query.base_url = "http://sim.test/humind/public/v1".into();
    if include_contact {
        query.filters.insert("include_contact".into(), "1".into());
    }
    let export = RefCell::new(Export::new(query, Settings::default()));
    let key = ApiKey::new(humind::VALID_KEY);
    block_on(run(
        &export,
        &transport,
        transport.clock(),
        &key,
        &CancelToken::new(),
        &mut || {},
    ));
    let export = export.into_inner();
    assert_eq!(export.status, RunStatus::Finished);
    assert!(
        export.store.warnings.is_empty(),
        "{:?}",
        export.store.warnings
    );
    let conversations = export.store.conversations().to_vec();
    let world = transport.shared_world();
    (conversations, world)
}

fn database() -> CsvOptions {
    CsvOptions {
        for_spreadsheet: false,
        ..CsvOptions::default()
    }
}

fn read_csv(bytes: &[u8], delimiter: u8) -> (Vec<String>, Vec<Vec<String>>) {
    let bytes = bytes
        .strip_prefix(b"\xEF\xBB\xBF".as_slice())
        .unwrap_or(bytes);
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .from_reader(bytes);
    let header = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    let rows = reader
        .records()
        .map(|r| r.unwrap().iter().map(str::to_owned).collect())
        .collect();
    (header, rows)
}

fn column(header: &[String], name: &str) -> usize {
    header
        .iter()
        .position(|h| h == name)
        .unwrap_or_else(|| panic!("no column {name} in {header:?}"))
}

#[test]
fn messages_csv_reads_back_exactly_for_a_database() {
    let (conversations, _) = exported(false);
    let file = export::messages_csv(&conversations, &database());
    assert!(
        !file.bytes.starts_with(b"\xEF\xBB\xBF"),
        "no BOM for databases"
    );
    assert!(
        file.bytes.to_vec().windows(2).any(|w| w == b"\r\n"),
        "CRLF line ends"
    );
    let (header, rows) = read_csv(&file.bytes.to_vec(), b',');
    let messages: Vec<_> = export::message_rows(&conversations).collect();
    assert_eq!(rows.len(), messages.len());
    assert_eq!(file.report.rows, messages.len());
    let (text, id, conversation, position, sent, role) = (
        column(&header, "text"),
        column(&header, "message_id"),
        column(&header, "conversation_id"),
        column(&header, "position"),
        column(&header, "sent_at"),
        column(&header, "author_role"),
    );
    for (row, expected) in rows.iter().zip(&messages) {
        assert_eq!(row[text], expected.item.text);
        assert_eq!(row[id], expected.item.id);
        assert_eq!(row[conversation], expected.conversation.id);
        assert_eq!(row[position], expected.item.position.to_string());
        let mut at = String::new();
        timestamp(&mut at, &expected.item.sent_at);
        assert_eq!(row[sent], at);
        assert_eq!(row[role], expected.item.role.as_str());
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
fn spreadsheet_csv_has_bom_neutralised_formulas_and_cut_cells() {
    let (conversations, _) = exported(false);
    let options = CsvOptions {
        delimiter: Delimiter::Semicolon,
        ..CsvOptions::default()
    };
    let file = export::messages_csv(&conversations, &options);
    assert!(file.bytes.starts_with(b"\xEF\xBB\xBF"));
    let (header, rows) = read_csv(&file.bytes.to_vec(), b';');
    let text = column(&header, "text");
    let texts: Vec<&str> = rows.iter().map(|r| r[text].as_str()).collect();
    for hostile in text::HOSTILE {
        let expected = if hostile.starts_with(['=', '+', '-', '@', '\t', '\r']) {
            format!("'{hostile}")
        } else {
            hostile.to_string()
        };
        assert!(texts.contains(&expected.as_str()), "{expected:?}");
    }
    assert!(texts
        .iter()
        .all(|t| !t.starts_with(['=', '+', '-', '@', '\t', '\r'])));
    assert!(file.report.truncated_cells >= 1);
    assert!(texts
        .iter()
        .all(|t| t.encode_utf16().count() <= SPREADSHEET_MAX_CELL_CHARS));
    assert_eq!(file.report.rows_beyond_spreadsheet, 0);
}

#[test]
fn conversations_csv_has_every_field_and_vendor_extras() {
    let (conversations, world) = exported(true);
    let file = export::conversations_csv(&conversations, &database());
    let (header, rows) = read_csv(&file.bytes.to_vec(), b',');
    assert_eq!(rows.len(), world.humind().conversations.len());
    let satisfaction = column(&header, "extra_satisfaction");
    let event_count = column(&header, "extra_event_count");
    let (id, tags, cart, email, count, title) = (
        column(&header, "conversation_id"),
        column(&header, "tags"),
        column(&header, "has_cart"),
        column(&header, "contact_email"),
        column(&header, "message_count"),
        column(&header, "title"),
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
fn events_csv_lists_every_interaction() {
    let (conversations, world) = exported(false);
    let file = export::events_csv(&conversations, &database());
    let (header, rows) = read_csv(&file.bytes.to_vec(), b',');
    let truth: Vec<&humind::Event> = world
        .humind()
        .conversations
        .iter()
        .flat_map(|c| c.events())
        .collect();
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
fn column_picker_chooses_and_orders() {
    let (conversations, _) = exported(false);
    let options = CsvOptions {
        columns: Some(vec![
            "title".into(),
            "conversation_id".into(),
            "nonsense".into(),
        ]),
        ..database()
    };
    let file = export::conversations_csv(&conversations, &options);
    let (header, rows) = read_csv(&file.bytes.to_vec(), b',');
    assert_eq!(header, vec!["title", "conversation_id"]);
    assert_eq!(rows[0][1], conversations[0].id);
}

#[test]
fn json_and_raw_ndjson_keep_everything() {
    let (conversations, world) = exported(true);
    let mut written = Vec::new();
    json::conversations_json(&conversations, &mut written);
    let parsed: serde_json::Value = serde_json::from_slice(&written).unwrap();
    let array = parsed.as_array().unwrap();
    assert_eq!(array.len(), conversations.len());
    let first_truth = &world.humind().conversations[0];
    assert_eq!(array[0]["id"], first_truth.id.as_str());
    assert_eq!(
        array[0]["messages"].as_array().unwrap().len(),
        first_truth.messages.len()
    );

    let mut raw = Vec::new();
    let records = json::raw_ndjson(&conversations, &mut raw);
    assert_eq!(records, world.humind().conversations.len());
    let lines: Vec<&str> = std::str::from_utf8(&raw).unwrap().lines().collect();
    assert_eq!(lines.len(), world.humind().conversations.len());
    for (line, truth) in lines.iter().zip(&world.humind().conversations) {
        let value: serde_json::Value = serde_json::from_str(line).unwrap();
        assert_eq!(
            value,
            truth.to_json(true, true),
            "raw records are exactly what the vendor sent"
        );
    }
}

#[test]
fn file_names_say_vendor_range_and_kind() {
    let (conversations, _) = exported(false);
    let mut query = ExportQuery::new(VendorId::Humind);
    query
        .filters
        .insert("created_after".into(), "2026-05-01".into());
    query
        .filters
        .insert("created_before".into(), "2026-06-01T00:00:00Z".into());
    assert_eq!(
        export::file_name(&query, &conversations, "messages.csv"),
        "humind_2026-05-01_2026-06-01_messages.csv"
    );
    query.filters.clear();
    let name = export::file_name(&query, &conversations, "conversations.json");
    let first = conversations
        .iter()
        .filter_map(|c| c.started_at)
        .min()
        .unwrap()
        .format("%Y-%m-%d");
    let last = conversations
        .iter()
        .filter_map(|c| c.started_at)
        .max()
        .unwrap()
        .format("%Y-%m-%d");
    assert_eq!(
        name,
        format!("humind_{first}_{last}_conversations.json"),
        "open ranges come from the data"
    );
    assert_eq!(
        export::file_name(&query, &[], "messages.csv"),
        "humind_messages.csv"
    );
}
