//! Whole exports against the simulator, for every vendor: each ends with exactly the simulator's
//! ground truth (every conversation once, in the vendor's order, each with its messages), with
//! the fewest requests, whatever the filters, the concurrency or the size of a page.

mod support;

use chrono::{DateTime, Utc};
use conversation_export::model::{AuthorRole, Flag};
use conversation_export::vendors::VendorId;
use serde_json::Value;
use sim::WorldConfig;
use support::{
    assert_ground_truth, drive, export, export_concurrent, finished_export, key, query, transport,
    world, world_with, Filters, Truth, MINDO_90_DAYS,
};

fn at(text: &str) -> DateTime<Utc> {
    text.parse().unwrap()
}

#[test]
fn every_vendor_pages_to_the_end_with_the_fewest_requests() {
    let cases: [(VendorId, usize, Filters, usize, &str); 4] = [
        (
            VendorId::Humind,
            250,
            &[],
            3,
            "250 conversations at 100 a page",
        ),
        (
            VendorId::TalkToHumans,
            110,
            &[],
            5,
            "110 at 25 a page, the most the vendor gives",
        ),
        (VendorId::VoiceWidget, 450, &[], 3, "450 at 200 a page"),
        (
            VendorId::Mindo,
            600,
            MINDO_90_DAYS,
            3,
            "90 days in three windows, each under 10,000 rows",
        ),
    ];
    for (vendor, size, filters, requests, why) in cases {
        let world = world(size);
        let transport = transport(&world);
        let export = export(vendor, filters);
        drive(&export, &transport, &key(vendor));
        let export = export.borrow();
        let truth = assert_ground_truth(&world, &export);
        assert!(truth.len() > 50, "{vendor}: a real export");
        assert_eq!(transport.request_count(), requests, "{vendor}: {why}");
        assert_eq!(export.progress.pages as usize, requests, "{vendor}");
        assert_eq!(export.progress.conversations, truth.len(), "{vendor}");
        assert_eq!(export.progress.messages, truth.message_count(), "{vendor}");
        assert!(
            transport.clock().sleeps().is_empty(),
            "{vendor}: no fault, no wait"
        );
    }
}

#[test]
fn every_filter_matches_the_ground_truth() {
    let world = world(300);
    let contact = world.talktohumans().conversations[3].participants[1]
        .contact_id
        .clone();
    let mindo = |extra: (&'static str, &'static str)| -> Vec<(&str, &str)> {
        MINDO_90_DAYS.iter().copied().chain([extra]).collect()
    };
    let cases: Vec<(VendorId, Vec<(&str, &str)>)> = vec![
        (
            VendorId::Humind,
            vec![
                ("created_after", "2026-05-01"),
                ("created_before", "2026-06-01T00:00:00Z"),
            ],
        ),
        (
            VendorId::Humind,
            vec![
                ("handoff_status", "human_active"),
                ("updated_after", "2026-05-15T12:00:00Z"),
            ],
        ),
        (VendorId::TalkToHumans, vec![("contact_id", &contact)]),
        (VendorId::TalkToHumans, vec![("tag", "hot lead")]),
        (VendorId::HueChat, vec![("status", "closed")]),
        (VendorId::HueChat, vec![("channel", "sms")]),
        (VendorId::HueChat, vec![("assigned_to", "none")]),
        (VendorId::HueChat, vec![("assigned_to", "usr_agent2")]),
        (VendorId::HueChat, vec![("label", "vip")]),
        (VendorId::HueChat, vec![("search", "colis")]),
        (
            VendorId::VoiceWidget,
            vec![
                ("widget_id", "wgt_def456"),
                ("since", "2026-05-01"),
                ("until", "2026-06-01T00:00:00Z"),
                ("outcome", "completed"),
            ],
        ),
        (VendorId::Mindo, mindo(("channel", "instagram"))),
        (VendorId::Mindo, mindo(("direction", "incoming"))),
        (VendorId::Mindo, mindo(("agent_id", "5"))),
    ];
    for (vendor, filters) in cases {
        let transport = transport(&world);
        let export = export(vendor, &filters);
        drive(&export, &transport, &key(vendor));
        let export = export.borrow();
        let truth = assert_ground_truth(&world, &export);
        let unfiltered: &[(&str, &str)] = match vendor {
            VendorId::Mindo => MINDO_90_DAYS,
            _ => &[],
        };
        let everything = Truth::of(&world, &query(vendor, unfiltered));
        assert!(
            !truth.is_empty(),
            "{vendor} {filters:?}: the filter selects something"
        );
        assert!(
            truth.len() < everything.len() || truth.message_count() < everything.message_count(),
            "{vendor} {filters:?}: the filter leaves something out"
        );
    }
}

#[test]
fn huechat_sorted_by_recent_activity_matches_the_ground_truth() {
    let world = world(200);
    let sorted = query(VendorId::HueChat, &[("sort", "last_message_at:desc")]);
    let newest_first = Truth::of(&world, &query(VendorId::HueChat, &[]));
    assert_ne!(
        Truth::of(&world, &sorted).ids(),
        newest_first.ids(),
        "a different order"
    );
    finished_export(&world, sorted);
}

#[test]
fn talktohumans_keeps_participants_the_last_message_and_the_sequence() {
    let world = world(110);
    let export = finished_export(&world, query(VendorId::TalkToHumans, &[]));
    let truth = &world.talktohumans().conversations;
    for (got, truth) in export.store.conversations().iter().zip(truth) {
        assert_eq!(
            got.participants.len(),
            truth.participants.len(),
            "{}",
            got.id
        );
        assert_eq!(
            got.last_message_preview.as_deref(),
            truth.json["last_message_text"].as_str(),
            "{}",
            got.id
        );
        assert_eq!(
            got.extras.value("sequence"),
            truth.json["sequence"],
            "{}: kept as sent, null included",
            got.id
        );
    }
}

