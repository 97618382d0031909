//! Demo mode: the simulator runs inside the page, so the demo goes through the same connector,
//! engine and exporters as a real export, with no key and no network.

use std::cell::OnceCell;
use std::rc::Rc;

use chrono::{DurationRound, TimeDelta, TimeZone, Utc};
use sim::{World, WorldConfig};

use crate::engine::clock::BrowserClock;
use crate::secret::ApiKey;
use crate::transport::sim::SimTransport;
use crate::vendors::VendorId;

/// The pretend host demo requests are addressed to; they never leave the page.
pub const ORIGIN: &str = "https://demo.invalid";

/// Enough data to page through, small enough to generate in a blink.
const DEMO_CONVERSATIONS: usize = 400;

/// Filters a demo needs to run at all, suggested when the user picks Demo data and leaves them
/// empty: each required filter's demo value, and for a required date range the last 60 days.
pub fn suggested_filters(vendor: VendorId) -> Vec<(&'static str, String)> {
    let spec = vendor.spec();
    let mut filters: Vec<(&'static str, String)> = spec
        .filters
        .iter()
        .filter(|filter| filter.required && !filter.demo.is_empty())
        .map(|filter| (filter.name, filter.demo.to_string()))
        .collect();
    if let Some(range) = spec.date_range {
        let required = |name| spec.filter(name).is_some_and(|filter| filter.required);
        if required(range.from) || required(range.to) {
            let today = Utc
                .timestamp_millis_opt(js_sys::Date::now() as i64)
                .single()
                .unwrap_or_default()
                .date_naive();
            filters.push((range.from, (today - chrono::Days::new(60)).to_string()));
            filters.push((range.to, (today + chrono::Days::new(1)).to_string()));
        }
    }
    filters
}

/// A little latency, so the demo shows progress as a real export would.
const DEMO_LATENCY_MS: f64 = 60.0;

thread_local! {
    static WORLD: OnceCell<Rc<World>> = const { OnceCell::new() };
}

fn world() -> Rc<World> {
    WORLD.with(|cell| {
        cell.get_or_init(|| {
            // Recent data, so "last 7 days" finds something.
            let now = Utc
                .timestamp_millis_opt(js_sys::Date::now() as i64)
                .single()
                .unwrap_or_default();
            let anchor = now.duration_trunc(TimeDelta::hours(1)).unwrap_or(now);
            Rc::new(World::generate(&WorldConfig {
                seed: 7,
                conversations: DEMO_CONVERSATIONS,
                anchor,
                ..WorldConfig::default()
            }))
        })
        .clone()
    })
}

pub fn transport() -> SimTransport<BrowserClock> {
    let mut transport = SimTransport::new(world(), BrowserClock);
    transport.latency_ms = DEMO_LATENCY_MS;
    transport
}

/// The key the simulator accepts for this vendor.
pub fn key(vendor: VendorId) -> ApiKey {
    ApiKey::new(sim::valid_key(vendor.slug()).unwrap_or_default())
}
