//! The vendors: what each offers, as data, and the little code that really differs.
//!
//! Everything a form, a URL or a request needs to know about a vendor sits in its `VendorSpec`
//! row (`spec.rs`). Each vendor's module implements `Connector` for what cannot be data: how to
//! read its pages and map its records into the unified model. Adding a vendor means one module,
//! one `VendorId` variant and one line in `VendorId::connector`.

pub mod fields;
pub mod huechat;
pub mod humind;
pub mod mindo;
pub mod spec;
pub mod talktohumans;
pub mod task;
pub mod voice_widget;

use serde_json::value::RawValue;

use crate::error::{ErrorKind, FetchError};
use crate::http::{Request, ResponseHead};
use crate::model::{Conversation, Warning};
pub use spec::{
    Auth, BodyFormat, Choice, ExportQuery, FilterKind, FilterSpec, Pagination, VendorSpec,
};
pub use task::{Call, Line, MapContext, Page, Step, Task, Update};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum VendorId {
    Humind,
    TalkToHumans,
    HueChat,
    VoiceWidget,
    Mindo,
}

impl VendorId {
    pub const ALL: &'static [VendorId] = &[
        VendorId::Humind,
        VendorId::TalkToHumans,
        VendorId::HueChat,
        VendorId::VoiceWidget,
        VendorId::Mindo,
    ];

    pub fn connector(self) -> &'static dyn Connector {
        match self {
            VendorId::Humind => &humind::Humind,
            VendorId::TalkToHumans => &talktohumans::TalkToHumans,
            VendorId::HueChat => &huechat::HueChat,
            VendorId::VoiceWidget => &voice_widget::VoiceWidget,
            VendorId::Mindo => &mindo::Mindo,
        }
    }

    pub fn spec(self) -> &'static VendorSpec {
        self.connector().spec()
    }

    pub fn from_slug(slug: &str) -> Option<VendorId> {
        Self::ALL
            .iter()
            .copied()
            .find(|vendor| vendor.spec().slug == slug)
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
}

/// What differs between vendors beyond their `VendorSpec`.
pub trait Connector: Sync {
    fn spec(&self) -> &'static VendorSpec;

    /// Checks across filters (a range in the right order...); single fields are checked from the spec.
    fn validate(&self, _query: &ExportQuery) -> Vec<FieldError> {
        Vec::new()
    }

    /// The first requests of an export. The query has passed `validate`.
    fn plan(&self, query: &ExportQuery) -> Vec<Task>;

    /// Labels of the date windows `plan` splits the range into, for vendors that split it.
    fn windows(&self, _query: &ExportQuery) -> Vec<String> {
        Vec::new()
    }

    /// Reads a successful JSON body into raw records and the requests that follow.
    fn read_page(
        &self,
        task: &Task,
        _head: &ResponseHead,
        _body: &[u8],
    ) -> Result<Page, FetchError> {
        Err(malformed(
            self.spec().name,
            &task.label,
            "this vendor sends NDJSON, not JSON",
        ))
    }

    /// Reads one line of an NDJSON body.
    fn read_line(&self, _task: &Task, _line: &str) -> Result<Line, FetchError> {
        Ok(Line::Skip)
    }

    /// The requests that follow an NDJSON page, given its sentinel's cursor.
    fn after_lines(&self, _task: &Task, _next_cursor: Option<String>) -> Vec<Task> {
        Vec::new()
    }

    /// Maps a page's raw records into the model.
    fn map(
        &self,
        task: &Task,
        records: Vec<Box<RawValue>>,
        context: &mut MapContext<'_>,
    ) -> Vec<Update>;

    /// The request for one conversation with its whole transcript, where the vendor has one.
    fn conversation_request(&self, _query: &ExportQuery, _id: &str) -> Option<Request> {
        None
    }

    /// Reads the answer to `conversation_request`.
    fn read_conversation(
        &self,
        _body: &[u8],
        _context: &mut MapContext<'_>,
    ) -> Result<Conversation, FetchError> {
        Err(malformed(
            self.spec().name,
            "one conversation",
            "no single-conversation endpoint",
        ))
    }

    /// The vendor's own transcript file (`format` is one of `transcript_formats`), where it has one.
    fn transcript_request(
        &self,
        _query: &ExportQuery,
        _id: &str,
        _format: &str,
    ) -> Option<Request> {
        None
    }

    fn transcript_formats(&self) -> &'static [&'static str] {
        &[]
    }
}

/// A body that is not what the vendor documents.
pub fn malformed(vendor: &str, what: &str, detail: impl std::fmt::Display) -> FetchError {
    FetchError::new(
        ErrorKind::Malformed,
        format!("{vendor} sent {what} in a form that could not be read. The export stopped here; press Resume to try again."),
        detail.to_string(),
    )
}

/// Parses a JSON body into `T`, or explains what was wrong with it.
pub fn parse_json<'a, T: serde::Deserialize<'a>>(
    vendor: &str,
    task: &Task,
    body: &'a [u8],
    shape: &str,
) -> Result<T, FetchError> {
    serde_json::from_slice(body).map_err(|error| {
        malformed(
            vendor,
            &task.label,
            format!("The body is not the documented {shape}: {error}"),
        )
    })
}

/// Warnings about records that are not JSON objects, and the object when it is one.
pub fn object_of(
    raw: &RawValue,
    place: &str,
    warnings: &mut Vec<Warning>,
) -> serde_json::Map<String, serde_json::Value> {
    match serde_json::from_str::<serde_json::Value>(raw.get()) {
        Ok(serde_json::Value::Object(object)) => object,
        _ => {
            warnings.push(Warning {
                record: place.to_string(),
                field: String::new(),
                problem: "this record is not a JSON object; it is kept only in raw.ndjson".into(),
            });
            serde_json::Map::new()
        }
    }
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
        let problem = match &filter.kind {
            FilterKind::Instant => (fields::parse_timestamp(value).is_none()
                || !looks_like_instant(value))
            .then(|| {
                "Use a date like 2026-05-01 or a date and time like 2026-05-01T09:30:00Z."
                    .to_string()
            }),
            FilterKind::Choice(choices) => (!choices.iter().any(|choice| choice.value == value))
                .then(|| {
                    let allowed: Vec<&str> = choices.iter().map(|c| c.label).collect();
                    format!("Choose one of: {}.", allowed.join(", "))
                }),
            FilterKind::Multi(choices) => value
                .split(',')
                .map(str::trim)
                .find(|part| {
                    !part.is_empty() && *part != "none" && !choices.iter().any(|c| c.value == *part)
                })
                .map(|part| format!("\"{part}\" is not one of the options.")),
            FilterKind::Checked(check) => check(value).err(),
            FilterKind::Text | FilterKind::Toggle { .. } => None,
        };
        if let Some(message) = problem {
            errors.push(FieldError::new(filter.name, message));
        }
    }
    // Cross-field checks only make sense once each field is readable.
    if errors.iter().all(|e| e.field == "base_url") {
        errors.extend(query.vendor.connector().validate(query));
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