#[test]
fn huechat_fetches_every_conversation_and_its_messages_in_order() {
    let world = world(230);
    let transport = transport(&world);
    let export = export(VendorId::HueChat, &[]);
    drive(&export, &transport, &key(VendorId::HueChat));
    let export = export.borrow();
    let truth = assert_ground_truth(&world, &export);
    let long = truth
        .conversations
        .iter()
        .filter(|c| c.messages.len() > 100)
        .count();
    assert!(
        long > 0,
        "some conversations need a second page of messages"
    );
    assert_eq!(
        transport.request_count(),
        3 + 230 + long,
        "3 list pages, one messages request per conversation, one more per long conversation"
    );
    assert_eq!(export.progress.expected_total, Some(230));
    assert_eq!(export.progress.total_changed(), None);
    let conversations = export.store.conversations();
    let operator = conversations
        .iter()
        .flat_map(|c| &c.messages)
        .find(|m| m.role == AuthorRole::Operator)
        .expect("operators answer");
    assert!(
        operator.author_name.is_some(),
        "the operator who sent a message is kept"
    );
    assert!(conversations.iter().all(|c| c
        .messages
        .iter()
        .enumerate()
        .all(|(i, m)| m.position == i)));
}

#[test]
fn huechat_new_arrivals_shift_offsets_but_every_conversation_is_kept_once() {
    let world = world_with(WorldConfig {
        conversations: 350,
        huechat_arrivals_every: Some(7),
        ..WorldConfig::default()
    });
    let transport = transport(&world);
    let export = export(VendorId::HueChat, &[]);
    drive(&export, &transport, &key(VendorId::HueChat));
    let export = export.borrow();
    // The truth is the inbox as the export found it: arrivals come in above the first page.
    assert_ground_truth(&world, &export);
    let (first, last) = export
        .progress
        .total_changed()
        .expect("the total changed while it ran");
    assert_eq!(first, 350);
    assert!(last > first);
    assert!(
        export.store.duplicates_skipped > 0,
        "shifted offsets listed some conversations twice"
    );
}

#[test]
fn huechat_messages_run_concurrently_within_the_bound() {
    let world = world(60);
    for concurrency in [1, 6] {
        let mut transport = transport(&world);
        transport.latency_ms = 50.0;
        let export = export_concurrent(VendorId::HueChat, &[], concurrency);
        drive(&export, &transport, &key(VendorId::HueChat));
        assert_ground_truth(&world, &export.borrow());
        assert_eq!(
            transport.max_in_flight(),
            concurrency,
            "as many requests at once as allowed, never more"
        );
    }
}

#[test]
fn voice_widget_marks_the_call_that_just_ended_and_keeps_tool_calls_and_criteria() {
    // The fake clock reads 2026-07-01T12:00:00Z; the newest call ended a second before it.
    let world = world_with(WorldConfig {
        conversations: 450,
        anchor: at("2026-07-01T12:00:00Z"),
        ..WorldConfig::default()
    });
    let export = finished_export(&world, query(VendorId::VoiceWidget, &[]));
    let conversations = export.store.conversations();
    assert_eq!(
        conversations[0].flags,
        vec![Flag::ExtractionPending],
        "the call that just ended is marked"
    );
    assert!(conversations[1..].iter().all(|c| c.flags.is_empty()));
    let truth = &world.voice_widget().conversations;
    for (got, truth) in conversations.iter().zip(truth) {
        let count = |field: &str| truth.json[field].as_array().map_or(0, Vec::len);
        assert_eq!(got.tool_calls.len(), count("tool_calls"), "{}", got.id);
        let criteria = truth
            .json
            .get("criteria_results")
            .and_then(Value::as_object)
            .map_or(0, |c| c.len());
        assert_eq!(got.criteria.len(), criteria, "{}", got.id);
    }
}

#[test]
fn mindo_windows_stream_line_by_line_across_chunk_boundaries() {
    let world = world(600);
    let mut transport = transport(&world);
    // Tiny chunks: lines, and characters, are cut across chunks.
    transport.chunk_size = 7;
    let export = export(VendorId::Mindo, MINDO_90_DAYS);
    drive(&export, &transport, &key(VendorId::Mindo));
    let export = export.borrow();
    // Conversations that span windows are grouped, their messages in time order.
    let truth = assert_ground_truth(&world, &export);
    assert!(truth.message_count() > 1000);
    let windows = &export.progress.windows;
    assert_eq!(windows.len(), 3);
    assert!(windows.iter().all(|w| w.done && w.pages == 1));
    assert_eq!(
        windows.iter().map(|w| w.records).sum::<usize>(),
        truth.message_count()
    );
}

#[test]
fn mindo_pages_of_thousands_stored_in_parts_keep_the_vendors_order() {
    // Three windows of about 5,000 rows each, arriving together: each is stored in parts of
    // 500, the parts of different windows interleaved.
    let world = world(3000);
    let export = finished_export(&world, query(VendorId::Mindo, MINDO_90_DAYS));
    let truth = Truth::of(&world, &export.query);
    assert!(
        truth.message_count() > 12_000,
        "{} rows",
        truth.message_count()
    );
    assert!(export.store.conversations().iter().all(|c| c
        .messages
        .iter()
        .enumerate()
        .all(|(i, m)| m.position == i)));
}
