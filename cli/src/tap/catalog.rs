//! `--discover` and `--catalog`: the streams on offer, and which of them (and which of their
//! fields) the run is asked for.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde_json::{json, Value};

use super::streams::Stream;
use crate::exit::Failure;

/// The streams to sync, each with the fields left out.
pub type Selection = BTreeMap<Stream, BTreeSet<String>>;

/// Every stream, whole: what a run without a catalog syncs.
pub fn everything() -> Selection {
    Stream::ALL
        .into_iter()
        .map(|stream| (stream, BTreeSet::new()))
        .collect()
}

/// The catalog `--discover` prints.
pub fn discover() -> Value {
    let streams: Vec<Value> = Stream::ALL
        .into_iter()
        .map(|stream| {
            let schema = stream.schema();
            let keys = stream.key_properties();
            let mut metadata = vec![json!({
                "breadcrumb": [],
                "metadata": {
                    "inclusion": "available",
                    "selected-by-default": true,
                    "table-key-properties": keys,
                    "forced-replication-method": "INCREMENTAL",
                },
            })];
            if let Some(properties) = schema["properties"].as_object() {
                for name in properties.keys() {
                    let inclusion = if keys.contains(&name.as_str()) {
                        "automatic"
                    } else {
                        "available"
                    };
                    metadata.push(json!({
                        "breadcrumb": ["properties", name],
                        "metadata": { "inclusion": inclusion, "selected-by-default": true },
                    }));
                }
            }
            json!({
                "tap_stream_id": stream.name(),
                "stream": stream.name(),
                "schema": schema,
                "key_properties": keys,
                "replication_method": "INCREMENTAL",
                "metadata": metadata,
            })
        })
        .collect();
    json!({ "streams": streams })
}

/// The streams a catalog selects (`selected` in a stream's metadata, or on the stream), and
/// the fields it deselects; key fields are always sent.
pub fn read(path: &Path) -> Result<Selection, Failure> {
    let text = std::fs::read_to_string(path).map_err(|error| {
        Failure::bad_input(format!(
            "Could not read the catalog {}: {error}.",
            path.display()
        ))
    })?;
    let catalog: Value = serde_json::from_str(&text).map_err(|error| {
        Failure::bad_input(format!(
            "The catalog {} is not JSON: {error}.",
            path.display()
        ))
    })?;
    selection(&catalog)
        .map_err(|problem| Failure::bad_input(format!("The catalog {}: {problem}", path.display())))
}

pub fn selection(catalog: &Value) -> Result<Selection, String> {
    let streams = catalog["streams"]
        .as_array()
        .ok_or("it has no \"streams\" list.")?;
    let mut selection = Selection::new();
    for entry in streams {
        let name = entry["tap_stream_id"]
            .as_str()
            .or(entry["stream"].as_str())
            .unwrap_or("");
        let stream = Stream::from_name(name)
            .ok_or_else(|| format!("it names a stream this tap does not have: \"{name}\"."))?;
        let metadata = entry["metadata"].as_array().cloned().unwrap_or_default();
        let at = |breadcrumb: &Value| {
            metadata
                .iter()
                .find(|m| &m["breadcrumb"] == breadcrumb)
                .map(|m| m["metadata"].clone())
                .unwrap_or(Value::Null)
        };
        let top = at(&json!([]));
        let selected = top["selected"]
            .as_bool()
            .or(entry["selected"].as_bool())
            .unwrap_or(false);
        if !selected {
            continue;
        }
        let mut left_out = BTreeSet::new();
        for property in stream.schema()["properties"]
            .as_object()
            .into_iter()
            .flat_map(|p| p.keys())
        {
            let meta = at(&json!(["properties", property]));
            let key = stream.key_properties().contains(&property.as_str());
            if !key && meta["selected"].as_bool() == Some(false) {
                left_out.insert(property.clone());
            }
        }
        selection.insert(stream, left_out);
    }
    Ok(selection)
}
