//! The Humind connector against the exact payloads printed in `vendor-docs/humind.md`.

use conversation_export::error::{classify_response, ErrorKind};
use conversation_export::http::ResponseHead;
use conversation_export::model::AuthorRole;
use conversation_export::model::{Conversation, Warning};
use conversation_export::vendors::humind::{Humind, SPEC};
use conversation_export::vendors::{
    validate, Connector, ExportQuery, MapContext, Step, Task, Update, VendorId,
};

const LIST: &str = include_str!("fixtures/humind/list.json");
const RETRIEVE: &str = include_str!("fixtures/humind/retrieve.json");
const CONTACT: &str = include_str!("fixtures/humind/contact.json");

fn ok() -> ResponseHead {
    ResponseHead {
        status: 200,
        headers: vec![],
    }
}

fn context(warnings: &mut Vec<Warning>) -> MapContext<'_> {
    MapContext::new(warnings, "2026-07-01T00:00:00Z".parse().unwrap())
}

fn plan(query: &ExportQuery) -> Vec<Task> {
    Humind.plan(query)
}

fn read_conversation(
    body: &[u8],
    warnings: &mut Vec<Warning>,
) -> Result<Conversation, conversation_export::error::FetchError> {
    Humind.read_conversation(body, &mut context(warnings))
}

fn query(filters: &[(&str, &str)]) -> ExportQuery {
    let mut query = ExportQuery::new(VendorId::Humind);
    for (name, value) in filters {
        query.filters.insert(name.to_string(), value.to_string());
    }
    query
}

#[test]
fn first_request_carries_every_filter_and_the_maximum_page_size() {
    let query = query(&[
        ("created_after", "2026-05-01"),
        ("created_before", "2026-06-01T00:00:00Z"),
        ("updated_after", "2026-05-20"),
        ("handoff_status", "human_active"),
        ("include_contact", "1"),
    ]);
    assert!(validate(&query).is_empty());
    let tasks = plan(&query);
    assert_eq!(tasks.len(), 1);
    assert_eq!(
        tasks[0].request().url,
        "https://api.thehumind.com/public/v1/conversations?created_after=2026-05-01\
         &created_before=2026-06-01T00%3A00%3A00Z&updated_after=2026-05-20&handoff_status=human_active\
         &include=messages%2Ccontact&limit=100"
    );
    assert!(
        tasks[0]
            .request()
            .headers
            .iter()
            .all(|(name, _)| name != "Authorization"),
        "requests are built without the key"
    );
}

#[test]
fn contact_details_are_off_by_default() {
    let tasks = plan(&query(&[]));
    assert!(tasks[0]
        .request()
        .url
        .ends_with("/conversations?include=messages&limit=100"));
}

#[test]
fn list_page_from_the_docs() {
    let task = &plan(&query(&[("created_after", "2026-05-01")]))[0];
    let page = Humind.read_page(task, &ok(), LIST.as_bytes()).unwrap();
    assert_eq!(page.records.len(), 1);
    assert_eq!(page.next.len(), 1, "a next_cursor means another page");
    let next = &page.next[0];
    assert!(
        next.request()
            .url
            .ends_with("&cursor=eyJpZCI6IjY1ZjFhYjljOGU3ZDRhMmIxYzNkNGU1ZiJ9"),
        "{}",
        next.request().url
    );
    assert!(
        next.request().url.contains("created_after=2026-05-01"),
        "filters carry over"
    );
    assert!(matches!(next.step, Step::List { page: 1, .. }));

    let mut warnings = Vec::new();
    let updates = Humind.map(task, page.records, &mut context(&mut warnings));
    assert!(warnings.is_empty(), "{warnings:?}");
    let conversation = match updates.into_iter().next().unwrap() {
        Update::Conversation(c) => c,
        other => panic!("unexpected {other:?}"),
    };
    assert_eq!(conversation.id, "65f1ab9c8e7d4a2b1c3d4e5f");
    assert_eq!(
        conversation.started_at.unwrap().to_rfc3339(),
        "2026-05-15T10:00:00+00:00"
    );
    assert_eq!(conversation.last_message_at, conversation.updated_at);
    assert_eq!(conversation.channel.as_deref(), Some("shopify"));
    assert_eq!(
        conversation.url.as_deref(),
        Some("https://example.com/products/creme-hydratante")
    );
    assert_eq!(conversation.languages, vec!["fr"]);
    assert_eq!(
        conversation.title.as_deref(),
        Some("Question sur la crème hydratante")
    );
    assert_eq!(conversation.status.as_deref(), Some("ai_active"));
    assert_eq!(conversation.handed_to_human, Some(false));
    assert_eq!(conversation.tags, vec!["high-intent", "skincare"]);
    assert_eq!(conversation.has_cart, Some(true));
    assert_eq!(
        conversation.contact.unwrap().id.as_deref(),
        Some("65f1c0de8e7d4a2b1c3d4e70")
    );
    assert!(
        conversation.messages.is_empty(),
        "the lean list has no transcript"
    );
    assert!(
        conversation.extras.is_empty(),
        "every documented field has a place: {:?}",
        conversation.extras
    );
    let raw = conversation.raw.unwrap();
    assert!(
        raw.get()
            .starts_with("{\n\"humind_id\": \"65f1ab9c8e7d4a2b1c3d4e5f\""),
        "raw is byte-exact"
    );
}

