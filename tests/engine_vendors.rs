//! The engine against the simulator for TalkToHumans, HueChat, the voice widget and Mindo:
//! every export matches the simulator's ground truth, with the fewest requests.

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use conversation_export::engine::cancel::CancelToken;
use conversation_export::engine::clock::FakeClock;
use conversation_export::engine::{run, Export, RunStatus, Settings};
use conversation_export::model::AuthorRole;
use conversation_export::secret::ApiKey;
use conversation_export::transport::sim::SimTransport;
use conversation_export::vendors::{ExportQuery, VendorId};
use futures_executor::block_on;
use serde_json::Value;
use sim::faults::{Fault, FaultSchedule};
use sim::{huechat, mindo, talktohumans, voice_widget, World, WorldConfig};

fn world(conversations: usize) -> World {
    World::generate(&WorldConfig {
        conversations,
        ..WorldConfig::default()
    })
}

fn export(vendor: VendorId, filters: &[(&str, &str)], concurrency: usize) -> RefCell<Export> {
    let mut query = ExportQuery::new(vendor);
    query.base_url = vendor.simulator_base_url("http://sim.test");
    for (name, value) in filters {
        query.filters.insert(name.to_string(), value.to_string());
    }
    RefCell::new(Export::new(
        query,
        Settings {
            concurrency,
            ..Settings::default()
        },
    ))
}

fn drive(export: &RefCell<Export>, transport: &SimTransport<FakeClock>, key: &str) {
    block_on(run(
        export,
        transport,
        transport.clock(),
        &ApiKey::new(key),
        &CancelToken::new(),
        &mut || {},
    ));
}

fn ids(export: &RefCell<Export>) -> Vec<String> {
    export
        .borrow()
        .store
        .conversations()
        .iter()
        .map(|c| c.id.clone())
        .collect()
}

fn at(text: &str) -> DateTime<Utc> {
    text.parse().unwrap()
}

// ---- TalkToHumans -------------------------------------------------------------------------

#[test]
fn talktohumans_pages_of_25_to_the_end() {
    let transport = SimTransport::new(world(110), FakeClock::new());
    let export = export(VendorId::TalkToHumans, &[], 6);
    drive(&export, &transport, talktohumans::VALID_KEY);
    assert_eq!(export.borrow().status, RunStatus::Finished);
    let truth: Vec<String> = transport
        .world()
        .talktohumans()
        .conversations
        .iter()
        .map(|c| c.id.clone())
        .collect();
    assert_eq!(ids(&export), truth);
    assert_eq!(
        transport.request_count(),
        5,
        "110 conversations at 25 per page"
    );
    let export = export.borrow();
    let first = &export.store.conversations()[0];
    let truth_first = &transport.world().talktohumans().conversations[0];
    assert_eq!(first.participants.len(), truth_first.participants.len());
    assert_eq!(
        first.last_message_preview.as_deref(),
        truth_first.json["last_message_text"].as_str()
    );
    assert_eq!(
        Some(first.extras.value("sequence")),
        truth_first.json.get("sequence").cloned(),
        "kept as sent, null included"
    );
}

#[test]
fn talktohumans_filters_match_the_ground_truth() {
    let transport = SimTransport::new(world(120), FakeClock::new());
    let data = transport.world().talktohumans();
    let contact = data.conversations[3].participants[1].contact_id.clone();
    let export_by_contact = export(VendorId::TalkToHumans, &[("contact_id", &contact)], 6);
    drive(&export_by_contact, &transport, talktohumans::VALID_KEY);
    let expected: Vec<String> = data
        .conversations
        .iter()
        .filter(|c| c.participants.iter().any(|p| p.contact_id == contact))
        .map(|c| c.id.clone())
        .collect();
    assert!(!expected.is_empty());
    assert_eq!(ids(&export_by_contact), expected);

    let export_by_tag = export(VendorId::TalkToHumans, &[("tag", "hot lead")], 6);
    drive(&export_by_tag, &transport, talktohumans::VALID_KEY);
    let expected: Vec<String> = data
        .conversations
        .iter()
        .filter(|c| {
            c.participants
                .iter()
                .any(|p| !p.is_self && p.tags.contains(&"hot lead"))
        })
        .map(|c| c.id.clone())
        .collect();
    assert!(!expected.is_empty() && expected.len() < data.conversations.len());
    assert_eq!(ids(&export_by_tag), expected);
}

