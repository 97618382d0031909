//! The engine when things go wrong, against the simulator with a fake clock: retries with
//! backoff, rate limits, giving up, cancel and resume, wrong keys, an unreachable vendor, and a
//! key that never leaves its own origin. Every export that completes is checked against the
//! simulator's ground truth; every stop against what it tells the user.

mod support;

use conversation_export::engine::clock::Clock;
use conversation_export::engine::{fetch_conversation, RunStatus};
use conversation_export::error::{ErrorKind, Problem, Scope};
use conversation_export::vendors::VendorId;
use sim::faults::{Fault, FaultSchedule};
use sim::{humind, mindo};
use support::{
    assert_ground_truth, documented_code, drive, drive_until, export, export_concurrent, failure,
    key, key_with, query, transport, world, MINDO_90_DAYS,
};

const HUMIND: VendorId = VendorId::Humind;

fn rate_limit(retry_after: &str, exposed: bool) -> Fault {
    Fault::RateLimit {
        retry_after: Some(retry_after.into()),
        exposed,
    }
}

#[test]
fn transient_failures_are_retried_with_backoff() {
    let world = world(250);
    let mut transport = transport(&world);
    transport.faults = FaultSchedule::none()
        .at(0, Fault::Status(503))
        .at(1, Fault::Drop)
        .at(3, Fault::Truncate)
        .at(4, Fault::Slow)
        .at(6, Fault::Malformed);
    let export = export(HUMIND, &[]);
    drive(&export, &transport, &key(HUMIND));
    assert_ground_truth(&world, &export.borrow());
    assert_eq!(export.borrow().progress.retries, 5);
    assert_eq!(transport.request_count(), 8, "three pages and five retries");
    // Five backoff waits, plus the 30 s the slow response made the client wait for its timeout.
    let sleeps = transport.clock().sleeps();
    assert_eq!(sleeps.len(), 6, "{sleeps:?}");
    assert_eq!(
        sleeps.iter().filter(|&&ms| ms == 30_000.0).count(),
        1,
        "{sleeps:?}"
    );
    assert!(
        sleeps.iter().all(|&ms| ms > 0.0 && ms <= 30_000.0),
        "{sleeps:?}"
    );
}

#[test]
fn rate_limits_wait_for_retry_after_when_readable() {
    let world = world(150);
    let mut transport = transport(&world);
    transport.faults = FaultSchedule::none()
        .at(1, rate_limit("7", true))
        .at(2, rate_limit("Wed, 01 Jul 2026 12:00:30 GMT", true));
    let export = export(HUMIND, &[]);
    drive(&export, &transport, &key(HUMIND));
    assert_ground_truth(&world, &export.borrow());
    let sleeps = transport.clock().sleeps();
    assert_eq!(sleeps[0], 7_000.0, "Retry-After in seconds");
    // The fake clock starts at 12:00:00 and has advanced 7 s: an HTTP date 30 s after the start
    // leaves 23 s.
    assert_eq!(sleeps[1], 23_000.0, "Retry-After as an HTTP date");
}

#[test]
fn rate_limits_back_off_when_retry_after_is_hidden() {
    let world = world(150);
    let mut transport = transport(&world);
    transport.faults = FaultSchedule::none().at(1, rate_limit("7", false));
    let export = export(HUMIND, &[]);
    drive(&export, &transport, &key(HUMIND));
    assert_ground_truth(&world, &export.borrow());
    let sleeps = transport.clock().sleeps();
    assert_eq!(sleeps.len(), 1);
    assert_ne!(
        sleeps[0], 7_000.0,
        "the header was not readable, so the engine chose its own wait"
    );
    assert!(sleeps[0] > 0.0 && sleeps[0] <= 2_000.0, "{sleeps:?}");
}

#[test]
fn giving_up_keeps_every_record_and_resume_finishes_exactly_once() {
    let world = world(350);
    let mut transport = transport(&world);
    // The third page fails every time: the engine must give up on it.
    transport.faults = (2..40).fold(FaultSchedule::none(), |s, n| s.at(n, Fault::Status(502)));
    let export = export(HUMIND, &[]);
    drive(&export, &transport, &key(HUMIND));
    let error = failure(&export);
    assert!(
        matches!(error.problem, Problem::Refused { status: 502, .. }),
        "{:?}",
        error.problem
    );
    assert_eq!(error.kind(), ErrorKind::Server);
    let during = error.during.as_ref().expect("the stop names its request");
    assert_eq!(during.what, "page 3 of conversations");
    assert!(error.summary().contains("Resume"), "{}", error.summary());
    assert_eq!(
        export.borrow().store.len(),
        200,
        "the two pages fetched stay"
    );
    assert!(export.borrow().can_resume());
    assert_eq!(transport.request_count(), 2 + 5, "five attempts at page 3");

    transport.faults = FaultSchedule::none();
    drive(&export, &transport, &key(HUMIND));
    let export = export.borrow();
    assert_ground_truth(&world, &export);
    assert_eq!(export.store.duplicates_skipped, 0);
    assert_eq!(
        transport.request_count(),
        7 + 2,
        "resume starts at page 3, not page 1"
    );
}

