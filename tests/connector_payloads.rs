//! Every connector against the exact payloads printed in its vendor's documentation
//! (`tests/fixtures/<vendor>/`, copied verbatim from `vendor-docs/`): pages read, the requests
//! they lead to, and records mapped into the model. How lists end, break and fail is in
//! `connector_pages.rs`.

mod support;

use conversation_export::error::Problem;
use conversation_export::model::{AuthorRole, Conversation, Flag, Warning};
use conversation_export::vendors::paging::{after_lines, read_line, read_page};
use conversation_export::vendors::{Line, MapContext, Page, Step, Task, Update, VendorId};
use serde_json::json;
use support::{conversation, documented_query, first_task, map_page, minimal_query};

const HUMIND_LIST: &str = include_str!("fixtures/humind/list.json");
const HUMIND_RETRIEVE: &str = include_str!("fixtures/humind/retrieve.json");
const HUMIND_CONTACT: &str = include_str!("fixtures/humind/contact.json");
const TALKTOHUMANS_LIST: &str = include_str!("fixtures/talktohumans/list.json");
const HUECHAT_LIST: &str = include_str!("fixtures/huechat/list.json");
const HUECHAT_MESSAGES: &str = include_str!("fixtures/huechat/messages.json");
const VOICE_WIDGET_CONVERSATION: &str = include_str!("fixtures/voice-widget/conversation.json");
const MINDO_MESSAGE: &str = include_str!("fixtures/mindo/message.json");

/// Reads a single-conversation answer as the Reload button does.
fn read_one(vendor: VendorId, body: &[u8]) -> (Result<Conversation, Problem>, Vec<Warning>) {
    let mut warnings = Vec::new();
    let mut context = MapContext::new(&mut warnings, "2026-07-01T00:00:00Z".parse().unwrap());
    let result = vendor.connector().read_conversation(body, &mut context);
    (result, warnings)
}

/// Reads a documented page with `task` and maps its records (the page's `records` are taken):
/// a page printed in the docs maps without a warning, every documented field having a place.
fn read_documented(vendor: VendorId, task: &Task, body: &[u8], now: &str) -> (Page, Vec<Update>) {
    let mut page = read_page(vendor, task, body).unwrap();
    let records = std::mem::take(&mut page.records);
    let (updates, warnings) = map_page(vendor, task, records, now);
    assert!(warnings.is_empty(), "{vendor}: {warnings:?}");
    (page, updates)
}

// ---- Humind -------------------------------------------------------------------------------

#[test]
fn humind_list_page_from_the_docs() {
    let task = first_task(&documented_query(
        VendorId::Humind,
        &[("created_after", "2026-05-01")],
    ));
    let (page, updates) = read_documented(
        VendorId::Humind,
        &task,
        HUMIND_LIST.as_bytes(),
        "2026-07-01T00:00:00Z",
    );
    assert_eq!(updates.len(), 1);
    assert_eq!(page.next.len(), 1, "a next_cursor means another page");
    let next = page.next[0].request().url;
    assert!(
        next.ends_with("&cursor=eyJpZCI6IjY1ZjFhYjljOGU3ZDRhMmIxYzNkNGU1ZiJ9"),
        "{next}"
    );
    assert!(
        next.contains("created_after=2026-05-01"),
        "filters carry over"
    );
    assert_eq!(
        page.next[0].step,
        Step::List {
            window: None,
            page: 1
        }
    );
    let c = conversation(&updates[0]);
    assert_eq!(c.id, "65f1ab9c8e7d4a2b1c3d4e5f");
    assert_eq!(c.vendor, VendorId::Humind);
    assert_eq!(
        c.started_at.unwrap().to_rfc3339(),
        "2026-05-15T10:00:00+00:00"
    );
    assert_eq!(c.last_message_at, c.updated_at);
    assert_eq!(c.channel.as_deref(), Some("shopify"));
    assert_eq!(
        c.url.as_deref(),
        Some("https://example.com/products/creme-hydratante")
    );
    assert_eq!(c.languages, vec!["fr"]);
    assert_eq!(c.title.as_deref(), Some("Question sur la crème hydratante"));
    assert_eq!(c.status.as_deref(), Some("ai_active"));
    assert_eq!(c.handed_to_human, Some(false));
    assert_eq!(c.tags, vec!["high-intent", "skincare"]);
    assert_eq!(c.has_cart, Some(true));
    assert_eq!(
        c.contact.as_ref().unwrap().id.as_deref(),
        Some("65f1c0de8e7d4a2b1c3d4e70")
    );
    assert!(c.messages.is_empty(), "the lean list has no transcript");
    assert!(
        c.extras.is_empty(),
        "every documented field has a place: {:?}",
        c.extras
    );
    assert!(
        c.raw
            .as_ref()
            .unwrap()
            .get()
            .starts_with("{\n\"humind_id\": \"65f1ab9c8e7d4a2b1c3d4e5f\""),
        "raw is byte-exact"
    );
}

