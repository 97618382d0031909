//! What every vendor is asked, before anything is sent: each filter checked by the form, and the
//! exact requests an export makes (filters, page size, date windows, single conversations), as
//! each vendor's documentation (`vendor-docs/`) spells them. Requests are values: no network.

mod support;

use conversation_export::vendors::plan::cut;
use conversation_export::vendors::{plan, validate, windows, ExportQuery, Step, VendorId};
use support::{documented_query, first_task, minimal_query};

/// The fields a query is refused for, in the form's order.
fn refused(filters: &[(&str, &str)], vendor: VendorId) -> Vec<String> {
    validate(&documented_query(vendor, filters))
        .into_iter()
        .map(|error| error.field)
        .collect()
}

#[test]
fn requests_never_carry_the_key() {
    for vendor in VendorId::ALL {
        for task in plan(&minimal_query(*vendor)) {
            let request = task.request();
            assert!(
                request
                    .headers
                    .iter()
                    .all(|(name, _)| name != "Authorization" && name != "X-API-Key"),
                "{vendor}: the engine adds the key just before sending: {request:?}"
            );
        }
    }
}

// ---- Humind -------------------------------------------------------------------------------

#[test]
fn humind_first_request_carries_every_filter_and_the_maximum_page_size() {
    let query = documented_query(
        VendorId::Humind,
        &[
            ("created_after", "2026-05-01"),
            ("created_before", "2026-06-01T00:00:00Z"),
            ("updated_after", "2026-05-20"),
            ("handoff_status", "human_active"),
            ("include_contact", "1"),
        ],
    );
    assert!(validate(&query).is_empty());
    let tasks = plan(&query);
    assert_eq!(tasks.len(), 1);
    assert_eq!(
        tasks[0].request().url,
        "https://api.thehumind.com/public/v1/conversations?created_after=2026-05-01\
         &created_before=2026-06-01T00%3A00%3A00Z&updated_after=2026-05-20&handoff_status=human_active\
         &include=messages%2Ccontact&limit=100"
    );
}

#[test]
fn humind_contact_details_are_off_by_default() {
    let task = first_task(&documented_query(VendorId::Humind, &[]));
    assert!(
        task.request()
            .url
            .ends_with("/conversations?include=messages&limit=100"),
        "{}",
        task.request().url
    );
}

#[test]
fn humind_form_checks_dates_and_their_order() {
    assert_eq!(
        refused(
            &[
                ("created_after", "2026-06-02"),
                ("created_before", "2026-06-01")
            ],
            VendorId::Humind
        ),
        ["created_before"]
    );
    assert_eq!(
        refused(
            &[
                ("created_after", "01/05/2026"),
                ("handoff_status", "closed")
            ],
            VendorId::Humind
        ),
        ["created_after", "handoff_status"]
    );
    let mut bad_base = documented_query(VendorId::Humind, &[]);
    bad_base.base_url = "api.thehumind.com".into();
    assert_eq!(validate(&bad_base)[0].field, "base_url");
}

#[test]
fn humind_single_conversation_request() {
    let connector = VendorId::Humind.connector();
    let with_contact = documented_query(VendorId::Humind, &[("include_contact", "1")]);
    assert_eq!(
        connector
            .conversation_request(&with_contact, "65f1ab9c8e7d4a2b1c3d4e5f")
            .unwrap()
            .url,
        "https://api.thehumind.com/public/v1/conversations/65f1ab9c8e7d4a2b1c3d4e5f?include=contact"
    );
    let mut relay = documented_query(VendorId::Humind, &[]);
    relay.base_url = "https://relay.example/h/".into();
    assert_eq!(
        connector
            .conversation_request(&relay, "65f1ab9c8e7d4a2b1c3d4e5f")
            .unwrap()
            .url,
        "https://relay.example/h/conversations/65f1ab9c8e7d4a2b1c3d4e5f"
    );
}

// ---- TalkToHumans -------------------------------------------------------------------------

#[test]
fn talktohumans_request_uses_every_filter_and_the_clamped_page_size() {
    let query = documented_query(
        VendorId::TalkToHumans,
        &[("tag", "hot lead"), ("contact_id", "1234")],
    );
    assert!(validate(&query).is_empty());
    assert_eq!(
        first_task(&query).request().url,
        "https://api.talktohumans.app/v1/conversations?tag=hot%20lead&contact_id=1234&limit=25"
    );
}

#[test]
fn talktohumans_contact_id_must_match_the_documented_pattern() {
    for bad in ["0", "012", "12a", "-5", "1 2", "１２"] {
        assert_eq!(
            refused(&[("contact_id", bad)], VendorId::TalkToHumans),
            ["contact_id"],
            "{bad}"
        );
    }
    for good in ["1", "10", "987654321"] {
        assert!(
            refused(&[("contact_id", good)], VendorId::TalkToHumans).is_empty(),
            "{good}"
        );
    }
}

// ---- HueChat ------------------------------------------------------------------------------

