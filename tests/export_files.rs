//! Every file of every vendor's export reads back exactly, through real parsers: CSV through the
//! `csv` crate, JSON and NDJSON through serde_json, the bundle through the `zip` crate.

use std::cell::RefCell;
use std::io::Read;

use conversation_export::engine::cancel::CancelToken;
use conversation_export::engine::clock::FakeClock;
use conversation_export::engine::{run, Export, RunStatus, Settings};
use conversation_export::export::bundle::ExportContext;
use conversation_export::export::columns::{CellKind, Column, HasExtras, WriteCell, EXTRA_PREFIX};
use conversation_export::export::csv::{
    cut_to_spreadsheet_cell, extra_columns, neutralise_formula, write_table, CsvOptions, Delimiter,
};
use conversation_export::export::tables::*;
use conversation_export::export::{self, Table};
use conversation_export::model::Conversation;
use conversation_export::secret::ApiKey;
use conversation_export::transport::sim::SimTransport;
use conversation_export::vendors::{ExportQuery, VendorId};
use futures_executor::block_on;
use sim::{World, WorldConfig};

/// Filters by name.
type Filters = Vec<(&'static str, &'static str)>;

/// (vendor, key, filters) for a full export of each vendor from the simulator.
fn runs() -> Vec<(VendorId, &'static str, Filters)> {
    vec![
        (
            VendorId::Humind,
            sim::humind::VALID_KEY,
            vec![("include_contact", "1")],
        ),
        (VendorId::TalkToHumans, sim::talktohumans::VALID_KEY, vec![]),
        (VendorId::HueChat, sim::huechat::VALID_KEY, vec![]),
        (VendorId::VoiceWidget, sim::voice_widget::VALID_KEY, vec![]),
        (
            VendorId::Mindo,
            sim::mindo::GLOBAL_KEY,
            vec![
                ("company_id", "42,57"),
                ("from", "2026-04-01"),
                ("to", "2026-06-30"),
                ("include", "classifications,extractions,tool_calls,trace_id"),
            ],
        ),
    ]
}

fn exported(
    vendor: VendorId,
    key: &str,
    filters: &[(&str, &str)],
) -> (ExportQuery, Vec<Conversation>) {
    let world = World::generate(&WorldConfig {
        conversations: 80,
        ..WorldConfig::default()
    });
    let transport = SimTransport::new(world, FakeClock::new());
    let mut query = ExportQuery::new(vendor);
    query.base_url = vendor.simulator_base_url("http://sim.test");
    for (name, value) in filters {
        query.filters.insert(name.to_string(), value.to_string());
    }
    let export = RefCell::new(Export::new(query.clone(), Settings::default()));
    block_on(run(
        &export,
        &transport,
        transport.clock(),
        &ApiKey::new(key),
        &CancelToken::new(),
        &mut || {},
    ));
    let export = export.into_inner();
    assert_eq!(export.status, RunStatus::Finished, "{vendor:?}");
    assert!(
        export.store.warnings.is_empty(),
        "{vendor:?}: {:?}",
        export.store.warnings
    );
    (query, export.store.conversations().to_vec())
}

fn read(bytes: &[u8], delimiter: u8) -> Vec<Vec<String>> {
    let bytes = bytes
        .strip_prefix(b"\xEF\xBB\xBF".as_slice())
        .unwrap_or(bytes);
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .from_reader(bytes);
    reader
        .records()
        .map(|r| r.unwrap().iter().map(str::to_owned).collect())
        .collect()
}

/// What a cell must read back as: the column's own rendering of the model value, adjusted as
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
    let unique: std::collections::HashSet<&String> = header.iter().collect();
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
                        conversation_export::export::columns::raw_cell(&mut value, extra);
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
    for (vendor, key, filters) in runs() {
        let (_, conversations) = exported(vendor, key, &filters);
        for delimiter in [Delimiter::Comma, Delimiter::Semicolon, Delimiter::Tab] {
            for for_spreadsheet in [true, false] {
                let options = CsvOptions {
                    delimiter,
                    for_spreadsheet,
                    columns: None,
                };
                check_all_tables(&conversations, &options);
            }
        }
    }
}

#[test]
fn hostile_text_reaches_every_vendors_csv_intact() {
    for (vendor, key, filters) in runs() {
        let (_, conversations) = exported(vendor, key, &filters);
        let file = Table::Conversations.write(
            &conversations,
            &CsvOptions {
                for_spreadsheet: false,
                ..CsvOptions::default()
            },
        );
        let messages = Table::Messages.write(
            &conversations,
            &CsvOptions {
                for_spreadsheet: false,
                ..CsvOptions::default()
            },
        );
        let all = format!(
            "{}{}",
            String::from_utf8(file.bytes.to_vec()).unwrap(),
            String::from_utf8(messages.bytes.to_vec()).unwrap()
        );
        let found = sim::text::HOSTILE
            .iter()
            .filter(|h| all.contains(&h.replace('"', "\"\"")))
            .count();
        assert!(
            found >= 8,
            "{vendor:?}: only {found} hostile strings made it into the files"
        );
    }
}

