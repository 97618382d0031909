//! The vendor simulator over HTTP, for end-to-end tests and benchmarks.
//!
//! Serves every vendor under `/<vendor>/...` with the vendor's own paths after the prefix (so
//! Humind's base URL is `http://127.0.0.1:8787/humind/public/v1`), with CORS as a browser needs
//! it, optional latency and injected faults. Optionally serves the built app on a second port,
//! so the app calls the simulator cross-origin, as it calls a real vendor.
//!
//! Test hooks live under `/_sim/`: the ground truth of each vendor's data, request counts, and
//! faults that can be changed while running.
//!
//! The world itself can change while running too: `POST /_sim/later?changed=P&new=N` switches to
//! the same world a day later (about P% of each vendor's conversations gained messages, N new
//! ones; see `sim::Later`), so a test can export, switch, export what changed and compare it
//! with a fresh export. `POST /_sim/later` without parameters switches back to the original
//! world, and `/_sim/reset` back to the world the server started with (`--later-changed-percent`
//! and `--later-new` start it in the later world). Each vendor's data is generated the first time
//! it is asked for, so a switch costs nothing until then; `/_sim/dataset/{vendor}` answers the
//! current world's truth.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get, post};
use axum::serve::ListenerExt;
use axum::Router;
use sim::faults::{Fault, FaultSchedule};
use sim::{Later, SimRequest, World, WorldConfig};
use tower_http::services::{ServeDir, ServeFile};

struct Options {
    port: u16,
    config: WorldConfig,
    latency_ms: u64,
    slow_ms: u64,
    faults: FaultSchedule,
    app_dir: Option<PathBuf>,
    app_port: u16,
    app_base: String,
}

struct AppState {
    /// The world vendors answer from: `/_sim/later` replaces it. A request keeps the world it
    /// started with, so a switch never changes data under an answer being written.
    world: RwLock<Arc<World>>,
    /// What the server started with: `/_sim/reset` returns to it.
    startup_config: WorldConfig,
    /// HueChat's arrivals as `/_sim/arrivals` last set them, carried over to a switched world.
    arrivals_every: Mutex<Option<usize>>,
    /// Added to every vendor answer; `/_sim/latency` changes it, `/_sim/reset` restores it.
    latency_ms: AtomicU64,
    startup_latency_ms: u64,
    slow_ms: u64,
    faults: Mutex<FaultSchedule>,
    /// Vendor requests answered (preflights and `/_sim` hooks excluded), and by vendor.
    requests: AtomicUsize,
    by_vendor: Mutex<HashMap<String, usize>>,
    /// The path and query of each vendor request, in order, up to `TARGETS_KEPT`: the benchmark
    /// replays them with a bare fetch loop to measure the floor without the app.
    targets: Mutex<Vec<String>>,
}

const TARGETS_KEPT: usize = 10_000;

impl AppState {
    fn new(options: &Options) -> Self {
        AppState {
            world: RwLock::new(Arc::new(World::generate(&options.config))),
            startup_config: options.config.clone(),
            arrivals_every: Mutex::new(options.config.huechat_arrivals_every),
            latency_ms: AtomicU64::new(options.latency_ms),
            startup_latency_ms: options.latency_ms,
            slow_ms: options.slow_ms,
            faults: Mutex::new(options.faults.clone()),
            requests: AtomicUsize::new(0),
            by_vendor: Mutex::new(HashMap::new()),
            targets: Mutex::new(Vec::new()),
        }
    }

    fn world(&self) -> Arc<World> {
        self.world.read().unwrap().clone()
    }

    /// Makes the startup world with `later` (`None`: the original world) the current one, with
    /// HueChat's arrivals as currently set. A world already so is kept, with the data it generated: returns whether
    /// the world was replaced.
    fn switch_world(&self, later: Option<Later>) -> bool {
        let mut world = self.world.write().unwrap();
        if world.config().later == later {
            return false;
        }
        let config = WorldConfig {
            later,
            huechat_arrivals_every: *self.arrivals_every.lock().unwrap(),
            ..self.startup_config.clone()
        };
        *world = Arc::new(World::generate(&config));
        true
    }
}

fn no_delay(stream: &mut tokio::net::TcpStream) {
    if let Err(error) = stream.set_nodelay(true) {
        eprintln!("simulator: TCP_NODELAY not set: {error}");
    }
}

