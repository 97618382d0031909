//! Caps: response size, requests per client a minute, and time.

mod support;

use support::{relay_error, start_relay, start_upstream, APP_ORIGIN};

#[tokio::test]
async fn an_answer_announced_too_large_is_refused_with_a_json_error() {
    let upstream = start_upstream().await;
    let relay = start_relay(
        &upstream.base(),
        &["--allow-private-upstreams", "--max-response-bytes", "5000"],
    )
    .await;
    let response = relay
        .client
        .get(relay.url("/test/big"))
        .header("origin", APP_ORIGIN)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 502);
    assert_eq!(
        response.headers()["access-control-allow-origin"],
        APP_ORIGIN
    );
    let (code, message) = relay_error(response).await;
    assert_eq!(code, "response_too_large");
    assert!(message.contains("5000 bytes"));
}

#[tokio::test]
async fn a_streamed_answer_past_the_cap_is_cut_off_as_a_failure() {
    let upstream = start_upstream().await;
    let relay = start_relay(
        &upstream.base(),
        &["--allow-private-upstreams", "--max-response-bytes", "5500"],
    )
    .await;
    let response = relay
        .client
        .get(relay.url("/test/big-chunked"))
        .send()
        .await
        .unwrap();
    // The status was sent before the size was known; the body then breaks off, so the client
    // sees a failed read, never a short body taken for a whole one.
    assert_eq!(response.status(), 200);
    assert!(response.bytes().await.is_err());
    let lines = relay.log_lines(1).await;
    assert!(
        lines[0].ends_with("error=response_too_large"),
        "{}",
        lines[0]
    );
    let bytes: u64 = field(&lines[0], "bytes").parse().unwrap();
    assert!(bytes <= 5500, "{}", lines[0]);

    // Under the cap, the same answer passes whole.
    let roomy = start_relay(
        &upstream.base(),
        &["--allow-private-upstreams", "--max-response-bytes", "10000"],
    )
    .await;
    let body = roomy
        .client
        .get(roomy.url("/test/big-chunked"))
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert_eq!(body.len(), 10_000);
}

#[tokio::test]
async fn a_client_past_its_requests_a_minute_gets_a_429_with_retry_after() {
    let upstream = start_upstream().await;
    let relay = start_relay(
        &upstream.base(),
        &[
            "--allow-private-upstreams",
            "--max-requests-per-minute",
            "3",
        ],
    )
    .await;
    for _ in 0..3 {
        let response = relay
            .client
            .get(relay.url("/test/conversations"))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
    }
    let response = relay
        .client
        .get(relay.url("/test/conversations"))
        .header("origin", APP_ORIGIN)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 429);
    // One request every 20 s comes back.
    let retry_after: u64 = response.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=20).contains(&retry_after), "{retry_after}");
    assert_eq!(
        response.headers()["access-control-expose-headers"],
        "Retry-After"
    );
    let (code, message) = relay_error(response).await;
    assert_eq!(code, "rate_limited");
    assert!(message.contains("More than 3 requests a minute"));
    assert_eq!(
        upstream.seen().len(),
        3,
        "the refused request never reached the upstream"
    );

    // Preflights are answered locally and not counted.
    let preflight = relay
        .client
        .request(reqwest::Method::OPTIONS, relay.url("/test/conversations"))
        .header("origin", APP_ORIGIN)
        .send()
        .await
        .unwrap();
    assert_eq!(preflight.status(), 204);
}

#[tokio::test]
async fn an_upstream_slower_than_the_timeout_is_a_504() {
    let upstream = start_upstream().await;
    let relay = start_relay(
        &upstream.base(),
        &["--allow-private-upstreams", "--timeout-secs", "1"],
    )
    .await;
    let started = std::time::Instant::now();
    let response = relay
        .client
        .get(relay.url("/test/slow"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 504);
    assert!(started.elapsed() < std::time::Duration::from_secs(4));
    let (code, message) = relay_error(response).await;
    assert_eq!(code, "upstream_timeout");
    assert!(message.contains("within 1 s"));
}

fn field<'l>(line: &'l str, name: &str) -> &'l str {
    line.split(' ')
        .find_map(|part| part.strip_prefix(&format!("{name}=")))
        .unwrap_or_else(|| panic!("no {name} in {line}"))
}
