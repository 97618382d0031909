//! The tap against the simulator over HTTP: Singer messages whose records match their
//! schemas and equal the simulator's ground truth; a second run with the saved state sends
//! only what changed; a run that stops resumes where it stopped; bad configs are refused.

mod support;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::atomic::Ordering;

use conversation_export::vendors::{ExportQuery, VendorId};
use serde_json::Value;
use support::truth::Truth;
use support::*;

const CONVERSATIONS: usize = 60;

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

/// The conversations whose truth differs the day after (new messages, a record that moved on),
/// and those that started since.
fn changed_between(before: &Truth, after: &Truth) -> BTreeSet<String> {
    let before: BTreeMap<&str, _> = before
        .conversations
        .iter()
        .map(|c| (c.id.as_str(), c))
        .collect();
    after
        .conversations
        .iter()
        .filter(|c| {
            before
                .get(c.id.as_str())
                .is_none_or(|was| was.messages != c.messages || was.record != c.record)
        })
        .map(|c| c.id.clone())
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
        let before = truth(&server, vendor);
        server.a_day_later(5.0, 2);
        let after = truth(&server, vendor);
        let (second, messages) = tap(&server, vendor, dir.path(), Some(&state));
        assert!(
            second.status.success(),
            "{vendor}: {}",
            text(&second.stderr)
        );
        let changed = changed_between(&before, &after);
        assert!(changed.len() >= 3, "{vendor}: {changed:?}");
        assert_eq!(
            conversation_ids(&messages),
            changed,
            "{vendor}: only the conversations that changed or started"
        );
        // The new messages are there, with the text the simulator has now.
        let now = expected_texts(&after);
        for (key, text) in message_texts(&messages) {
            assert_eq!(now.get(&key), Some(&text), "{vendor}: {key:?}");
        }
        if vendor == VendorId::Mindo {
            let new_messages = now.len() - expected_texts(&before).len();
            assert_eq!(
                records(&messages, "messages").len(),
                new_messages,
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