// ---- HueChat ------------------------------------------------------------------------------

fn huechat_truth(json: &Value) -> Vec<(String, Vec<String>)> {
    json.as_array()
        .unwrap()
        .iter()
        .map(|c| {
            let messages = c["messages"]
                .as_array()
                .unwrap()
                .iter()
                .map(|m| m["id"].as_str().unwrap().to_string())
                .collect();
            (c["id"].as_str().unwrap().to_string(), messages)
        })
        .collect()
}

#[test]
fn huechat_fetches_every_conversation_and_its_messages_in_order() {
    let transport = SimTransport::new(world(230), FakeClock::new());
    let export = export(VendorId::HueChat, &[], 6);
    drive(&export, &transport, huechat::VALID_KEY);
    assert_eq!(export.borrow().status, RunStatus::Finished);
    let truth = huechat_truth(&transport.world().dataset_json("huechat", 0).unwrap());
    let export = export.borrow();
    let got: Vec<(String, Vec<String>)> = export
        .store
        .conversations()
        .iter()
        .map(|c| {
            (
                c.id.clone(),
                c.messages.iter().map(|m| m.id.clone()).collect(),
            )
        })
        .collect();
    assert_eq!(
        got, truth,
        "every conversation once, in order, each with its messages in order"
    );
    let long = truth.iter().filter(|(_, m)| m.len() > 100).count();
    assert!(
        long > 0,
        "some conversations need a second page of messages"
    );
    // 3 list pages, one messages request per conversation, one more per long conversation.
    assert_eq!(transport.request_count(), 3 + 230 + long);
    assert_eq!(export.progress.expected_total, Some(230));
    assert_eq!(export.progress.total_changed(), None);
    let operator = export
        .store
        .conversations()
        .iter()
        .flat_map(|c| &c.messages)
        .find(|m| m.role == AuthorRole::Operator)
        .unwrap();
    assert!(
        operator.author_name.is_some(),
        "the operator who sent a message is kept"
    );
    assert!(export.store.conversations().iter().all(|c| c
        .messages
        .iter()
        .enumerate()
        .all(|(i, m)| m.position == i)));
}

#[test]
fn huechat_filters_match_the_ground_truth() {
    let transport = SimTransport::new(world(200), FakeClock::new());
    let truth = transport.world().dataset_json("huechat", 0).unwrap();
    let all = truth.as_array().unwrap();
    for (filters, keep) in [
        (
            vec![("status", "closed")],
            Box::new(|c: &Value| c["status"] == "closed") as Box<dyn Fn(&Value) -> bool>,
        ),
        (
            vec![("channel", "sms")],
            Box::new(|c: &Value| c["channel"] == "sms"),
        ),
        (
            vec![("assigned_to", "none")],
            Box::new(|c: &Value| c["assigned_to"].is_null()),
        ),
        (
            vec![("assigned_to", "usr_agent2")],
            Box::new(|c: &Value| c["assigned_to"]["id"] == "usr_agent2"),
        ),
        (
            vec![("label", "vip")],
            Box::new(|c: &Value| c["labels"].as_array().unwrap().iter().any(|l| l == "vip")),
        ),
        (
            vec![("search", "colis")],
            Box::new(|c: &Value| {
                c["subject"]
                    .as_str()
                    .unwrap()
                    .to_lowercase()
                    .contains("colis")
                    || c["messages"].as_array().unwrap().iter().any(|m| {
                        m["content"]
                            .as_str()
                            .unwrap()
                            .to_lowercase()
                            .contains("colis")
                    })
            }),
        ),
    ] {
        let export = export(VendorId::HueChat, &filters, 6);
        drive(&export, &transport, huechat::VALID_KEY);
        let expected: Vec<String> = all
            .iter()
            .filter(|c| keep(c))
            .map(|c| c["id"].as_str().unwrap().to_string())
            .collect();
        assert!(!expected.is_empty(), "{filters:?} selects something");
        assert_eq!(ids(&export), expected, "{filters:?}");
    }
    let export = export(VendorId::HueChat, &[("sort", "last_message_at:desc")], 6);
    drive(&export, &transport, huechat::VALID_KEY);
    let times: Vec<_> = export
        .borrow()
        .store
        .conversations()
        .iter()
        .map(|c| c.last_message_at)
        .collect();
    assert!(
        times.windows(2).all(|w| w[0] >= w[1]),
        "most recent activity first"
    );
}