#[test]
fn humind_retrieve_from_the_docs_has_transcript_products_and_events() {
    let (result, warnings) = read_one(VendorId::Humind, HUMIND_RETRIEVE.as_bytes());
    let conversation = result.unwrap();
    assert!(warnings.is_empty(), "{warnings:?}");
    assert_eq!(conversation.vendor_message_count, Some(3));
    assert_eq!(
        conversation.url, None,
        "origin_url is optional and absent here"
    );
    assert_eq!(
        conversation.title, None,
        "title is optional and absent here"
    );
    let messages = &conversation.messages;
    assert_eq!(messages.len(), 3);
    assert_eq!(messages[0].role, AuthorRole::Customer);
    assert_eq!(messages[0].vendor_role.as_deref(), Some("user"));
    assert_eq!(messages[0].source.as_deref(), Some("typed"));
    assert_eq!(messages[0].text, "Vous l'avez en 50 ml ?");
    assert_eq!(messages[1].role, AuthorRole::Assistant);
    assert_eq!(messages[1].product_ids, vec!["65f1aa008e7d4a2b1c3d4e10"]);
    assert_eq!(
        messages[1].sent_at.unwrap().to_rfc3339(),
        "2026-05-15T10:01:30+00:00"
    );
    assert_eq!(
        messages.iter().map(|m| m.position).collect::<Vec<_>>(),
        vec![0, 1, 2]
    );
    let event = &messages[2].events[0];
    assert_eq!(event.id, "65f1ab9c8e7d4a2b1c3d4e80");
    assert_eq!(event.kind, "add_product");
    assert_eq!(event.product_title.as_deref(), Some("Crème hydratante"));
    assert_eq!(
        event.product_variant_id.as_deref(),
        Some("65f1aa008e7d4a2b1c3d4e11")
    );
    assert_eq!(event.price, Some(29.90));
    assert_eq!(conversation.event_count(), 1);
    // The vendor's own tallies and wordings are kept, not dropped.
    assert_eq!(conversation.extras.value("event_count"), json!(1));
    assert_eq!(messages[0].extras.value("role"), json!("conversation"));
}

#[test]
fn humind_contact_object_replaces_contact_id() {
    let mut body: serde_json::Value = serde_json::from_str(HUMIND_RETRIEVE).unwrap();
    let contact: serde_json::Value = serde_json::from_str(HUMIND_CONTACT).unwrap();
    body.as_object_mut().unwrap().remove("contact_id");
    body["contact"] = contact["contact"].clone();
    let (result, _) = read_one(VendorId::Humind, body.to_string().as_bytes());
    let contact = result.unwrap().contact.unwrap();
    assert_eq!(contact.id.as_deref(), Some("65f1c0de8e7d4a2b1c3d4e70"));
    assert_eq!(contact.name.as_deref(), Some("Jane Doe"));
    assert_eq!(contact.email.as_deref(), Some("jane@example.com"));
    assert_eq!(contact.phone.as_deref(), Some("+33123456789"));

    body["contact"] = serde_json::Value::Null;
    let (result, _) = read_one(VendorId::Humind, body.to_string().as_bytes());
    assert!(
        result.unwrap().contact.is_none(),
        "contact: null means no identified contact"
    );
}

#[test]
fn humind_unknown_fields_are_kept_and_bad_types_warn() {
    let body = br#"{"data": [{"humind_id": "a", "created_at": "not a date", "tags": ["x"], "sentiment": {"score": 0.4}}], "next_cursor": null}"#;
    let task = first_task(&documented_query(VendorId::Humind, &[]));
    let page = read_page(VendorId::Humind, &task, body).unwrap();
    let (updates, warnings) = map_page(
        VendorId::Humind,
        &task,
        page.records,
        "2026-07-01T00:00:00Z",
    );
    let c = conversation(&updates[0]);
    assert_eq!(c.extras.value("sentiment"), json!({"score": 0.4}));
    assert_eq!(c.extras.value("created_at"), json!("not a date"));
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert_eq!(
        (warnings[0].record.as_str(), warnings[0].field.as_str()),
        ("a", "created_at")
    );
}

// ---- TalkToHumans -------------------------------------------------------------------------

