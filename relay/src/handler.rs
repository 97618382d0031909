//! Every request, start to finish: origin, method, path, per-client cap, then the forward.
//!
//! Checks run cheapest and most telling first, and every answer, refusal or relayed, gets the
//! same CORS treatment and exactly one log line.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::HttpBody as _;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::response::Response;
use axum::Router;

use crate::config::Config;
use crate::cors::{self, AllowedOrigins, OriginCheck};
use crate::error::RelayError;
use crate::forward::{self, Forwarding};
use crate::limits::{self, RateLimiter};
use crate::log::{LogSink, RequestRecord};
use crate::upstream::Upstreams;

/// What every request handler shares.
pub struct RelayState {
    upstreams: Upstreams,
    origins: AllowedOrigins,
    limiter: RateLimiter,
    client: reqwest::Client,
    timeout: Duration,
    max_response_bytes: u64,
    behind_tls_proxy: bool,
    log: Arc<dyn LogSink>,
}

impl RelayState {
    pub fn new(config: &Config, log: Arc<dyn LogSink>) -> Result<RelayState, String> {
        let client = forward::build_client(config.allow_private_upstreams, config.timeout)
            .map_err(|error| format!("the outbound HTTP client did not start: {error}"))?;
        Ok(RelayState {
            upstreams: config.upstreams.clone(),
            origins: config.origins.clone(),
            limiter: RateLimiter::new(config.max_requests_per_minute),
            client,
            timeout: config.timeout,
            max_response_bytes: config.max_response_bytes,
            behind_tls_proxy: config.behind_tls_proxy,
            log,
        })
    }
}

/// The relay's routes: one handler for every path and method, which refuses what it does not
/// relay (a router's own 404 or 405 would be plain text, without CORS headers).
pub fn router(state: RelayState) -> Router {
    Router::new().fallback(handle).with_state(Arc::new(state))
}

/// An answer, and whether its log line is still to be written here (a relayed body writes its
/// own when it ends).
enum Answer {
    Local(Response),
    Streaming(Response),
}

async fn handle(
    State(state): State<Arc<RelayState>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    request: Request,
) -> Response {
    let started = Instant::now();
    let (parts, _body) = request.into_parts();
    let mut record = RequestRecord::new(parts.method.as_str(), parts.uri.path(), started);
    let origin = state.origins.check(&parts.headers);

    let answer = match answer(&state, peer, &parts, &origin, &mut record).await {
        Ok(answer) => answer,
        Err(error) => {
            record.error = Some(error.code());
            Answer::Local(error.into_response())
        }
    };
    let mut response = match answer {
        Answer::Streaming(response) => response,
        Answer::Local(response) => {
            record.status = response.status().as_u16();
            record.bytes = response.body().size_hint().exact().unwrap_or(0);
            state.log.write_line(&record.line());
            response
        }
    };

    if let OriginCheck::Allowed(origin) = &origin {
        if parts.method != Method::OPTIONS {
            cors::allow_reading(&mut response, origin);
        }
    }
    cors::vary_on_origin(&mut response);
    let headers = response.headers_mut();
    // Conversations are personal data: no shared cache in front of the relay may keep them.
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    response
}

async fn answer(
    state: &RelayState,
    peer: SocketAddr,
    parts: &axum::http::request::Parts,
    origin: &OriginCheck,
    record: &mut RequestRecord,
) -> Result<Answer, RelayError> {
    if *origin == OriginCheck::Refused {
        return Err(RelayError::OriginNotAllowed);
    }
    if parts.method == Method::OPTIONS {
        // Answered here, never forwarded. Without an Origin it is not a preflight: it only
        // learns what the relay allows.
        let response = match origin {
            OriginCheck::Allowed(origin) => cors::preflight_response(origin),
            _ => {
                let mut response = Response::new(Default::default());
                *response.status_mut() = StatusCode::NO_CONTENT;
                response
                    .headers_mut()
                    .insert(header::ALLOW, HeaderValue::from_static("GET, OPTIONS"));
                response
            }
        };
        return Ok(Answer::Local(response));
    }
    if parts.method != Method::GET {
        return Err(RelayError::MethodNotAllowed {
            method: parts.method.to_string(),
        });
    }

    let target = state.upstreams.map(parts.uri.path(), parts.uri.query())?;
    record.host.clone_from(&target.host);
    record.path = target.url.path().to_string();

    let client = limits::client_address(peer, &parts.headers, state.behind_tls_proxy);
    state
        .limiter
        .take(client, Instant::now())
        .map_err(|wait| RelayError::RateLimited {
            limit: state.limiter.per_minute(),
            retry_after_secs: limits::retry_after_secs(wait),
        })?;

    let forwarding = Forwarding {
        client: &state.client,
        timeout: state.timeout,
        max_response_bytes: state.max_response_bytes,
        log: &state.log,
    };
    let response = forwarding.forward(&target, &parts.headers, record).await?;
    Ok(Answer::Streaming(response))
}