#[test]
fn huechat_new_arrivals_shift_offsets_but_every_conversation_is_kept_once() {
    let world = World::generate(&WorldConfig {
        conversations: 350,
        huechat_arrivals_every: Some(7),
        ..WorldConfig::default()
    });
    let transport = SimTransport::new(world, FakeClock::new());
    let export = export(VendorId::HueChat, &[], 6);
    drive(&export, &transport, huechat::VALID_KEY);
    let export = export.borrow();
    assert_eq!(export.status, RunStatus::Finished);
    let got: Vec<&str> = export
        .store
        .conversations()
        .iter()
        .map(|c| c.id.as_str())
        .collect();
    let unique: HashSet<&&str> = got.iter().collect();
    assert_eq!(unique.len(), got.len(), "no conversation twice");
    let before = huechat_truth(&transport.world().dataset_json("huechat", 0).unwrap());
    for (id, _) in &before {
        assert!(
            unique.contains(&id.as_str()),
            "{id} was there when the export started and must be in it"
        );
    }
    let (first, last) = export
        .progress
        .total_changed()
        .expect("the total changed while it ran");
    assert_eq!(first, 350);
    assert!(last > first);
    assert!(
        export.store.duplicates_skipped > 0,
        "shifted offsets repeated some conversations"
    );
    assert!(export
        .store
        .conversations()
        .iter()
        .all(|c| c.messages.len() as u64 == c.vendor_message_count.unwrap()));
}

#[test]
fn huechat_messages_run_concurrently_within_the_bound() {
    let mut transport = SimTransport::new(world(60), FakeClock::new());
    transport.latency_ms = 50.0;
    let serial = export(VendorId::HueChat, &[], 1);
    drive(&serial, &transport, huechat::VALID_KEY);
    assert_eq!(serial.borrow().status, RunStatus::Finished);
    assert_eq!(transport.max_in_flight(), 1);
    let mut transport = SimTransport::new(world(60), FakeClock::new());
    transport.latency_ms = 50.0;
    let parallel = export(VendorId::HueChat, &[], 6);
    drive(&parallel, &transport, huechat::VALID_KEY);
    assert_eq!(
        transport.max_in_flight(),
        6,
        "six requests at once, never more"
    );
    assert_eq!(
        ids(&parallel),
        ids(&serial),
        "the same result whatever the concurrency"
    );
    let messages = |export: &RefCell<Export>| -> Vec<Vec<String>> {
        export
            .borrow()
            .store
            .conversations()
            .iter()
            .map(|c| c.messages.iter().map(|m| m.id.clone()).collect())
            .collect()
    };
    assert_eq!(messages(&parallel), messages(&serial));
}

// ---- Voice widget -------------------------------------------------------------------------

#[test]
fn voice_widget_exports_transcripts_tool_calls_and_criteria() {
    // The fake clock reads 2026-07-01T12:00:00Z; the newest call ended a second before it.
    let world = World::generate(&WorldConfig {
        conversations: 450,
        anchor: at("2026-07-01T12:00:00Z"),
        ..WorldConfig::default()
    });
    let transport = SimTransport::new(world, FakeClock::new());
    let export = export(VendorId::VoiceWidget, &[], 6);
    drive(&export, &transport, voice_widget::VALID_KEY);
    assert_eq!(export.borrow().status, RunStatus::Finished);
    let truth = &transport.world().voice_widget().conversations;
    assert_eq!(
        ids(&export),
        truth.iter().map(|c| c.id.clone()).collect::<Vec<_>>()
    );
    assert_eq!(transport.request_count(), 3, "450 at 200 per page");
    let export = export.borrow();
    let conversations = export.store.conversations();
    assert_eq!(
        conversations[0].flags,
        vec!["extraction_pending"],
        "the call that just ended is marked"
    );
    assert!(conversations[1..].iter().all(|c| c.flags.is_empty()));
    for (got, truth) in conversations.iter().zip(truth) {
        assert_eq!(
            got.messages.len(),
            truth.json["transcript"].as_array().unwrap().len()
        );
        assert_eq!(
            got.tool_calls.len(),
            truth.json["tool_calls"].as_array().unwrap().len()
        );
        let criteria = truth
            .json
            .get("criteria_results")
            .and_then(Value::as_object)
            .map_or(0, |c| c.len());
        assert_eq!(got.criteria.len(), criteria);
    }
}