fn usage() -> ! {
    eprintln!(
        "usage: sim-server [--port 8787] [--conversations 250] [--count VENDOR=N ...] [--seed 42] [--anchor 2026-06-30T00:00:00Z]\n\
         \x20                 [--latency-ms 0] [--slow-ms 60000] [--fault-every N --fault KIND] [--fault-at N:KIND ...]\n\
         \x20                 [--arrivals-every N]   (HueChat: a new conversation every N requests)\n\
         \x20                 [--later-changed-percent P] [--later-new N]   (start in the world a day later:\n\
         \x20                  about P% of each vendor's conversations gained messages, N new ones)\n\
         \x20                 [--app-dir dist --app-port 8080 --app-base /]\n\
         KIND: 429[:retry-after[:hidden]] | 500 | 502 | 503 | drop | slow | truncate | malformed | stream_error\n\
         \x20     | reject_cursor | revoked | nocors | pause   (slow and pause wait --slow-ms)"
    );
    std::process::exit(2)
}

fn parse_options() -> Options {
    let mut options = Options {
        port: 8787,
        config: WorldConfig::default(),
        latency_ms: 0,
        slow_ms: 60_000,
        faults: FaultSchedule::none(),
        app_dir: None,
        app_port: 8080,
        app_base: "/".into(),
    };
    let mut every: Option<usize> = None;
    let mut every_fault: Option<Fault> = None;
    let mut later: Option<Later> = None;
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let value = args.next().unwrap_or_else(|| usage());
        let number = || value.parse::<u64>().unwrap_or_else(|_| usage());
        match flag.as_str() {
            "--port" => options.port = number() as u16,
            "--conversations" => options.config.conversations = number() as usize,
            "--count" => {
                let (vendor, count) = value.split_once('=').unwrap_or_else(|| usage());
                let count = count.parse().unwrap_or_else(|_| usage());
                options.config.counts.push((vendor.to_string(), count));
            }
            "--seed" => options.config.seed = number(),
            "--anchor" => options.config.anchor = value.parse().unwrap_or_else(|_| usage()),
            "--arrivals-every" => options.config.huechat_arrivals_every = Some(number() as usize),
            "--later-changed-percent" => {
                let percent = parse_percent(&value).unwrap_or_else(|| usage());
                later.get_or_insert(NO_CHANGE).changed_percent = percent;
            }
            "--later-new" => later.get_or_insert(NO_CHANGE).new_conversations = number() as usize,
            "--latency-ms" => options.latency_ms = number(),
            "--slow-ms" => options.slow_ms = number(),
            "--fault-every" => every = Some(number() as usize),
            "--fault" => every_fault = Some(Fault::parse(&value).unwrap_or_else(|| usage())),
            "--fault-at" => {
                let (index, kind) = value.split_once(':').unwrap_or_else(|| usage());
                let fault = Fault::parse(kind).unwrap_or_else(|| usage());
                options.faults = std::mem::take(&mut options.faults)
                    .at(index.parse().unwrap_or_else(|_| usage()), fault);
            }
            "--app-dir" => options.app_dir = Some(PathBuf::from(value)),
            "--app-port" => options.app_port = number() as u16,
            "--app-base" => options.app_base = value,
            _ => usage(),
        }
    }
    if let (Some(period), Some(fault)) = (every, every_fault) {
        options.faults = std::mem::take(&mut options.faults).every(period, fault);
    }
    options.config.later = later;
    options
}

/// A later world before its flags say what changed: nothing yet.
const NO_CHANGE: Later = Later {
    changed_percent: 0.0,
    new_conversations: 0,
};

/// A percentage: a finite number, not negative.
fn parse_percent(text: &str) -> Option<f64> {
    text.parse::<f64>()
        .ok()
        .filter(|percent| percent.is_finite() && *percent >= 0.0)
}