#[test]
fn cancel_stops_at_once_and_resume_continues() {
    let world = world(450);
    let transport = transport(&world);
    let export = export(HUMIND, &[]);
    drive_until(&export, &transport, &key(HUMIND), |export| {
        export.progress.pages >= 2
    });
    assert_eq!(export.borrow().status, RunStatus::Cancelled);
    assert_eq!(
        export.borrow().store.len(),
        200,
        "the pages received are kept"
    );
    assert!(export.borrow().can_resume());
    let requests_before = transport.request_count();
    assert!(
        requests_before <= 3,
        "nothing is sent after cancel: {requests_before}"
    );
    drive(&export, &transport, &key(HUMIND));
    let export = export.borrow();
    assert_ground_truth(&world, &export);
    assert_eq!(export.store.duplicates_skipped, 0);
}

#[test]
fn elapsed_time_adds_up_across_resume_and_leaves_out_the_pause() {
    let world = world(150);
    let mut transport = transport(&world);
    transport.latency_ms = 50.0;
    let export = export(HUMIND, &[]);
    drive_until(&export, &transport, &key(HUMIND), |export| {
        export.progress.pages >= 1
    });
    assert_eq!(export.borrow().status, RunStatus::Cancelled);
    // The user waits ten seconds before pressing Resume: that is not export time.
    transport.clock().advance(10_000.0);
    drive(&export, &transport, &key(HUMIND));
    let export = export.borrow();
    assert_ground_truth(&world, &export);
    assert_eq!(
        export.progress.elapsed_ms(transport.clock().now_ms()),
        100.0,
        "two requests of 50 ms, one in each run"
    );
}

#[test]
fn wrong_keys_fail_with_the_documented_error_and_never_echo_the_key() {
    let cases = [
        (
            "hmd_live_wrong_key_123",
            ErrorKind::Unauthorized,
            "invalid_key",
        ),
        (humind::REVOKED_KEY, ErrorKind::Unauthorized, "revoked"),
        (
            humind::UNSCOPED_KEY,
            ErrorKind::Forbidden,
            "insufficient_scope",
        ),
        ("", ErrorKind::Unauthorized, "missing_credentials"),
    ];
    let world = world(50);
    for (secret, kind, code) in cases {
        let transport = transport(&world);
        let export = export(HUMIND, &[]);
        drive(&export, &transport, &key_with(HUMIND, secret));
        let error = failure(&export);
        assert_eq!(error.kind(), kind, "{secret}");
        assert_eq!(documented_code(&error.problem), Some(code), "{secret}");
        if !secret.is_empty() {
            assert!(
                !error.summary().contains(secret) && !error.details().contains(secret),
                "the key is never shown"
            );
        }
        assert_eq!(
            transport.request_count(),
            1,
            "{secret}: auth errors are not retried"
        );
    }
}

#[test]
fn unreachable_vendor_fails_fast_with_the_cors_explanation() {
    let world = world(50);
    let mut transport = transport(&world);
    transport.faults = FaultSchedule::none().every(1, Fault::Drop);
    let export = export(HUMIND, &[]);
    drive(&export, &transport, &key(HUMIND));
    let error = failure(&export);
    assert!(
        matches!(error.problem, Problem::Unreachable { .. }),
        "no answer ever: not a dropped connection: {:?}",
        error.problem
    );
    assert_eq!(error.kind(), ErrorKind::Network);
    // The words are the point: a browser cannot tell offline from CORS, so both are said.
    assert!(
        error.summary().contains("CORS") && error.summary().contains("relay"),
        "{}",
        error.summary()
    );
    assert_eq!(
        transport.request_count(),
        2,
        "one retry, not a minute of them"
    );
}

