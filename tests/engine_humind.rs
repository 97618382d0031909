//! The engine against the Humind simulator, with a fake clock: paging, retries, rate limits,
//! giving up, cancel and resume, all in milliseconds.

use std::cell::RefCell;

use chrono::{DateTime, Utc};
use conversation_export::engine::cancel::CancelToken;
use conversation_export::engine::clock::{Clock, FakeClock};
use conversation_export::engine::{run, Export, RunStatus, Settings};
use conversation_export::error::ErrorKind;
use conversation_export::secret::ApiKey;
use conversation_export::transport::sim::SimTransport;
use conversation_export::vendors::{ExportQuery, VendorId};
use futures_executor::block_on;
use sim::faults::{Fault, FaultSchedule};
use sim::{humind, World, WorldConfig};

const BASE: &str = "http://sim.test/humind/public/v1";

fn transport(conversations: usize) -> SimTransport<FakeClock> {
    let world = World::generate(&WorldConfig {
        conversations,
        ..WorldConfig::default()
    });
    SimTransport::new(world, FakeClock::new())
}

fn export(filters: &[(&str, &str)]) -> RefCell<Export> {
    let mut query = ExportQuery::new(VendorId::Humind);
    query.base_url = BASE.into();
    for (name, value) in filters {
        query.filters.insert(name.to_string(), value.to_string());
    }
    RefCell::new(Export::new(query, Settings::default()))
}

fn valid_key() -> ApiKey {
    ApiKey::new(humind::VALID_KEY)
}

fn drive(export: &RefCell<Export>, transport: &SimTransport<FakeClock>, key: &ApiKey) {
    block_on(run(
        export,
        transport,
        transport.clock(),
        key,
        &CancelToken::new(),
        &mut || {},
    ));
}

fn exported_ids(export: &RefCell<Export>) -> Vec<String> {
    export
        .borrow()
        .store
        .conversations()
        .iter()
        .map(|c| c.id.clone())
        .collect()
}

fn truth_ids(
    transport: &SimTransport<FakeClock>,
    keep: impl Fn(&humind::Conversation) -> bool,
) -> Vec<String> {
    transport
        .world()
        .humind()
        .conversations
        .iter()
        .filter(|c| keep(c))
        .map(|c| c.id.clone())
        .collect()
}

fn at(text: &str) -> DateTime<Utc> {
    text.parse().unwrap()
}

#[test]
fn pages_to_the_end_with_the_fewest_requests() {
    let transport = transport(250);
    let export = export(&[]);
    drive(&export, &transport, &valid_key());
    assert_eq!(export.borrow().status, RunStatus::Finished);
    assert_eq!(exported_ids(&export), truth_ids(&transport, |_| true));
    assert_eq!(
        transport.request_count(),
        3,
        "250 conversations at 100 per page"
    );
    let export = export.borrow();
    assert_eq!(export.progress.pages, 3);
    assert_eq!(export.progress.conversations, 250);
    let truth_messages: usize = transport
        .world()
        .humind()
        .conversations
        .iter()
        .map(|c| c.messages.len())
        .sum();
    assert_eq!(export.progress.messages, truth_messages);
    assert!(transport.clock().sleeps().is_empty(), "no fault, no wait");
}

#[test]
fn date_filters_match_the_ground_truth() {
    let transport = transport(300);
    let export = export(&[
        ("created_after", "2026-05-01"),
        ("created_before", "2026-06-01T00:00:00Z"),
    ]);
    drive(&export, &transport, &valid_key());
    let (from, to) = (at("2026-05-01T00:00:00Z"), at("2026-06-01T00:00:00Z"));
    let expected = truth_ids(&transport, |c| c.created_at >= from && c.created_at <= to);
    assert!(
        expected.len() > 50 && expected.len() < 300,
        "the filter selects a real subset"
    );
    assert_eq!(exported_ids(&export), expected);
    let log = transport.log.borrow();
    assert!(log
        .iter()
        .all(|url| url.contains("created_after=2026-05-01")));
}

