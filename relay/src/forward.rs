//! One GET to an upstream, and its answer back as a stream.
//!
//! Only the headers the vendors need go upstream (the key, and `Accept`): no cookie, origin,
//! referer or forwarded-for, which would tell the vendor about the app's users or their pages.
//! Only the headers the app reads come back (content type and encoding, `Retry-After`).

use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::http::{header, HeaderMap, HeaderName};
use axum::response::Response;
use futures_util::StreamExt;

use crate::error::RelayError;
use crate::log::{LogSink, RequestRecord};
use crate::metered_body::MeteredBody;
use crate::ssrf::{self, CheckedResolver};
use crate::upstream::Target;

/// Request headers passed upstream; everything else the browser sent stays here.
pub const FORWARDED_REQUEST_HEADERS: [HeaderName; 3] = [
    header::AUTHORIZATION,
    HeaderName::from_static("x-api-key"),
    header::ACCEPT,
];

/// Response headers passed back. The body is passed on byte for byte, so its content type and
/// encoding go with it; `Retry-After` is what the app's rate limiting reads.
const RETURNED_RESPONSE_HEADERS: [HeaderName; 3] = [
    header::CONTENT_TYPE,
    header::CONTENT_ENCODING,
    header::RETRY_AFTER,
];

/// The outbound client, shared by every request: its connection pool keeps the relay's added
/// latency to one hop on a warm connection.
pub fn build_client(allow_private: bool, timeout: Duration) -> reqwest::Result<reqwest::Client> {
    // reqwest is built without a TLS provider of its own: it takes the process's.
    crate::server::install_crypto_provider();
    reqwest::Client::builder()
        .dns_resolver(CheckedResolver { allow_private })
        // A proxy from the environment would resolve names itself, past the address check.
        .no_proxy()
        // A redirect could point anywhere, including an IP address that no resolver checks.
        .redirect(reqwest::redirect::Policy::none())
        .connect_timeout(timeout)
        .read_timeout(timeout)
        .tcp_nodelay(true)
        .user_agent(concat!(
            "conversation-export-relay/",
            env!("CARGO_PKG_VERSION")
        ))
        .build()
}

/// What a forward needs besides the request.
pub struct Forwarding<'a> {
    pub client: &'a reqwest::Client,
    pub timeout: Duration,
    pub max_response_bytes: u64,
    pub log: &'a Arc<dyn LogSink>,
}

impl Forwarding<'_> {
    /// Sends the GET and answers with the upstream's status, its headers that matter and its
    /// body as a stream. The stream writes the request's log line when it ends, so `record` is
    /// handed over on success; on failure the caller logs it with the error.
    pub async fn forward(
        &self,
        target: &Target,
        browser_headers: &HeaderMap,
        record: &mut RequestRecord,
    ) -> Result<Response, RelayError> {
        let host = target.host.clone();
        let mut request = self.client.get(target.url.clone());
        for name in FORWARDED_REQUEST_HEADERS {
            for value in browser_headers.get_all(&name) {
                let mut value = value.clone();
                // Keeps keys out of any debug output of the request.
                value.set_sensitive(name != header::ACCEPT);
                request = request.header(&name, value);
            }
        }
        // The body is passed on untouched; asking for no compression keeps it simple to cap.
        request = request.header(header::ACCEPT_ENCODING, "identity");

        let upstream = tokio::time::timeout(self.timeout, request.send())
            .await
            .map_err(|_| RelayError::UpstreamTimeout {
                host: host.clone(),
                secs: self.timeout.as_secs(),
            })?
            .map_err(|error| self.classify(&error, &host))?;

        if upstream
            .content_length()
            .is_some_and(|length| length > self.max_response_bytes)
        {
            return Err(RelayError::ResponseTooLarge {
                host,
                limit: self.max_response_bytes,
            });
        }

        let mut response = Response::new(Body::empty());
        *response.status_mut() = upstream.status();
        for name in RETURNED_RESPONSE_HEADERS {
            if let Some(value) = upstream.headers().get(&name) {
                response.headers_mut().insert(name, value.clone());
            }
        }
        record.status = upstream.status().as_u16();
        let body = MeteredBody::new(
            upstream.bytes_stream().boxed(),
            self.max_response_bytes,
            record.clone(),
            Arc::clone(self.log),
        );
        *response.body_mut() = Body::from_stream(body);
        Ok(response)
    }

    /// Turns the client's error into the relay's, naming only the host: the client's own text
    /// can hold the full URL with its query.
    fn classify(&self, error: &reqwest::Error, host: &str) -> RelayError {
        let host = host.to_string();
        if ssrf::find_refused_address(error).is_some() {
            RelayError::UpstreamAddressRefused { host }
        } else if error.is_timeout() {
            RelayError::UpstreamTimeout {
                host,
                secs: self.timeout.as_secs(),
            }
        } else if error.is_connect() {
            RelayError::UpstreamUnreachable { host }
        } else {
            RelayError::UpstreamFailed { host }
        }
    }
}
