//! CORS: the app's origin is served and echoed, any other origin is refused.

mod support;

use support::{relay_error, start_relay, start_upstream, APP_ORIGIN};

#[tokio::test]
async fn a_preflight_from_the_app_allows_get_and_its_headers() {
    let upstream = start_upstream().await;
    let relay = start_relay(&upstream.base(), &["--allow-private-upstreams"]).await;
    let response = relay
        .client
        .request(reqwest::Method::OPTIONS, relay.url("/test/conversations"))
        .header("origin", APP_ORIGIN)
        .header("access-control-request-method", "GET")
        .header("access-control-request-headers", "authorization,x-api-key")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 204);
    let headers = response.headers();
    assert_eq!(headers["access-control-allow-origin"], APP_ORIGIN);
    assert_eq!(headers["access-control-allow-methods"], "GET");
    assert_eq!(
        headers["access-control-allow-headers"],
        "Authorization, X-API-Key, Accept"
    );
    assert_eq!(headers["access-control-max-age"], "600");
    assert_eq!(headers["vary"], "Origin");
    // A preflight is answered by the relay, never forwarded.
    assert!(upstream.seen().is_empty());
}

#[tokio::test]
async fn a_get_from_the_app_echoes_its_origin_and_exposes_retry_after() {
    let upstream = start_upstream().await;
    let relay = start_relay(&upstream.base(), &["--allow-private-upstreams"]).await;
    let response = relay
        .client
        .get(relay.url("/test/conversations"))
        .header("origin", APP_ORIGIN)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let headers = response.headers();
    // Echoed, never the upstream's own `*`.
    assert_eq!(headers["access-control-allow-origin"], APP_ORIGIN);
    assert_eq!(
        headers
            .get_all("access-control-allow-origin")
            .iter()
            .count(),
        1
    );
    assert_eq!(headers["access-control-expose-headers"], "Retry-After");
    assert_eq!(headers["vary"], "Origin");
    assert!(headers.get("access-control-allow-credentials").is_none());
}

#[tokio::test]
async fn another_origin_is_refused_with_a_json_error_and_no_cors_headers() {
    let upstream = start_upstream().await;
    let relay = start_relay(&upstream.base(), &["--allow-private-upstreams"]).await;
    for method in [reqwest::Method::GET, reqwest::Method::OPTIONS] {
        let response = relay
            .client
            .request(method.clone(), relay.url("/test/conversations"))
            .header("origin", "https://evil.example.com")
            .header("access-control-request-method", "GET")
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 403, "{method}");
        assert!(response
            .headers()
            .get("access-control-allow-origin")
            .is_none());
        assert_eq!(response.headers()["content-type"], "application/json");
        let (code, message) = relay_error(response).await;
        assert_eq!(code, "origin_not_allowed");
        assert!(message.contains("--allow-origin"));
    }
    assert!(
        upstream.seen().is_empty(),
        "a refused origin never reaches the upstream"
    );
}

#[tokio::test]
async fn a_request_without_origin_is_served_without_cors_headers() {
    let upstream = start_upstream().await;
    let relay = start_relay(&upstream.base(), &["--allow-private-upstreams"]).await;
    let response = relay
        .client
        .get(relay.url("/test/conversations"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert!(response
        .headers()
        .get("access-control-allow-origin")
        .is_none());
    assert!(response
        .headers()
        .get("access-control-expose-headers")
        .is_none());
    assert_eq!(upstream.seen().len(), 1);
}

#[tokio::test]
async fn the_apps_errors_from_the_relay_are_readable_by_the_app() {
    let upstream = start_upstream().await;
    let relay = start_relay(&upstream.base(), &["--allow-private-upstreams"]).await;
    let response = relay
        .client
        .get(relay.url("/nowhere/x"))
        .header("origin", APP_ORIGIN)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 404);
    assert_eq!(
        response.headers()["access-control-allow-origin"],
        APP_ORIGIN
    );
    assert_eq!(relay_error(response).await.0, "unknown_upstream");
}
