//! Mindo (`vendor-docs/mindo.md`): a message export as an NDJSON stream, read line by line as it
//! arrives. A range longer than 31 days is split into consecutive windows (`from` inclusive,
//! `to` exclusive: no gap, no overlap). Messages are grouped into conversations by
//! `conversation_id`. `occurred_at` carries no time zone: it is read as UTC.

use std::fmt;

use serde_json::value::RawValue;

use super::fields::Fields;
use super::raw_object::{kept, RawObject};
use super::spec::{
    ChangeField, Changes, DateRange, Holds, ListOrder, ListSpec, Order, OrderBy, PageSize,
    Paginator, Selector, Stamp, Windows,
};
use super::{
    object_of, Auth, BodyFormat, Choice, Connector, FilterKind, FilterSpec, MapContext, RecordAt,
    Update, VendorId, VendorSpec,
};
use crate::error::{ErrorKind, ErrorRule};
use crate::model::{
    Attachment, AuthorRole, Classification, Contact, Conversation, Message, ToolCall, Warning,
};

/// The documented maximum range per request.
pub const MAX_WINDOW_DAYS: i64 = 31;

pub static SPEC: VendorSpec = VendorSpec {
    id: VendorId::Mindo,
    slug: "mindo",
    name: "Mindo",
    default_base_url: Some("https://api.mindosoftware.com/api/v1"),
    auth: Auth::Header("X-API-Key"),
    key_prefixes: &["mindo_global_", "mindo_"],
    key_placeholder: "mindo_… or mindo_global_…",
    filters: &[
        FilterSpec::new(
            "company_id",
            "Company ID",
            "Your company's number, like 42; several separated by commas (a global key can read them all).",
            FilterKind::Numbers,
        )
        .required()
        .demo("42,57"),
        FilterSpec::new(
            "from",
            "From",
            "Messages sent at or after this date (00:00 UTC) or date and time. Ranges over 31 days are split automatically.",
            FilterKind::Instant,
        )
        .required(),
        FilterSpec::new(
            "to",
            "To (not included)",
            "Messages sent before this date (00:00 UTC) or date and time.",
            FilterKind::Instant,
        )
        .required(),
        FilterSpec::new(
            "channel",
            "Channel",
            "The messaging platform.",
            FilterKind::Choice(&[
                Choice { value: "all", label: "All channels" },
                Choice { value: "whatsapp", label: "WhatsApp" },
                Choice { value: "instagram", label: "Instagram" },
                Choice { value: "messenger", label: "Messenger" },
            ]),
        )
        .default("all"),
        FilterSpec::new(
            "agent_id",
            "AI agent ID",
            "Only messages written by this AI agent (a number, or several separated by commas).",
            FilterKind::Numbers,
        ),
        FilterSpec::new(
            "direction",
            "Direction",
            "Messages from contacts (incoming), to them (outgoing), or both.",
            FilterKind::Choice(&[
                Choice { value: "all", label: "Both directions" },
                Choice { value: "incoming", label: "Incoming" },
                Choice { value: "outgoing", label: "Outgoing" },
            ]),
        )
        .default("all"),
        FilterSpec::new(
            "include",
            "Include",
            "Extra fields for each message. With nothing ticked, Mindo still sends classifications (its default).",
            FilterKind::Multi(&[
                Choice { value: "classifications", label: "Classifications" },
                Choice { value: "extractions", label: "Extractions" },
                Choice { value: "tool_calls", label: "Tool calls" },
                Choice { value: "trace_id", label: "Trace ID" },
            ]),
        )
        .default("classifications"),
    ],
    fixed_params: &[],
    list: ListSpec {
        path: "/qualitative-export/messages",
        body: BodyFormat::Ndjson,
        records: Selector(&[]),
        // The documented maximum rows per request.
        page_size: PageSize { param: "limit", size: 10_000 },
        paginator: Paginator::Sentinel { param: "cursor", flag: "_truncated", next: "next_cursor", error: "_error" },
    },
    follow_up: None,
    windows: Some(Windows { from: "from", to: "to", max_days: MAX_WINDOW_DAYS }),
    changes: Changes::Range { field: ChangeField { record: "occurred_at", kept: Stamp::MessageSent } },
    // Messages oldest first: a conversation where its first message is.
    order: Order::Fixed(ListOrder { by: OrderBy::Started, newest_first: false }),
    holds: Holds::Messages,
    status_title: "By status",
    status_words: &[],
    // The platforms the documentation lists, by the channel filter they belong to.
    channel_words: &[
        Choice { value: "META_WHATSAPP", label: "WhatsApp (Meta)" },
        Choice { value: "WHATSAPP_EVOLUTION", label: "WhatsApp (Evolution)" },
        Choice { value: "MANYCHAT_WHATSAPP", label: "WhatsApp (ManyChat)" },
        Choice { value: "INSTAGRAM", label: "Instagram" },
        Choice { value: "MANYCHAT_INSTAGRAM", label: "Instagram (ManyChat)" },
        Choice { value: "MESSENGER", label: "Messenger" },
    ],
    notes: &["Mindo's occurred_at carries no time zone: it is read, and written, as UTC."],
    errors: &[
        ErrorRule {
            status: 400,
            code: None,
            kind: ErrorKind::Rejected,
            message: "Mindo refused one of the filters. Check them, then fetch again.",
        },
        ErrorRule {
            status: 401,
            code: None,
            kind: ErrorKind::Unauthorized,
            message: "Mindo did not accept this API key. Check that you pasted the whole key (it starts with mindo_ or mindo_global_), then fetch again.",
        },
        ErrorRule {
            status: 403,
            code: None,
            kind: ErrorKind::Forbidden,
            message: "This Mindo key may not read one of these companies. Use only your company's ID, or a global key (mindo_global_…).",
        },
    ],
    transcript_note: None,
    date_range: Some(DateRange { from: "from", to: "to", to_inclusive: false }),
};

