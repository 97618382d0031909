//! `conversations.json` (the unified model, nested) and `raw.ndjson` (what the vendor sent).

use crate::model::Conversation;

/// The unified model as a JSON array of conversations, each with its messages and events.
pub fn conversations_json(conversations: &[Conversation]) -> Vec<u8> {
    serde_json::to_vec(conversations).expect("the model always serialises")
}

/// Every record as the vendor sent it, one per line. Vendors may pretty-print: insignificant
/// whitespace is removed so each record fits on one line, and nothing else changes (numbers keep
/// their exact digits, keys their order).
pub fn raw_ndjson(conversations: &[Conversation]) -> Vec<u8> {
    let mut out = Vec::new();
    for conversation in conversations {
        if let Some(raw) = &conversation.raw {
            write_compact(raw.get(), &mut out);
            out.push(b'\n');
        }
        for message in &conversation.messages {
            if let Some(raw) = &message.raw {
                write_compact(raw.get(), &mut out);
                out.push(b'\n');
            }
        }
    }
    out
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
