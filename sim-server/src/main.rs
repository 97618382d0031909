//! The vendor simulator over HTTP, for end-to-end tests and benchmarks.
//!
//! Serves every vendor under `/<vendor>/...` with the vendor's own paths after the prefix (so
//! Humind's base URL is `http://127.0.0.1:8787/humind/public/v1`), with CORS as a browser needs
//! it, optional latency and injected faults. Optionally serves the built app on a second port,
//! so the app calls the simulator cross-origin, as it calls a real vendor.
//!
//! Test hooks live under `/_sim/`: the ground truth of each vendor's data, request counts, and
//! faults that can be changed while running.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get, post};
use axum::serve::ListenerExt;
use axum::Router;
use sim::faults::{Fault, FaultSchedule};
use sim::{SimRequest, World, WorldConfig};
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

mod hooks;

struct AppState {
    /// Read by every answer; written only by `/_sim/touch`.
    world: RwLock<World>,
    /// Added to every vendor answer; `/_sim/latency` changes it, `/_sim/reset` restores it.
    latency_ms: AtomicU64,
    startup_latency_ms: u64,
    startup_arrivals: Option<usize>,
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
         \x20                 [--app-dir dist --app-port 8080 --app-base /]\n\
         KIND: 429[:retry-after[:hidden]] | 500 | 502 | 503 | drop | slow | truncate | malformed | stream_error\n\
         \x20     | reject_cursor | revoked | nocors"
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
    options
}

#[tokio::main]
async fn main() {
    let options = parse_options();
    let world = World::generate(&options.config);
    let startup_arrivals = options.config.huechat_arrivals_every;
    let state = Arc::new(AppState {
        world: RwLock::new(world),
        latency_ms: AtomicU64::new(options.latency_ms),
        startup_latency_ms: options.latency_ms,
        startup_arrivals,
        slow_ms: options.slow_ms,
        faults: Mutex::new(options.faults),
        requests: AtomicUsize::new(0),
        by_vendor: Mutex::new(HashMap::new()),
        targets: Mutex::new(Vec::new()),
    });
    let api = Router::new()
        .route("/_sim/health", get(|| async { "ok" }))
        .route("/_sim/dataset/{vendor}", get(hooks::dataset))
        .route("/_sim/warm/{vendor}", post(hooks::warm))
        .route("/_sim/stats", get(hooks::stats))
        .route("/_sim/reset", post(hooks::reset))
        .route("/_sim/faults", post(hooks::set_faults))
        .route("/_sim/latency", post(hooks::set_latency))
        .route("/_sim/arrivals", post(hooks::set_arrivals))
        .route("/_sim/touch", post(hooks::touch))
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

pub(crate) fn cors(response: &mut Response, expose_retry_after: bool) {
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
    let mut answer = state.world.read().unwrap().respond(vendor, &request);
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
    let mut response = Response::new(Body::from(answer.body));
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
