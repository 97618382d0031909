//! The vendors: what each offers, as data, and the little code that really differs.
//!
//! Everything a form, a URL, a request or a page needs to know about a vendor sits in its
//! `VendorSpec` row: filters, auth, how its lists page and where their records are. The engine
//! reads those values (`plan`, `paging`). Each vendor's module holds its row and implements
//! `Connector` for what cannot be data: mapping its records into the unified model. Adding a
//! vendor means one module, one `VendorId` variant and one arm in `VendorId::connector`; the
//! compiler names every other place (see `docs/adding-a-vendor.md`).

pub mod changes;
pub mod fields;
pub mod huechat;
pub mod humind;
pub mod mindo;
pub mod paging;
pub mod plan;
pub mod raw_object;
pub mod spec;
pub mod talktohumans;
pub mod task;
pub mod validate;
pub mod voice_widget;

use std::fmt;

use serde_json::value::RawValue;

use raw_object::RawObject;

use crate::error::Problem;
use crate::http::Request;
use crate::model::{Conversation, Warning};
pub use paging::Line;
pub use plan::{plan, windows};
pub use spec::{
    Auth, BodyFormat, Choice, DateRange, ExportQuery, FilterKind, FilterSpec, ListSpec, Paginator,
    VendorSpec,
};
pub use task::{Call, MapContext, Page, Position, RecordAt, Step, Task, Update, Window};
pub use validate::{validate, validate_base_url, FieldError};

/// The vendors, by name. `Default` only lets records be built field by field: every mapper sets
/// its own.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum VendorId {
    #[default]
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

    pub fn slug(self) -> &'static str {
        self.spec().slug
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

impl serde::Serialize for VendorId {
    /// As its slug, in files and manifests.
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.slug())
    }
}

impl<'de> serde::Deserialize<'de> for VendorId {
    /// From its slug.
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let slug = String::deserialize(deserializer)?;
        VendorId::from_slug(&slug)
            .ok_or_else(|| serde::de::Error::custom(format!("unknown vendor \"{slug}\"")))
    }
}

impl std::fmt::Display for VendorId {
    /// Its slug: what files and URLs call it.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.slug())
    }
}

/// What differs between vendors beyond their `VendorSpec`: how a record maps into the model,
/// and the single-conversation endpoints some vendors have.
pub trait Connector: Sync {
    fn spec(&self) -> &'static VendorSpec;

    /// List parameters computed from the query, beyond the filters sent as they are.
    fn extra_params(&self, _query: &ExportQuery) -> Vec<(String, String)> {
        Vec::new()
    }

    /// Maps one record of a page (of the main list, or of a follow-up list) into the model.
    fn map(&self, raw: Box<RawValue>, at: RecordAt<'_>, context: &mut MapContext<'_>) -> Update;

    /// The request for one conversation with its whole transcript, where the vendor has one.
    fn conversation_request(&self, _query: &ExportQuery, _id: &str) -> Option<Request> {
        None
    }

    /// Reads the answer to `conversation_request`.
    fn read_conversation(
        &self,
        _body: &[u8],
        _context: &mut MapContext<'_>,
    ) -> Result<Conversation, Problem> {
        Err(Problem::NoSingleConversation)
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

/// The record as a JSON object, or an empty one with a warning when it is not an object (it is
/// still kept whole in raw.ndjson).
pub fn object_of<'r>(
    raw: &'r RawValue,
    place: &dyn fmt::Display,
    warnings: &mut Vec<Warning>,
) -> RawObject<'r> {
    RawObject::of(raw).unwrap_or_else(|| {
        warnings.push(Warning {
            record: place.to_string(),
            field: String::new(),
            problem: "this record is not a JSON object; it is kept only in raw.ndjson".into(),
        });
        RawObject::default()
    })
}

/// A body that should hold one JSON value.
pub fn json_body(body: &[u8]) -> Result<Box<RawValue>, Problem> {
    serde_json::from_slice(body).map_err(|error| Problem::Malformed {
        detail: format!("The body is not JSON: {error}"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
