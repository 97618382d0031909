//! How every vendor's lists end, break and fail, read the same way for each (the paginator is
//! data in the vendor's spec): the last page, a repeated cursor, "more" without a cursor, bodies
//! that cannot be read, the envelope variants of an undocumented list, and the documented error
//! answers with the words they give the user.

mod support;

use conversation_export::error::{classify_response, ErrorKind, FetchError, Problem, Scope};
use conversation_export::http::ResponseHead;
use conversation_export::vendors::paging::{read_line, read_page};
use conversation_export::vendors::VendorId;
use support::{documented_code, documented_query, first_task, minimal_query};

/// The problem a vendor's error answer is classified as, with its words.
fn refused(vendor: VendorId, status: u16, body: &[u8]) -> FetchError {
    let head = ResponseHead {
        status,
        headers: vec![],
    };
    FetchError::new(vendor, classify_response(vendor.spec().errors, &head, body))
}

// ---- Every vendor -------------------------------------------------------------------------

#[test]
fn a_repeated_cursor_stops_every_cursor_paged_list() {
    let cases = [
        (VendorId::Humind, r#"{"data": [], "next_cursor": "same"}"#),
        (
            VendorId::TalkToHumans,
            r#"{"data": {"conversations": [], "pagination": {"has_more": true, "next_cursor": "same"}}}"#,
        ),
        (
            VendorId::VoiceWidget,
            r#"{"data": [], "next_cursor": "same"}"#,
        ),
        (
            VendorId::Mindo,
            "{\"_truncated\": true, \"next_cursor\": \"same\"}\n",
        ),
    ];
    for (vendor, body) in cases {
        let first = first_task(&minimal_query(vendor));
        let page = read_page(vendor, &first, body.as_bytes()).unwrap();
        assert_eq!(page.next[0].position.cursor(), Some("same"), "{vendor}");
        let again = read_page(vendor, &page.next[0], body.as_bytes()).unwrap_err();
        assert!(
            matches!(&again, Problem::RepeatedCursor { cursor } if cursor == "same"),
            "{vendor}: {again:?}"
        );
    }
}

#[test]
fn more_without_a_cursor_is_an_error_for_every_vendor_that_says_more() {
    let cases = [
        (
            VendorId::TalkToHumans,
            r#"{"data": {"conversations": [], "pagination": {"limit": 25, "has_more": true}}}"#,
        ),
        (VendorId::VoiceWidget, r#"{"data": [], "has_more": true}"#),
        (VendorId::Mindo, "{\"_truncated\": true}\n"),
    ];
    for (vendor, body) in cases {
        let problem =
            read_page(vendor, &first_task(&minimal_query(vendor)), body.as_bytes()).unwrap_err();
        assert_eq!(problem, Problem::MissingCursor, "{vendor}");
    }
}

#[test]
fn every_vendor_names_its_documented_errors_plainly() {
    // The words are the point here: each tells the user what to do next.
    let cases: &[(VendorId, u16, ErrorKind, &str)] = &[
        (
            VendorId::TalkToHumans,
            401,
            ErrorKind::Unauthorized,
            "did not accept this API key",
        ),
        (VendorId::HueChat, 401, ErrorKind::Unauthorized, "sk_live_"),
        (VendorId::VoiceWidget, 404, ErrorKind::NotFound, "base URL"),
        (VendorId::Mindo, 403, ErrorKind::Forbidden, "global key"),
        (
            VendorId::Mindo,
            400,
            ErrorKind::Rejected,
            "refused one of the filters",
        ),
    ];
    for (vendor, status, kind, phrase) in cases {
        let error = refused(*vendor, *status, b"{}");
        assert_eq!(error.kind(), *kind, "{vendor} {status}");
        assert!(
            error.summary().contains(phrase),
            "{vendor}: {}",
            error.summary()
        );
    }
}

// ---- Each vendor --------------------------------------------------------------------------

#[test]
fn humind_last_page_has_no_next_cursor() {
    let task = first_task(&documented_query(VendorId::Humind, &[]));
    let page = read_page(
        VendorId::Humind,
        &task,
        br#"{"data": [], "next_cursor": null}"#,
    )
    .unwrap();
    assert!(page.records.is_empty());
    assert!(page.next.is_empty());
}

#[test]
fn humind_malformed_pages_are_errors_not_panics() {
    let task = first_task(&documented_query(VendorId::Humind, &[]));
    for body in [
        &b"{\"data\": [oops"[..],
        b"",
        b"[]",
        b"{\"next_cursor\": null}",
        b"{\"data\": {}}",
    ] {
        let problem = read_page(VendorId::Humind, &task, body).unwrap_err();
        assert!(
            matches!(problem, Problem::Malformed { .. }),
            "{}: {problem:?}",
            String::from_utf8_lossy(body)
        );
    }
}

#[test]
fn humind_documented_errors_each_have_their_own_words() {
    // The words are the point: what happened and what to do, for each documented code.
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
        let error = refused(VendorId::Humind, status, body.as_bytes());
        assert_eq!(
            documented_code(&error.problem),
            Some(code),
            "the row of this very code"
        );
        assert_eq!(error.kind(), kind, "{code}");
        assert!(
            error.summary().contains(phrase),
            "{code}: {}",
            error.summary()
        );
        assert!(
            error.details().contains(code),
            "{code}: the technical detail names the code"
        );
    }
    let body = br#"{"error": {"code": "validation_failed", "details": {"field": "created_after", "issue": "bad date"}}}"#;
    let error = refused(VendorId::Humind, 400, body);
    assert!(
        error.summary().contains("bad date"),
        "400 details are shown: {}",
        error.summary()
    );
}

#[test]
fn talktohumans_last_page_ends_the_list() {
    let task = first_task(&documented_query(VendorId::TalkToHumans, &[]));
    let last = br#"{"data": {"conversations": [], "pagination": {"limit": 25, "has_more": false, "next_cursor": null}}}"#;
    assert!(read_page(VendorId::TalkToHumans, &task, last)
        .unwrap()
        .next
        .is_empty());
}

#[test]
fn voice_widget_reads_envelope_variants() {
    let task = first_task(&documented_query(VendorId::VoiceWidget, &[]));
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
        let page = read_page(VendorId::VoiceWidget, &task, body.as_bytes()).unwrap();
        assert_eq!(page.records.len(), records, "{body}");
        let next = page.next.first().and_then(|t| t.position.cursor());
        assert_eq!(next, cursor, "{body}");
    }
    assert!(matches!(
        read_page(VendorId::VoiceWidget, &task, br#"{"total": 3}"#),
        Err(Problem::Malformed { .. })
    ));
}

#[test]
fn mindo_error_line_from_the_docs_is_a_server_error_with_its_words() {
    let line = r#"{"_error": {"code": "ERROR_CODE", "message": "error description"}}"#;
    let problem = read_line(&VendorId::Mindo.spec().list, line).unwrap_err();
    assert!(
        matches!(problem, Problem::StreamError { .. }),
        "{problem:?}"
    );
    let error = FetchError::new(VendorId::Mindo, problem);
    assert_eq!(
        error.kind(),
        ErrorKind::Server,
        "retried, then stops with its message"
    );
    // The vendor's own words reach the user, its code the details.
    assert!(
        error.summary().contains("error description"),
        "{}",
        error.summary()
    );
    assert!(
        error.details().contains("ERROR_CODE"),
        "{}",
        error.details()
    );
}

#[test]
fn a_browsers_own_sentence_sits_inside_the_details_without_a_second_full_stop() {
    // Firefox's words for a refused or unreachable fetch end with a full stop of their own.
    let reason = "NetworkError when attempting to fetch resource.";
    for problem in [
        Problem::Unreachable {
            reason: reason.into(),
        },
        Problem::Dropped {
            reason: reason.into(),
        },
    ] {
        let details = FetchError::new(VendorId::Humind, problem).details();
        assert!(
            details.ends_with("(NetworkError when attempting to fetch resource)."),
            "{details}"
        );
    }
}

#[test]
fn a_missing_list_says_so_and_only_a_missing_conversation_may_have_been_deleted() {
    for &vendor in VendorId::ALL {
        let body = br#"{"error": {"code": "not_found", "message": "Not found"}}"#;
        let list = refused(vendor, 404, body).during(
            "page 1 of conversations",
            "https://example.test/conversations",
            Scope::List,
        );
        assert!(
            !list.summary().contains("deleted"),
            "{vendor}: {}",
            list.summary()
        );
        let one = refused(vendor, 404, body).during(
            "the conversation",
            "https://example.test/conversations/c1",
            Scope::OneConversation,
        );
        assert!(
            one.summary().contains("may also have been deleted"),
            "{vendor}: {}",
            one.summary()
        );
    }
}
