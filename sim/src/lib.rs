//! The vendor simulator: each vendor's documented API over deterministic synthetic data.
//!
//! `respond` is a pure function from a request to a response. The axum server in `sim-server`
//! wraps it for end-to-end tests and benchmarks; the app's Demo mode calls it inside the browser,
//! so the demo exercises the same connector, engine and exporters as a real export.

pub mod common;
pub mod cursor;
pub mod faults;
pub mod http;
pub mod huechat;
pub mod humind;
pub mod later;
pub mod mindo;
pub mod rng;
pub mod talktohumans;
pub mod text;
pub mod voice_widget;

use std::sync::OnceLock;

use chrono::{DateTime, TimeZone, Utc};
use serde_json::Value;

pub use http::{SimRequest, SimResponse};
pub use later::{Day, Later};

/// Splits a full URL such as `http://host:8787/humind/public/v1/conversations?x=1` into the
/// vendor (`humind`) and the vendor's own path and query (`/public/v1/conversations?x=1`).
pub fn route(url: &str) -> Option<(&str, &str)> {
    let after_scheme = url.split_once("://").map_or(url, |(_, rest)| rest);
    let path = &after_scheme[after_scheme.find('/')?..];
    let rest = &path[1..];
    let end = rest.find(['/', '?']).unwrap_or(rest.len());
    Some((&rest[..end], &rest[end..]))
}

/// The vendors the simulator answers for, by the first segment of the path.
pub const VENDORS: &[&str] = &["humind", "talktohumans", "huechat", "voice-widget", "mindo"];

/// A key the simulated vendor accepts (every scope, every company): what Demo mode sends.
pub fn valid_key(vendor: &str) -> Option<&'static str> {
    match vendor {
        "humind" => Some(humind::VALID_KEY),
        "talktohumans" => Some(talktohumans::VALID_KEY),
        "huechat" => Some(huechat::VALID_KEY),
        "voice-widget" => Some(voice_widget::VALID_KEY),
        "mindo" => Some(mindo::GLOBAL_KEY),
        _ => None,
    }
}

/// What data to generate.
#[derive(Debug, Clone)]
pub struct WorldConfig {
    pub seed: u64,
    /// Conversations per vendor.
    pub conversations: usize,
    /// The newest data is just before this instant.
    pub anchor: DateTime<Utc>,
    /// HueChat: a new conversation arrives every this many requests, when set.
    pub huechat_arrivals_every: Option<usize>,
    /// Per-vendor overrides of `conversations`, by slug (benchmarks size each vendor apart).
    pub counts: Vec<(String, usize)>,
    /// When set, the same world a day later: some conversations gained messages and some are
    /// new, all within each vendor's `Day` (after everything its original data holds);
    /// everything else is exactly as without it.
    pub later: Option<Later>,
}

impl WorldConfig {
    /// Conversations to generate for `vendor`.
    pub fn count(&self, vendor: &str) -> usize {
        self.counts
            .iter()
            .find(|(slug, _)| slug == vendor)
            .map_or(self.conversations, |(_, count)| *count)
    }
}

impl Default for WorldConfig {
    fn default() -> Self {
        WorldConfig {
            seed: 42,
            conversations: 250,
            anchor: Utc.with_ymd_and_hms(2026, 6, 30, 0, 0, 0).unwrap(),
            huechat_arrivals_every: None,
            counts: Vec::new(),
            later: None,
        }
    }
}

/// Every vendor's data, each generated the first time it is needed (a Demo of one vendor, or a
/// test of one connector, does not pay for the other four).
#[derive(Debug)]
pub struct World {
    config: WorldConfig,
    humind: OnceLock<humind::Dataset>,
    talktohumans: OnceLock<talktohumans::Dataset>,
    huechat: OnceLock<huechat::Dataset>,
    voice_widget: OnceLock<voice_widget::Dataset>,
    mindo: OnceLock<mindo::Dataset>,
}

impl World {
    pub fn generate(config: &WorldConfig) -> Self {
        World {
            config: config.clone(),
            humind: OnceLock::new(),
            talktohumans: OnceLock::new(),
            huechat: OnceLock::new(),
            voice_widget: OnceLock::new(),
            mindo: OnceLock::new(),
        }
    }