#[test]
fn handoff_and_update_filters_match_the_ground_truth() {
    let transport = transport(200);
    let export = export(&[
        ("handoff_status", "human_active"),
        ("updated_after", "2026-05-15T12:00:00Z"),
    ]);
    drive(&export, &transport, &valid_key());
    let since = at("2026-05-15T12:00:00Z");
    let expected = truth_ids(&transport, |c| {
        c.handoff_status == "human_active" && c.updated_at >= since
    });
    assert!(!expected.is_empty());
    assert_eq!(exported_ids(&export), expected);
}

#[test]
fn transient_failures_are_retried_with_backoff() {
    let mut transport = transport(250);
    transport.faults = FaultSchedule::none()
        .at(0, Fault::Status(503))
        .at(1, Fault::Drop)
        .at(3, Fault::Truncate)
        .at(4, Fault::Slow)
        .at(6, Fault::Malformed);
    let export = export(&[]);
    drive(&export, &transport, &valid_key());
    assert_eq!(export.borrow().status, RunStatus::Finished);
    assert_eq!(exported_ids(&export), truth_ids(&transport, |_| true));
    assert_eq!(export.borrow().progress.retries, 5);
    assert_eq!(transport.request_count(), 8);
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
    let mut transport = transport(150);
    transport.faults = FaultSchedule::none()
        .at(
            1,
            Fault::RateLimit {
                retry_after: Some("7".into()),
                exposed: true,
            },
        )
        .at(
            2,
            Fault::RateLimit {
                retry_after: Some("Wed, 01 Jul 2026 12:00:30 GMT".into()),
                exposed: true,
            },
        );
    let export = export(&[]);
    drive(&export, &transport, &valid_key());
    assert_eq!(export.borrow().status, RunStatus::Finished);
    assert_eq!(exported_ids(&export).len(), 150);
    let sleeps = transport.clock().sleeps();
    assert_eq!(sleeps[0], 7_000.0, "Retry-After in seconds");
    // The fake clock starts at 12:00:00 and has advanced 7 s: an HTTP date 30 s after the start
    // leaves 23 s.
    assert_eq!(sleeps[1], 23_000.0, "Retry-After as an HTTP date");
}

#[test]
fn rate_limits_back_off_when_retry_after_is_hidden() {
    let mut transport = transport(150);
    transport.faults = FaultSchedule::none().at(
        1,
        Fault::RateLimit {
            retry_after: Some("7".into()),
            exposed: false,
        },
    );
    let export = export(&[]);
    drive(&export, &transport, &valid_key());
    assert_eq!(export.borrow().status, RunStatus::Finished);
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
    let mut transport = transport(350);
    // The third page fails every time: the engine must give up on it.
    transport.faults = (2..40).fold(FaultSchedule::none(), |s, n| s.at(n, Fault::Status(502)));
    let export = export(&[]);
    let key = valid_key();
    drive(&export, &transport, &key);
    {
        let export = export.borrow();
        let RunStatus::Failed(error) = &export.status else {
            panic!("expected a failure, got {:?}", export.status)
        };
        assert_eq!(error.kind, ErrorKind::Server);
        assert!(error.summary.contains("Resume"), "{}", error.summary);
        assert!(
            error.details.contains("page 3 of conversations"),
            "{}",
            error.details
        );
        assert!(error.details.contains("HTTP 502"), "{}", error.details);
        assert_eq!(export.store.len(), 200, "the two pages fetched stay");
        assert!(export.can_resume());
    }
    assert_eq!(transport.request_count(), 2 + 5, "five attempts at page 3");
    transport.faults = FaultSchedule::none();
    drive(&export, &transport, &key);
    assert_eq!(export.borrow().status, RunStatus::Finished);
    assert_eq!(exported_ids(&export), truth_ids(&transport, |_| true));
    assert_eq!(export.borrow().store.duplicates_skipped, 0);
    assert_eq!(
        transport.request_count(),
        7 + 2,
        "resume starts at page 3, not page 1"
    );
}

