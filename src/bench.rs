//! Figures only a browser can give, for the benchmark (`scripts/bench.sh`). Built only with the
//! `bench` feature, so the app people download does not carry it.

use wasm_bindgen::prelude::*;

use crate::export::columns::ItemRow;
use crate::export::csv::CsvOptions;
use crate::export::tables::MESSAGE_COLUMNS;
use crate::export::Table;
use crate::model::{AuthorRole, Conversation, Message};

/// `count` messages in conversations of ten, with text of the simulator's kind.
fn conversations(count: usize) -> Vec<Conversation> {
    let lines: Vec<&str> = sim::text::USER_LINES
        .iter()
        .chain(sim::text::HOSTILE)
        .chain(sim::text::ASSISTANT_LINES)
        .copied()
        .collect();
    (0..count.div_ceil(10))
        .map(|c| Conversation {
            id: format!("conv_{c:08}"),
            vendor: crate::vendors::VendorId::Mindo,
            messages: (0..10.min(count - c * 10))
                .map(|m| Message {
                    id: format!("msg_{c:08}_{m}"),
                    position: m,
                    role: if m % 2 == 0 {
                        AuthorRole::Customer
                    } else {
                        AuthorRole::Assistant
                    },
                    vendor_role: Some(if m % 2 == 0 { "contact" } else { "agent" }.into()),
                    sent_at: chrono::DateTime::from_timestamp(
                        1_780_000_000 + (c * 10 + m) as i64 * 37,
                        0,
                    ),
                    text: lines[(c * 7 + m) % lines.len()].to_string(),
                    channel: Some("META_WHATSAPP".into()),
                    direction: Some(if m % 2 == 0 { "inbound" } else { "outbound" }.into()),
                    ..Default::default()
                })
                .collect(),
            ..Default::default()
        })
        .collect()
}

fn now() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.now())
}

/// Writes messages.csv for `count` messages and returns `{ms, bytes, header, rows}`: the time
/// and size of our CSV, and the same rows as arrays of strings for Papa Parse's `unparse`.
#[wasm_bindgen]
pub fn bench_messages_csv(count: usize) -> JsValue {
    let conversations = conversations(count);
    let options = CsvOptions {
        for_spreadsheet: false,
        ..CsvOptions::default()
    };
    let started = now();
    let file = Table::Messages.write(&conversations, &options);
    let ms = now() - started;
    let header = js_sys::Array::new();
    for column in MESSAGE_COLUMNS {
        header.push(&column.name.into());
    }
    let rows = js_sys::Array::new();
    let mut cell = String::new();
    for conversation in &conversations {
        for message in &conversation.messages {
            let row = ItemRow {
                conversation,
                item: message,
            };
            let cells = js_sys::Array::new();
            for column in MESSAGE_COLUMNS {
                cell.clear();
                (column.write)(&row, &mut cell);
                cells.push(&JsValue::from_str(&cell));
            }
            rows.push(&cells);
        }
    }
    let result = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&result, &"ms".into(), &ms.into());
    let _ = js_sys::Reflect::set(&result, &"bytes".into(), &(file.bytes.len() as f64).into());
    let _ = js_sys::Reflect::set(&result, &"header".into(), &header);
    let _ = js_sys::Reflect::set(&result, &"rows".into(), &rows);
    result.into()
}