#[test]
fn json_keeps_the_model_and_raw_keeps_what_the_vendor_sent() {
    for (vendor, key, filters) in runs() {
        let (query, conversations) = exported(vendor, key, &filters);
        let options = CsvOptions::default();
        let context = ExportContext {
            query: &query,
            conversations: &conversations,
            warnings: &[],
            options: &options,
            columns: &Default::default(),
            exported_at: "2026-07-01T12:00:00Z".parse().unwrap(),
            missing: &[],
        };
        let json: serde_json::Value =
            serde_json::from_slice(&context.json().bytes.to_vec()).unwrap();
        assert_eq!(json.as_array().unwrap().len(), conversations.len());
        let messages: usize = json
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["messages"].as_array().unwrap().len())
            .sum();
        assert_eq!(messages, Table::Messages.rows(&conversations), "{vendor:?}");
        let raw = context.raw();
        let lines: Vec<serde_json::Value> = std::str::from_utf8(&raw.bytes.to_vec())
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        let expected_lines = match vendor {
            // Conversations, then each of their messages from the messages endpoint.
            VendorId::HueChat => conversations.len() + Table::Messages.rows(&conversations),
            // One line per message: the vendor exports messages.
            VendorId::Mindo => Table::Messages.rows(&conversations),
            _ => conversations.len(),
        };
        assert_eq!(lines.len(), expected_lines, "{vendor:?}");
        assert_eq!(raw.records, expected_lines);
    }
}

#[test]
fn download_all_holds_every_file_transcripts_and_a_manifest() {
    let (query, conversations) = exported(VendorId::VoiceWidget, sim::voice_widget::VALID_KEY, &[]);
    let options = CsvOptions::default();
    let missing = vec!["page 3 of conversations".to_string()];
    let context = ExportContext {
        query: &query,
        conversations: &conversations,
        warnings: &[],
        options: &options,
        columns: &Default::default(),
        exported_at: "2026-07-01T12:00:00Z".parse().unwrap(),
        missing: &missing,
    };
    let zip = context.zip();
    assert!(
        zip.name.starts_with("voice-widget_") && zip.name.ends_with("_export.zip"),
        "{}",
        zip.name
    );
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(zip.bytes.to_vec())).unwrap();
    let names: Vec<String> = archive
        .file_names()
        .map(|name| name.unwrap().into_owned())
        .collect();
    for kind in [
        "conversations.csv",
        "messages.csv",
        "tool_calls.csv",
        "criteria.csv",
        "conversations.json",
        "raw.ndjson",
    ] {
        assert!(
            names.iter().any(|n| n.ends_with(kind)),
            "{kind} in {names:?}"
        );
    }
    assert!(
        !names
            .iter()
            .any(|n| n.ends_with("events.csv") || n.ends_with("participants.csv")),
        "no empty tables"
    );
    assert_eq!(
        names
            .iter()
            .filter(|n| n.starts_with("transcripts/") && n.ends_with(".txt"))
            .count(),
        conversations.len()
    );
    assert_eq!(
        names
            .iter()
            .filter(|n| n.starts_with("transcripts/") && n.ends_with(".md"))
            .count(),
        conversations.len()
    );
    let mut manifest = String::new();
    archive
        .by_name("manifest.json")
        .unwrap()
        .read_to_string(&mut manifest)
        .unwrap();
    let manifest: serde_json::Value = serde_json::from_str(&manifest).unwrap();
    assert_eq!(manifest["vendor"], "voice-widget");
    assert_eq!(manifest["complete"], false);
    assert_eq!(manifest["missing"][0], "page 3 of conversations");
    assert_eq!(manifest["counts"]["conversations"], conversations.len());
    assert_eq!(manifest["app_version"], env!("CARGO_PKG_VERSION"));
    assert!(manifest["exported_at"]
        .as_str()
        .unwrap()
        .starts_with("2026-07-01T12:00:00"));
    let csv_entry = manifest["files"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["name"].as_str().unwrap().ends_with("messages.csv"))
        .unwrap();
    assert_eq!(csv_entry["records"], Table::Messages.rows(&conversations));
    assert!(
        !serde_json::to_string(&manifest)
            .unwrap()
            .contains("vw_sim_"),
        "no key in the manifest"
    );
    let mut transcript = String::new();
    let first = format!("transcripts/{}.txt", conversations[1].id);
    archive
        .by_name(&first)
        .unwrap()
        .read_to_string(&mut transcript)
        .unwrap();
    assert!(transcript.contains(&conversations[1].messages[0].text));
    // The same export gives the same bytes.
    assert_eq!(context.zip().bytes.to_vec(), zip.bytes.to_vec());
}

#[test]
fn column_choice_and_order_apply_to_every_table() {
    let (_, conversations) = exported(VendorId::Humind, sim::humind::VALID_KEY, &[]);
    let options = CsvOptions {
        columns: Some(vec![
            "text".into(),
            "message_id".into(),
            "vendor_role".into(),
            "nope".into(),
        ]),
        ..CsvOptions::default()
    };
    let file = Table::Messages.write(&conversations, &options);
    let rows = read(&file.bytes.to_vec(), b',');
    assert_eq!(rows[0], vec!["text", "message_id", "vendor_role"]);
    check_table(
        "messages",
        MESSAGE_COLUMNS,
        || export::message_rows(&conversations),
        &options,
    );
}