pub struct Mindo;

impl Connector for Mindo {
    fn spec(&self) -> &'static VendorSpec {
        &SPEC
    }

    fn map(&self, raw: Box<RawValue>, at: RecordAt<'_>, context: &mut MapContext<'_>) -> Update {
        map_row(raw, &at, context.warnings)
    }
}

fn map_row(raw: Box<RawValue>, place: &dyn fmt::Display, warnings: &mut Vec<Warning>) -> Update {
    let object = object_of(&raw, place, warnings);
    let mut fields = Fields::new(object, place, warnings);
    let id = fields.string("message_id").unwrap_or_default();
    if !id.is_empty() {
        fields.set_record(&id);
    }
    let conversation_id = fields
        .string("conversation_id")
        .unwrap_or_else(|| format!("missing-conversation ({place})"));
    let sent_at = fields.time("occurred_at");
    let channel = fields.string("channel");
    let direction = fields.string("direction");
    let (author_type, author_id, author_name) = fields
        .object("author")
        .map(|author| {
            fields.nested(author, "author", |f| {
                (f.string("type"), f.string("id"), f.string("display_name"))
            })
        })
        .unwrap_or_default();
    let mut message = Message {
        id,
        role: match author_type.as_deref() {
            Some("contact") => AuthorRole::Customer,
            Some("agent") => AuthorRole::Assistant,
            Some("operator") => AuthorRole::Operator,
            Some("system") => AuthorRole::System,
            _ => AuthorRole::Unknown,
        },
        vendor_role: author_type.clone(),
        author_id: author_id.clone(),
        author_name,
        sent_at,
        channel: channel.clone(),
        direction,
        ..Default::default()
    };
    if let Some(content) = fields.object("content") {
        fields.nested(content, "content", |f| {
            message.kind = f.string("type");
            message.text = f.string("text").unwrap_or_default();
            let url = f.string("media_url");
            let mime = f.string("media_mime");
            if url.is_some() || mime.is_some() {
                message.attachments.push(Attachment {
                    url,
                    mime_type: mime,
                    kind: message.kind.clone(),
                    ..Default::default()
                });
            }
        });
    }
    message.classifications = fields.each("classifications", |f, _| Classification {
        label: f.string("label").unwrap_or_default(),
        value: f.string("value"),
    });
    let tool_calls: Vec<ToolCall> = fields.each("tool_calls", |f, _| ToolCall {
        message_id: Some(message.id.clone()),
        name: f.string("name").unwrap_or_default(),
        arguments: f.take("arguments").or_else(|| f.take("args")),
        result: f.take("result"),
        at: sent_at,
        extras: f.take_extras(),
    });
    // What the message says about its conversation: company, channel, contact and time.
    let mut shell = Conversation {
        id: conversation_id,
        vendor: VendorId::Mindo,
        channel,
        started_at: sent_at,
        last_message_at: sent_at,
        tool_calls,
        contact: (author_type.as_deref() == Some("contact")).then(|| Contact {
            id: author_id,
            ..Default::default()
        }),
        ..Default::default()
    };
    if let Some(metadata) = fields.raw("metadata") {
        if let Some(object) = RawObject::of(metadata) {
            for key in ["company_id", "client_id"] {
                if let Some(value) = object.get(key).filter(|v| v.get() != "null") {
                    shell.extras.insert_raw(key.to_string(), kept(value));
                }
            }
        }
        message
            .extras
            .insert_raw("metadata".to_string(), kept(metadata));
    }
    // `agent`, `context`, `extractions` and `trace_id` stay with the message, whole.
    message.extras.extend(fields.into_extras());
    message.raw = Some(raw);
    Update::Loose {
        shell: Box::new(shell),
        message: Box::new(message),
    }
}