#[test]
fn voice_widget_filters_match_the_ground_truth() {
    let transport = SimTransport::new(world(300), FakeClock::new());
    let (since, until) = (at("2026-05-01T00:00:00Z"), at("2026-06-01T00:00:00Z"));
    let export = export(
        VendorId::VoiceWidget,
        &[
            ("widget_id", "wgt_def456"),
            ("since", "2026-05-01"),
            ("until", "2026-06-01T00:00:00Z"),
            ("outcome", "completed"),
        ],
        6,
    );
    drive(&export, &transport, voice_widget::VALID_KEY);
    let expected: Vec<String> = transport
        .world()
        .voice_widget()
        .conversations
        .iter()
        .filter(|c| {
            c.widget_id == "wgt_def456"
                && c.started_at >= since
                && c.started_at < until
                && c.outcome == "completed"
        })
        .map(|c| c.id.clone())
        .collect();
    assert!(!expected.is_empty());
    assert_eq!(ids(&export), expected);
}

// ---- Mindo --------------------------------------------------------------------------------

fn mindo_truth(world: &World, from: &str, to: &str) -> Vec<String> {
    let (from, to) = (at(from), at(to));
    world
        .mindo()
        .messages
        .iter()
        .filter(|m| m.occurred_at >= from && m.occurred_at < to)
        .map(|m| m.id().to_string())
        .collect()
}

fn mindo_ids(export: &RefCell<Export>) -> Vec<String> {
    let export = export.borrow();
    let mut ids: Vec<String> = export
        .store
        .conversations()
        .iter()
        .flat_map(|c| c.messages.iter().map(|m| m.id.clone()))
        .collect();
    ids.sort();
    ids
}

const NINETY_DAYS: [(&str, &str); 3] = [
    ("company_id", "42,57"),
    ("from", "2026-04-01T00:00:00Z"),
    ("to", "2026-06-30T00:00:00Z"),
];

#[test]
fn mindo_windows_stream_and_group_every_message_once() {
    let mut transport = SimTransport::new(world(600), FakeClock::new());
    // Tiny chunks: lines, and characters, are cut across chunks.
    transport.chunk_size = 7;
    let export = export(VendorId::Mindo, &NINETY_DAYS, 6);
    drive(&export, &transport, mindo::GLOBAL_KEY);
    assert_eq!(export.borrow().status, RunStatus::Finished);
    let mut expected = mindo_truth(
        transport.world(),
        "2026-04-01T00:00:00Z",
        "2026-06-30T00:00:00Z",
    );
    expected.sort();
    assert!(expected.len() > 1000);
    assert_eq!(mindo_ids(&export), expected);
    assert_eq!(
        transport.request_count(),
        3,
        "90 days in three windows, each under 10,000 rows"
    );
    let export = export.borrow();
    assert_eq!(export.progress.windows.len(), 3);
    assert!(export
        .progress
        .windows
        .iter()
        .all(|w| w.done && w.pages == 1));
    assert_eq!(
        export
            .progress
            .windows
            .iter()
            .map(|w| w.records)
            .sum::<usize>(),
        expected.len()
    );
    for conversation in export.store.conversations() {
        let times: Vec<_> = conversation.messages.iter().map(|m| m.sent_at).collect();
        assert!(
            times.windows(2).all(|w| w[0] <= w[1]),
            "a conversation's messages in order across windows"
        );
        assert!(conversation
            .messages
            .iter()
            .all(|m| m.id.starts_with("msg_")));
    }
}