#[test]
fn cancel_stops_at_once_and_resume_continues() {
    let transport = transport(450);
    let export = export(&[]);
    let key = valid_key();
    let cancel = CancelToken::new();
    let trigger = cancel.clone();
    let mut pages_seen = 0;
    block_on(run(
        &export,
        &transport,
        transport.clock(),
        &key,
        &cancel,
        &mut || {
            let pages = export.borrow().progress.pages;
            if pages >= 2 && pages_seen < 2 {
                trigger.cancel();
            }
            pages_seen = pages;
        },
    ));
    {
        let export = export.borrow();
        assert_eq!(export.status, RunStatus::Cancelled);
        assert_eq!(export.store.len(), 200);
        assert!(export.can_resume());
    }
    let requests_before = transport.request_count();
    assert!(
        requests_before <= 3,
        "nothing is sent after cancel: {requests_before}"
    );
    drive(&export, &transport, &key);
    assert_eq!(export.borrow().status, RunStatus::Finished);
    assert_eq!(exported_ids(&export), truth_ids(&transport, |_| true));
    assert_eq!(export.borrow().store.duplicates_skipped, 0);
}

#[test]
fn wrong_keys_fail_with_the_documented_messages_and_never_echo_the_key() {
    let cases = [
        (
            "hmd_live_wrong_key_123",
            ErrorKind::Unauthorized,
            "does not recognise this API key",
        ),
        (humind::REVOKED_KEY, ErrorKind::Unauthorized, "revoked"),
        (
            humind::UNSCOPED_KEY,
            ErrorKind::Forbidden,
            "conversations:read",
        ),
        ("", ErrorKind::Unauthorized, "received no API key"),
    ];
    for (key, kind, phrase) in cases {
        let transport = transport(50);
        let export = export(&[]);
        drive(&export, &transport, &ApiKey::new(key));
        let export = export.borrow();
        let RunStatus::Failed(error) = &export.status else {
            panic!("{key}: expected a failure")
        };
        assert_eq!(error.kind, kind, "{key}");
        assert!(error.summary.contains(phrase), "{key}: {}", error.summary);
        if !key.is_empty() {
            assert!(!error.summary.contains(key) && !error.details.contains(key));
        }
        assert_eq!(
            transport.request_count(),
            1,
            "{key}: auth errors are not retried"
        );
    }
}

#[test]
fn unreachable_vendor_fails_fast_with_the_cors_explanation() {
    let mut transport = transport(50);
    transport.faults = FaultSchedule::none().every(1, Fault::Drop);
    let export = export(&[]);
    drive(&export, &transport, &valid_key());
    let export = export.borrow();
    let RunStatus::Failed(error) = &export.status else {
        panic!()
    };
    assert_eq!(error.kind, ErrorKind::Network);
    assert!(
        error.summary.contains("CORS") && error.summary.contains("relay"),
        "{}",
        error.summary
    );
    assert_eq!(transport.request_count(), 2);
}

#[test]
fn elapsed_time_adds_up_across_resume() {
    let mut transport = transport(150);
    transport.latency_ms = 50.0;
    let export = export(&[]);
    drive(&export, &transport, &valid_key());
    let export = export.borrow();
    assert_eq!(
        export.progress.elapsed_ms(transport.clock().now_ms()),
        100.0
    );
}

#[test]
fn one_conversation_can_be_fetched_again() {
    use conversation_export::engine::fetch_conversation;
    let transport = transport(30);
    let truth = &transport.world().humind().conversations[4];
    let mut query = ExportQuery::new(VendorId::Humind);
    query.base_url = BASE.into();
    query.filters.insert("include_contact".into(), "1".into());
    let conversation = block_on(fetch_conversation(
        &query,
        &truth.id,
        &transport,
        transport.clock(),
        &valid_key(),
        1000,
    ))
    .unwrap();
    assert_eq!(conversation.id, truth.id);
    assert_eq!(conversation.messages.len(), truth.messages.len());
    assert!(transport.log.borrow()[0].ends_with("?include=contact"));
    let error = block_on(fetch_conversation(
        &query,
        "000000000000000000000000",
        &transport,
        transport.clock(),
        &valid_key(),
        1000,
    ))
    .unwrap_err();
    assert_eq!(error.kind, ErrorKind::NotFound);
}
