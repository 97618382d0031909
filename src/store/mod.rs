//! Where an export's records are kept: each conversation and each message once, in the
//! vendor's order, whatever order the pages arrived in and however often a page was fetched.
//!
//! - `ordered.rs`: the order and the deduplication, whatever is kept;
//! - `keep.rs`: what is kept: a whole `Conversation`, or
//! - `summary.rs`: a `Summary` that points at its records in the journal;
//! - `readback.rs`: whole conversations read back from the journal where summaries point.

#[cfg(target_arch = "wasm32")]
pub mod browser;
mod contents;
mod keep;
mod ordered;
pub mod readback;
mod summary;

pub use contents::Contents;
pub use keep::{Keep, RecordRef};
pub use ordered::{OrderKey, Store};
pub use summary::{MessageRef, Summary};