#[test]
fn a_key_never_goes_to_another_origin_than_its_own() {
    let world = world(30);
    let transport = transport(&world);
    // The export points elsewhere (a link's base URL); the key is bound to the simulator.
    let mut query = query(HUMIND, &[]);
    query.base_url = "http://elsewhere.test/humind/public/v1".into();
    let export = support::export_with(query.clone(), Default::default());
    drive(&export, &transport, &key(HUMIND));
    let error = failure(&export);
    assert!(
        matches!(&error.problem, Problem::UntrustedAddress { requested: Some(host), .. } if host == "elsewhere.test"),
        "{:?}",
        error.problem
    );
    assert!(
        !error.summary().contains(humind::VALID_KEY)
            && !error.details().contains(humind::VALID_KEY)
    );
    assert!(transport.log.borrow().is_empty(), "nothing may be sent");
    assert!(export.borrow().can_resume(), "the request stays pending");
    let error = futures_executor::block_on(fetch_conversation(
        &query,
        "abc",
        &transport,
        transport.clock(),
        &key(HUMIND),
        1000,
    ))
    .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::UntrustedAddress);
    assert!(transport.log.borrow().is_empty(), "nothing may be sent");
}

#[test]
fn one_conversation_can_be_fetched_again() {
    let world = world(30);
    let transport = transport(&world);
    let truth = &world.humind().conversations[4];
    // The error is boxed only to keep the closure's result small.
    let fetch = |query: &conversation_export::vendors::ExportQuery, id: &str| {
        futures_executor::block_on(fetch_conversation(
            query,
            id,
            &transport,
            transport.clock(),
            &key(query.vendor),
            1000,
        ))
        .map_err(Box::new)
    };
    let with_contact = query(HUMIND, &[("include_contact", "1")]);
    let (conversation, warnings) = fetch(&with_contact, &truth.id).unwrap();
    assert!(warnings.is_empty(), "{warnings:?}");
    assert_eq!(conversation.id, truth.id);
    let got: Vec<&str> = conversation
        .messages
        .iter()
        .map(|m| m.id.as_str())
        .collect();
    let expected: Vec<&str> = truth.messages.iter().map(|m| m.id.as_str()).collect();
    assert_eq!(got, expected, "the whole transcript");
    assert_eq!(
        conversation.contact.and_then(|c| c.email),
        truth.contact.as_ref().and_then(|c| c.email.clone())
    );
    assert!(transport.log.borrow()[0].ends_with("?include=contact"));

    let error = fetch(&with_contact, "000000000000000000000000").unwrap_err();
    assert_eq!(error.kind(), ErrorKind::NotFound);
    assert_eq!(
        error.during.as_ref().map(|d| d.scope),
        Some(Scope::OneConversation),
        "a missing conversation may have been deleted: the words say so"
    );

    // TalkToHumans documents no endpoint for one conversation: nothing is sent.
    let requests = transport.request_count();
    let error = fetch(&query(VendorId::TalkToHumans, &[]), "tth_1").unwrap_err();
    assert_eq!(error.problem, Problem::NoSingleConversation);
    assert_eq!(transport.request_count(), requests);
}

// ---- Mindo's stream -----------------------------------------------------------------------

#[test]
fn mindo_a_mid_stream_error_is_retried_and_keeps_rows_once() {
    let world = world(400);
    let mut transport = transport(&world);
    transport.faults = FaultSchedule::none()
        .at(0, Fault::StreamError)
        .at(2, Fault::StreamError);
    let export = export_concurrent(VendorId::Mindo, MINDO_90_DAYS, 1);
    drive(&export, &transport, &key(VendorId::Mindo));
    let export = export.borrow();
    assert_ground_truth(&world, &export);
    assert_eq!(export.progress.retries, 2);
}

#[test]
fn mindo_gives_up_keeping_the_rows_read_and_resume_completes() {
    let world = world(400);
    let mut transport = transport(&world);
    transport.faults = FaultSchedule::none().every(1, Fault::StreamError);
    let export = export_concurrent(VendorId::Mindo, MINDO_90_DAYS, 1);
    drive(&export, &transport, &key(VendorId::Mindo));
    let error = failure(&export);
    assert_eq!(error.kind(), ErrorKind::Server);
    // The vendor's own words reach the user.
    assert!(
        error.summary().contains("Upstream database timeout"),
        "{}",
        error.summary()
    );
    assert!(
        export.borrow().store.message_count() > 0,
        "rows read before the error are kept"
    );
    assert!(export.borrow().can_resume());

    transport.faults = FaultSchedule::none();
    drive(&export, &transport, &key(VendorId::Mindo));
    let export = export.borrow();
    assert_ground_truth(&world, &export);
}

#[test]
fn mindo_company_keys_are_limited_to_their_company() {
    let world = world(50);
    let export = export(VendorId::Mindo, MINDO_90_DAYS);
    drive(
        &export,
        &transport(&world),
        &key_with(VendorId::Mindo, mindo::COMPANY_KEY),
    );
    let error = failure(&export);
    assert!(
        matches!(
            error.problem,
            Problem::Refused {
                status: 403,
                rule: Some(_),
                ..
            }
        ),
        "{:?}",
        error.problem
    );
    assert_eq!(error.kind(), ErrorKind::Forbidden);
}