#[test]
fn mindo_pages_of_thousands_stored_in_parts_keep_the_vendors_order() {
    // Three windows of about 5,000 rows each, arriving together: each is stored in parts of
    // 500, the parts of different windows interleaved.
    let transport = SimTransport::new(world(3000), FakeClock::new());
    let export = export(VendorId::Mindo, &NINETY_DAYS, 6);
    drive(&export, &transport, mindo::GLOBAL_KEY);
    assert_eq!(export.borrow().status, RunStatus::Finished);
    let (from, to) = (at("2026-04-01T00:00:00Z"), at("2026-06-30T00:00:00Z"));
    let truth: Vec<&mindo::Message> = transport
        .world()
        .mindo()
        .messages
        .iter()
        .filter(|m| m.occurred_at >= from && m.occurred_at < to)
        .collect();
    assert!(truth.len() > 12_000, "{} rows", truth.len());
    // Conversations in the order of their first message; messages in time order.
    let mut expected_order: Vec<&str> = Vec::new();
    let mut expected_messages: HashMap<&str, Vec<&str>> = HashMap::new();
    for message in &truth {
        let id = message.json["conversation_id"].as_str().unwrap();
        let messages = expected_messages.entry(id).or_default();
        if messages.is_empty() {
            expected_order.push(id);
        }
        messages.push(message.id());
    }
    let export = export.borrow();
    let stored: Vec<&str> = export
        .store
        .conversations()
        .iter()
        .map(|c| c.id.as_str())
        .collect();
    assert_eq!(stored, expected_order);
    for conversation in export.store.conversations() {
        let got: Vec<&str> = conversation
            .messages
            .iter()
            .map(|m| m.id.as_str())
            .collect();
        assert_eq!(
            got,
            expected_messages[conversation.id.as_str()],
            "{}",
            conversation.id
        );
        assert!(conversation
            .messages
            .iter()
            .enumerate()
            .all(|(index, m)| m.position == index));
    }
}

#[test]
fn mindo_a_mid_stream_error_is_retried_and_keeps_rows_once() {
    let mut transport = SimTransport::new(world(400), FakeClock::new());
    transport.faults = FaultSchedule::none()
        .at(0, Fault::StreamError)
        .at(2, Fault::StreamError);
    let export = export(VendorId::Mindo, &NINETY_DAYS, 1);
    drive(&export, &transport, mindo::GLOBAL_KEY);
    assert_eq!(export.borrow().status, RunStatus::Finished);
    let mut expected = mindo_truth(
        transport.world(),
        "2026-04-01T00:00:00Z",
        "2026-06-30T00:00:00Z",
    );
    expected.sort();
    assert_eq!(mindo_ids(&export), expected);
    assert_eq!(export.borrow().progress.retries, 2);
}

#[test]
fn mindo_gives_up_keeping_the_rows_read_and_resume_completes() {
    let mut transport = SimTransport::new(world(400), FakeClock::new());
    transport.faults = FaultSchedule::none().every(1, Fault::StreamError);
    let export = export(VendorId::Mindo, &NINETY_DAYS, 1);
    drive(&export, &transport, mindo::GLOBAL_KEY);
    {
        let export = export.borrow();
        let RunStatus::Failed(error) = &export.status else {
            panic!("{:?}", export.status)
        };
        assert!(
            error.summary.contains("Upstream database timeout"),
            "{}",
            error.summary
        );
        assert!(
            export.store.message_count() > 0,
            "rows read before the error are kept"
        );
        assert!(export.can_resume());
    }
    transport.faults = FaultSchedule::none();
    drive(&export, &transport, mindo::GLOBAL_KEY);
    assert_eq!(export.borrow().status, RunStatus::Finished);
    let mut expected = mindo_truth(
        transport.world(),
        "2026-04-01T00:00:00Z",
        "2026-06-30T00:00:00Z",
    );
    expected.sort();
    assert_eq!(
        mindo_ids(&export),
        expected,
        "every message exactly once after resume"
    );
}

#[test]
fn mindo_company_keys_are_limited_to_their_company() {
    let transport = SimTransport::new(world(50), FakeClock::new());
    let export = export(VendorId::Mindo, &NINETY_DAYS, 6);
    drive(&export, &transport, mindo::COMPANY_KEY);
    let export = export.borrow();
    let RunStatus::Failed(error) = &export.status else {
        panic!()
    };
    assert!(error.summary.contains("global key"), "{}", error.summary);
}