#[test]
fn talktohumans_page_from_the_docs_keeps_account_participants_and_sequence() {
    let task = first_task(&documented_query(VendorId::TalkToHumans, &[]));
    let (page, updates) = read_documented(
        VendorId::TalkToHumans,
        &task,
        TALKTOHUMANS_LIST.as_bytes(),
        "2026-01-01T00:00:00Z",
    );
    assert_eq!(updates.len(), 1);
    assert_eq!(page.next.len(), 1, "has_more: true");
    assert!(page.next[0].request().url.ends_with("&cursor=%3Cstring%3E"));
    let c = conversation(&updates[0]);
    assert_eq!(c.id, "<string>");
    assert_eq!(
        c.last_message_at.unwrap().to_rfc3339(),
        "2023-11-07T05:31:56+00:00"
    );
    assert_eq!(c.last_message_preview.as_deref(), Some("<string>"));
    assert!(c.messages.is_empty(), "no message endpoint");
    let participant = &c.participants[0];
    assert_eq!(participant.linkedin_url.as_deref(), Some("<string>"));
    assert_eq!(participant.company.as_deref(), Some("<string>"));
    assert_eq!(
        participant.extras.len(),
        4,
        "provider id, relationship, public identifier, avatar: {:?}",
        participant.extras
    );
    assert_eq!(c.extras.value("account")["display_name"], "<string>");
    assert_eq!(c.extras.value("is_group"), true);
    assert_eq!(c.extras.value("sequence")["steps"][0]["position"], 123);
    assert_eq!(
        c.extras.len(),
        3,
        "{:?}",
        c.extras.keys().collect::<Vec<_>>()
    );
}

// ---- HueChat ------------------------------------------------------------------------------

#[test]
fn huechat_list_from_the_docs_plans_the_next_page_and_each_conversations_messages() {
    let task = first_task(&documented_query(VendorId::HueChat, &[]));
    let (page, updates) = read_documented(
        VendorId::HueChat,
        &task,
        HUECHAT_LIST.as_bytes(),
        "2026-02-01T00:00:00Z",
    );
    assert_eq!(page.total, Some(45));
    assert_eq!(page.next.len(), 2);
    assert!(page.next[0]
        .request()
        .url
        .ends_with("&limit=100&offset=100"));
    assert_eq!(
        page.next[0].step,
        Step::List {
            window: None,
            page: 1
        }
    );
    assert_eq!(
        page.next[1].request().url,
        "https://api.huechat.ai/v2/conversation/conv_abc123/messages?limit=100&offset=0"
    );
    assert_eq!(
        page.next[1].once_key(),
        Some("conv_abc123"),
        "a conversation's messages are fetched once, however often it is listed"
    );
    let c = conversation(&updates[0]);
    assert_eq!(c.id, "conv_abc123");
    assert_eq!(c.channel.as_deref(), Some("whatsapp"));
    assert_eq!(c.title.as_deref(), Some("Order inquiry"));
    assert_eq!(c.status.as_deref(), Some("open"));
    assert_eq!(c.tags, vec!["billing", "urgent"]);
    let contact = c.contact.as_ref().unwrap();
    assert_eq!(
        (
            contact.id.as_deref(),
            contact.name.as_deref(),
            contact.phone.as_deref()
        ),
        (Some("cnt_xyz789"), Some("John Doe"), Some("+1234567890"))
    );
    let assignee = c.assignee.as_ref().unwrap();
    assert_eq!(
        (assignee.id.as_deref(), assignee.name.as_deref()),
        (Some("usr_agent1"), Some("Sarah Johnson"))
    );
    assert_eq!(c.vendor_message_count, Some(5));
    assert_eq!(
        c.last_message_preview.as_deref(),
        Some("Can you check my order status?")
    );
    assert_eq!(c.extras.value("priority"), "high");
    assert_eq!(c.extras.value("unread_count"), 2);
    assert_eq!(c.extras.len(), 2);
}

/// The first page of conv_abc123's messages, as the docs' list page asks for it.
fn huechat_messages_task() -> Task {
    let list = first_task(&documented_query(VendorId::HueChat, &[]));
    let mut page = read_page(VendorId::HueChat, &list, HUECHAT_LIST.as_bytes()).unwrap();
    page.next.remove(1)
}

