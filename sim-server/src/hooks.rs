//! The test hooks under `/_sim/`: the ground truth, request counts, and what tests change
//! while the simulator runs (faults, latency, arrivals, touches).

use std::collections::HashMap;
use std::sync::atomic::Ordering;
use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use sim::faults::{Fault, FaultSchedule};

use crate::{cors, AppState};

pub(crate) async fn dataset(
    State(state): State<Arc<AppState>>,
    Path(vendor): Path<String>,
) -> Response {
    let sequence = state.requests.load(Ordering::SeqCst);
    match state.world.read().unwrap().dataset_json(&vendor, sequence) {
        Some(value) => {
            let mut response = axum::Json(value).into_response();
            cors(&mut response, false);
            response
        }
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

/// Generates a vendor's data now, so a benchmark's clock does not include it.
pub(crate) async fn warm(
    State(state): State<Arc<AppState>>,
    Path(vendor): Path<String>,
) -> Response {
    let world = state.world.read().unwrap();
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

pub(crate) async fn stats(State(state): State<Arc<AppState>>) -> Response {
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

/// Back to the start: no request counted, no fault, the startup latency and arrivals.
pub(crate) async fn reset(State(state): State<Arc<AppState>>) -> Response {
    state.requests.store(0, Ordering::SeqCst);
    state.by_vendor.lock().unwrap().clear();
    state.targets.lock().unwrap().clear();
    *state.faults.lock().unwrap() = FaultSchedule::none();
    state
        .latency_ms
        .store(state.startup_latency_ms, Ordering::Relaxed);
    state
        .world
        .read()
        .unwrap()
        .huechat()
        .set_arrivals_every(state.startup_arrivals);
    "reset".into_response()
}

/// `POST /_sim/latency?ms=100`.
pub(crate) async fn set_latency(
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
pub(crate) async fn set_arrivals(
    State(state): State<Arc<AppState>>,
    Query(params): Query<HashMap<String, String>>,
) -> Response {
    match params.get("every").and_then(|n| n.parse::<usize>().ok()) {
        Some(every) => {
            state
                .world
                .read()
                .unwrap()
                .huechat()
                .set_arrivals_every((every > 0).then_some(every));
            "arrivals set".into_response()
        }
        None => (StatusCode::BAD_REQUEST, "every=N").into_response(),
    }
}

/// `POST /_sim/faults?every=3&fault=503`, `?at=0:429:2,1:drop` or `?from=5:revoked` replaces the
/// fault schedule; with no parameters it clears it. Request numbers count from the last reset.
pub(crate) async fn set_faults(
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

/// `POST /_sim/touch?vendor=humind&count=5`: changes 5 of the vendor's conversations as people
/// chatting would (`sim::touch`), on the minute after its newest record; answers
/// `{"at": "...", "ids": [...]}`. The ground truth shows the change.
pub(crate) async fn touch(
    State(state): State<Arc<AppState>>,
    Query(params): Query<HashMap<String, String>>,
) -> Response {
    let (Some(vendor), Some(count)) = (
        params.get("vendor"),
        params.get("count").and_then(|n| n.parse::<usize>().ok()),
    ) else {
        return (StatusCode::BAD_REQUEST, "vendor=NAME&count=N").into_response();
    };
    let touched = state.world.write().unwrap().touch(vendor, count);
    match touched {
        Some(touched) => axum::Json(serde_json::json!({
            "at": touched.at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            "ids": touched.ids,
        }))
        .into_response(),
        None => (StatusCode::NOT_FOUND, "unknown vendor").into_response(),
    }
}
