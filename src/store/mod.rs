//! Where an export's records are kept: each conversation and each message once, in the
//! vendor's order, whatever order the pages arrived in and however often a page was fetched.
//!
//! - `ordered.rs`: the order and the deduplication, whatever is kept;
//! - `seen.rs`: the messages each conversation was given, each once;
//! - `keep.rs`: what is kept: a whole `Conversation`, or
//! - `summary.rs`: a `Summary` that points at its records in the journal;
//! - `located.rs`: where a conversation's records are, as read-back needs it;
//! - `readback.rs`: whole conversations read back from the journal where summaries point.

#[cfg(target_arch = "wasm32")]
pub mod browser;
mod contents;
mod keep;
mod located;
mod ordered;
pub mod readback;
mod seen;
mod summary;

pub use contents::Contents;
pub use keep::{Keep, RecordRef};
pub use located::{Located, Locations};
pub use ordered::{OrderKey, Store};
pub use summary::{MessageRef, Summary};
