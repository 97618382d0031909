//! The log: one line per request with method, host, path, status, bytes and milliseconds, and
//! never a key, whichever way the request ends.

mod support;

use support::{start_relay, start_upstream, APP_ORIGIN, ECHO_BODY, HUECHAT_KEY, HUMIND_KEY};

const QUERY_SECRET: &str = "QUERYSECRET42";

#[tokio::test]
async fn keys_never_reach_the_log_and_every_request_has_one_full_line() {
    let upstream = start_upstream().await;
    let relay = start_relay(
        &upstream.base(),
        &["--allow-private-upstreams", "--timeout-secs", "1"],
    )
    .await;

    // Every way a request can end: relayed (2xx, 4xx from upstream, streamed), refused by the
    // relay for each reason, and failed upstream.
    let requests: [(&str, &str, Option<&str>, u16); 9] = [
        (
            "GET",
            "/test/conversations?api_key=QUERYSECRET42",
            Some(APP_ORIGIN),
            200,
        ),
        ("GET", "/test/unauthorized", Some(APP_ORIGIN), 401),
        ("GET", "/test/limited", None, 429),
        ("GET", "/test/big-chunked", Some(APP_ORIGIN), 200),
        ("GET", "/nowhere/conversations", Some(APP_ORIGIN), 404),
        (
            "GET",
            "/test/conversations",
            Some("https://evil.example.com"),
            403,
        ),
        ("POST", "/test/conversations", Some(APP_ORIGIN), 405),
        ("OPTIONS", "/test/conversations", Some(APP_ORIGIN), 204),
        ("GET", "/test/slow", Some(APP_ORIGIN), 504),
    ];
    for (method, path, origin, status) in requests {
        let mut request = relay
            .client
            .request(method.parse().unwrap(), relay.url(path))
            .header("authorization", format!("Bearer {HUMIND_KEY}"))
            .header("x-api-key", HUECHAT_KEY);
        if let Some(origin) = origin {
            request = request.header("origin", origin);
        }
        let response = request.send().await.unwrap();
        assert_eq!(response.status().as_u16(), status, "{method} {path}");
        let body = response.text().await.unwrap();
        assert!(
            !body.contains(HUMIND_KEY) && !body.contains(HUECHAT_KEY),
            "{path}: {body}"
        );
    }

    let lines = relay.log_lines(requests.len()).await;
    assert_eq!(
        lines.len(),
        requests.len(),
        "one line per request: {lines:#?}"
    );
    let everything = lines.join("\n");
    for secret in [
        HUMIND_KEY,
        HUECHAT_KEY,
        "SECRET",
        QUERY_SECRET,
        "Bearer",
        "api_key",
    ] {
        assert!(
            !everything.contains(secret),
            "{secret} in the log:\n{everything}"
        );
    }

    let mut statuses: Vec<u16> = Vec::new();
    for line in &lines {
        let fields: Vec<(&str, &str)> = line
            .split(' ')
            .map(|field| field.split_once('=').unwrap_or_else(|| panic!("{line}")))
            .collect();
        let names: Vec<&str> = fields.iter().map(|(name, _)| *name).collect();
        assert_eq!(
            names[..6],
            ["method", "host", "path", "status", "bytes", "ms"],
            "{line}"
        );
        assert!(["GET", "POST", "OPTIONS"].contains(&fields[0].1), "{line}");
        assert!(
            fields[2].1.starts_with('/') && !fields[2].1.contains('?'),
            "{line}"
        );
        statuses.push(fields[3].1.parse().unwrap());
        fields[4].1.parse::<u64>().unwrap();
        fields[5].1.parse::<u64>().unwrap();
    }
    statuses.sort();
    let mut expected: Vec<u16> = requests.iter().map(|request| request.3).collect();
    expected.sort();
    assert_eq!(statuses, expected);

    let relayed = lines
        .iter()
        .find(|line| line.contains("path=/base/conversations status=200"))
        .expect("the relayed request's line names the upstream path");
    assert!(relayed.contains("host=127.0.0.1 "), "{relayed}");
    assert!(
        relayed.contains(&format!("bytes={} ", ECHO_BODY.len())),
        "{relayed}"
    );
    let streamed = lines
        .iter()
        .find(|line| line.contains("/base/big-chunked"))
        .unwrap();
    assert!(streamed.contains("bytes=10000 "), "{streamed}");
    let refused = lines
        .iter()
        .find(|line| line.contains("status=403"))
        .unwrap();
    assert!(
        refused.contains("host=- ") && refused.ends_with("error=origin_not_allowed"),
        "{refused}"
    );
    let timed_out = lines
        .iter()
        .find(|line| line.contains("status=504"))
        .unwrap();
    assert!(timed_out.ends_with("error=upstream_timeout"), "{timed_out}");
}
