//! An export run: pages through a vendor's API with bounded concurrency, retries with backoff,
//! obeys rate limits, and can be cancelled and resumed without losing or repeating a record.
//!
//! The engine is generic over the `Transport` and the `Clock`, so the host tests drive it against
//! the simulator with a fake clock: no network, no sleeping.
//!
//! One job a file:
//! - `export.rs`: the state that must survive a stop (records, progress, requests still to make);
//! - `run.rs`: the loop that keeps requests in flight and hands pages to storing;
//! - `parts.rs`: storing a page in parts, so a page of thousands leaves the page responsive;
//! - `attempt.rs`: one request until it succeeds or is given up (retries, rate limits, budget);
//! - `body.rs`: reading a body (a JSON page once complete, NDJSON line by line);
//! - `single.rs`: one request outside an export (a transcript's Reload, a vendor's file).

mod attempt;
mod body;
pub mod cancel;
pub mod clock;
mod export;
mod parts;
pub mod progress;
pub mod retry;
mod run;
mod single;

pub use export::Export;
pub use run::run;
pub use single::{fetch_conversation, fetch_document, probe};

use crate::error::FetchError;
use retry::RetryPolicy;

#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Settings {
    /// Requests in flight at once, for vendors whose requests do not depend on each other.
    pub concurrency: usize,
    pub timeout_ms: u64,
    pub retry: RetryPolicy,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            concurrency: 6,
            timeout_ms: 30_000,
            retry: RetryPolicy::default(),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum RunStatus {
    Ready,
    Running,
    Finished,
    Cancelled,
    Failed(FetchError),
}