#[test]
fn huechat_messages_from_the_docs_keep_order_and_the_operator() {
    let task = huechat_messages_task();
    let (page, updates) = read_documented(
        VendorId::HueChat,
        &task,
        HUECHAT_MESSAGES.as_bytes(),
        "2026-02-01T00:00:00Z",
    );
    assert!(page.next.is_empty(), "has_more: false");
    let messages: Vec<_> = updates
        .iter()
        .map(|update| match update {
            Update::Message {
                conversation_id,
                message,
            } => {
                assert_eq!(conversation_id, "conv_abc123");
                message
            }
            other => panic!("expected a message, got {other:?}"),
        })
        .collect();
    assert_eq!(messages.len(), 2);
    assert_eq!(
        messages.iter().map(|m| m.position).collect::<Vec<_>>(),
        [0, 1]
    );
    assert_eq!(messages[0].role, AuthorRole::Customer);
    assert_eq!(messages[0].delivery_status.as_deref(), Some("received"));
    assert_eq!(messages[1].role, AuthorRole::Operator);
    assert_eq!(messages[1].author_id.as_deref(), Some("usr_agent1"));
    assert_eq!(messages[1].author_name.as_deref(), Some("Sarah Johnson"));
    assert_eq!(messages[1].text, "Of course! What's your order number?");
    assert_eq!(messages[1].kind.as_deref(), Some("text"));
    assert!(
        messages.iter().all(|m| m.extras.is_empty()),
        "every documented field has a place"
    );
}

#[test]
fn huechat_messages_paginate_by_offset() {
    let task = huechat_messages_task();
    let more = br#"{"data": [], "pagination": {"limit": 100, "offset": 0, "total": 150, "has_more": true}}"#;
    let page = read_page(VendorId::HueChat, &task, more).unwrap();
    assert_eq!(
        page.next[0].request().url,
        "https://api.huechat.ai/v2/conversation/conv_abc123/messages?limit=100&offset=100"
    );
    assert_eq!(
        page.next[0].once_key(),
        None,
        "later pages are never duplicates of a first page"
    );
}

// ---- Voice widget -------------------------------------------------------------------------

/// The documented conversation object, changed by `edit`, as the only record of a list page.
fn voice_widget_page(edit: impl FnOnce(&mut serde_json::Value), cursor: Option<&str>) -> String {
    let mut object: serde_json::Value = serde_json::from_str(VOICE_WIDGET_CONVERSATION).unwrap();
    edit(&mut object);
    json!({ "data": [object], "next_cursor": cursor }).to_string()
}

#[test]
fn voice_widget_conversation_from_the_docs() {
    let task = first_task(&documented_query(VendorId::VoiceWidget, &[]));
    let body = voice_widget_page(|_| {}, Some("abc"));
    let (page, updates) = read_documented(
        VendorId::VoiceWidget,
        &task,
        body.as_bytes(),
        "2026-04-11T00:00:00Z",
    );
    assert!(page.next[0].request().url.ends_with("&cursor=abc"));
    let c = conversation(&updates[0]);
    assert_eq!(c.id, "conv_xyz789");
    assert_eq!(c.duration_seconds, Some(127.0));
    assert_eq!(c.credits, Some(127.0));
    assert_eq!(c.status.as_deref(), Some("completed"));
    assert_eq!(
        c.url.as_deref(),
        Some("https://northwindcatering.example/catering")
    );
    assert_eq!(c.messages.len(), 2);
    assert_eq!(c.messages[0].role, AuthorRole::Assistant);
    assert_eq!(c.messages[1].text, "Do you cater vegan?");
    assert_eq!(
        c.messages[1].sent_at.unwrap().to_rfc3339(),
        "2026-04-10T12:34:08+00:00"
    );
    let call = &c.tool_calls[0];
    assert_eq!(call.name, "search_site");
    assert_eq!(call.arguments, Some(json!({ "query": "vegan catering" })));
    assert_eq!(call.at.unwrap().to_rfc3339(), "2026-04-10T12:34:10+00:00");
    assert_eq!(c.extracted_data.as_ref().unwrap()["guest_count"], 50);
    assert_eq!(c.criteria.len(), 2);
    assert_eq!(c.criteria[0].name, "answered_visitor_question");
    assert_eq!(c.criteria[0].passed, Some(true));
    assert_eq!(c.criteria[1].passed, Some(false));
    assert_eq!(c.extras.value("widget_id"), "wgt_abc123");
    assert_eq!(c.extras.value("visitor")["ip_country"], "US");
    assert!(c.flags.is_empty());
}

