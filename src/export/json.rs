//! `conversations.json` (the unified model, nested) and `raw.ndjson` (what the vendor sent).

use std::io::Write;

use crate::model::Conversation;

/// The unified model as a JSON array of conversations, each with its messages and events.
/// `out` is dynamic so that the model's serialiser is compiled once, not once per kind of output.
pub fn conversations_json(conversations: &[Conversation], out: &mut dyn Write) {
    serde_json::to_writer(out, conversations).expect("the model always serialises");
}

/// Every record as the vendor sent it, one per line. Vendors may pretty-print: insignificant
/// whitespace is removed so each record fits on one line, and nothing else changes (numbers keep
/// their exact digits, keys their order).
///
/// Returns the number of records written.
pub fn raw_ndjson(conversations: &[Conversation], out: &mut dyn Write) -> usize {
    let mut written = 0;
    let mut line = Vec::new();
    let records = conversations.iter().flat_map(|c| {
        c.raw
            .iter()
            .chain(c.messages.iter().filter_map(|m| m.raw.as_ref()))
    });
    for raw in records {
        line.clear();
        write_compact(raw.get(), &mut line);
        line.push(b'\n');
        out.write_all(&line).expect("writing to memory cannot fail");
        written += 1;
    }
    written
}

/// Copies valid JSON without the whitespace between tokens.
fn write_compact(json: &str, out: &mut Vec<u8>) {
    let mut in_string = false;
    let mut escaped = false;
    for &byte in json.as_bytes() {
        if in_string {
            out.push(byte);
            if escaped {
                escaped = false;
            } else if byte == b'\\' {
                escaped = true;
            } else if byte == b'"' {
                in_string = false;
            }
        } else if !matches!(byte, b' ' | b'\n' | b'\r' | b'\t') {
            if byte == b'"' {
                in_string = true;
            }
            out.push(byte);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compacting_keeps_strings_and_numbers_exact() {
        let mut out = Vec::new();
        write_compact(
            "{\n \"a\" : \"x  y\\\" \\n z\",\n \"price\": 29.90 ,\"b\":[ 1, 2 ]}",
            &mut out,
        );
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "{\"a\":\"x  y\\\" \\n z\",\"price\":29.90,\"b\":[1,2]}"
        );
    }
}