#[tokio::main]
async fn main() {
    let options = parse_options();
    let state = Arc::new(AppState::new(&options));
    let api = Router::new()
        .route("/_sim/health", get(|| async { "ok" }))
        .route("/_sim/dataset/{vendor}", get(dataset))
        .route("/_sim/warm/{vendor}", post(warm))
        .route("/_sim/stats", get(stats))
        .route("/_sim/reset", post(reset))
        .route("/_sim/faults", post(set_faults))
        .route("/_sim/latency", post(set_latency))
        .route("/_sim/arrivals", post(set_arrivals))
        .route("/_sim/later", post(set_later))
        .route("/{vendor}", any(vendor_api))
        .route("/{vendor}/{*rest}", any(vendor_api))
        .layer(axum::middleware::map_response(allow_any_origin))
        .with_state(state);
    let api_address = SocketAddr::from(([127, 0, 0, 1], options.port));
    // Without TCP_NODELAY, a response written in two segments waits for the client's delayed
    // acknowledgement: tens of milliseconds a request that no real vendor adds.
    let listener = tokio::net::TcpListener::bind(api_address)
        .await
        .expect("the API port is free")
        .tap_io(no_delay);
    println!(
        "simulator: http://{api_address}/<vendor>/... (e.g. http://{api_address}/humind/public/v1)"
    );

    if let Some(dir) = options.app_dir {
        let base = format!("/{}/", options.app_base.trim_matches('/')).replace("//", "/");
        let files = ServeDir::new(&dir).fallback(ServeFile::new(dir.join("index.html")));
        let app = if base == "/" {
            Router::new().fallback_service(files)
        } else {
            Router::new().nest_service(base.trim_end_matches('/'), files)
        };
        let app_address = SocketAddr::from(([127, 0, 0, 1], options.app_port));
        let app_listener = tokio::net::TcpListener::bind(app_address)
            .await
            .expect("the app port is free")
            .tap_io(no_delay);
        println!("app: http://{app_address}{base}");
        tokio::spawn(async move {
            axum::serve(app_listener, app)
                .await
                .expect("app server runs")
        });
    }
    axum::serve(listener, api)
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
        .expect("simulator runs");
}

/// Marks an answer that must reach the browser without CORS headers (the `nocors` fault).
const NO_CORS_MARKER: &str = "x-sim-no-cors";

/// Every answer may be read cross-origin (the test hooks are called from test pages too), but
/// the ones the `nocors` fault refuses.
async fn allow_any_origin(mut response: Response) -> Response {
    if response.headers_mut().remove(NO_CORS_MARKER).is_some() {
        response.headers_mut().remove("access-control-allow-origin");
        response
            .headers_mut()
            .remove("access-control-expose-headers");
        return response;
    }
    response
        .headers_mut()
        .entry("access-control-allow-origin")
        .or_insert(HeaderValue::from_static("*"));
    response
}

fn cors(response: &mut Response, expose_retry_after: bool) {
    let headers = response.headers_mut();
    headers.insert("access-control-allow-origin", HeaderValue::from_static("*"));
    if expose_retry_after {
        headers.insert(
            "access-control-expose-headers",
            HeaderValue::from_static("Retry-After"),
        );
    }
}

