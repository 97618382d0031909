//! The CORS relay: a small server a team's admin runs between the Conversation Export app and
//! vendor APIs that do not answer CORS. It forwards GET requests to an allow-list of upstreams,
//! for the app's origins only, streams the answers back, and never logs or keeps a key.
//!
//! `main.rs` reads flags and starts it; tests start it in-process with [`server::start`] and a
//! [`log::MemoryLog`].

pub mod config;
pub mod cors;
pub mod error;
pub mod forward;
pub mod handler;
pub mod limits;
pub mod log;
pub mod metered_body;
pub mod server;
pub mod ssrf;
pub mod upstream;