#[test]
fn voice_widget_marks_a_conversation_whose_extraction_is_still_filling() {
    let task = first_task(&documented_query(VendorId::VoiceWidget, &[]));
    let body = voice_widget_page(
        |object| {
            let object = object.as_object_mut().unwrap();
            object.remove("extracted_data");
            object.remove("criteria_results");
        },
        None,
    );
    let mapped_at = |now: &str| {
        let page = read_page(VendorId::VoiceWidget, &task, body.as_bytes()).unwrap();
        let (mut updates, _) = map_page(VendorId::VoiceWidget, &task, page.records, now);
        conversation(&updates.remove(0)).flags.clone()
    };
    // The call ended at 12:36:07.
    assert_eq!(
        mapped_at("2026-04-10T12:36:09Z"),
        vec![Flag::ExtractionPending],
        "kept and marked, not dropped"
    );
    assert_eq!(Flag::ExtractionPending.as_str(), "extraction_pending");
    assert!(
        mapped_at("2026-04-11T12:00:00Z").is_empty(),
        "a day later, it simply has no extraction"
    );
}

#[test]
fn voice_widget_single_conversation_bare_or_wrapped() {
    let (bare, _) = read_one(VendorId::VoiceWidget, VOICE_WIDGET_CONVERSATION.as_bytes());
    assert_eq!(bare.unwrap().id, "conv_xyz789");
    let wrapped = format!("{{\"data\": {VOICE_WIDGET_CONVERSATION}}}");
    let (wrapped, _) = read_one(VendorId::VoiceWidget, wrapped.as_bytes());
    let wrapped = wrapped.unwrap();
    assert_eq!(
        (wrapped.id.as_str(), wrapped.messages.len()),
        ("conv_xyz789", 2)
    );
}

// ---- Mindo --------------------------------------------------------------------------------

#[test]
fn mindo_lines_from_the_docs() {
    let list = &VendorId::Mindo.spec().list;
    let task = first_task(&minimal_query(VendorId::Mindo));
    // The docs print the row pretty; on the wire it is one line.
    let line = serde_json::from_str::<serde_json::Value>(MINDO_MESSAGE)
        .unwrap()
        .to_string();
    let Line::Record(raw) = read_line(list, &line).unwrap() else {
        panic!("a row is a record")
    };
    let sentinel = r#"{"_truncated": true, "next_cursor": "<cursor_string>"}"#;
    let Line::Next(cursor) = read_line(list, sentinel).unwrap() else {
        panic!("the sentinel announces the next page")
    };
    assert_eq!(cursor, "<cursor_string>");
    let next = after_lines(list, &task, Some(cursor)).unwrap();
    assert!(
        matches!(next[0].step, Step::List { window: Some(window), page: 1 } if window.index == 0),
        "{:?}",
        next[0].step
    );
    assert!(next[0]
        .request()
        .url
        .ends_with("&cursor=%3Ccursor_string%3E"));
    assert!(
        after_lines(list, &task, None).unwrap().is_empty(),
        "no sentinel: all data returned"
    );
    assert!(matches!(read_line(list, "  ").unwrap(), Line::Skip));
    assert!(matches!(
        read_line(list, "{\"message_id\": "),
        Err(Problem::Malformed { .. })
    ));

    let (updates, warnings) = map_page(VendorId::Mindo, &task, vec![raw], "2026-05-01T00:00:00Z");
    assert!(warnings.is_empty(), "{warnings:?}");
    let Update::Loose { shell, message } = &updates[0] else {
        panic!("a row is a message of a conversation: {:?}", updates[0])
    };
    assert_eq!(shell.id, "conv_f6e5d4c3b2a1f6e5d4c3b2a1");
    assert_eq!(shell.extras.value("company_id"), 42);
    assert_eq!(
        shell.contact.as_ref().unwrap().id.as_deref(),
        Some("ctc_a1b2c3d4e5f6a1b2c3d4e5f6")
    );
    assert_eq!(message.id, "msg_a1b2c3d4e5f6a1b2c3d4e5f6");
    assert_eq!(
        message.sent_at.unwrap().to_rfc3339(),
        "2026-04-05T12:30:45.123456+00:00",
        "no zone: read as UTC"
    );
    assert_eq!(message.role, AuthorRole::Customer);
    assert_eq!(message.channel.as_deref(), Some("META_WHATSAPP"));
    assert_eq!(message.direction.as_deref(), Some("inbound"));
    assert_eq!(message.text, "Hi, I want to check my order status");
    assert_eq!(message.kind.as_deref(), Some("text"));
    assert_eq!(message.classifications[0].label, "Intent");
    assert_eq!(
        message.classifications[0].value.as_deref(),
        Some("order_inquiry")
    );
    assert_eq!(
        message.extras.value("context")["thread_position"],
        serde_json::Value::Null
    );
    assert_eq!(message.extras.value("metadata")["schema_version"], "1.0");
}
