//! How requests reach a vendor: the browser's `fetch`, or the simulator in the same process.

pub mod sim;
#[cfg(target_arch = "wasm32")]
pub mod web;

use std::future::Future;

use crate::http::{Request, ResponseHead};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TransportError {
    /// No response at all: the network is down, the host unknown, the connection dropped, or
    /// the browser refused a cross-origin call. A browser does not say which.
    Network(String),
    /// No complete response within the time allowed.
    Timeout,
}

/// A response body, read chunk by chunk as it arrives.
pub trait Body {
    /// The next chunk, or `None` at the end.
    fn chunk(&mut self) -> impl Future<Output = Result<Option<Vec<u8>>, TransportError>>;
}

pub trait Transport {
    type Body: Body;

    /// Sends a GET. The whole exchange, body included, must finish within `timeout_ms`.
    fn send(
        &self,
        request: &Request,
        timeout_ms: u64,
    ) -> impl Future<Output = Result<(ResponseHead, Self::Body), TransportError>>;
}

/// Reads a body to its end.
pub async fn read_to_end<B: Body>(body: &mut B) -> Result<Vec<u8>, TransportError> {
    let mut bytes = Vec::new();
    while let Some(chunk) = body.chunk().await? {
        if bytes.is_empty() {
            bytes = chunk;
        } else {
            bytes.extend_from_slice(&chunk);
        }
    }
    Ok(bytes)
}
