//! What a vendor offers, as data: auth, filters, how its lists page and where their records sit,
//! and its documented errors. The engine reads these values; a connector file holds only what
//! cannot be data (mapping a record into the model), as Airbyte's declarative connectors do with
//! their paginators and record selectors.

use std::collections::BTreeMap;

use super::VendorId;
use crate::error::ErrorRule;
use crate::model::Timestamp;

/// How the key travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Auth {
    /// `Authorization: Bearer <key>`.
    Bearer,
    /// The key as the value of a named header, e.g. `X-API-Key`.
    Header(&'static str),
}

impl Auth {
    /// The header carrying `key`, added by the engine just before sending.
    pub fn header(self, key: &str) -> (String, String) {
        match self {
            Auth::Bearer => ("Authorization".into(), format!("Bearer {key}")),
            Auth::Header(name) => (name.into(), key.into()),
        }
    }
}

/// A place in a JSON body, as the keys leading to it: `&["data", "conversations"]`. The empty
/// path is the body itself.
pub type JsonPath = &'static [&'static str];

/// Where a value sits in a body: the first of these paths that holds one. Most vendors document
/// one place; a vendor whose envelope is undocumented gets the likely ones.
#[derive(Debug, Clone, Copy)]
pub struct Selector(pub &'static [JsonPath]);

/// How a body is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyFormat {
    /// One JSON document, parsed once complete; its records are at `records`.
    Json,
    /// One JSON object per line, read line by line as the body streams in.
    Ndjson,
}

/// How a list goes from one page to the next.
#[derive(Debug, Clone, Copy)]
pub enum Paginator {
    /// An opaque cursor in the body, sent back as `param`. When `has_more` is given and false,
    /// the list ends whatever the cursor says; when it is true, a cursor must be there.
    Cursor {
        param: &'static str,
        next: Selector,
        has_more: Option<Selector>,
    },
    /// `param` counts records from the start; the next page starts a page size later while
    /// `has_more` says so. `total` is the list's size, when the vendor reports it.
    Offset {
        param: &'static str,
        has_more: Selector,
        total: Option<Selector>,
    },
    /// NDJSON whose last line, `{"<flag>": true, "<next>": "..."}`, announces another page,
    /// fetched with that cursor as `param`. A line with `error` is the vendor's error mid-stream.
    Sentinel {
        param: &'static str,
        flag: &'static str,
        next: &'static str,
        error: &'static str,
    },
}

/// The parameter that asks for a page size, and the size the app asks for (the documented
/// maximum: the fewest requests).
#[derive(Debug, Clone, Copy)]
pub struct PageSize {
    pub param: &'static str,
    pub size: u32,
}

/// A range longer than the vendor accepts, cut into consecutive windows (`to` exclusive: no
/// gap, no overlap) fetched side by side.
#[derive(Debug, Clone, Copy)]
pub struct Windows {
    /// The filters holding the range; each window sends its own values under these names.
    pub from: &'static str,
    pub to: &'static str,
    pub max_days: i64,
}

/// One list endpoint and how to read it.
#[derive(Debug, Clone, Copy)]
pub struct ListSpec {
    /// After the base URL. `{id}` stands for the conversation of a follow-up list.
    pub path: &'static str,
    pub body: BodyFormat,
    /// Where the records are, for JSON bodies.
    pub records: Selector,
    pub page_size: PageSize,
    pub paginator: Paginator,
}

/// A list fetched for each record of the main list (HueChat's messages of each conversation).
#[derive(Debug, Clone, Copy)]
pub struct FollowUpSpec {
    pub list: ListSpec,
    /// The field of a main-list record that names it in `list.path`.
    pub id_field: &'static str,
}