#[test]
fn the_last_page_has_no_next_cursor() {
    let task = &plan(&query(&[]))[0];
    let body = br#"{"data": [], "next_cursor": null}"#;
    let page = Humind.read_page(task, &ok(), body).unwrap();
    assert!(page.records.is_empty());
    assert!(page.next.is_empty());
}

#[test]
fn retrieve_from_the_docs_has_transcript_products_and_events() {
    let mut warnings = Vec::new();
    let conversation = read_conversation(RETRIEVE.as_bytes(), &mut warnings).unwrap();
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
    // event_count is the vendor's own tally; it is kept, not dropped.
    assert_eq!(
        conversation.extras.value("event_count"),
        serde_json::json!(1)
    );
    // `role` repeats `from` in other words; it is kept as the vendor sent it.
    assert_eq!(
        messages[0].extras.value("role"),
        serde_json::json!("conversation")
    );
}

#[test]
fn contact_object_replaces_contact_id() {
    let mut body: serde_json::Value = serde_json::from_str(RETRIEVE).unwrap();
    let contact: serde_json::Value = serde_json::from_str(CONTACT).unwrap();
    body.as_object_mut().unwrap().remove("contact_id");
    body["contact"] = contact["contact"].clone();
    let mut warnings = Vec::new();
    let conversation = read_conversation(body.to_string().as_bytes(), &mut warnings).unwrap();
    let contact = conversation.contact.unwrap();
    assert_eq!(contact.id.as_deref(), Some("65f1c0de8e7d4a2b1c3d4e70"));
    assert_eq!(contact.name.as_deref(), Some("Jane Doe"));
    assert_eq!(contact.email.as_deref(), Some("jane@example.com"));
    assert_eq!(contact.phone.as_deref(), Some("+33123456789"));

    body["contact"] = serde_json::Value::Null;
    let conversation = read_conversation(body.to_string().as_bytes(), &mut warnings).unwrap();
    assert!(
        conversation.contact.is_none(),
        "contact: null means no identified contact"
    );
}

#[test]
fn single_conversation_request() {
    let with_contact = query(&[("include_contact", "1")]);
    let request = Humind
        .conversation_request(&with_contact, "65f1ab9c8e7d4a2b1c3d4e5f")
        .unwrap();
    assert_eq!(
        request.url,
        "https://api.thehumind.com/public/v1/conversations/65f1ab9c8e7d4a2b1c3d4e5f?include=contact"
    );
    let mut relay = query(&[]);
    relay.base_url = "https://relay.example/h/".into();
    let lean = Humind
        .conversation_request(&relay, "65f1ab9c8e7d4a2b1c3d4e5f")
        .unwrap();
    assert_eq!(
        lean.url,
        "https://relay.example/h/conversations/65f1ab9c8e7d4a2b1c3d4e5f"
    );
}

