//! TalkToHumans (`vendor-docs/talktohumans.md`): outreach conversations, cursor-paginated, with
//! participants and the outreach sequence. The API has no message endpoint: only each
//! conversation's last message.

use std::fmt;

use serde_json::value::RawValue;

use super::fields::Fields;
use super::spec::{
    ChangeField, Changes, Holds, ListOrder, ListSpec, Order, OrderBy, PageSize, Paginator,
    Selector, Stamp,
};
use super::{
    object_of, Auth, BodyFormat, Choice, Connector, FilterKind, FilterSpec, MapContext, RecordAt,
    Update, VendorId, VendorSpec,
};
use crate::error::{ErrorKind, ErrorRule};
use crate::model::{Conversation, Participant, Warning};

/// `contact_id` must match `^[1-9][0-9]*$`.
pub fn check_contact_id(value: &str) -> Result<(), String> {
    let valid = value.starts_with(|c: char| ('1'..='9').contains(&c))
        && value.bytes().all(|b| b.is_ascii_digit());
    if valid {
        Ok(())
    } else {
        Err("A contact ID is a whole number without leading zeros, like 1234.".into())
    }
}

pub static SPEC: VendorSpec = VendorSpec {
    id: VendorId::TalkToHumans,
    slug: "talktohumans",
    name: "TalkToHumans",
    default_base_url: Some("https://api.talktohumans.app/v1"),
    auth: Auth::Bearer,
    key_prefixes: &[],
    key_placeholder: "Your TalkToHumans API key",
    filters: &[
        FilterSpec::new(
            "tag",
            "Participant tag",
            "Only conversations with a participant carrying this tag (your own profile is ignored).",
            FilterKind::Text,
        ),
        FilterSpec::new(
            "contact_id",
            "Contact ID",
            "Only conversations with this TalkToHumans contact: a whole number, like 1234.",
            FilterKind::Checked(check_contact_id),
        ),
    ],
    fixed_params: &[],
    list: ListSpec {
        path: "/conversations",
        body: BodyFormat::Json,
        records: Selector(&[&["data", "conversations"]]),
        // Larger values are clamped to 25 by the vendor.
        page_size: PageSize { param: "limit", size: 25 },
        paginator: Paginator::Cursor {
            param: "cursor",
            next: Selector(&[&["data", "pagination", "next_cursor"]]),
            has_more: Some(Selector(&[&["data", "pagination", "has_more"]])),
        },
    },
    follow_up: None,
    windows: None,
    changes: Changes::WholeList { field: ChangeField { record: "last_message_at", kept: Stamp::LastMessage } },
    order: Order::Fixed(ListOrder { by: OrderBy::LastMessage, newest_first: true }),
    holds: Holds::Conversations,
    status_title: "By state",
    status_words: &[
        Choice { value: "awaiting_reply", label: "Awaiting a reply" },
        Choice { value: "replied", label: "Replied" },
        Choice { value: "sequence_running", label: "Outreach sequence running" },
        Choice { value: "closed", label: "Closed" },
    ],
    channel_words: &[],
    notes: &["TalkToHumans' API has no message endpoint: only each conversation's last message is exported (last_message_preview)."],
    errors: &[
        ErrorRule {
            status: 400,
            code: None,
            kind: ErrorKind::Rejected,
            message: "TalkToHumans refused one of the filters. Check them, then fetch again.",
        },
        ErrorRule {
            status: 401,
            code: None,
            kind: ErrorKind::Unauthorized,
            message: "TalkToHumans did not accept this API key. Check that you pasted the whole key, then fetch again.",
        },
    ],
    transcript_note: Some(
        "TalkToHumans' API offers no full transcript: it returns only the last message of each conversation, shown below.",
    ),
    date_range: None,
};

pub struct TalkToHumans;

impl Connector for TalkToHumans {
    fn spec(&self) -> &'static VendorSpec {
        &SPEC
    }

    fn map(&self, raw: Box<RawValue>, at: RecordAt<'_>, context: &mut MapContext<'_>) -> Update {
        Update::Conversation(Box::new(map_conversation(raw, &at, context.warnings)))
    }
}

fn map_conversation(
    raw: Box<RawValue>,
    place: &dyn fmt::Display,
    warnings: &mut Vec<Warning>,
) -> Conversation {
    let object = object_of(&raw, place, warnings);
    let mut fields = Fields::new(object, place, warnings);
    let id = fields
        .string("conversation_id")
        .unwrap_or_else(|| format!("missing-id ({place})"));
    fields.set_record(&id);
    let mut conversation = Conversation {
        vendor: VendorId::TalkToHumans,
        title: fields.string("title"),
        url: fields.string("app_url"),
        last_message_preview: fields.string("last_message_text"),
        last_message_at: fields.time("last_message_at"),
        status: fields.string("current_state"),
        ..Default::default()
    };
    conversation.participants = fields.each("participants", |f, _| Participant {
        id: f.string("contact_id"),
        name: f.string("name"),
        first_name: f.string("first_name"),
        last_name: f.string("last_name"),
        headline: f.string("headline"),
        role_title: f.string("primary_role_title"),
        company: f.string("primary_company_name"),
        linkedin_url: f.string("linkedin_url"),
        extras: f.take_extras(),
    });
    // The account, `is_group` and the outreach `sequence` (steps, state, schedule) have no
    // unified column: they stay whole in `extras`.
    conversation.id = id;
    conversation.extras = fields.into_extras();
    conversation.raw = Some(raw);
    conversation
}
