//! TalkToHumans, HueChat, the voice widget and Mindo against the exact payloads printed in
//! their documentation (`tests/fixtures/<vendor>/`, copied verbatim from `vendor-docs/`).

use conversation_export::error::{classify_response, ErrorKind, FetchError};
use conversation_export::http::ResponseHead;
use conversation_export::model::{AuthorRole, Conversation, Warning};
use conversation_export::vendors::huechat::HueChat;
use conversation_export::vendors::mindo::{self, Mindo};
use conversation_export::vendors::talktohumans::TalkToHumans;
use conversation_export::vendors::voice_widget::{VoiceWidget, EXTRACTION_PENDING};
use conversation_export::vendors::{
    validate, Connector, ExportQuery, Line, MapContext, Step, Task, Update, VendorId,
};
use serde_json::json;
use serde_json::value::RawValue;

fn ok() -> ResponseHead {
    ResponseHead {
        status: 200,
        headers: vec![],
    }
}

fn query(vendor: VendorId, filters: &[(&str, &str)]) -> ExportQuery {
    let mut query = ExportQuery::new(vendor);
    if query.base_url.is_empty() {
        query.base_url = "https://voice.example.com".into();
    }
    for (name, value) in filters {
        query.filters.insert(name.to_string(), value.to_string());
    }
    query
}

fn map(
    connector: &dyn Connector,
    task: &Task,
    records: Vec<Box<RawValue>>,
    now: &str,
) -> (Vec<Update>, Vec<Warning>) {
    let mut warnings = Vec::new();
    let updates = connector.map(
        task,
        records,
        &mut MapContext::new(&mut warnings, now.parse().unwrap()),
    );
    (updates, warnings)
}

fn conversation(update: &Update) -> &Conversation {
    match update {
        Update::Conversation(conversation) => conversation,
        other => panic!("expected a conversation, got {other:?}"),
    }
}

// ---- TalkToHumans -------------------------------------------------------------------------

#[test]
fn talktohumans_request_uses_every_filter_and_the_clamped_page_size() {
    let query = query(
        VendorId::TalkToHumans,
        &[("tag", "hot lead"), ("contact_id", "1234")],
    );
    assert!(validate(&query).is_empty());
    let tasks = TalkToHumans.plan(&query);
    assert_eq!(
        tasks[0].request().url,
        "https://api.talktohumans.app/v1/conversations?tag=hot%20lead&contact_id=1234&limit=25"
    );
}

#[test]
fn talktohumans_contact_id_must_match_the_documented_pattern() {
    for bad in ["0", "012", "12a", "-5", "1 2", "１２"] {
        let errors = validate(&query(VendorId::TalkToHumans, &[("contact_id", bad)]));
        assert_eq!(errors.len(), 1, "{bad}");
        assert_eq!(errors[0].field, "contact_id");
    }
    for good in ["1", "10", "987654321"] {
        assert!(
            validate(&query(VendorId::TalkToHumans, &[("contact_id", good)])).is_empty(),
            "{good}"
        );
    }
}

