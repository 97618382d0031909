//! The tap's edges: bad configs refused before anything is sent, discovery and a catalog
//! that selects streams and fields, and the key never printed, even when a vendor echoes it.

mod support;

use std::collections::BTreeSet;
use std::sync::atomic::Ordering;

use conversation_export::vendors::VendorId;
use serde_json::Value;
use support::*;

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
        (
            serde_json::json!({
                "link": "?vendor=talktohumans&shown_from=2026-06-01&shown_to=2026-06-07",
            }),
            Some(sim_key(VendorId::TalkToHumans)),
            "The link shows only 1 Jun 2026 – 7 Jun 2026 (UTC), chosen after the fetch",
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
