//! No SSRF: an upstream whose name resolves to a local address is refused unless the admin
//! allowed private upstreams.

mod support;

use support::{relay_error, start_relay, start_upstream, APP_ORIGIN};

#[tokio::test]
async fn an_upstream_that_resolves_to_loopback_is_refused() {
    let upstream = start_upstream().await;
    // `localhost` is a name, so it goes through the checking resolver (an IP literal is
    // refused at startup instead, see config.rs's tests).
    let base = format!("http://localhost:{}/base", upstream.address.port());
    let relay = start_relay(&base, &[]).await;
    let response = relay
        .client
        .get(relay.url("/test/conversations"))
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
    assert_eq!(code, "upstream_address_refused");
    assert!(message.contains("localhost") && message.contains("--allow-private-upstreams"));
    assert!(
        upstream.seen().is_empty(),
        "no connection reached the local server"
    );

    let lines = relay.log_lines(1).await;
    assert!(
        lines[0].contains("host=localhost") && lines[0].ends_with("error=upstream_address_refused")
    );
}

#[tokio::test]
async fn the_flag_allows_a_local_upstream() {
    let upstream = start_upstream().await;
    let base = format!("http://localhost:{}/base", upstream.address.port());
    let relay = start_relay(&base, &["--allow-private-upstreams"]).await;
    let response = relay
        .client
        .get(relay.url("/test/conversations"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(upstream.seen().len(), 1);
}

#[tokio::test]
async fn an_unreachable_upstream_is_a_502() {
    // A port that was free a moment ago: nothing listens there.
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let relay = start_relay(
        &format!("http://127.0.0.1:{port}/base"),
        &["--allow-private-upstreams"],
    )
    .await;
    let response = relay.client.get(relay.url("/test/x")).send().await.unwrap();
    assert_eq!(response.status(), 502);
    assert_eq!(relay_error(response).await.0, "upstream_unreachable");
}
