//! Where an export's records are kept: each conversation and each message once, in the
//! vendor's order, whatever order the pages arrived in and however often a page was fetched.

mod memory;

pub use memory::{OrderKey, Store};