#[derive(Debug)]
pub struct VendorSpec {
    pub id: VendorId,
    /// In URLs and file names.
    pub slug: &'static str,
    pub name: &'static str,
    /// The documented base URL; `None` when the docs name no host and the user must give it.
    pub default_base_url: Option<&'static str>,
    pub auth: Auth,
    /// Documented key prefixes, to spot a key pasted for the wrong vendor.
    pub key_prefixes: &'static [&'static str],
    pub key_placeholder: &'static str,
    pub filters: &'static [FilterSpec],
    /// Parameters every list request carries beyond the filters (a connector may add computed
    /// ones with `Connector::extra_params`).
    pub fixed_params: &'static [(&'static str, &'static str)],
    /// The main list: conversations, or (Mindo) messages.
    pub list: ListSpec,
    pub follow_up: Option<FollowUpSpec>,
    /// A date range the vendor accepts only so long, cut into windows.
    pub windows: Option<Windows>,
    /// How to fetch only what changed since the last export.
    pub changes: Changes,
    /// The order of the main list: where conversations an export of only what changed brought
    /// back go among those kept.
    pub order: Order,
    pub errors: &'static [ErrorRule],
    /// Said plainly in the transcript view when the vendor's API has no full transcript.
    pub transcript_note: Option<&'static str>,
    /// The two date filters that bound the export, for the presets (today, last 7 days...).
    pub date_range: Option<DateRange>,
    /// Whether the main list's records are conversations or messages (Mindo): the unit of the
    /// progress rate.
    pub holds: Holds,
    /// The title of the summary chart of `Conversation::status`: what the vendor's status means.
    pub status_title: &'static str,
    /// People's words for the vendor's status and channel codes, shown on screen (files keep
    /// the codes: they are what people join on). A code not listed is shown humanised.
    pub status_words: &'static [Choice],
    pub channel_words: &'static [Choice],
    /// Facts about this vendor's data worth a line in the zip's manifest.
    pub notes: &'static [&'static str],
}

impl VendorSpec {
    /// Whether requests can run side by side (follow-ups per conversation, date windows), so
    /// the form offers a concurrency setting.
    pub fn parallel_requests(&self) -> bool {
        self.follow_up.is_some() || self.windows.is_some()
    }

    pub fn filter(&self, name: &str) -> Option<&'static FilterSpec> {
        self.filters.iter().find(|filter| filter.name == name)
    }
}

/// The time a change shows in: a record field as the vendor sends it, and the same time in the
/// unified model (where the next mark is read from as records are kept).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChangeField {
    pub record: &'static str,
    pub kept: Stamp,
}

/// The order of a vendor's main list, by a time every conversation keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ListOrder {
    pub by: OrderBy,
    pub newest_first: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrderBy {
    Started,
    LastMessage,
}

/// The order of a vendor's main list: fixed, or chosen with a filter (the first choice when the
/// filter is not set).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Order {
    Fixed(ListOrder),
    Chosen {
        filter: &'static str,
        choices: &'static [(&'static str, ListOrder)],
    },
}

impl Order {
    /// The order of the list `query` asks for.
    pub fn of(self, query: &ExportQuery) -> ListOrder {
        match self {
            Order::Fixed(order) => order,
            Order::Chosen { filter, choices } => {
                let chosen = query.filter(filter);
                choices
                    .iter()
                    .find(|(value, _)| *value == chosen)
                    .unwrap_or(&choices[0])
                    .1
            }
        }
    }
}

/// A time of the unified model.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stamp {
    ConversationUpdated,
    ConversationStarted,
    LastMessage,
    MessageSent,
}

/// How a vendor can be asked for only what changed since a moment (the mark): for nightly
/// syncs and "only what changed" exports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Changes {
    /// A filter that takes the mark: Humind's `updated_after`, the voice widget's `since`.
    Filter {
        filter: &'static str,
        field: ChangeField,
    },
    /// A date range that starts at the mark and ends now (Mindo's `from`, `to`, in windows).
    Range { field: ChangeField },
    /// A list sorted by a field, newest first, read until past the mark (HueChat by
    /// `last_message_at:desc`).
    Sorted {
        filter: &'static str,
        value: &'static str,
        field: ChangeField,
    },
    /// No way to ask: the whole list, keeping only records whose field moved past the mark
    /// (TalkToHumans' `last_message_at`).
    WholeList { field: ChangeField },
}

