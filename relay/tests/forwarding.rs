//! Forwarding: the path mapping, the allow-list, GET only, and which headers cross the relay
//! in each direction.

mod support;

use support::{
    relay_error, start_relay, start_upstream, APP_ORIGIN, ECHO_BODY, HUECHAT_KEY, HUMIND_KEY,
};

#[tokio::test]
async fn a_path_and_query_reach_the_upstream_under_its_base() {
    let upstream = start_upstream().await;
    let relay = start_relay(&upstream.base(), &["--allow-private-upstreams"]).await;
    let response = relay
        .client
        .get(relay.url("/test/conversations?limit=100&cursor=a%2Fb"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "application/json");
    assert_eq!(response.text().await.unwrap(), ECHO_BODY);
    let seen = upstream.seen();
    assert_eq!(seen.len(), 1);
    assert_eq!(
        seen[0].path_and_query,
        "/base/conversations?limit=100&cursor=a%2Fb"
    );
}

#[tokio::test]
async fn the_upstream_receives_only_the_key_and_accept_headers() {
    let upstream = start_upstream().await;
    let relay = start_relay(&upstream.base(), &["--allow-private-upstreams"]).await;
    let response = relay
        .client
        .get(relay.url("/test/conversations"))
        .header("origin", APP_ORIGIN)
        .header("authorization", format!("Bearer {HUMIND_KEY}"))
        .header("x-api-key", HUECHAT_KEY)
        .header("accept", "application/json")
        .header("cookie", "session=browser-cookie")
        .header("referer", "https://app.example.com/export?vendor=humind")
        .header("x-forwarded-for", "198.51.100.7")
        .header("forwarded", "for=198.51.100.7")
        .header("x-real-ip", "198.51.100.7")
        .header("user-agent", "Mozilla/5.0 the user's browser")
        .header("x-custom", "private")
        .header("accept-language", "de-CH")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);

    let seen = upstream.seen();
    let headers = &seen[0].headers;
    assert_eq!(
        headers["authorization"],
        format!("Bearer {HUMIND_KEY}").as_str()
    );
    assert_eq!(headers["x-api-key"], HUECHAT_KEY);
    assert_eq!(headers["accept"], "application/json");
    // The relay's own request headers, and nothing else of the browser's.
    let allowed = [
        "host",
        "authorization",
        "x-api-key",
        "accept",
        "accept-encoding",
        "user-agent",
    ];
    for name in headers.keys() {
        assert!(
            allowed.contains(&name.as_str()),
            "{name} reached the upstream"
        );
    }
    assert_eq!(headers["accept-encoding"], "identity");
    assert!(headers["user-agent"]
        .to_str()
        .unwrap()
        .starts_with("conversation-export-relay/"));
}

#[tokio::test]
async fn only_the_headers_the_app_reads_come_back() {
    let upstream = start_upstream().await;
    let relay = start_relay(&upstream.base(), &["--allow-private-upstreams"]).await;
    let response = relay
        .client
        .get(relay.url("/test/conversations"))
        .send()
        .await
        .unwrap();
    let headers = response.headers();
    assert!(headers.get("set-cookie").is_none());
    assert!(headers.get("x-upstream-internal").is_none());
    assert!(
        headers.get("access-control-allow-origin").is_none(),
        "not the upstream's `*`"
    );
    assert_eq!(headers["cache-control"], "no-store");
}

#[tokio::test]
async fn a_429_passes_through_with_its_retry_after() {
    let upstream = start_upstream().await;
    let relay = start_relay(&upstream.base(), &["--allow-private-upstreams"]).await;
    let response = relay
        .client
        .get(relay.url("/test/limited"))
        .header("origin", APP_ORIGIN)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 429);
    assert_eq!(response.headers()["retry-after"], "7");
    assert_eq!(
        response.headers()["access-control-expose-headers"],
        "Retry-After"
    );
    assert_eq!(
        relay_error(response).await,
        ("rate_limited".into(), "slow down".into())
    );
}

#[tokio::test]
async fn an_upstream_error_status_and_body_pass_through() {
    let upstream = start_upstream().await;
    let relay = start_relay(&upstream.base(), &["--allow-private-upstreams"]).await;
    let response = relay
        .client
        .get(relay.url("/test/unauthorized"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401);
    assert_eq!(relay_error(response).await.0, "invalid_key");
}

#[tokio::test]
async fn a_redirect_is_not_followed() {
    let upstream = start_upstream().await;
    let relay = start_relay(&upstream.base(), &["--allow-private-upstreams"]).await;
    let response = relay
        .client
        .get(relay.url("/test/redirect"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 302);
    // Not passed on either: the browser must not be sent to wherever the upstream points.
    assert!(response.headers().get("location").is_none());
    assert_eq!(upstream.seen().len(), 1);
}

#[tokio::test]
async fn unknown_upstreams_and_malformed_paths_are_refused() {
    let upstream = start_upstream().await;
    let relay = start_relay(&upstream.base(), &["--allow-private-upstreams"]).await;
    for (path, status, code) in [
        ("/evil.example.com/x", 404, "unknown_upstream"),
        ("/http:%2F%2Fevil.example.com/x", 404, "unknown_upstream"),
        ("/", 400, "malformed_path"),
        ("/test/../admin", 400, "malformed_path"),
        ("/test/%2e%2e/admin", 400, "malformed_path"),
    ] {
        // Written by hand: a client would normalise `..` away before sending.
        let response = raw_get(relay.address, path).await;
        assert!(
            response.starts_with(&format!("HTTP/1.1 {status}")),
            "{path}: {response}"
        );
        assert!(
            response.contains(&format!("\"code\":\"{code}\"")),
            "{path}: {response}"
        );
    }
    assert_eq!(
        upstream.seen().len(),
        0,
        "nothing refused reached the upstream"
    );
}

#[tokio::test]
async fn the_name_alone_is_forwarded_as_the_base_itself() {
    let upstream = start_upstream().await;
    let relay = start_relay(&upstream.base(), &["--allow-private-upstreams"]).await;
    let response = relay.client.get(relay.url("/test")).send().await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(upstream.seen()[0].path_and_query, "/base");
}

#[tokio::test]
async fn only_get_is_relayed() {
    let upstream = start_upstream().await;
    let relay = start_relay(&upstream.base(), &["--allow-private-upstreams"]).await;
    for method in ["POST", "PUT", "DELETE", "PATCH", "HEAD"] {
        let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
        let response = relay
            .client
            .request(method.clone(), relay.url("/test/conversations"))
            .header("origin", APP_ORIGIN)
            .body(if method == reqwest::Method::HEAD {
                ""
            } else {
                "{}"
            })
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 405, "{method}");
        assert_eq!(response.headers()["allow"], "GET, OPTIONS");
        assert_eq!(
            response.headers()["access-control-allow-origin"],
            APP_ORIGIN
        );
        if method != reqwest::Method::HEAD {
            assert_eq!(relay_error(response).await.0, "method_not_allowed");
        }
    }
    assert!(upstream.seen().is_empty());
}

/// A GET written on the socket as is, so the path is not normalised by a client.
async fn raw_get(address: std::net::SocketAddr, path: &str) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(address).await.unwrap();
    let request = format!("GET {path} HTTP/1.1\r\nHost: relay\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).await.unwrap();
    answer
}
