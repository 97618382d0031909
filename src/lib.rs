//! Conversation Export: pull conversations out of chat vendors' APIs, in the browser.
//!
//! Data flows one way: filters -> a vendor builds requests -> the engine pages through them over
//! a `Transport` -> the vendor maps pages into the unified model -> exporters write files.
//! Everything but the browser transport and the UI is plain Rust, tested on the host.

#[cfg(all(target_arch = "wasm32", feature = "bench"))]
pub mod bench;
pub mod dates;
pub mod destination;
pub mod engine;
pub mod error;
pub mod export;
pub mod format;
pub mod http;
pub mod journal;
pub mod key_check;
pub mod model;
pub mod narrow;
pub mod ndjson;
pub mod preview;
pub mod relay_advice;
pub mod saved;
pub mod secret;
pub mod store;
pub mod summary;
pub mod transport;
#[cfg(target_arch = "wasm32")]
pub mod ui;
pub mod vendors;
pub mod view_state;
pub mod words;
