//! Property tests: the NDJSON line reader whatever the chunk boundaries, the CSV writer whatever
//! the text, and every vendor's page parser whatever the vendor sends.
#![cfg(not(target_arch = "wasm32"))]

use conversation_export::export::csv::{
    cut_to_spreadsheet_cell, neutralise_formula, CsvOptions, Delimiter,
};
use conversation_export::export::Table;
use conversation_export::model::{Conversation, Message};
use conversation_export::ndjson::LineSplitter;
use conversation_export::vendors::paging::{list_of, map_records, read_line, read_page};
use conversation_export::vendors::{plan, ExportQuery, MapContext, Update, VendorId};
use proptest::prelude::*;
use serde_json::{json, Map, Value};

/// Text with what breaks naive code: quotes, separators, line breaks, formula starts, emoji,
/// combining marks and scripts written right to left.
fn hostile_text() -> impl Strategy<Value = String> {
    let pieces = prop::sample::select(vec![
        "\"",
        ",",
        ";",
        "\t",
        "\r",
        "\n",
        "\r\n",
        "=",
        "+",
        "-",
        "@",
        "'",
        "é",
        "😀",
        "👩‍👩‍👧",
        "\u{301}",
        "مرحبا",
        " ",
        "|",
        "\\",
        "<b>",
        "a",
        "Z",
        "0",
    ]);
    prop::collection::vec(
        prop_oneof![pieces.prop_map(str::to_owned), "\\PC{0,6}"],
        0..12,
    )
    .prop_map(|parts| parts.concat())
}

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        (-1e9f64..1e9).prop_map(|n| json!(n)),
        hostile_text().prop_map(Value::String),
        Just(json!("2026-05-15T10:00:00Z")),
    ];
    leaf.prop_recursive(3, 24, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map(
                prop::sample::select(vec![
                    "id",
                    "humind_id",
                    "conversation_id",
                    "message_id",
                    "created_at",
                    "messages",
                    "content",
                    "text",
                    "title",
                    "tags",
                    "participants",
                    "transcript",
                    "tool_calls",
                    "criteria_results",
                    "author",
                    "metadata",
                    "data",
                    "contact",
                    "sender",
                    "x",
                ])
                .prop_map(str::to_owned),
                inner,
                0..6,
            )
            .prop_map(|map| Value::Object(map.into_iter().collect::<Map<String, Value>>())),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn ndjson_lines_survive_any_chunking(lines in prop::collection::vec("[^\\n\\r]{0,30}", 0..8), crlf in any::<bool>(), cuts in prop::collection::vec(any::<prop::sample::Index>(), 0..6)) {
        let ending = if crlf { "\r\n" } else { "\n" };
        let body: String = lines.iter().map(|line| format!("{line}{ending}")).collect();
        let bytes = body.as_bytes();
        let mut points: Vec<usize> = cuts.iter().map(|cut| cut.index(bytes.len() + 1)).collect();
        points.sort();
        let mut splitter = LineSplitter::new();
        let mut got: Vec<String> = Vec::new();
        let mut start = 0;
        for end in points.into_iter().chain([bytes.len()]) {
            splitter.push::<()>(&bytes[start..end], |line| {
                got.push(String::from_utf8(line.to_vec()).expect("lines are cut only at newlines"));
                Ok(())
            }).unwrap();
            start = end;
        }
        if let Some(last) = splitter.finish() {
            got.push(String::from_utf8(last).unwrap());
        }
        prop_assert_eq!(got, lines);
    }

    #[test]
    fn csv_reads_back_whatever_the_text(titles in prop::collection::vec(hostile_text(), 1..6), texts in prop::collection::vec(hostile_text(), 1..6), delimiter in prop::sample::select(vec![Delimiter::Comma, Delimiter::Semicolon, Delimiter::Tab]), for_spreadsheet in any::<bool>()) {
        let conversations: Vec<Conversation> = titles.iter().enumerate().map(|(i, title)| Conversation {
            id: format!("c{i}"),
            vendor: VendorId::Humind,
            title: Some(title.clone()),
            tags: vec![title.clone(), "t".into()],
            messages: texts.iter().enumerate().map(|(p, text)| Message { id: format!("m{p}"), position: p, text: text.clone(), ..Default::default() }).collect(),
            ..Default::default()
        }).collect();
        let options = CsvOptions { delimiter, for_spreadsheet, columns: Some(vec!["conversation_id".into(), "title".into(), "text".into()]), ..CsvOptions::default() };
        let expect = |value: &str| {
            let mut cell = value.to_string();
            if for_spreadsheet {
                neutralise_formula(&mut cell);
                cut_to_spreadsheet_cell(&mut cell);
            }
            cell
        };
        let read = |table: Table| -> Vec<Vec<String>> {
            let bytes = table.write(&conversations, &options).bytes.to_vec();
            let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF".as_slice()).unwrap_or(&bytes).to_vec();
            csv::ReaderBuilder::new().delimiter(delimiter.byte()).from_reader(bytes.as_slice())
                .records().map(|r| r.unwrap().iter().map(str::to_owned).collect()).collect()
        };
        let rows = read(Table::Conversations);
        prop_assert_eq!(rows.len(), conversations.len());
        for (row, conversation) in rows.iter().zip(&conversations) {
            prop_assert_eq!(&row[1], &expect(conversation.title.as_deref().unwrap()));
        }
        let rows = read(Table::Messages);
        let expected: Vec<String> = conversations.iter().flat_map(|c| c.messages.iter().map(|m| expect(&m.text))).collect();
        prop_assert_eq!(rows.iter().map(|r| r[1].clone()).collect::<Vec<_>>(), expected);
    }

    #[test]
    fn page_parsers_never_panic_on_arbitrary_bytes(body in prop::collection::vec(any::<u8>(), 0..300)) {
        for vendor in VendorId::ALL {
            for task in plan(&query(*vendor)) {
                let _ = read_page(*vendor, &task, &body);
                let _ = read_line(list_of(vendor.spec(), &task.step), &String::from_utf8_lossy(&body));
            }
        }
    }

    #[test]
    fn every_record_maps_whatever_its_shape(records in prop::collection::vec(json_value(), 0..5)) {
        for vendor in VendorId::ALL {
            let task = plan(&query(*vendor)).remove(0);
            let body = envelope(*vendor, &records);
            let page = read_page(*vendor, &task, body.as_bytes());
            prop_assert!(page.is_ok(), "{:?}: the documented envelope reads: {:?}", vendor, page.err());
            let raws = page.unwrap().records;
            prop_assert_eq!(raws.len(), records.len(), "{:?}: every record is read", vendor);
            let mut warnings = Vec::new();
            let mut context = MapContext::new(&mut warnings, "2026-07-01T00:00:00Z".parse().unwrap());
            let updates = map_records(*vendor, &task, 0, raws, &mut context);
            let kept = updates.iter().filter(|u| matches!(u, Update::Conversation(_) | Update::Loose { .. })).count();
            prop_assert_eq!(kept, records.len(), "{:?}: every record is kept, whatever its shape", vendor);
        }
    }
}

fn query(vendor: VendorId) -> ExportQuery {
    let mut query = ExportQuery::new(vendor);
    query.base_url = "https://vendor.example".into();
    if vendor == VendorId::Mindo {
        query = query
            .with("company_id", "42")
            .with("from", "2026-04-01")
            .with("to", "2026-04-20");
    }
    query
}

/// The records in the vendor's documented list envelope.
fn envelope(vendor: VendorId, records: &[Value]) -> String {
    match vendor {
        VendorId::Humind => json!({ "data": records, "next_cursor": null }).to_string(),
        VendorId::TalkToHumans => {
            json!({ "data": { "conversations": records, "pagination": { "has_more": false } } })
                .to_string()
        }
        VendorId::HueChat => {
            json!({ "data": records, "pagination": { "total": records.len(), "has_more": false } })
                .to_string()
        }
        VendorId::VoiceWidget => json!({ "data": records, "next_cursor": null }).to_string(),
        VendorId::Mindo => records.iter().map(|r| format!("{r}\n")).collect(),
    }
}