impl Changes {
    /// The field the mark is compared with, and read from.
    pub fn field(self) -> ChangeField {
        match self {
            Changes::Filter { field, .. }
            | Changes::Range { field }
            | Changes::Sorted { field, .. }
            | Changes::WholeList { field } => field,
        }
    }
}

/// What the records of a vendor's main list are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Holds {
    Conversations,
    Messages,
}

#[derive(Debug, Clone, Copy)]
pub struct DateRange {
    pub from: &'static str,
    pub to: &'static str,
    /// Whether the vendor includes the `to` instant itself ("at/before") or stops short of it.
    pub to_inclusive: bool,
}

#[derive(Debug)]
pub struct FilterSpec {
    /// The name in the page URL, and the vendor's parameter name.
    pub name: &'static str,
    pub label: &'static str,
    pub help: &'static str,
    pub kind: FilterKind,
    pub required: bool,
    /// The value when the URL sets none.
    pub default: &'static str,
    /// Whether the value goes to the vendor as a parameter of the same name; a filter that
    /// only shapes other parameters (an opt-in read by the connector) does not.
    pub sent: bool,
    /// What Demo mode fills in when the filter is required and empty.
    pub demo: &'static str,
}

impl FilterSpec {
    pub const fn new(
        name: &'static str,
        label: &'static str,
        help: &'static str,
        kind: FilterKind,
    ) -> Self {
        FilterSpec {
            name,
            label,
            help,
            kind,
            required: false,
            default: "",
            sent: true,
            demo: "",
        }
    }

    pub const fn required(mut self) -> Self {
        self.required = true;
        self
    }

    pub const fn default(mut self, value: &'static str) -> Self {
        self.default = value;
        self
    }

    pub const fn not_sent(mut self) -> Self {
        self.sent = false;
        self
    }

    pub const fn demo(mut self, value: &'static str) -> Self {
        self.demo = value;
        self
    }

    /// The value as the vendor expects it: lists without spaces, "none of these" as nothing.
    pub fn to_param(&self, value: &str) -> String {
        match self.kind {
            FilterKind::Multi(_) if value == "none" => String::new(),
            FilterKind::Numbers | FilterKind::Multi(_) => value.replace(' ', ""),
            _ => value.to_string(),
        }
    }
}

#[derive(Debug)]
pub enum FilterKind {
    /// A date (`2026-05-01`, midnight UTC) or an RFC 3339 date-time.
    Instant,
    /// One of a fixed set.
    Choice(&'static [Choice]),
    /// Any of a fixed set, sent comma-separated; `none` for none of them.
    Multi(&'static [Choice]),
    Text,
    /// Whole numbers separated by commas, like `42,57`.
    Numbers,
    /// Text that must pass a check before sending; the check says what is wrong.
    Checked(fn(&str) -> Result<(), String>),
    /// An opt-in; when on, the form shows `warning` beside it.
    Toggle {
        warning: Option<&'static str>,
    },
}

#[derive(Debug)]
pub struct Choice {
    pub value: &'static str,
    pub label: &'static str,
}

/// What the user asked for: the vendor, where to reach it and the filters, by filter name;
/// and, for an export of only what changed, the mark it changed since.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ExportQuery {
    pub vendor: VendorId,
    pub base_url: String,
    pub filters: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub changed_since: Option<Timestamp>,
}

impl ExportQuery {
    pub fn new(vendor: VendorId) -> Self {
        ExportQuery {
            vendor,
            base_url: vendor
                .spec()
                .default_base_url
                .unwrap_or_default()
                .to_string(),
            filters: BTreeMap::new(),
            changed_since: None,
        }
    }

    /// A filter's value, trimmed; the filter's default when unset.
    pub fn filter(&self, name: &str) -> &str {
        match self.filters.get(name).map(|v| v.trim()) {
            Some(value) => value,
            None => self.vendor.spec().filter(name).map_or("", |f| f.default),
        }
    }

    pub fn toggle(&self, name: &str) -> bool {
        matches!(self.filter(name), "1" | "true" | "on" | "yes")
    }

    pub fn with(mut self, name: &str, value: &str) -> Self {
        self.filters.insert(name.to_string(), value.to_string());
        self
    }
}
