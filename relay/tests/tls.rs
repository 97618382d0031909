//! `--tls-cert` and `--tls-key`: the relay serves https itself.

mod support;

use relay::config::Config;
use relay::log::MemoryLog;
use std::sync::Arc;
use support::{start_upstream, APP_ORIGIN};

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/tls");

#[tokio::test]
async fn the_relay_serves_https_with_its_own_certificate() {
    let upstream = start_upstream().await;
    let config = Config::from_args([
        "--listen".to_string(),
        "127.0.0.1:0".into(),
        "--allow-origin".into(),
        APP_ORIGIN.into(),
        "--allow-private-upstreams".into(),
        "--upstream".into(),
        format!("test={}", upstream.base()),
        "--tls-cert".into(),
        format!("{FIXTURES}/localhost.pem"),
        "--tls-key".into(),
        format!("{FIXTURES}/localhost-key.pem"),
    ])
    .unwrap();
    let running = relay::server::start(&config, Arc::new(MemoryLog::default()))
        .await
        .unwrap();
    assert_eq!(
        config.app_base_urls(running.address)[0].1,
        format!("https://{}/huechat", running.address)
    );

    let ca = reqwest::Certificate::from_pem(&std::fs::read(format!("{FIXTURES}/ca.pem")).unwrap())
        .unwrap();
    let client = reqwest::Client::builder()
        .no_proxy()
        .tls_certs_only([ca])
        .build()
        .unwrap();
    let url = format!(
        "https://localhost:{}/test/conversations",
        running.address.port()
    );
    let response = client
        .get(&url)
        .header("origin", APP_ORIGIN)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers()["access-control-allow-origin"],
        APP_ORIGIN
    );
    assert_eq!(upstream.seen().len(), 1);

    // Plain http on the https port gets no answer from the relay's handler.
    let plain = support::test_client()
        .get(format!(
            "http://127.0.0.1:{}/test/conversations",
            running.address.port()
        ))
        .send()
        .await;
    assert!(plain
        .map(|response| response.status() != 200)
        .unwrap_or(true));
}