async fn vendor_api(
    State(state): State<Arc<AppState>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    if method == Method::OPTIONS {
        let mut response = StatusCode::NO_CONTENT.into_response();
        cors(&mut response, true);
        let headers = response.headers_mut();
        headers.insert(
            "access-control-allow-methods",
            HeaderValue::from_static("GET, OPTIONS"),
        );
        headers.insert(
            "access-control-allow-headers",
            HeaderValue::from_static("authorization, x-api-key, accept, content-type"),
        );
        headers.insert("access-control-max-age", HeaderValue::from_static("600"));
        return response;
    }
    let Some((vendor, path_and_query)) =
        sim::route(uri.path_and_query().map_or("/", |p| p.as_str()))
    else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let number = state.requests.fetch_add(1, Ordering::SeqCst);
    *state
        .by_vendor
        .lock()
        .unwrap()
        .entry(vendor.to_string())
        .or_default() += 1;
    {
        let mut targets = state.targets.lock().unwrap();
        if targets.len() < TARGETS_KEPT {
            targets.push(uri.path_and_query().map_or("/", |p| p.as_str()).to_string());
        }
    }
    let fault = state.faults.lock().unwrap().fault_for(number).cloned();
    let latency = state.latency_ms.load(Ordering::Relaxed);
    if latency > 0 {
        tokio::time::sleep(Duration::from_millis(latency)).await;
    }
    let mut request = SimRequest::get(path_and_query).with_sequence(number);
    request.method = method.as_str().to_string();
    for (name, value) in &headers {
        if let Ok(value) = value.to_str() {
            request = request.with_header(name.as_str(), value);
        }
    }
    let mut answer = state.world().respond(vendor, &request);
    let mut expose_retry_after = true;
    match &fault {
        Some(Fault::Drop) => return dropped_connection(),
        Some(Fault::Slow) => tokio::time::sleep(Duration::from_millis(state.slow_ms)).await,
        Some(fault) => {
            if let Fault::RateLimit { exposed, .. } = fault {
                expose_retry_after = *exposed;
            }
            if let Some(faulty) = fault.apply(path_and_query, answer.clone()) {
                answer = faulty;
            }
        }
        None => {}
    }
    let mut response = if fault == Some(Fault::Pause) {
        paused_body(answer.body, state.slow_ms)
    } else {
        Response::new(Body::from(answer.body))
    };
    *response.status_mut() =
        StatusCode::from_u16(answer.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    for (name, value) in &answer.headers {
        if let (Ok(name), Ok(value)) = (
            axum::http::HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_str(value),
        ) {
            response.headers_mut().insert(name, value);
        }
    }
    if fault == Some(Fault::NoCors) {
        response
            .headers_mut()
            .insert(NO_CORS_MARKER, HeaderValue::from_static("1"));
    } else {
        cors(&mut response, expose_retry_after);
    }
    response
}

/// A response whose body's first half (up to a line's end) goes at once and the rest after
/// `pause_ms`: a client reading it as a stream has the first rows long before the last.
fn paused_body(body: Vec<u8>, pause_ms: u64) -> Response {
    let half = body.len() / 2;
    let cut = body[half..]
        .iter()
        .position(|&byte| byte == b'\n')
        .map_or(body.len(), |at| half + at + 1);
    let rest = body[cut..].to_vec();
    let first = body[..cut].to_vec();
    let stream = futures_util::StreamExt::chain(
        futures_util::stream::iter([Ok::<Bytes, std::io::Error>(Bytes::from(first))]),
        futures_util::stream::once(async move {
            tokio::time::sleep(Duration::from_millis(pause_ms)).await;
            Ok(Bytes::from(rest))
        }),
    );
    Response::new(Body::from_stream(stream))
}

/// A response whose body fails at once: hyper closes the connection and the client sees a
/// network error, as when a connection drops.
fn dropped_connection() -> Response {
    let stream = futures_util::stream::once(async {
        Err::<Bytes, std::io::Error>(std::io::Error::new(
            std::io::ErrorKind::ConnectionReset,
            "dropped",
        ))
    });
    let mut response = Response::new(Body::from_stream(stream));
    response
        .headers_mut()
        .insert("content-length", HeaderValue::from_static("1000"));
    cors(&mut response, true);
    response
}

async fn dataset(State(state): State<Arc<AppState>>, Path(vendor): Path<String>) -> Response {
    let sequence = state.requests.load(Ordering::SeqCst);
    match state.world().dataset_json(&vendor, sequence) {
        Some(value) => {
            let mut response = axum::Json(value).into_response();
            cors(&mut response, false);
            response
        }
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

/// Generates a vendor's data now, so a benchmark's clock does not include it.
async fn warm(State(state): State<Arc<AppState>>, Path(vendor): Path<String>) -> Response {
    let world = state.world();
    let records = match vendor.as_str() {
        "humind" => world.humind().conversations.len(),
        "talktohumans" => world.talktohumans().conversations.len(),
        "huechat" => world.huechat().conversations.len(),
        "voice-widget" => world.voice_widget().conversations.len(),
        "mindo" => world.mindo().messages.len(),
        _ => return StatusCode::NOT_FOUND.into_response(),
    };
    axum::Json(serde_json::json!({ "records": records })).into_response()
}

async fn stats(State(state): State<Arc<AppState>>) -> Response {
    let by_vendor = state.by_vendor.lock().unwrap().clone();
    let body = serde_json::json!({
        "requests": state.requests.load(Ordering::SeqCst),
        "by_vendor": by_vendor,
        "targets": *state.targets.lock().unwrap(),
    });
    let mut response = axum::Json(body).into_response();
    cors(&mut response, false);
    response
}

/// Back to the start: no request counted, no fault, the startup latency, arrivals and world.
async fn reset(State(state): State<Arc<AppState>>) -> Response {
    state.requests.store(0, Ordering::SeqCst);
    state.by_vendor.lock().unwrap().clear();
    state.targets.lock().unwrap().clear();
    *state.faults.lock().unwrap() = FaultSchedule::none();
    state
        .latency_ms
        .store(state.startup_latency_ms, Ordering::Relaxed);
    let arrivals = state.startup_config.huechat_arrivals_every;
    *state.arrivals_every.lock().unwrap() = arrivals;
    if !state.switch_world(state.startup_config.later) {
        state.world().huechat().set_arrivals_every(arrivals);
    }
    "reset".into_response()
}

/// `POST /_sim/later?changed=10&new=3`: the same world a day later, about 10% of each vendor's
/// conversations with new messages and 3 new conversations per vendor (either parameter alone
/// leaves the other at 0). Without parameters: the original world. Answers what is now current.
async fn set_later(
    State(state): State<Arc<AppState>>,
    Query(params): Query<HashMap<String, String>>,
) -> Response {
    let changed = params.get("changed").map(|text| parse_percent(text));
    let new = params.get("new").map(|text| text.parse::<usize>().ok());
    let later = match (changed, new) {
        (Some(None), _) | (_, Some(None)) => {
            return (StatusCode::BAD_REQUEST, "changed=PERCENT&new=N").into_response()
        }
        (None, None) => None,
        (changed, new) => Some(Later {
            changed_percent: changed.flatten().unwrap_or(0.0),
            new_conversations: new.flatten().unwrap_or(0),
        }),
    };
    state.switch_world(later);
    let body = match later {
        Some(later) => serde_json::json!({
            "later": {
                "changed_percent": later.changed_percent,
                "new_conversations": later.new_conversations,
            }
        }),
        None => serde_json::json!({ "later": null }),
    };
    let mut response = axum::Json(body).into_response();
    cors(&mut response, false);
    response
}

/// `POST /_sim/latency?ms=100`.
async fn set_latency(
    State(state): State<Arc<AppState>>,
    Query(params): Query<HashMap<String, String>>,
) -> Response {
    match params.get("ms").and_then(|ms| ms.parse::<u64>().ok()) {
        Some(ms) => {
            state.latency_ms.store(ms, Ordering::Relaxed);
            "latency set".into_response()
        }
        None => (StatusCode::BAD_REQUEST, "ms=N").into_response(),
    }
}

/// `POST /_sim/arrivals?every=5`: a new HueChat conversation every 5 requests (`every=0`: none).
async fn set_arrivals(
    State(state): State<Arc<AppState>>,
    Query(params): Query<HashMap<String, String>>,
) -> Response {
    match params.get("every").and_then(|n| n.parse::<usize>().ok()) {
        Some(every) => {
            let every = (every > 0).then_some(every);
            *state.arrivals_every.lock().unwrap() = every;
            state.world().huechat().set_arrivals_every(every);
            "arrivals set".into_response()
        }
        None => (StatusCode::BAD_REQUEST, "every=N").into_response(),
    }
}

/// `POST /_sim/faults?every=3&fault=503`, `?at=0:429:2,1:drop` or `?from=5:revoked` replaces the
/// fault schedule; with no parameters it clears it. Request numbers count from the last reset.
async fn set_faults(
    State(state): State<Arc<AppState>>,
    Query(params): Query<HashMap<String, String>>,
) -> Response {
    let mut schedule = FaultSchedule::none();
    if let Some(at) = params.get("at") {
        for item in at.split(',').filter(|s| !s.is_empty()) {
            let Some((index, kind)) = item.split_once(':') else {
                return (StatusCode::BAD_REQUEST, "at=N:KIND,...").into_response();
            };
            match (index.parse::<usize>(), Fault::parse(kind)) {
                (Ok(index), Some(fault)) => schedule = schedule.at(index, fault),
                _ => return (StatusCode::BAD_REQUEST, format!("bad fault {item}")).into_response(),
            }
        }
    }
    if let Some(from) = params.get("from") {
        match from
            .split_once(':')
            .and_then(|(n, kind)| Some((n.parse::<usize>().ok()?, Fault::parse(kind)?)))
        {
            Some((first, fault)) => schedule = schedule.from(first, fault),
            None => return (StatusCode::BAD_REQUEST, "from=N:KIND").into_response(),
        }
    }
    if let (Some(every), Some(kind)) = (params.get("every"), params.get("fault")) {
        match (every.parse::<usize>(), Fault::parse(kind)) {
            (Ok(every), Some(fault)) => schedule = schedule.every(every, fault),
            _ => return (StatusCode::BAD_REQUEST, "every=N&fault=KIND").into_response(),
        }
    }
    *state.faults.lock().unwrap() = schedule;
    "faults set".into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn options(config: WorldConfig) -> Options {
        Options {
            port: 0,
            config,
            latency_ms: 0,
            slow_ms: 0,
            faults: FaultSchedule::none(),
            app_dir: None,
            app_port: 0,
            app_base: "/".into(),
        }
    }

    fn small_world() -> WorldConfig {
        WorldConfig {
            conversations: 30,
            ..WorldConfig::default()
        }
    }

    fn params(pairs: &[(&str, &str)]) -> Query<HashMap<String, String>> {
        Query(
            pairs
                .iter()
                .map(|(key, value)| (key.to_string(), value.to_string()))
                .collect(),
        )
    }

    async fn json(response: Response) -> (StatusCode, serde_json::Value) {
        let status = response.status();
        let body = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .unwrap();
        (status, serde_json::from_slice(&body).unwrap_or_default())
    }

    async fn truth(state: &Arc<AppState>, vendor: &str) -> serde_json::Value {
        let (status, body) =
            json(dataset(State(state.clone()), Path(vendor.to_string())).await).await;
        assert_eq!(status, StatusCode::OK);
        body
    }

    fn expected_truth(config: WorldConfig, vendor: &str) -> serde_json::Value {
        World::generate(&config).dataset_json(vendor, 0).unwrap()
    }

    #[tokio::test]
    async fn the_later_hook_switches_the_truth_and_back() {
        let state = Arc::new(AppState::new(&options(small_world())));
        let original = expected_truth(small_world(), "humind");
        let later = Later {
            changed_percent: 10.0,
            new_conversations: 2,
        };
        let later_truth = expected_truth(
            WorldConfig {
                later: Some(later),
                ..small_world()
            },
            "humind",
        );
        assert_ne!(original, later_truth);
        assert_eq!(truth(&state, "humind").await, original);

        let (status, body) = json(
            set_later(
                State(state.clone()),
                params(&[("changed", "10"), ("new", "2")]),
            )
            .await,
        )
        .await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(body["later"]["changed_percent"], 10.0);
        assert_eq!(body["later"]["new_conversations"], 2);
        assert_eq!(truth(&state, "humind").await, later_truth);

        let (status, body) = json(set_later(State(state.clone()), params(&[])).await).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(body["later"], serde_json::Value::Null);
        assert_eq!(truth(&state, "humind").await, original);

        set_later(
            State(state.clone()),
            params(&[("new", "2"), ("changed", "10")]),
        )
        .await;
        reset(State(state.clone())).await;
        assert_eq!(
            truth(&state, "humind").await,
            original,
            "reset: the startup world"
        );

        for bad in [
            ("changed", "ten"),
            ("changed", "-1"),
            ("changed", "NaN"),
            ("new", "-2"),
        ] {
            let (status, _) = json(set_later(State(state.clone()), params(&[bad])).await).await;
            assert_eq!(status, StatusCode::BAD_REQUEST, "{bad:?}");
        }
        assert_eq!(
            truth(&state, "humind").await,
            original,
            "a refused switch changes nothing"
        );
    }

    #[tokio::test]
    async fn started_later_resets_to_later_and_keeps_the_arrivals_across_a_switch() {
        let later = WorldConfig {
            later: Some(Later {
                changed_percent: 5.0,
                new_conversations: 1,
            }),
            ..small_world()
        };
        let state = Arc::new(AppState::new(&options(later.clone())));
        set_arrivals(State(state.clone()), params(&[("every", "4")])).await;
        set_later(State(state.clone()), params(&[])).await;
        // Eight requests in, two conversations arrived in the switched world too.
        let expected = World::generate(&WorldConfig {
            huechat_arrivals_every: Some(4),
            ..small_world()
        })
        .dataset_json("huechat", 8)
        .unwrap();
        assert_eq!(expected.as_array().unwrap().len(), 32);
        assert_eq!(state.world().dataset_json("huechat", 8).unwrap(), expected);
        reset(State(state.clone())).await;
        assert_eq!(truth(&state, "mindo").await, expected_truth(later, "mindo"));
        assert_eq!(
            state
                .world()
                .dataset_json("huechat", 8)
                .unwrap()
                .as_array()
                .unwrap()
                .len(),
            31,
            "reset: no arrivals, one new conversation"
        );
    }
}
