//! `export`'s flags: a link runs its view once its address is trusted; bad flags are refused
//! with exit code 2 before anything is sent; `--help` documents the filters and the key.

mod support;

use std::sync::atomic::Ordering;

use conversation_export::vendors::VendorId;
use support::files::files;
use support::*;

#[test]
fn a_link_runs_its_view_once_its_address_is_trusted() {
    let server = SimServer::start(40);
    let dir = tempfile::tempdir().unwrap();
    let base = server.base_url(VendorId::Humind);
    let link = format!(
        "https://export.example/?vendor=humind&base_url={}&include_contact=1&delimiter=semicolon&csv=database",
        base.replace(':', "%3A").replace('/', "%2F")
    );
    let out = dir.path().join("out");
    let key = Some(sim_key(VendorId::Humind));
    let refused = run(
        &["export", "--link", &link, "--out", out.to_str().unwrap()],
        key,
        dir.path(),
    );
    assert_eq!(refused.status.code(), Some(2));
    let host = base
        .trim_start_matches("http://")
        .split('/')
        .next()
        .unwrap();
    let stderr = text(&refused.stderr);
    assert!(
        stderr.contains(&format!("--trust-host {host}")) && stderr.contains("Nothing was sent"),
        "{stderr}"
    );
    assert_eq!(server.requests.load(Ordering::SeqCst), 0);
    let trusted = run(
        &[
            "export",
            "--link",
            &link,
            "--trust-host",
            host,
            "--out",
            out.to_str().unwrap(),
            "--quiet",
        ],
        key,
        dir.path(),
    );
    assert!(trusted.status.success(), "{}", text(&trusted.stderr));
    let got = files(&out);
    let messages = got
        .iter()
        .find(|(name, _)| name.ends_with("_messages.csv"))
        .unwrap()
        .1;
    assert!(
        !messages.starts_with(b"\xEF\xBB\xBF"),
        "for a database: no byte-order mark"
    );
    assert!(
        text(messages).lines().next().unwrap().contains(';'),
        "semicolons, as the link says"
    );
}

#[test]
fn bad_flags_are_refused_with_exit_code_2_and_nothing_sent() {
    let server = SimServer::start(10);
    let dir = tempfile::tempdir().unwrap();
    let base = server.base_url(VendorId::Humind);
    let humind = Some(sim_key(VendorId::Humind));
    let cases: Vec<(Vec<&str>, Option<&str>, &str)> = vec![
        (
            vec!["export", "--vendor", "zendesk", "--out", "o"],
            humind,
            "unknown vendor",
        ),
        (
            vec![
                "export",
                "--vendor",
                "humind",
                "--base-url",
                &base,
                "--created-after",
                "May 1st",
                "--out",
                "o",
            ],
            humind,
            "--created-after: Use a date like 2026-05-01",
        ),
        (
            vec![
                "export",
                "--vendor",
                "humind",
                "--base-url",
                &base,
                "--company-id",
                "42",
                "--out",
                "o",
            ],
            humind,
            "--company-id is not a filter of Humind",
        ),
        (
            vec!["export", "--vendor", "voice-widget", "--out", "o"],
            humind,
            "names no API address",
        ),
        (
            vec![
                "export",
                "--vendor",
                "humind",
                "--base-url",
                &base,
                "--out",
                "o",
            ],
            None,
            "set CONVERSATION_EXPORT_KEY",
        ),
        (
            vec![
                "export",
                "--vendor",
                "humind",
                "--base-url",
                &base,
                "--out",
                "o",
            ],
            Some("mindo_global_x"),
            "This looks like a Mindo key",
        ),
        (vec!["export", "--vendor", "humind"], humind, "--out"),
        (
            vec!["export", "--resume", "nowhere"],
            humind,
            "There is no stopped export in nowhere",
        ),
        (
            vec!["export", "--vendor", "humind", "--bogus"],
            humind,
            "unexpected argument '--bogus'",
        ),
    ];
    for (args, key, expected) in cases {
        let output = run(&args, key, dir.path());
        let stderr = text(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(expected), "{args:?}: {stderr}");
    }
    assert_eq!(
        server.requests.load(Ordering::SeqCst),
        0,
        "nothing was sent"
    );
    let help = run(&["export", "--help"], None, dir.path());
    assert!(help.status.success());
    let help = text(&help.stdout);
    for needle in [
        "--created-after",
        "--company-id",
        "--link",
        "--resume",
        "CONVERSATION_EXPORT_KEY",
    ] {
        assert!(
            help.contains(needle)
                || text(&run(&["--help"], None, dir.path()).stdout).contains(needle),
            "{needle}"
        );
    }
}

#[test]
fn an_address_with_nothing_behind_it_is_said_plainly_for_a_command_line() {
    let dir = tempfile::tempdir().unwrap();
    // A port nothing listens on: bound, then closed.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let base = format!("http://127.0.0.1:{port}/humind/public/v1");
    let out = dir.path().join("out");
    let output = run(
        &[
            "export",
            "--vendor",
            "humind",
            "--base-url",
            &base,
            "--out",
            out.to_str().unwrap(),
            "--quiet",
        ],
        Some(sim_key(VendorId::Humind)),
        dir.path(),
    );
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("Humind could not be reached at this address"),
        "{stderr}"
    );
    assert!(!stderr.contains("browser"), "{stderr}");
}
