//! The tap against the simulator over HTTP: Singer messages whose records match their
//! schemas and equal the simulator's ground truth; a second run with the saved state sends
//! only what changed; a run that stops resumes where it stopped; bad configs are refused.

mod support;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::atomic::Ordering;

use conversation_export::vendors::{ExportQuery, VendorId};
use serde_json::Value;
use support::truth::Truth;
use support::*;

const CONVERSATIONS: usize = 60;

fn tap(
    server: &SimServer,
    vendor: VendorId,
    dir: &Path,
    state: Option<&Value>,
) -> (std::process::Output, Vec<Value>) {
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

/// The ground truth of the tap's export of `vendor` (Mindo's open range ends after the data).
fn truth(server: &SimServer, vendor: VendorId) -> Truth {
    let mut query = ExportQuery::new(vendor);
    for (name, value) in full_filters(vendor) {
        query = query.with(name, value);
    }
    if vendor == VendorId::Mindo {
        query = query.with("to", "2030-01-01");
    }
    Truth::of(&server.world.read().unwrap(), &query)
}

/// Message records by (conversation, key), with their text.
fn message_texts(messages: &[Value]) -> BTreeMap<(String, String), String> {
    records(messages, "messages")
        .into_iter()
        .map(|r| {
            let key = (
                r["conversation_id"].as_str().unwrap().to_string(),
                r["message_key"].as_str().unwrap().to_string(),
            );
            (key, r["text"].as_str().unwrap().to_string())
        })
        .collect()
}

fn conversation_ids(messages: &[Value]) -> BTreeSet<String> {
    records(messages, "conversations")
        .into_iter()
        .map(|r| r["conversation_id"].as_str().unwrap().to_string())
        .collect()
}

fn expected_texts(truth: &Truth) -> BTreeMap<(String, String), String> {
    truth
        .conversations
        .iter()
        .flat_map(|c| {
            c.messages.iter().enumerate().map(move |(position, m)| {
                let key = if m.id.is_empty() {
                    format!("#{position}")
                } else {
                    m.id.clone()
                };
                ((c.id.clone(), key), m.text.clone())
            })
        })
        .collect()
}

#[test]
fn every_message_is_singer_and_every_record_matches_its_schema() {
    for &vendor in VendorId::ALL {
        let server = SimServer::start(CONVERSATIONS);
        let dir = tempfile::tempdir().unwrap();
        let (output, messages) = tap(&server, vendor, dir.path(), None);
        assert!(
            output.status.success(),
            "{vendor}: {}",
            text(&output.stderr)
        );
        let mut schemas: BTreeMap<String, Value> = BTreeMap::new();
        for message in &messages {
            match message["type"].as_str().unwrap() {
                "SCHEMA" => {
                    assert!(message["key_properties"].is_array());
                    schemas.insert(
                        message["stream"].as_str().unwrap().into(),
                        message["schema"].clone(),
                    );
                }
                "RECORD" => {
                    let stream = message["stream"].as_str().unwrap();
                    let schema = schemas
                        .get(stream)
                        .unwrap_or_else(|| panic!("{vendor}: a {stream} record before its SCHEMA"));
                    let problems = schema_check::problems(schema, &message["record"], stream);
                    assert!(problems.is_empty(), "{vendor}: {problems:?}");
                    assert!(message["time_extracted"].is_string());
                }
                "STATE" => assert!(message["value"]["bookmarks"].is_object()),
                other => panic!("{vendor}: unknown message type {other}"),
            }
        }
        assert_eq!(schemas.len(), 6, "{vendor}: a SCHEMA per stream");
        assert_eq!(
            messages.last().unwrap()["type"],
            "STATE",
            "{vendor}: STATE comes last"
        );
        let state = last_state(&messages);
        let bookmarks = state["bookmarks"].as_object().unwrap();
        assert_eq!(bookmarks.len(), 1);
        let (name, bookmark) = bookmarks.iter().next().unwrap();
        assert!(name.starts_with(vendor.slug()), "{name}");
        assert!(
            bookmark["changed_since"].is_string(),
            "{vendor}: {bookmark}"
        );
        assert!(
            bookmark.get("resume").is_none(),
            "{vendor}: a whole run leaves nothing to resume"
        );
        // A STATE after the pages, not only at the end.
        let states = messages.iter().filter(|m| m["type"] == "STATE").count();
        assert!(states >= 2, "{vendor}: {states} STATE messages");
    }
}

#[test]
fn records_equal_the_simulators_ground_truth() {
    for &vendor in VendorId::ALL {
        let server = SimServer::start(CONVERSATIONS);
        let dir = tempfile::tempdir().unwrap();
        let (output, messages) = tap(&server, vendor, dir.path(), None);
        assert!(
            output.status.success(),
            "{vendor}: {}",
            text(&output.stderr)
        );
        let truth = truth(&server, vendor);
        let expected: BTreeSet<String> = truth.ids().into_iter().collect();
        assert_eq!(
            conversation_ids(&messages),
            expected,
            "{vendor}: conversations"
        );
        assert_same(
            &message_texts(&messages),
            &expected_texts(&truth),
            &format!("{vendor}: every message's text"),
        );
        // Mindo's messages arrive by date window, in any order: one whose place in its
        // conversation moved when an earlier window came in is sent again, with its new place.
        let sent = records(&messages, "messages").len();
        if vendor == VendorId::Mindo {
            assert!(
                sent >= truth.message_count() && sent < truth.message_count() * 11 / 10,
                "{sent}"
            );
            continue;
        }
        assert_eq!(sent, truth.message_count(), "{vendor}: each message once");
        assert_eq!(
            records(&messages, "conversations").len(),
            truth.len(),
            "{vendor}: each conversation once"
        );
    }
}

#[test]
fn a_second_run_with_the_state_sends_only_what_changed() {
    for &vendor in VendorId::ALL {
        let server = SimServer::start(CONVERSATIONS);
        let dir = tempfile::tempdir().unwrap();
        let (first, messages) = tap(&server, vendor, dir.path(), None);
        assert!(first.status.success(), "{vendor}: {}", text(&first.stderr));
        let state = last_state(&messages);
        let touched = server.touch(vendor, 3);
        let (second, messages) = tap(&server, vendor, dir.path(), Some(&state));
        assert!(
            second.status.success(),
            "{vendor}: {}",
            text(&second.stderr)
        );
        let touched_ids: BTreeSet<String> = touched.ids.iter().cloned().collect();
        assert_eq!(
            conversation_ids(&messages),
            touched_ids,
            "{vendor}: only the touched conversations"
        );
        // The new messages are there, with the text the simulator has now.
        let truth = expected_texts(&truth(&server, vendor));
        for (key, text) in message_texts(&messages) {
            assert_eq!(truth.get(&key), Some(&text), "{vendor}: {key:?}");
        }
        if vendor == VendorId::Mindo {
            assert_eq!(
                records(&messages, "messages").len(),
                3,
                "Mindo: only the new messages"
            );
        }
        // Nothing changed since: a third run sends nothing.
        let (third, messages) = tap(&server, vendor, dir.path(), Some(&last_state(&messages)));
        assert!(third.status.success());
        assert!(
            records(&messages, "conversations").is_empty(),
            "{vendor}: nothing new"
        );
        assert!(
            records(&messages, "messages").is_empty(),
            "{vendor}: nothing new"
        );
    }
}

#[test]
fn a_run_that_stops_resumes_where_it_stopped() {
    for (vendor, stop_at) in [
        (VendorId::Humind, 1),
        (VendorId::HueChat, 6),
        (VendorId::Mindo, 8),
    ] {
        let server = SimServer::start(250);
        let dir = tempfile::tempdir().unwrap();
        server.revoke_from.store(stop_at, Ordering::SeqCst);
        let (stopped, first) = tap(&server, vendor, dir.path(), None);
        assert_eq!(
            stopped.status.code(),
            Some(3),
            "{vendor}: {}",
            text(&stopped.stderr)
        );
        let stderr = text(&stopped.stderr);
        assert!(
            stderr.contains("revoked") && stderr.contains("Missing:"),
            "{vendor}: {stderr}"
        );
        let state = last_state(&first);
        let bookmark = state["bookmarks"]
            .as_object()
            .unwrap()
            .values()
            .next()
            .unwrap()
            .clone();
        assert!(bookmark["resume"].is_object(), "{vendor}: {bookmark}");
        server.revoke_from.store(usize::MAX, Ordering::SeqCst);
        let before = server.requests.load(Ordering::SeqCst);
        let (resumed, second) = tap(&server, vendor, dir.path(), Some(&state));
        assert!(
            resumed.status.success(),
            "{vendor}: {}",
            text(&resumed.stderr)
        );
        let mut texts = message_texts(&first);
        texts.extend(message_texts(&second));
        let truth = truth(&server, vendor);
        assert_same(
            &texts,
            &expected_texts(&truth),
            &format!("{vendor}: nothing missing after the resume"),
        );
        let mut ids = conversation_ids(&first);
        ids.extend(conversation_ids(&second));
        assert_eq!(ids, truth.ids().into_iter().collect(), "{vendor}");
        // The resumed run did not start over.
        let (_, clean) = {
            let again = SimServer::start(250);
            let dir = tempfile::tempdir().unwrap();
            let result = tap(&again, vendor, dir.path(), None);
            (result.0, again.requests.load(Ordering::SeqCst))
        };
        let resumed_requests = server.requests.load(Ordering::SeqCst) - before;
        assert!(
            resumed_requests < clean,
            "{vendor}: {resumed_requests} requests to resume, {clean} for all"
        );
        assert!(last_state(&second)["bookmarks"]
            .as_object()
            .unwrap()
            .values()
            .next()
            .unwrap()
            .get("resume")
            .is_none());
    }
}

#[test]
fn bad_configs_are_refused_with_a_clear_message_and_exit_code_2() {
    let server = SimServer::start(10);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.json");
    let cases: Vec<(Value, Option<&str>, &str)> = vec![
        (
            serde_json::json!({"vendor": "humind", "base_url": server.base_url(VendorId::Humind)}),
            None,
            "No Humind API key: set CONVERSATION_EXPORT_KEY",
        ),
        (
            serde_json::json!({"vendor": "zendesk"}),
            Some("x"),
            "\"zendesk\" is not one this tap knows",
        ),
        (
            serde_json::json!({"vendor": "humind", "filters": {"created_after": "01/05/2026"}}),
            Some(sim_key(VendorId::Humind)),
            "filters.created_after: Use a date like 2026-05-01",
        ),
        (
            serde_json::json!({"vendor": "mindo", "filters": {"from": "2026-05-01"}}),
            Some(sim_key(VendorId::Mindo)),
            "filters.company_id: Company ID is required.",
        ),
        (
            serde_json::json!({"vendor": "humind", "filters": {"tag": "vip"}}),
            Some(sim_key(VendorId::Humind)),
            "filters.tag is not a filter of Humind",
        ),
        (
            serde_json::json!({"vendor": "voice-widget"}),
            Some(sim_key(VendorId::VoiceWidget)),
            "base_url: Voice widget's documentation names no API address",
        ),
        (
            serde_json::json!({"vendor": "humind"}),
            Some(sim_key(VendorId::Mindo)),
            "This looks like a Mindo key",
        ),
    ];
    for (config, key, expected) in cases {
        std::fs::write(&path, config.to_string()).unwrap();
        let output = run(
            &["tap", "--config", path.to_str().unwrap()],
            key,
            dir.path(),
        );
        let stderr = text(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{config}: {stderr}");
        assert!(stderr.contains(expected), "{config}: {stderr}");
        assert!(
            output.stdout.is_empty(),
            "{config}: nothing on standard output"
        );
    }
    std::fs::write(&path, "{not json").unwrap();
    let output = run(
        &["tap", "--config", path.to_str().unwrap()],
        Some("x"),
        dir.path(),
    );
    assert_eq!(output.status.code(), Some(2));
    assert!(text(&output.stderr).contains("is not JSON"));
    let output = run(&["tap", "--config", "missing.json"], Some("x"), dir.path());
    assert_eq!(output.status.code(), Some(2));
    assert!(text(&output.stderr).contains("Could not read the config file missing.json"));
    assert_eq!(
        server.requests.load(Ordering::SeqCst),
        0,
        "nothing was sent"
    );
}

#[test]
fn discovery_lists_the_streams_and_a_catalog_selects_streams_and_fields() {
    let server = SimServer::start(20);
    let dir = tempfile::tempdir().unwrap();
    let config = tap_config(&server, VendorId::Humind, dir.path());
    let output = run(
        &["tap", "--config", config.to_str().unwrap(), "--discover"],
        None,
        dir.path(),
    );
    assert!(output.status.success(), "{}", text(&output.stderr));
    let mut catalog: Value = serde_json::from_slice(&output.stdout).unwrap();
    let names: Vec<&str> = catalog["streams"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["stream"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "conversations",
            "messages",
            "events",
            "participants",
            "tool_calls",
            "criteria"
        ]
    );
    // Select messages only, without their extras.
    for stream in catalog["streams"].as_array_mut().unwrap() {
        let selected = stream["stream"] == "messages";
        for entry in stream["metadata"].as_array_mut().unwrap() {
            if entry["breadcrumb"] == serde_json::json!([]) {
                entry["metadata"]["selected"] = Value::Bool(selected);
            } else if entry["breadcrumb"] == serde_json::json!(["properties", "extras"]) {
                entry["metadata"]["selected"] = Value::Bool(false);
            }
        }
    }
    let path = dir.path().join("catalog.json");
    std::fs::write(&path, catalog.to_string()).unwrap();
    let output = run(
        &[
            "tap",
            "--config",
            config.to_str().unwrap(),
            "--catalog",
            path.to_str().unwrap(),
        ],
        Some(sim_key(VendorId::Humind)),
        dir.path(),
    );
    assert!(output.status.success(), "{}", text(&output.stderr));
    let messages = messages(&output.stdout);
    let streams: BTreeSet<&str> = messages
        .iter()
        .filter_map(|m| m["stream"].as_str())
        .collect();
    assert_eq!(streams, ["messages"].into_iter().collect());
    assert!(records(&messages, "messages")
        .iter()
        .all(|r| r.get("extras").is_none() && r.get("text").is_some()));
}

#[test]
fn the_key_is_never_printed_even_when_the_vendor_echoes_it() {
    let server = SimServer::start(20);
    server.echo_headers.store(true, Ordering::SeqCst);
    let dir = tempfile::tempdir().unwrap();
    let key = sim_key(VendorId::Humind);
    let (output, _) = tap(&server, VendorId::Humind, dir.path(), None);
    assert_eq!(output.status.code(), Some(1), "{}", text(&output.stderr));
    let all = format!("{}{}", text(&output.stdout), text(&output.stderr));
    assert!(
        all.contains("[API key]"),
        "the echo is there, scrubbed: {all}"
    );
    assert!(!all.contains(key), "{all}");
    let out = dir.path().join("out");
    let output = run(
        &[
            "export",
            "--vendor",
            "humind",
            "--base-url",
            &server.base_url(VendorId::Humind),
            "--out",
            out.to_str().unwrap(),
        ],
        Some(key),
        dir.path(),
    );
    assert_eq!(output.status.code(), Some(1));
    let mut seen = format!("{}{}", text(&output.stdout), text(&output.stderr));
    for entry in std::fs::read_dir(&out).unwrap() {
        seen.push_str(&text(&std::fs::read(entry.unwrap().path()).unwrap()));
    }
    assert!(
        !seen.contains(key),
        "the key in the output or the folder: {seen}"
    );
    // There is no flag for it.
    let output = run(
        &["export", "--vendor", "humind", "--key", key, "--out", "x"],
        None,
        dir.path(),
    );
    assert_eq!(output.status.code(), Some(2));
    assert!(text(&output.stderr).contains("unexpected argument '--key'"));
}
