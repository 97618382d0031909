//! The vendors: what each offers, as data, and the little code that really differs.
//!
//! Everything a form, a URL or a request needs to know about a vendor sits in its `VendorSpec`
//! row. Each vendor's module holds only what cannot be data: how to read its pages and how to
//! map its records into the unified model. Adding a vendor means one module and one row.

pub mod fields;
pub mod humind;

use std::collections::BTreeMap;

use serde_json::value::RawValue;

use crate::error::{ErrorRule, FetchError};
use crate::http::{Request, ResponseHead};
use crate::model::{Conversation, Message, Warning};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum VendorId {
    Humind,
}

impl VendorId {
    pub const ALL: &'static [VendorId] = &[VendorId::Humind];

    pub fn spec(self) -> &'static VendorSpec {
        match self {
            VendorId::Humind => &humind::SPEC,
        }
    }

    pub fn from_slug(slug: &str) -> Option<VendorId> {
        Self::ALL
            .iter()
            .copied()
            .find(|vendor| vendor.spec().slug == slug)
    }

    /// The first requests of an export. The query must have passed `validate`.
    pub fn plan(self, query: &ExportQuery) -> Vec<Task> {
        match self {
            VendorId::Humind => humind::plan(query),
        }
    }

    /// Reads a successful response body into records and the requests that follow.
    pub fn read_page(
        self,
        task: &Task,
        head: &ResponseHead,
        body: &[u8],
    ) -> Result<Page, FetchError> {
        match self {
            VendorId::Humind => humind::read_page(task, head, body),
        }
    }

    /// The request for one conversation with its whole transcript, where the vendor has one.
    pub fn conversation_request(self, query: &ExportQuery, id: &str) -> Option<Request> {
        match self {
            VendorId::Humind => Some(humind::conversation_request(
                &query.base_url,
                id,
                query.toggle("include_contact"),
            )),
        }
    }

    /// Reads the answer to `conversation_request`.
    pub fn read_conversation(
        self,
        body: &[u8],
        warnings: &mut Vec<Warning>,
    ) -> Result<Conversation, FetchError> {
        match self {
            VendorId::Humind => humind::read_conversation(body, warnings),
        }
    }

    /// The base URL of this vendor on a simulator at `origin`: the simulator serves each vendor
    /// under its slug, followed by the path of the vendor's documented base URL.
    pub fn simulator_base_url(self, origin: &str) -> String {
        let spec = self.spec();
        let path = spec
            .default_base_url
            .and_then(|url| url.split_once("://"))
            .and_then(|(_, rest)| rest.find('/').map(|at| &rest[at..]))
            .unwrap_or("");
        format!(
            "{}/{}{}",
            origin.trim_end_matches('/'),
            spec.slug,
            path.trim_end_matches('/')
        )
    }

    /// Maps a page's raw records into the model.
    pub fn map(
        self,
        task: &Task,
        records: Vec<Box<RawValue>>,
        warnings: &mut Vec<Warning>,
    ) -> Vec<Update> {
        match self {
            VendorId::Humind => humind::map(task, records, warnings),
        }
    }
}

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

#[derive(Debug)]
pub struct VendorSpec {
    pub id: VendorId,
    /// In URLs and file names.
    pub slug: &'static str,
    pub name: &'static str,
    /// The documented base URL; `None` when the docs name no host and the user must give it.
    pub default_base_url: Option<&'static str>,
    /// The path that follows the base URL in the simulator, which serves every vendor from one host.
    pub auth: Auth,
    /// Documented key prefixes, to spot a key pasted for the wrong vendor.
    pub key_prefixes: &'static [&'static str],
    pub key_placeholder: &'static str,
    pub filters: &'static [FilterSpec],
    pub page_size: u32,
    pub pagination: Pagination,
    pub errors: &'static [ErrorRule],
    /// What the export's unit is called in progress text.
    pub records_label: &'static str,
}

#[derive(Debug)]
pub struct FilterSpec {
    /// The name in the page URL, usually the vendor's parameter name.
    pub name: &'static str,
    pub label: &'static str,
    pub help: &'static str,
    pub kind: FilterKind,
    pub required: bool,
}

#[derive(Debug)]
pub enum FilterKind {
    /// A date (`2026-05-01`, midnight UTC) or an RFC 3339 date-time.
    Instant,
    /// One of a fixed set; the first choice is the default.
    Choice(&'static [Choice]),
    Text,
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

    /// A filter's value, trimmed; empty when unset.
    pub fn filter(&self, name: &str) -> &str {
        self.filters.get(name).map(|v| v.trim()).unwrap_or("")
    }

    pub fn toggle(&self, name: &str) -> bool {
        matches!(self.filter(name), "1" | "true" | "on" | "yes")
    }
}

/// One request of an export, with what the engine needs to place its records.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Task {
    pub request: Request,
    /// For people: "page 3 of conversations".
    pub label: String,
    pub step: Step,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// A page of the main list; `window` numbers date windows for vendors that need them.
    List {
        window: u32,
        page: u32,
        params: Vec<(String, String)>,
    },
}

impl Step {
    /// Where this step's records sort among all records: by window, then page.
    pub fn order(&self) -> (u32, u32) {
        match self {
            Step::List { window, page, .. } => (*window, *page),
        }
    }
}

/// A page read but not yet mapped: cheap to produce, so the next request can leave first.
#[derive(Debug)]
pub struct Page {
    pub records: Vec<Box<RawValue>>,
    pub next: Vec<Task>,
    /// The total the vendor reports, when it does.
    pub total: Option<u64>,
}

