//! The relay's own answers when it refuses a request or an upstream fails.
//!
//! The body has the shape the app already reads for Humind's errors,
//! `{"error": {"code": "...", "message": "..."}}`, so a refusal reaches the person as words. A
//! message never holds a header value, a key or a query string: only the relay's settings, the
//! upstream's host and what the request path named.

use axum::body::Body;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::Response;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RelayError {
    /// The request's `Origin` is not one of `--allow-origin`.
    OriginNotAllowed,
    /// Only GET is relayed (and OPTIONS answered, for preflights).
    MethodNotAllowed {
        method: String,
    },
    /// The path does not name an upstream, or tries to leave the upstream's base path.
    MalformedPath {
        reason: &'static str,
        known: String,
    },
    UnknownUpstream {
        name: String,
        known: String,
    },
    /// The per-client cap: `--max-requests-per-minute`.
    RateLimited {
        limit: u32,
        retry_after_secs: u64,
    },
    /// The upstream's name resolved to a private, loopback or otherwise non-public address.
    UpstreamAddressRefused {
        host: String,
    },
    UpstreamUnreachable {
        host: String,
    },
    UpstreamTimeout {
        host: String,
        secs: u64,
    },
    /// The upstream announced a body larger than `--max-response-bytes`.
    ResponseTooLarge {
        host: String,
        limit: u64,
    },
    /// Anything else that went wrong talking to the upstream.
    UpstreamFailed {
        host: String,
    },
}

impl RelayError {
    pub fn status(&self) -> StatusCode {
        match self {
            RelayError::OriginNotAllowed => StatusCode::FORBIDDEN,
            RelayError::MethodNotAllowed { .. } => StatusCode::METHOD_NOT_ALLOWED,
            RelayError::MalformedPath { .. } => StatusCode::BAD_REQUEST,
            RelayError::UnknownUpstream { .. } => StatusCode::NOT_FOUND,
            RelayError::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
            RelayError::UpstreamAddressRefused { .. }
            | RelayError::UpstreamUnreachable { .. }
            | RelayError::ResponseTooLarge { .. }
            | RelayError::UpstreamFailed { .. } => StatusCode::BAD_GATEWAY,
            RelayError::UpstreamTimeout { .. } => StatusCode::GATEWAY_TIMEOUT,
        }
    }

    /// A stable, machine-readable name; also written to the log line.
    pub fn code(&self) -> &'static str {
        match self {
            RelayError::OriginNotAllowed => "origin_not_allowed",
            RelayError::MethodNotAllowed { .. } => "method_not_allowed",
            RelayError::MalformedPath { .. } => "malformed_path",
            RelayError::UnknownUpstream { .. } => "unknown_upstream",
            RelayError::RateLimited { .. } => "rate_limited",
            RelayError::UpstreamAddressRefused { .. } => "upstream_address_refused",
            RelayError::UpstreamUnreachable { .. } => "upstream_unreachable",
            RelayError::UpstreamTimeout { .. } => "upstream_timeout",
            RelayError::ResponseTooLarge { .. } => "response_too_large",
            RelayError::UpstreamFailed { .. } => "upstream_failed",
        }
    }

    pub fn message(&self) -> String {
        match self {
            RelayError::OriginNotAllowed => "This relay does not serve this web page's origin. \
                 Its admin can add it with --allow-origin."
                .to_string(),
            RelayError::MethodNotAllowed { method } => {
                format!("This relay only forwards GET requests, not {method}.")
            }
            RelayError::MalformedPath { reason, known } => {
                format!("{reason} Paths look like /<upstream>/<path>; upstreams here: {known}.")
            }
            RelayError::UnknownUpstream { name, known } => {
                format!("This relay has no upstream named '{name}'. Upstreams here: {known}.")
            }
            RelayError::RateLimited {
                limit,
                retry_after_secs,
            } => format!(
                "More than {limit} requests a minute from this address. Try again in \
                 {retry_after_secs} s."
            ),
            RelayError::UpstreamAddressRefused { host } => format!(
                "The relay refuses to connect to {host}: it resolves to a private or local \
                 address. Its admin can allow that with --allow-private-upstreams."
            ),
            RelayError::UpstreamUnreachable { host } => {
                format!("The relay could not connect to {host}.")
            }
            RelayError::UpstreamTimeout { host, secs } => {
                format!("{host} did not answer within {secs} s.")
            }
            RelayError::ResponseTooLarge { host, limit } => format!(
                "The answer from {host} is larger than this relay's limit of {limit} bytes \
                 (--max-response-bytes)."
            ),
            RelayError::UpstreamFailed { host } => {
                format!("The request to {host} failed before it was answered.")
            }
        }
    }

    /// The JSON body as bytes; its length is what the log line counts.
    pub fn body(&self) -> Vec<u8> {
        serde_json::json!({ "error": { "code": self.code(), "message": self.message() } })
            .to_string()
            .into_bytes()
    }

    pub fn into_response(self) -> Response {
        let mut response = Response::new(Body::from(self.body()));
        *response.status_mut() = self.status();
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        match self {
            RelayError::RateLimited {
                retry_after_secs, ..
            } => {
                headers.insert(header::RETRY_AFTER, HeaderValue::from(retry_after_secs));
            }
            RelayError::MethodNotAllowed { .. } => {
                headers.insert(header::ALLOW, HeaderValue::from_static("GET, OPTIONS"));
            }
            _ => {}
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_body_is_the_shape_the_app_reads() {
        let error = RelayError::UnknownUpstream {
            name: "nope".into(),
            known: "humind, mindo".into(),
        };
        let body: serde_json::Value = serde_json::from_slice(&error.body()).unwrap();
        assert_eq!(body["error"]["code"], "unknown_upstream");
        assert!(body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("no upstream named 'nope'"));
        assert_eq!(error.status(), StatusCode::NOT_FOUND);
    }

    #[test]
    fn a_rate_limit_says_when_to_retry() {
        let response = RelayError::RateLimited {
            limit: 600,
            retry_after_secs: 3,
        }
        .into_response();
        assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(response.headers()[header::RETRY_AFTER], "3");
    }
}
