//! Streaming: the browser reads the first NDJSON rows before the upstream has sent the rest.

mod support;

use std::time::Duration;

use support::{start_relay, start_upstream, FIRST_NDJSON_LINE, REST_NDJSON};

#[tokio::test]
async fn the_first_ndjson_row_arrives_before_the_upstream_sends_the_rest() {
    let upstream = start_upstream().await;
    let relay = start_relay(&upstream.base(), &["--allow-private-upstreams"]).await;
    let mut response = relay
        .client
        .get(relay.url("/test/stream"))
        .header("accept", "application/x-ndjson")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "application/x-ndjson");

    // The upstream holds the rest back until released: a relay that buffered the body would
    // never hand over this first chunk, and the read would time out.
    let first = tokio::time::timeout(Duration::from_secs(5), response.chunk())
        .await
        .expect("the first row is relayed while the upstream still holds the rest")
        .unwrap()
        .unwrap();
    assert_eq!(first, FIRST_NDJSON_LINE.as_bytes());

    upstream.state.release_stream.notify_one();
    let mut rest = Vec::new();
    while let Some(chunk) = tokio::time::timeout(Duration::from_secs(5), response.chunk())
        .await
        .unwrap()
        .unwrap()
    {
        rest.extend_from_slice(&chunk);
    }
    assert_eq!(rest, REST_NDJSON.as_bytes());

    let lines = relay.log_lines(1).await;
    let expected_bytes = FIRST_NDJSON_LINE.len() + REST_NDJSON.len();
    assert!(
        lines[0].contains(&format!("status=200 bytes={expected_bytes} ")),
        "{}",
        lines[0]
    );
}
