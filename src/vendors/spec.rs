//! What a vendor offers, as data: auth, filters, page size, pagination, documented errors.

use std::collections::BTreeMap;

use super::VendorId;
use crate::error::ErrorRule;

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

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pagination {
    /// An opaque cursor in the body, passed back as a parameter.
    Cursor,
    /// `limit` and `offset`, with a total.
    Offset,
    /// NDJSON with a final `{"_truncated": true, "next_cursor": ...}` line.
    NdjsonSentinel,
}

/// How response bodies are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyFormat {
    /// One JSON document, parsed once complete.
    Json,
    /// One JSON object per line, parsed line by line as the body streams in.
    Ndjson,
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
    /// Records per request the app asks for: the documented maximum.
    pub page_size: u32,
    pub pagination: Pagination,
    pub body: BodyFormat,
    /// Whether requests can run in parallel (follow-ups per conversation, date windows), so the
    /// form offers a concurrency setting.
    pub parallel_requests: bool,
    pub errors: &'static [ErrorRule],
    /// Said plainly in the transcript view when the vendor's API has no full transcript.
    pub transcript_note: Option<&'static str>,
    /// The two date filters that bound the export, for the presets (today, last 7 days...).
    pub date_range: Option<DateRange>,
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
    /// The name in the page URL, usually the vendor's parameter name.
    pub name: &'static str,
    pub label: &'static str,
    pub help: &'static str,
    pub kind: FilterKind,
    pub required: bool,
    /// The value when the URL sets none.
    pub default: &'static str,
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
}

#[derive(Debug)]
pub enum FilterKind {
    /// A date (`2026-05-01`, midnight UTC) or an RFC 3339 date-time.
    Instant,
    /// One of a fixed set.
    Choice(&'static [Choice]),
    /// Any of a fixed set, sent comma-separated.
    Multi(&'static [Choice]),
    Text,
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

/// What the user asked for: the vendor, where to reach it and the filters, by filter name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportQuery {
    pub vendor: VendorId,
    pub base_url: String,
    pub filters: BTreeMap<String, String>,
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
        }
    }

    /// A filter's value, trimmed; the filter's default when unset.
    pub fn filter(&self, name: &str) -> &str {
        match self.filters.get(name).map(|v| v.trim()) {
            Some(value) => value,
            None => self
                .vendor
                .spec()
                .filters
                .iter()
                .find(|f| f.name == name)
                .map_or("", |f| f.default),
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