#[test]
fn unknown_fields_are_kept_and_bad_types_warn() {
    let body = br#"{"data": [{"humind_id": "a", "created_at": "not a date", "tags": ["x"], "sentiment": {"score": 0.4}}], "next_cursor": null}"#;
    let task = &plan(&query(&[]))[0];
    let page = Humind.read_page(task, &ok(), body).unwrap();
    let mut warnings = Vec::new();
    let updates = Humind.map(task, page.records, &mut context(&mut warnings));
    let Update::Conversation(conversation) = &updates[0] else {
        panic!("expected a conversation")
    };
    assert_eq!(
        conversation.extras.value("sentiment"),
        serde_json::json!({"score": 0.4})
    );
    assert_eq!(
        conversation.extras.value("created_at"),
        serde_json::json!("not a date")
    );
    assert_eq!(warnings.len(), 1);
    assert_eq!(warnings[0].record, "a");
    assert_eq!(warnings[0].field, "created_at");
}

#[test]
fn malformed_pages_are_errors_not_panics() {
    let task = &plan(&query(&[]))[0];
    for body in [
        &b"{\"data\": [oops"[..],
        b"",
        b"[]",
        b"{\"next_cursor\": null}",
        b"{\"data\": {}}",
    ] {
        let error = Humind.read_page(task, &ok(), body).unwrap_err();
        assert_eq!(error.kind, ErrorKind::Malformed);
    }
}

#[test]
fn a_cursor_that_does_not_advance_stops_the_loop() {
    let first = &plan(&query(&[]))[0];
    let page = Humind
        .read_page(first, &ok(), br#"{"data": [], "next_cursor": "same"}"#)
        .unwrap();
    let error = Humind
        .read_page(
            &page.next[0],
            &ok(),
            br#"{"data": [], "next_cursor": "same"}"#,
        )
        .unwrap_err();
    assert_eq!(error.kind, ErrorKind::Malformed);
}

#[test]
fn every_documented_error_has_a_plain_message() {
    let cases = [
        (
            400,
            "validation_failed",
            ErrorKind::Rejected,
            "refused one of the filters",
        ),
        (
            401,
            "missing_credentials",
            ErrorKind::Unauthorized,
            "received no API key",
        ),
        (
            401,
            "invalid_key",
            ErrorKind::Unauthorized,
            "does not recognise this API key",
        ),
        (401, "revoked", ErrorKind::Unauthorized, "revoked"),
        (
            403,
            "insufficient_scope",
            ErrorKind::Forbidden,
            "conversations:read",
        ),
        (404, "not_found", ErrorKind::NotFound, "Check the base URL"),
        (429, "rate_limited", ErrorKind::RateLimited, "press Resume"),
    ];
    for (status, code, kind, phrase) in cases {
        let body = format!(
            r#"{{"error": {{"code": "{code}", "message": "m", "details": {{"field": "created_after"}}}}}}"#
        );
        let head = ResponseHead {
            status,
            headers: vec![],
        };
        let error = classify_response(SPEC.name, SPEC.errors, &head, body.as_bytes());
        assert_eq!(error.kind, kind, "{code}");
        assert!(error.summary.contains(phrase), "{code}: {}", error.summary);
        assert!(
            error.details.contains(code),
            "{code}: the technical detail names the code"
        );
    }
    let head = ResponseHead {
        status: 400,
        headers: vec![],
    };
    let body = br#"{"error": {"code": "validation_failed", "details": {"field": "created_after", "issue": "bad date"}}}"#;
    let error = classify_response(SPEC.name, SPEC.errors, &head, body);
    assert!(
        error.summary.contains("bad date"),
        "400 details are shown: {}",
        error.summary
    );
}

#[test]
fn form_checks_dates_and_their_order() {
    let errors = validate(&query(&[
        ("created_after", "2026-06-02"),
        ("created_before", "2026-06-01"),
    ]));
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].field, "created_before");
    let errors = validate(&query(&[
        ("created_after", "01/05/2026"),
        ("handoff_status", "closed"),
    ]));
    let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(fields, vec!["created_after", "handoff_status"]);
    let mut bad_base = query(&[]);
    bad_base.base_url = "api.thehumind.com".into();
    assert_eq!(validate(&bad_base)[0].field, "base_url");
}