    /// What this world was generated from.
    pub fn config(&self) -> &WorldConfig {
        &self.config
    }

    pub fn humind(&self) -> &humind::Dataset {
        let c = &self.config;
        self.humind
            .get_or_init(|| humind::Dataset::generate(c.seed, c.count("humind"), c.anchor, c.later))
    }

    pub fn talktohumans(&self) -> &talktohumans::Dataset {
        let c = &self.config;
        self.talktohumans.get_or_init(|| {
            talktohumans::Dataset::generate(c.seed, c.count("talktohumans"), c.anchor, c.later)
        })
    }

    pub fn huechat(&self) -> &huechat::Dataset {
        let c = &self.config;
        self.huechat.get_or_init(|| {
            let data = huechat::Dataset::generate(c.seed, c.count("huechat"), c.anchor, c.later);
            data.set_arrivals_every(c.huechat_arrivals_every);
            data
        })
    }

    pub fn voice_widget(&self) -> &voice_widget::Dataset {
        let c = &self.config;
        self.voice_widget.get_or_init(|| {
            voice_widget::Dataset::generate(c.seed, c.count("voice-widget"), c.anchor, c.later)
        })
    }

    pub fn mindo(&self) -> &mindo::Dataset {
        let c = &self.config;
        self.mindo
            .get_or_init(|| mindo::Dataset::generate(c.seed, c.count("mindo"), c.anchor, c.later))
    }

    /// The later world's day of `vendor` (`None` in the original world, or for an unknown
    /// vendor): after everything its original data holds, and every change at or before its
    /// horizon.
    pub fn later_day(&self, vendor: &str) -> Option<Day> {
        match vendor {
            "humind" => self.humind().later_day,
            "talktohumans" => self.talktohumans().later_day,
            "huechat" => self.huechat().later_day,
            "voice-widget" => self.voice_widget().later_day,
            "mindo" => self.mindo().later_day,
            _ => None,
        }
    }

    /// Answers a request addressed to `vendor` (e.g. `humind`); `request.path` is the vendor's own path.
    pub fn respond(&self, vendor: &str, request: &SimRequest) -> SimResponse {
        match vendor {
            "humind" => humind::respond(self.humind(), request),
            "talktohumans" => talktohumans::respond(self.talktohumans(), request),
            "huechat" => huechat::respond(self.huechat(), request),
            "voice-widget" => voice_widget::respond(self.voice_widget(), request),
            "mindo" => mindo::respond(self.mindo(), request),
            _ => SimResponse::json(
                404,
                &serde_json::json!({ "error": { "code": "not_found", "message": "Unknown vendor." } }),
            ),
        }
    }

    /// Answers a full URL, routing on the vendor segment of its path.
    pub fn respond_to_url(
        &self,
        url: &str,
        headers: &[(String, String)],
        sequence: usize,
    ) -> SimResponse {
        let Some((vendor, path_and_query)) = route(url) else {
            return SimResponse::json(
                404,
                &serde_json::json!({ "error": { "code": "not_found" } }),
            );
        };
        let mut request = SimRequest::get(path_and_query).with_sequence(sequence);
        for (name, value) in headers {
            request = request.with_header(name, value);
        }
        self.respond(vendor, &request)
    }

    /// The whole dataset of a vendor, as the vendor would return it with every opt-in: the
    /// ground truth end-to-end tests compare exports against. `sequence` matters only where data
    /// changes over time (HueChat's arrivals): the data as the request so numbered would see it.
    pub fn dataset_json(&self, vendor: &str, sequence: usize) -> Option<Value> {
        match vendor {
            "humind" => Some(self.humind().to_full_json()),
            "talktohumans" => Some(self.talktohumans().to_full_json()),
            "huechat" => Some(self.huechat().to_full_json(sequence)),
            "voice-widget" => Some(self.voice_widget().to_full_json()),
            "mindo" => Some(self.mindo().to_full_json()),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes_full_urls() {
        assert_eq!(
            route("http://127.0.0.1:8787/humind/public/v1/conversations?limit=1"),
            Some(("humind", "/public/v1/conversations?limit=1"))
        );
        assert_eq!(route("https://demo.invalid/mindo?x"), Some(("mindo", "?x")));
        assert_eq!(route("no-path"), None);
    }
}
