//! Requests over the network from a native process: reqwest with rustls, the engine's
//! `Transport` as the browser's `fetch` is in the app.

use std::time::Duration;

use conversation_export::http::{Request, ResponseHead};
use conversation_export::transport::{Body, Transport, TransportError};

/// Response headers the engine reads.
const READ_HEADERS: &[&str] = &["retry-after", "content-type"];

pub struct NativeTransport {
    client: reqwest::Client,
}

impl NativeTransport {
    pub fn new() -> Result<Self, String> {
        // reqwest is built without a TLS provider of its own: it takes the process's (ring, as
        // the relay does; aws-lc-rs would need a C toolchain build).
        let _ = rustls::crypto::ring::default_provider().install_default();
        let client = reqwest::Client::builder()
            // A redirect could send the key's header to another host: it is an error instead.
            .redirect(reqwest::redirect::Policy::none())
            .tcp_nodelay(true)
            .user_agent(concat!("conversation-export/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|error| format!("the HTTP client could not start: {error}"))?;
        Ok(NativeTransport { client })
    }
}

fn transport_error(error: reqwest::Error) -> TransportError {
    if error.is_timeout() {
        return TransportError::Timeout;
    }
    // The chain of causes says what happened (refused, reset, DNS); the URL is left out.
    let error = error.without_url();
    let mut reason = error.to_string();
    let mut source = std::error::Error::source(&error);
    while let Some(cause) = source {
        reason = format!("{reason}: {cause}");
        source = cause.source();
    }
    TransportError::Network(reason)
}

pub struct NativeBody {
    response: Option<reqwest::Response>,
}

impl Body for NativeBody {
    async fn chunk(&mut self) -> Result<Option<Vec<u8>>, TransportError> {
        let Some(response) = &mut self.response else {
            return Ok(None);
        };
        match response.chunk().await {
            Ok(Some(bytes)) => Ok(Some(bytes.to_vec())),
            Ok(None) => {
                self.response = None;
                Ok(None)
            }
            Err(error) => Err(transport_error(error)),
        }
    }
}

impl Transport for NativeTransport {
    type Body = NativeBody;

    async fn send(
        &self,
        request: &Request,
        timeout_ms: u64,
    ) -> Result<(ResponseHead, NativeBody), TransportError> {
        let mut builder = self
            .client
            .get(&request.url)
            // The whole exchange, body included.
            .timeout(Duration::from_millis(timeout_ms));
        for (name, value) in &request.headers {
            builder = builder.header(name, value);
        }
        let response = builder.send().await.map_err(transport_error)?;
        let headers = READ_HEADERS
            .iter()
            .filter_map(|name| {
                let value = response.headers().get(*name)?.to_str().ok()?;
                Some((name.to_string(), value.to_string()))
            })
            .collect();
        let head = ResponseHead {
            status: response.status().as_u16(),
            headers,
        };
        Ok((
            head,
            NativeBody {
                response: Some(response),
            },
        ))
    }
}
