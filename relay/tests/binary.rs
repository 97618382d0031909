//! The `relay` binary itself: bad flags stop it with a clear message, and what it prints while
//! relaying (startup and request lines, on both streams) never holds a key.

mod support;

use std::io::{BufRead, BufReader, Read};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use support::{start_upstream, test_client, APP_ORIGIN, HUECHAT_KEY, HUMIND_KEY};

const RELAY: &str = env!("CARGO_BIN_EXE_relay");

fn refused(args: &[&str]) -> String {
    let output = Command::new(RELAY).args(args).output().unwrap();
    assert_eq!(output.status.code(), Some(2), "{args:?}");
    String::from_utf8(output.stderr).unwrap()
}

#[test]
fn bad_flags_stop_the_relay_with_a_message() {
    assert!(refused(&[]).contains("--allow-origin"));
    assert!(refused(&["--allow-origin", "*"]).contains("name the app's origin"));
    assert!(
        refused(&["--allow-origin", APP_ORIGIN, "--listen", "0.0.0.0:0"])
            .contains("--behind-tls-proxy")
    );
    assert!(refused(&[
        "--allow-origin",
        APP_ORIGIN,
        "--upstream",
        "x=http://10.0.0.1"
    ])
    .contains("not a public address"));
    assert!(refused(&["--allow-origin", APP_ORIGIN, "--frobnicate"]).contains("unknown flag"));
    let help = Command::new(RELAY).arg("--help").output().unwrap();
    assert!(help.status.success());
    assert!(String::from_utf8(help.stdout)
        .unwrap()
        .contains("usage: relay"));
}

#[test]
fn a_missing_certificate_stops_the_relay() {
    let output = Command::new(RELAY)
        .args(["--allow-origin", APP_ORIGIN, "--listen", "127.0.0.1:0"])
        .args([
            "--tls-cert",
            "/nonexistent/cert.pem",
            "--tls-key",
            "/nonexistent/key.pem",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8(output.stderr)
        .unwrap()
        .contains("--tls-cert /nonexistent/cert.pem"));
}

// Multi-threaded: the in-process upstream keeps answering while this test blocks on the child.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_binarys_output_never_holds_a_key() {
    let upstream = start_upstream().await;
    // An upstream that fails: nothing listens on a port that was free a moment ago.
    let closed_port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut child = Command::new(RELAY)
        .args([
            "--listen",
            "127.0.0.1:0",
            "--allow-origin",
            APP_ORIGIN,
            "--allow-private-upstreams",
        ])
        .args(["--upstream", &format!("test={}", upstream.base())])
        .args([
            "--upstream",
            &format!("down=http://127.0.0.1:{closed_port}"),
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr_lines = Arc::new(Mutex::new(Vec::<String>::new()));
    let reader = {
        let lines = Arc::clone(&stderr_lines);
        let stderr = child.stderr.take().unwrap();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines() {
                lines.lock().unwrap().push(line.unwrap());
            }
        })
    };
    let address = wait_for(&stderr_lines, |line| {
        line.strip_prefix("relay: listening on ")
            .map(str::to_string)
    });
    // The banner names the API address to type for each upstream.
    wait_for(&stderr_lines, |line| {
        line.contains(&format!("http://{address}/test"))
            .then_some(())
    });

    let client = test_client();
    for path in [
        "/test/conversations",
        "/test/unauthorized",
        "/down/conversations",
        "/nowhere",
    ] {
        let response = client
            .get(format!("http://{address}{path}?key={HUMIND_KEY}"))
            .header("origin", APP_ORIGIN)
            .header("authorization", format!("Bearer {HUMIND_KEY}"))
            .header("x-api-key", HUECHAT_KEY)
            .send()
            .await
            .unwrap();
        let _ = response.bytes().await;
    }
    // Relayed, failed upstream, refused: four requests, four lines.
    let deadline = Instant::now() + Duration::from_secs(20);
    while request_lines(&stderr_lines) < 4 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }

    child.kill().unwrap();
    let mut stdout = String::new();
    child
        .stdout
        .take()
        .unwrap()
        .read_to_string(&mut stdout)
        .unwrap();
    child.wait().unwrap();
    reader.join().unwrap();
    let everything = format!("{stdout}\n{}", stderr_lines.lock().unwrap().join("\n"));
    assert_eq!(request_lines(&stderr_lines), 4, "{everything}");
    for secret in [HUMIND_KEY, HUECHAT_KEY, "SECRET"] {
        assert!(
            !everything.contains(secret),
            "{secret} in the relay's output:\n{everything}"
        );
    }
}

fn request_lines(lines: &Mutex<Vec<String>>) -> usize {
    lines
        .lock()
        .unwrap()
        .iter()
        .filter(|line| line.starts_with("method="))
        .count()
}

fn wait_for<T>(lines: &Mutex<Vec<String>>, find: impl Fn(&str) -> Option<T>) -> T {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        if let Some(found) = lines.lock().unwrap().iter().find_map(|line| find(line)) {
            return found;
        }
        assert!(
            Instant::now() < deadline,
            "not seen in {:?}",
            lines.lock().unwrap()
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}
