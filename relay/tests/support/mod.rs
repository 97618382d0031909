//! Shared by the relay's tests: a tiny local upstream that records what reaches it, and the
//! relay started in-process on an ephemeral port with its log captured.
#![allow(dead_code)] // each test file uses its own part of this

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use relay::config::Config;
use relay::log::MemoryLog;
use tokio::sync::Notify;

pub const APP_ORIGIN: &str = "https://app.example.com";
pub const HUMIND_KEY: &str = "hmd_live_SECRET0123456789abcdef";
pub const HUECHAT_KEY: &str = "hc_key_TOPSECRET_9876543210";

/// What the upstream saw of each request.
#[derive(Debug, Clone)]
pub struct Seen {
    pub path_and_query: String,
    pub headers: HeaderMap,
}

/// The upstream's shared state: what it saw, and the latch the streaming route waits on.
#[derive(Default)]
pub struct UpstreamState {
    pub seen: Mutex<Vec<Seen>>,
    pub release_stream: Notify,
}

pub struct TestUpstream {
    pub address: SocketAddr,
    pub state: Arc<UpstreamState>,
}

impl TestUpstream {
    pub fn seen(&self) -> Vec<Seen> {
        self.state.seen.lock().unwrap().clone()
    }

    /// The base URL to give the relay with `--upstream`.
    pub fn base(&self) -> String {
        format!("http://127.0.0.1:{}/base", self.address.port())
    }
}

/// What `/base/conversations` answers.
pub const ECHO_BODY: &str = "{\"data\":[{\"id\":\"c1\"}],\"next_cursor\":null}";

pub const FIRST_NDJSON_LINE: &str = "{\"id\":\"c1\",\"text\":\"first\"}\n";
pub const REST_NDJSON: &str =
    "{\"id\":\"c2\",\"text\":\"second\"}\n{\"id\":\"c3\",\"text\":\"third\"}\n";

/// Routes under `/base`, each for one behaviour the relay must pass on or stop.
pub async fn start_upstream() -> TestUpstream {
    let state = Arc::new(UpstreamState::default());
    let app = Router::new()
        .route("/base/conversations", get(echo))
        .route("/base/limited", get(rate_limited))
        .route("/base/stream", get(stream_ndjson))
        .route("/base/big", get(|| async { vec![b'x'; 10_000] }))
        .route("/base/big-chunked", get(big_chunked))
        .route("/base/slow", get(slow))
        .route("/base/unauthorized", get(unauthorized))
        .route("/base/redirect", get(redirect))
        .fallback(echo)
        .with_state(Arc::clone(&state));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    TestUpstream { address, state }
}

fn record(state: &UpstreamState, request: &Request) {
    state.seen.lock().unwrap().push(Seen {
        path_and_query: request
            .uri()
            .path_and_query()
            .map(|pq| pq.to_string())
            .unwrap_or_default(),
        headers: request.headers().clone(),
    });
}

async fn echo(State(state): State<Arc<UpstreamState>>, request: Request) -> Response {
    record(&state, &request);
    (
        [
            ("content-type", "application/json"),
            ("set-cookie", "session=upstream-cookie"),
            ("x-upstream-internal", "do-not-pass"),
            ("access-control-allow-origin", "*"),
        ],
        ECHO_BODY,
    )
        .into_response()
}

async fn rate_limited(State(state): State<Arc<UpstreamState>>, request: Request) -> Response {
    record(&state, &request);
    (
        StatusCode::TOO_MANY_REQUESTS,
        [("content-type", "application/json"), ("retry-after", "7")],
        "{\"error\":{\"code\":\"rate_limited\",\"message\":\"slow down\"}}",
    )
        .into_response()
}

async fn unauthorized(State(state): State<Arc<UpstreamState>>, request: Request) -> Response {
    record(&state, &request);
    (
        StatusCode::UNAUTHORIZED,
        [("content-type", "application/json")],
        "{\"error\":{\"code\":\"invalid_key\",\"message\":\"bad key\"}}",
    )
        .into_response()
}

async fn redirect(State(state): State<Arc<UpstreamState>>, request: Request) -> Response {
    record(&state, &request);
    (
        StatusCode::FOUND,
        [("location", "http://169.254.169.254/latest/meta-data/")],
    )
        .into_response()
}

/// The first NDJSON row at once, the rest only when the test says so.
async fn stream_ndjson(State(state): State<Arc<UpstreamState>>, request: Request) -> Response {
    record(&state, &request);
    let rows = futures_util::stream::unfold(0, move |step| {
        let state = Arc::clone(&state);
        async move {
            match step {
                0 => Some((
                    Ok::<_, std::io::Error>(Bytes::from_static(FIRST_NDJSON_LINE.as_bytes())),
                    1,
                )),
                1 => {
                    state.release_stream.notified().await;
                    Some((Ok(Bytes::from_static(REST_NDJSON.as_bytes())), 2))
                }
                _ => None,
            }
        }
    });
    (
        [("content-type", "application/x-ndjson")],
        Body::from_stream(rows),
    )
        .into_response()
}

/// 10 chunks of 1,000 bytes, with no Content-Length: the size is only known as it streams.
async fn big_chunked() -> Response {
    let chunks = futures_util::stream::iter(
        (0..10).map(|_| Ok::<_, std::io::Error>(Bytes::from(vec![b'y'; 1000]))),
    );
    Body::from_stream(chunks).into_response()
}

async fn slow() -> &'static str {
    tokio::time::sleep(Duration::from_secs(5)).await;
    "too late"
}

/// A relay running in-process, with its log lines captured.
pub struct TestRelay {
    pub address: SocketAddr,
    pub log: Arc<MemoryLog>,
    pub client: reqwest::Client,
}

impl TestRelay {
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.address, path)
    }

    /// Waits for the log to hold `count` lines: a relayed body writes its line when it ends,
    /// a moment after the client has read it.
    pub async fn log_lines(&self, count: usize) -> Vec<String> {
        for _ in 0..200 {
            let lines = self.log.lines();
            if lines.len() >= count {
                return lines;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        panic!("expected {count} log lines, got {:?}", self.log.lines());
    }
}

/// Starts the relay on 127.0.0.1:0 for the app origin, with `test` = the given upstream base
/// and the flags given.
pub async fn start_relay(upstream_base: &str, flags: &[&str]) -> TestRelay {
    let mut args = vec![
        "--listen".to_string(),
        "127.0.0.1:0".to_string(),
        "--allow-origin".to_string(),
        APP_ORIGIN.to_string(),
        "--upstream".to_string(),
        format!("test={upstream_base}"),
    ];
    args.extend(flags.iter().map(|flag| flag.to_string()));
    let config = Config::from_args(args).expect("valid test flags");
    let log = Arc::new(MemoryLog::default());
    let running = relay::server::start(&config, log.clone())
        .await
        .expect("the relay starts");
    TestRelay {
        address: running.address,
        log,
        client: test_client(),
    }
}

pub fn test_client() -> reqwest::Client {
    relay::server::install_crypto_provider();
    reqwest::Client::builder()
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// The relay's JSON error body: (code, message).
pub async fn relay_error(response: reqwest::Response) -> (String, String) {
    let body: serde_json::Value =
        serde_json::from_str(&response.text().await.unwrap()).expect("the relay's errors are JSON");
    (
        body["error"]["code"].as_str().unwrap().to_string(),
        body["error"]["message"].as_str().unwrap().to_string(),
    )
}