#[test]
fn talktohumans_page_from_the_docs_keeps_account_participants_and_sequence() {
    let body = include_str!("fixtures/talktohumans/list.json");
    let task = &TalkToHumans.plan(&query(VendorId::TalkToHumans, &[]))[0];
    let page = TalkToHumans
        .read_page(task, &ok(), body.as_bytes())
        .unwrap();
    assert_eq!(page.records.len(), 1);
    assert_eq!(page.next.len(), 1, "has_more: true");
    assert!(page.next[0].request().url.ends_with("&cursor=%3Cstring%3E"));
    let (updates, warnings) = map(&TalkToHumans, task, page.records, "2026-01-01T00:00:00Z");
    assert!(warnings.is_empty(), "{warnings:?}");
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

#[test]
fn talktohumans_last_page_and_broken_pagination() {
    let task = &TalkToHumans.plan(&query(VendorId::TalkToHumans, &[]))[0];
    let last = br#"{"data": {"conversations": [], "pagination": {"limit": 25, "has_more": false, "next_cursor": null}}}"#;
    assert!(TalkToHumans
        .read_page(task, &ok(), last)
        .unwrap()
        .next
        .is_empty());
    let broken =
        br#"{"data": {"conversations": [], "pagination": {"limit": 25, "has_more": true}}}"#;
    assert_eq!(
        TalkToHumans
            .read_page(task, &ok(), broken)
            .unwrap_err()
            .kind,
        ErrorKind::Malformed
    );
}

// ---- HueChat ------------------------------------------------------------------------------

#[test]
fn huechat_request_carries_every_filter_with_offsets() {
    let query = query(
        VendorId::HueChat,
        &[
            ("status", "open"),
            ("channel", "whatsapp"),
            ("assigned_to", "none"),
            ("label", "urgent"),
            ("search", "refund"),
            ("sort", "last_message_at:desc"),
        ],
    );
    assert!(validate(&query).is_empty());
    let url = HueChat.plan(&query)[0].request().url;
    assert_eq!(
        url,
        "https://api.huechat.ai/v2/conversations?status=open&channel=whatsapp&assigned_to=none&label=urgent&search=refund\
         &sort=last_message_at%3Adesc&limit=100&offset=0"
    );
    let defaults = HueChat.plan(&self::query(VendorId::HueChat, &[]))[0]
        .request()
        .url;
    assert!(
        defaults.contains("status=all") && defaults.contains("sort=created_at%3Adesc"),
        "{defaults}"
    );
    let errors = validate(&self::query(VendorId::HueChat, &[("status", "deleted")]));
    assert_eq!(errors[0].field, "status");
}

#[test]
fn huechat_list_from_the_docs_plans_the_next_page_and_each_conversations_messages() {
    let body = include_str!("fixtures/huechat/list.json");
    let task = &HueChat.plan(&query(VendorId::HueChat, &[]))[0];
    let page = HueChat.read_page(task, &ok(), body.as_bytes()).unwrap();
    assert_eq!(page.total, Some(45));
    assert_eq!(page.next.len(), 2);
    assert!(page.next[0]
        .request()
        .url
        .ends_with("&limit=100&offset=100"));
    assert_eq!(page.next[0].step, Step::List { window: 0, page: 1 });
    assert_eq!(
        page.next[1].request().url,
        "https://api.huechat.ai/v2/conversation/conv_abc123/messages?limit=100&offset=0"
    );
    assert_eq!(
        page.next[1].once_key.as_deref(),
        Some("messages conv_abc123")
    );
    let (updates, warnings) = map(&HueChat, task, page.records, "2026-02-01T00:00:00Z");
    assert!(warnings.is_empty(), "{warnings:?}");
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

#[test]
fn huechat_messages_from_the_docs_keep_order_and_the_operator() {
    let body = include_str!("fixtures/huechat/messages.json");
    let list = &HueChat.plan(&query(VendorId::HueChat, &[]))[0];
    let listed = HueChat
        .read_page(
            list,
            &ok(),
            include_str!("fixtures/huechat/list.json").as_bytes(),
        )
        .unwrap();
    let task = &listed.next[1];
    let page = HueChat.read_page(task, &ok(), body.as_bytes()).unwrap();
    assert!(page.next.is_empty(), "has_more: false");
    let (updates, warnings) = map(&HueChat, task, page.records, "2026-02-01T00:00:00Z");
    assert!(warnings.is_empty(), "{warnings:?}");
    let Update::Messages {
        conversation_id,
        offset,
        messages,
    } = &updates[0]
    else {
        panic!()
    };
    assert_eq!((conversation_id.as_str(), *offset), ("conv_abc123", 0));
    assert_eq!(messages.len(), 2);
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
    let list = &HueChat.plan(&query(VendorId::HueChat, &[]))[0];
    let listed = HueChat
        .read_page(
            list,
            &ok(),
            include_str!("fixtures/huechat/list.json").as_bytes(),
        )
        .unwrap();
    let task = &listed.next[1];
    let more = br#"{"data": [], "pagination": {"limit": 100, "offset": 0, "total": 150, "has_more": true}}"#;
    let page = HueChat.read_page(task, &ok(), more).unwrap();
    assert_eq!(
        page.next[0].request().url,
        "https://api.huechat.ai/v2/conversation/conv_abc123/messages?limit=100&offset=100"
    );
    assert_eq!(
        page.next[0].once_key, None,
        "later pages are never duplicates of a first page"
    );
}

// ---- Voice widget -------------------------------------------------------------------------

#[test]
fn voice_widget_needs_a_base_url_and_uses_every_filter() {
    let mut empty = ExportQuery::new(VendorId::VoiceWidget);
    assert_eq!(empty.base_url, "", "the documentation names no host");
    assert_eq!(validate(&empty)[0].field, "base_url");
    empty.base_url = "https://voice.example.com".into();
    let query = query(
        VendorId::VoiceWidget,
        &[
            ("widget_id", "wgt_abc123"),
            ("since", "2026-04-01"),
            ("until", "2026-05-01"),
            ("outcome", "completed"),
        ],
    );
    assert!(validate(&query).is_empty());
    assert_eq!(
        VoiceWidget.plan(&query)[0].request().url,
        "https://voice.example.com/api/v1/conversations?widget_id=wgt_abc123&since=2026-04-01&until=2026-05-01&outcome=completed&limit=200"
    );
    let reversed = validate(&self::query(
        VendorId::VoiceWidget,
        &[("since", "2026-05-01"), ("until", "2026-05-01")],
    ));
    assert_eq!(
        reversed[0].field, "until",
        "until is exclusive: an empty range is refused"
    );
}

#[test]
fn voice_widget_conversation_from_the_docs() {
    let object: serde_json::Value =
        serde_json::from_str(include_str!("fixtures/voice-widget/conversation.json")).unwrap();
    let body = json!({ "data": [object], "next_cursor": "abc" }).to_string();
    let task = &VoiceWidget.plan(&query(VendorId::VoiceWidget, &[]))[0];
    let page = VoiceWidget.read_page(task, &ok(), body.as_bytes()).unwrap();
    assert!(page.next[0].request().url.ends_with("&cursor=abc"));
    let (updates, warnings) = map(&VoiceWidget, task, page.records, "2026-04-11T00:00:00Z");
    assert!(warnings.is_empty(), "{warnings:?}");
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
    let mut object: serde_json::Value =
        serde_json::from_str(include_str!("fixtures/voice-widget/conversation.json")).unwrap();
    object.as_object_mut().unwrap().remove("extracted_data");
    object.as_object_mut().unwrap().remove("criteria_results");
    let body = json!({ "data": [object] }).to_string();
    let task = &VoiceWidget.plan(&query(VendorId::VoiceWidget, &[]))[0];
    let records = || {
        VoiceWidget
            .read_page(task, &ok(), body.as_bytes())
            .unwrap()
            .records
    };
    let (just_now, _) = map(&VoiceWidget, task, records(), "2026-04-10T12:36:09Z");
    assert_eq!(
        conversation(&just_now[0]).flags,
        vec![EXTRACTION_PENDING],
        "kept and marked, not dropped"
    );
    let (later, _) = map(&VoiceWidget, task, records(), "2026-04-11T12:00:00Z");
    assert!(
        conversation(&later[0]).flags.is_empty(),
        "a day later, it simply has no extraction"
    );
}

#[test]
fn voice_widget_reads_envelope_variants() {
    let task = &VoiceWidget.plan(&query(VendorId::VoiceWidget, &[]))[0];
    for (body, records, cursor) in [
        (r#"{"data": [{"id": "a"}], "next_cursor": null}"#, 1, None),
        (
            r#"{"conversations": [{"id": "a"}, {"id": "b"}], "cursor": "x"}"#,
            2,
            Some("x"),
        ),
        (
            r#"{"items": [], "pagination": {"next_cursor": "y"}}"#,
            0,
            Some("y"),
        ),
        (
            r#"{"data": [], "meta": {"next_cursor": "z"}, "has_more": false}"#,
            0,
            None,
        ),
        (r#"[{"id": "a"}]"#, 1, None),
    ] {
        let page = VoiceWidget.read_page(task, &ok(), body.as_bytes()).unwrap();
        assert_eq!(page.records.len(), records, "{body}");
        let next = page
            .next
            .first()
            .map(|t| t.call.param("cursor").unwrap().to_string());
        assert_eq!(next.as_deref(), cursor, "{body}");
    }
    assert_eq!(
        VoiceWidget
            .read_page(task, &ok(), br#"{"total": 3}"#)
            .unwrap_err()
            .kind,
        ErrorKind::Malformed
    );
}

#[test]
fn voice_widget_single_conversation_and_its_transcript_files() {
    let query = query(VendorId::VoiceWidget, &[]);
    assert_eq!(
        VoiceWidget
            .conversation_request(&query, "conv_xyz789")
            .unwrap()
            .url,
        "https://voice.example.com/api/v1/conversations/conv_xyz789"
    );
    assert_eq!(
        VoiceWidget
            .transcript_request(&query, "conv_xyz789", "md")
            .unwrap()
            .url,
        "https://voice.example.com/api/v1/conversations/conv_xyz789/transcript?format=md"
    );
    assert!(VoiceWidget
        .transcript_request(&query, "conv_xyz789", "pdf")
        .is_none());
    let mut warnings = Vec::new();
    let mut context = MapContext::new(&mut warnings, "2026-05-01T00:00:00Z".parse().unwrap());
    let bare = include_str!("fixtures/voice-widget/conversation.json");
    assert_eq!(
        VoiceWidget
            .read_conversation(bare.as_bytes(), &mut context)
            .unwrap()
            .id,
        "conv_xyz789"
    );
    let wrapped = format!("{{\"data\": {bare}}}");
    assert_eq!(
        VoiceWidget
            .read_conversation(wrapped.as_bytes(), &mut context)
            .unwrap()
            .messages
            .len(),
        2
    );
}

// ---- Mindo --------------------------------------------------------------------------------

fn mindo_query(from: &str, to: &str) -> ExportQuery {
    query(
        VendorId::Mindo,
        &[("company_id", "42,57"), ("from", from), ("to", to)],
    )
}

#[test]
fn mindo_requires_company_and_range() {
    let errors = validate(&query(VendorId::Mindo, &[]));
    let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(fields, vec!["company_id", "from", "to"]);
    let errors = validate(&query(
        VendorId::Mindo,
        &[
            ("company_id", "42;57"),
            ("from", "2026-04-01"),
            ("to", "2026-05-01"),
            ("agent_id", "five"),
        ],
    ));
    let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(fields, vec!["company_id", "agent_id"]);
    assert_eq!(
        validate(&mindo_query("2026-05-01", "2026-04-01"))[0].field,
        "to"
    );
    let include = validate(&query(
        VendorId::Mindo,
        &[
            ("company_id", "42"),
            ("from", "2026-04-01"),
            ("to", "2026-04-02"),
            ("include", "tool_calls,secrets"),
        ],
    ));
    assert_eq!(include[0].field, "include");
}

#[test]
fn mindo_splits_long_ranges_into_31_day_windows_without_gap_or_overlap() {
    let query = mindo_query("2026-01-01", "2026-04-15T12:00:00Z");
    let tasks = Mindo.plan(&query);
    assert_eq!(tasks.len(), 4);
    let bounds: Vec<(String, String)> = tasks
        .iter()
        .map(|t| {
            (
                t.call.param("from").unwrap().to_string(),
                t.call.param("to").unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        bounds[0],
        (
            "2026-01-01T00:00:00Z".to_string(),
            "2026-02-01T00:00:00Z".to_string()
        )
    );
    assert_eq!(bounds[3].1, "2026-04-15T12:00:00Z");
    for pair in bounds.windows(2) {
        assert_eq!(
            pair[0].1, pair[1].0,
            "each window starts where the previous ends"
        );
    }
    assert!(tasks.iter().enumerate().all(|(i, t)| t.step
        == Step::List {
            window: i as u32,
            page: 0
        }));
    assert_eq!(Mindo.windows(&query).len(), 4);
    let url = tasks[0].request().url;
    assert_eq!(
        url,
        "https://api.mindosoftware.com/api/v1/qualitative-export/messages?company_id=42%2C57&from=2026-01-01T00%3A00%3A00Z\
         &to=2026-02-01T00%3A00%3A00Z&channel=all&direction=all&include=classifications&limit=10000"
    );
    assert_eq!(
        Mindo.plan(&mindo_query("2026-04-01", "2026-05-02")).len(),
        1,
        "exactly 31 days is one window"
    );
    assert_eq!(
        mindo::windows(
            "2026-04-01T00:00:00Z".parse().unwrap(),
            "2026-04-01T00:00:00Z".parse().unwrap()
        )
        .len(),
        0
    );
}

#[test]
fn mindo_lines_from_the_docs() {
    let task = &Mindo.plan(&mindo_query("2026-04-01T00:00:00Z", "2026-04-07T00:00:00Z"))[0];
    let pretty: serde_json::Value =
        serde_json::from_str(include_str!("fixtures/mindo/message.json")).unwrap();
    let line = pretty.to_string();
    let Line::Record(raw) = Mindo.read_line(task, &line).unwrap() else {
        panic!()
    };
    let sentinel = r#"{"_truncated": true, "next_cursor": "<cursor_string>"}"#;
    let Line::Next(cursor) = Mindo.read_line(task, sentinel).unwrap() else {
        panic!()
    };
    assert_eq!(cursor, "<cursor_string>");
    let next = Mindo.after_lines(task, Some(cursor));
    assert_eq!(next[0].step, Step::List { window: 0, page: 1 });
    assert!(next[0]
        .request()
        .url
        .ends_with("&cursor=%3Ccursor_string%3E"));
    assert!(
        Mindo.after_lines(task, None).is_empty(),
        "no sentinel: all data returned"
    );
    let error = Mindo
        .read_line(
            task,
            r#"{"_error": {"code": "ERROR_CODE", "message": "error description"}}"#,
        )
        .unwrap_err();
    assert_eq!(
        error.kind,
        ErrorKind::Server,
        "retried, then stops with its message"
    );
    assert!(error.summary.contains("error description") && error.details.contains("ERROR_CODE"));
    assert!(matches!(Mindo.read_line(task, "  ").unwrap(), Line::Skip));
    assert_eq!(
        Mindo.read_line(task, "{\"message_id\": ").unwrap_err().kind,
        ErrorKind::Malformed
    );

    let (updates, warnings) = map(&Mindo, task, vec![raw], "2026-05-01T00:00:00Z");
    assert!(warnings.is_empty(), "{warnings:?}");
    let Update::Loose { shell, message } = &updates[0] else {
        panic!()
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

#[test]
fn every_vendor_names_its_documented_errors_plainly() {
    let cases: &[(VendorId, u16, &str)] = &[
        (VendorId::TalkToHumans, 401, "did not accept this API key"),
        (VendorId::HueChat, 401, "sk_live_"),
        (VendorId::VoiceWidget, 404, "base URL"),
        (VendorId::Mindo, 403, "global key"),
        (VendorId::Mindo, 400, "refused one of the filters"),
    ];
    for (vendor, status, phrase) in cases {
        let spec = vendor.spec();
        let error: FetchError = classify_response(
            spec.name,
            spec.errors,
            &ResponseHead {
                status: *status,
                headers: vec![],
            },
            b"{}",
        );
        assert!(
            error.summary.contains(phrase),
            "{}: {}",
            spec.name,
            error.summary
        );
    }
}
