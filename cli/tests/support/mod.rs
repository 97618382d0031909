//! What the CLI's tests share: the simulator over HTTP, running the binary, reading Singer
//! output, checking records against their JSON Schemas, and the simulator's ground truth.
#![allow(dead_code)]

pub mod files;
pub mod schema_check;
pub mod server;
#[path = "../../../tests/support/truth.rs"]
pub mod truth;

use std::path::Path;
use std::process::{Command, Output};

use conversation_export::vendors::VendorId;
use serde_json::Value;

pub use server::SimServer;

/// Filters of a full export of each vendor's simulated data, every opt-in on. Mindo's range
/// is left open: it ends now, after every message (and all the day after brings).
pub fn full_filters(vendor: VendorId) -> Vec<(&'static str, &'static str)> {
    match vendor {
        VendorId::Mindo => vec![
            ("company_id", "42,57"),
            ("from", "2026-03-01"),
            ("include", "classifications,extractions,tool_calls,trace_id"),
        ],
        VendorId::Humind => vec![("include_contact", "1")],
        _ => Vec::new(),
    }
}

/// A key the simulated vendor accepts.
pub fn sim_key(vendor: VendorId) -> &'static str {
    sim::valid_key(vendor.slug()).unwrap()
}

/// Runs the binary with `args`, the key (if any) in the environment, from `dir`.
pub fn run(args: &[&str], key: Option<&str>, dir: &Path) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_conversation-export"));
    command
        .args(args)
        .current_dir(dir)
        .env_remove("CONVERSATION_EXPORT_KEY");
    if let Some(key) = key {
        command.env("CONVERSATION_EXPORT_KEY", key);
    }
    command.output().expect("the binary runs")
}

pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A tap config for `vendor` on `server`, written to `dir/config.json`.
pub fn tap_config(server: &SimServer, vendor: VendorId, dir: &Path) -> std::path::PathBuf {
    let filters: serde_json::Map<String, Value> = full_filters(vendor)
        .into_iter()
        .map(|(name, value)| (name.to_string(), Value::String(value.to_string())))
        .collect();
    let config = serde_json::json!({
        "vendor": vendor.slug(),
        "base_url": server.base_url(vendor),
        "filters": filters,
    });
    let path = dir.join("config.json");
    std::fs::write(&path, config.to_string()).unwrap();
    path
}

/// The Singer messages of a tap's output, one per line.
pub fn messages(stdout: &[u8]) -> Vec<Value> {
    text(stdout)
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("not JSON ({e}): {line}")))
        .collect()
}

/// The records of `stream`, in order.
pub fn records<'a>(messages: &'a [Value], stream: &str) -> Vec<&'a Value> {
    messages
        .iter()
        .filter(|m| m["type"] == "RECORD" && m["stream"] == stream)
        .map(|m| &m["record"])
        .collect()
}

/// The value of the last STATE message.
pub fn last_state(messages: &[Value]) -> Value {
    messages
        .iter()
        .rev()
        .find(|m| m["type"] == "STATE")
        .map(|m| m["value"].clone())
        .expect("a STATE message")
}

/// Asserts two maps are equal, saying how they differ in a few lines rather than printing both.
pub fn assert_same<K: Ord + std::fmt::Debug, V: PartialEq + std::fmt::Debug>(
    got: &std::collections::BTreeMap<K, V>,
    expected: &std::collections::BTreeMap<K, V>,
    what: &str,
) {
    let missing: Vec<&K> = expected
        .keys()
        .filter(|k| !got.contains_key(k))
        .take(3)
        .collect();
    let unexpected: Vec<&K> = got
        .keys()
        .filter(|k| !expected.contains_key(k))
        .take(3)
        .collect();
    let wrong: Vec<(&K, &V, &V)> = got
        .iter()
        .filter_map(|(k, v)| expected.get(k).filter(|e| *e != v).map(|e| (k, v, e)))
        .take(3)
        .collect();
    assert!(
        missing.is_empty() && unexpected.is_empty() && wrong.is_empty(),
        "{what}: {} got, {} expected; missing {missing:?}; unexpected {unexpected:?}; different (got, expected) {wrong:?}",
        got.len(),
        expected.len()
    );
}

/// Runs the tap for `vendor` on `server` (with `state`, if any): its output and messages.
pub fn tap(
    server: &SimServer,
    vendor: VendorId,
    dir: &Path,
    state: Option<&Value>,
) -> (Output, Vec<Value>) {
    let config = tap_config(server, vendor, dir);
    let mut args = vec![
        "tap".to_string(),
        "--config".into(),
        config.display().to_string(),
    ];
    if let Some(state) = state {
        let path = dir.join("state.json");
        std::fs::write(&path, state.to_string()).unwrap();
        args.extend(["--state".to_string(), path.display().to_string()]);
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let output = run(&args, Some(sim_key(vendor)), dir);
    let messages = messages(&output.stdout);
    (output, messages)
}