#[test]
fn huechat_request_carries_every_filter_with_offsets() {
    let query = documented_query(
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
    assert_eq!(
        first_task(&query).request().url,
        "https://api.huechat.ai/v2/conversations?status=open&channel=whatsapp&assigned_to=none&label=urgent&search=refund\
         &sort=last_message_at%3Adesc&limit=100&offset=0"
    );
    let defaults = first_task(&documented_query(VendorId::HueChat, &[]))
        .request()
        .url;
    assert!(
        defaults.contains("status=all") && defaults.contains("sort=created_at%3Adesc"),
        "{defaults}"
    );
    assert_eq!(
        refused(&[("status", "deleted")], VendorId::HueChat),
        ["status"]
    );
}

// ---- Voice widget -------------------------------------------------------------------------

#[test]
fn voice_widget_needs_a_base_url_and_uses_every_filter() {
    let empty = ExportQuery::new(VendorId::VoiceWidget);
    assert_eq!(empty.base_url, "", "the documentation names no host");
    assert_eq!(validate(&empty)[0].field, "base_url");
    let query = documented_query(
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
        first_task(&query).request().url,
        "https://voice.example.com/api/v1/conversations?widget_id=wgt_abc123&since=2026-04-01&until=2026-05-01&outcome=completed&limit=200"
    );
    assert_eq!(
        refused(
            &[("since", "2026-05-01"), ("until", "2026-05-01")],
            VendorId::VoiceWidget
        ),
        ["until"],
        "until is exclusive: an empty range is refused"
    );
}

#[test]
fn voice_widget_single_conversation_and_its_transcript_files() {
    let connector = VendorId::VoiceWidget.connector();
    let query = documented_query(VendorId::VoiceWidget, &[]);
    assert_eq!(
        connector
            .conversation_request(&query, "conv_xyz789")
            .unwrap()
            .url,
        "https://voice.example.com/api/v1/conversations/conv_xyz789"
    );
    assert_eq!(
        connector
            .transcript_request(&query, "conv_xyz789", "md")
            .unwrap()
            .url,
        "https://voice.example.com/api/v1/conversations/conv_xyz789/transcript?format=md"
    );
    assert!(connector
        .transcript_request(&query, "conv_xyz789", "pdf")
        .is_none());
}

// ---- Mindo --------------------------------------------------------------------------------

fn mindo_range(from: &str, to: &str) -> ExportQuery {
    documented_query(
        VendorId::Mindo,
        &[("company_id", "42,57"), ("from", from), ("to", to)],
    )
}

#[test]
fn mindo_requires_company_and_range() {
    assert_eq!(refused(&[], VendorId::Mindo), ["company_id", "from", "to"]);
    assert_eq!(
        refused(
            &[
                ("company_id", "42;57"),
                ("from", "2026-04-01"),
                ("to", "2026-05-01"),
                ("agent_id", "five"),
            ],
            VendorId::Mindo
        ),
        ["company_id", "agent_id"]
    );
    assert_eq!(
        validate(&mindo_range("2026-05-01", "2026-04-01"))[0].field,
        "to"
    );
    assert_eq!(
        refused(
            &[
                ("company_id", "42"),
                ("from", "2026-04-01"),
                ("to", "2026-04-02"),
                ("include", "tool_calls,secrets"),
            ],
            VendorId::Mindo
        ),
        ["include"]
    );
}

#[test]
fn mindo_splits_long_ranges_into_31_day_windows_without_gap_or_overlap() {
    let query = mindo_range("2026-01-01", "2026-04-15T12:00:00Z");
    let tasks = plan(&query);
    assert_eq!(tasks.len(), 4);
    let bounds: Vec<(&str, &str)> = tasks
        .iter()
        .map(|t| (t.call.param("from").unwrap(), t.call.param("to").unwrap()))
        .collect();
    assert_eq!(bounds[0], ("2026-01-01T00:00:00Z", "2026-02-01T00:00:00Z"));
    assert_eq!(bounds[3].1, "2026-04-15T12:00:00Z");
    for pair in bounds.windows(2) {
        assert_eq!(
            pair[0].1, pair[1].0,
            "each window starts where the previous ends"
        );
    }
    for (index, task) in tasks.iter().enumerate() {
        assert!(
            matches!(task.step, Step::List { window: Some(window), page: 0 } if window.index == index as u32),
            "{:?}",
            task.step
        );
    }
    assert_eq!(windows(&query).len(), 4, "progress shows one row a window");
    assert_eq!(
        tasks[0].request().url,
        "https://api.mindosoftware.com/api/v1/qualitative-export/messages?company_id=42%2C57&channel=all\
         &direction=all&include=classifications&limit=10000&from=2026-01-01T00%3A00%3A00Z&to=2026-02-01T00%3A00%3A00Z"
    );
    assert_eq!(
        plan(&mindo_range("2026-04-01", "2026-05-02")).len(),
        1,
        "exactly 31 days is one window"
    );
    let instant = "2026-04-01T00:00:00Z".parse().unwrap();
    assert!(
        cut(instant, instant, 31).is_empty(),
        "an empty range has no window"
    );
}
