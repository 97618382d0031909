//! Singer messages on standard output: SCHEMA, RECORD and STATE, one JSON object a line.

use std::io::Write;

use serde_json::{json, Map, Value};

use super::catalog::Selection;
use super::streams::Stream;

pub struct Singer<W: Write> {
    out: W,
    selection: Selection,
    /// Records written, per stream.
    pub counts: std::collections::BTreeMap<Stream, usize>,
}

impl<W: Write> Singer<W> {
    pub fn new(out: W, selection: Selection) -> Self {
        Singer {
            out,
            selection,
            counts: Default::default(),
        }
    }

    fn line(&mut self, message: &Value) -> std::io::Result<()> {
        serde_json::to_writer(&mut self.out, message)?;
        self.out.write_all(b"\n")
    }

    /// A SCHEMA message for every selected stream, without the fields left out.
    pub fn schemas(&mut self) -> std::io::Result<()> {
        for (stream, left_out) in self.selection.clone() {
            let mut schema = stream.schema();
            if let Some(properties) = schema["properties"].as_object_mut() {
                properties.retain(|name, _| !left_out.contains(name));
            }
            self.line(&json!({
                "type": "SCHEMA",
                "stream": stream.name(),
                "schema": schema,
                "key_properties": stream.key_properties(),
            }))?;
        }
        Ok(())
    }

    /// A RECORD, if its stream is selected, without the fields left out.
    pub fn record(
        &mut self,
        stream: Stream,
        record: Value,
        extracted: &str,
    ) -> std::io::Result<()> {
        let Some(left_out) = self.selection.get(&stream) else {
            return Ok(());
        };
        let record = match record {
            Value::Object(mut fields) if !left_out.is_empty() => {
                fields.retain(|name, _| !left_out.contains(name));
                Value::Object(fields)
            }
            other => other,
        };
        *self.counts.entry(stream).or_default() += 1;
        let mut message = Map::new();
        message.insert("type".into(), json!("RECORD"));
        message.insert("stream".into(), json!(stream.name()));
        message.insert("record".into(), record);
        message.insert("time_extracted".into(), json!(extracted));
        self.line(&Value::Object(message))
    }

    /// A STATE: every record before it is in the target once the target echoes it.
    pub fn state(&mut self, value: &impl serde::Serialize) -> std::io::Result<()> {
        self.line(&json!({ "type": "STATE", "value": value }))?;
        self.out.flush()
    }
}