/// A change to the export's data set.
#[derive(Debug)]
pub enum Update {
    Conversation(Box<Conversation>),
    /// Messages of a conversation already seen, starting at `offset`.
    Messages {
        conversation_id: String,
        offset: u64,
        messages: Vec<Message>,
    },
}

/// A problem with one form field, shown next to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

impl FieldError {
    pub fn new(field: &str, message: impl Into<String>) -> Self {
        FieldError {
            field: field.to_string(),
            message: message.into(),
        }
    }
}

/// Checks a query before anything is sent. The key is checked by the form, which holds it.
pub fn validate(query: &ExportQuery) -> Vec<FieldError> {
    let spec = query.vendor.spec();
    let mut errors = Vec::new();
    if let Err(message) = validate_base_url(&query.base_url) {
        errors.push(FieldError::new("base_url", message));
    }
    for filter in spec.filters {
        let value = query.filter(filter.name);
        if value.is_empty() {
            if filter.required {
                errors.push(FieldError::new(
                    filter.name,
                    format!("{} is required.", filter.label),
                ));
            }
            continue;
        }
        match &filter.kind {
            FilterKind::Instant => {
                if fields::parse_timestamp(value).is_none() || !looks_like_instant(value) {
                    errors.push(FieldError::new(
                        filter.name,
                        "Use a date like 2026-05-01 or a date and time like 2026-05-01T09:30:00Z.",
                    ));
                }
            }
            FilterKind::Choice(choices) => {
                if !choices.iter().any(|choice| choice.value == value) {
                    let allowed: Vec<&str> = choices.iter().map(|c| c.label).collect();
                    errors.push(FieldError::new(
                        filter.name,
                        format!("Choose one of: {}.", allowed.join(", ")),
                    ));
                }
            }
            FilterKind::Text | FilterKind::Toggle { .. } => {}
        }
    }
    match query.vendor {
        VendorId::Humind => errors.extend(humind::validate(query)),
    }
    errors
}

/// Only the shapes vendors document: a bare date, or a date-time with `Z` or an offset.
fn looks_like_instant(value: &str) -> bool {
    value.len() == 10 || value.ends_with('Z') || value.ends_with('z') || {
        let tail = &value[value.len().saturating_sub(6)..];
        tail.starts_with('+') || tail.starts_with('-')
    }
}

/// Checks that `text` is an absolute http(s) URL with a host and nothing a base URL cannot have.
pub fn validate_base_url(text: &str) -> Result<(), String> {
    let text = text.trim();
    if text.is_empty() {
        return Err("Enter the vendor's API address, starting with https://.".into());
    }
    let Some(rest) = text
        .strip_prefix("https://")
        .or_else(|| text.strip_prefix("http://"))
    else {
        return Err("The address must start with https:// (or http:// for a local relay).".into());
    };
    let host = rest.split('/').next().unwrap_or("");
    if host.is_empty() || host.starts_with(':') {
        return Err("The address needs a host name, like https://api.example.com.".into());
    }
    if text.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err("The address cannot contain spaces.".into());
    }
    if host.contains('@') {
        return Err("Do not put a user name or password in the address; paste the key in the API key field.".into());
    }
    if text.contains('?') || text.contains('#') {
        return Err("The address cannot contain ? or #: give only the base, like https://api.example.com/v1.".into());
    }
    let (name, port) = match host.rsplit_once(':') {
        Some((name, port)) if !name.ends_with(']') || host.starts_with('[') => (name, Some(port)),
        _ => (host, None),
    };
    if let Some(port) = port {
        if port.parse::<u16>().is_err() {
            return Err("The port after the host name must be a number.".into());
        }
    }
    let valid_host = name.starts_with('[')
        || name.split('.').all(|label| {
            !label.is_empty() && label.chars().all(|c| c.is_alphanumeric() || c == '-')
        });
    if !valid_host {
        return Err("The host name is not valid.".into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_urls() {
        for good in [
            "https://api.thehumind.com/public/v1",
            "http://127.0.0.1:8787/humind/public/v1",
            "https://relay.example.com/",
            "http://localhost:3000",
        ] {
            assert_eq!(validate_base_url(good), Ok(()), "{good}");
        }
        for bad in [
            "",
            "api.thehumind.com",
            "ftp://x.example",
            "https://",
            "https://exa mple.com",
            "https://user:pw@example.com",
            "https://example.com/v1?key=1",
            "https://example.com:port/",
            "https://exa..mple.com",
        ] {
            assert!(validate_base_url(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn simulator_base_urls_keep_the_vendor_path() {
        assert_eq!(
            VendorId::Humind.simulator_base_url("http://127.0.0.1:8787/"),
            "http://127.0.0.1:8787/humind/public/v1"
        );
    }

    #[test]
    fn slugs_round_trip() {
        for vendor in VendorId::ALL {
            assert_eq!(VendorId::from_slug(vendor.spec().slug), Some(*vendor));
            assert_eq!(vendor.spec().id, *vendor);
        }
        assert_eq!(VendorId::from_slug("nope"), None);
    }

    #[test]
    fn instants_are_checked_before_sending() {
        let mut query = ExportQuery::new(VendorId::Humind);
        query
            .filters
            .insert("created_after".into(), "2026-02-30".into());
        query
            .filters
            .insert("updated_after".into(), "2026-05-01T09:30:00".into());
        let errors = validate(&query);
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, vec!["created_after", "updated_after"]);
        query
            .filters
            .insert("created_after".into(), "2026-02-28".into());
        query
            .filters
            .insert("updated_after".into(), "2026-05-01T09:30:00+02:00".into());
        assert!(validate(&query).is_empty());
    }
}
