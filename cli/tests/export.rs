//! `conversation-export export` against the simulator over HTTP: the app's files, byte for
//! byte (the manifest's time apart); a link's view, with its address trusted only when named;
//! a stop that resumes from the folder, fetching nothing twice; bad flags refused.

mod support;

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;
use std::sync::atomic::Ordering;

use conversation_export::destination::ScopedKey;
use conversation_export::engine::cancel::CancelToken;
use conversation_export::engine::clock::FakeClock;
use conversation_export::engine::{run as run_engine, Export, Settings};
use conversation_export::export::bundle::ExportContext;
use conversation_export::export::csv::CsvOptions;
use conversation_export::secret::ApiKey;
use conversation_export::transport::sim::SimTransport;
use conversation_export::vendors::{ExportQuery, VendorId};
use support::*;

/// Every file in `dir` (not the hidden ones), by name.
fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| !path.file_name().unwrap().to_str().unwrap().starts_with('.'))
        .map(|path| {
            (
                path.file_name().unwrap().to_str().unwrap().to_string(),
                std::fs::read(&path).unwrap(),
            )
        })
        .collect()
}

/// A zip's entries; the manifest without its `exported_at`.
fn entries(zip: &[u8]) -> BTreeMap<String, Vec<u8>> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(zip)).unwrap();
    (0..archive.len())
        .map(|index| {
            let mut entry = archive.by_index(index).unwrap();
            let name = entry.name().unwrap().to_string();
            let mut bytes = Vec::new();
            entry.read_to_end(&mut bytes).unwrap();
            if name == "manifest.json" {
                let mut manifest: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
                manifest.as_object_mut().unwrap().remove("exported_at");
                bytes = manifest.to_string().into_bytes();
            }
            (name, bytes)
        })
        .collect()
}

/// The files the app downloads for `query`, made in process the way the app makes them: the
/// engine over the simulator (as Demo mode runs it), then `ExportContext`.
fn app_files(query: ExportQuery, options: &CsvOptions) -> BTreeMap<String, Vec<u8>> {
    let world = std::rc::Rc::new(sim::World::generate(&sim::WorldConfig {
        conversations: 80,
        ..sim::WorldConfig::default()
    }));
    let transport = SimTransport::new(world, FakeClock::new());
    let key = ScopedKey::for_base_url(ApiKey::new(sim_key(query.vendor)), &query.base_url).unwrap();
    let export = RefCell::new(Export::new(query, Settings::default()));
    futures_executor::block_on(run_engine(
        &export,
        &transport,
        transport.clock(),
        &key,
        &CancelToken::new(),
        &mut || {},
    ));
    let export = export.into_inner();
    let columns = BTreeMap::new();
    let context = ExportContext {
        query: &export.query,
        conversations: export.store.conversations(),
        warnings: &export.store.warnings,
        options,
        columns: &columns,
        exported_at: "2026-07-01T12:00:00Z".parse().unwrap(),
        missing: &[],
    };
    let mut files: BTreeMap<String, Vec<u8>> = context
        .data_files()
        .into_iter()
        .map(|f| (f.name, f.bytes.to_vec()))
        .collect();
    let zip = context.zip();
    files.insert(zip.name, zip.bytes.to_vec());
    files
}

fn assert_same_files(
    got: &BTreeMap<String, Vec<u8>>,
    expected: &BTreeMap<String, Vec<u8>>,
    what: &str,
) {
    assert_eq!(
        got.keys().collect::<Vec<_>>(),
        expected.keys().collect::<Vec<_>>(),
        "{what}: file names"
    );
    for (name, bytes) in got {
        if name.ends_with(".zip") {
            let (got, expected) = (entries(bytes), entries(&expected[name]));
            assert_eq!(
                got.keys().collect::<Vec<_>>(),
                expected.keys().collect::<Vec<_>>(),
                "{what}: {name}"
            );
            for (entry, bytes) in &got {
                assert!(bytes == &expected[entry], "{what}: {name}/{entry} differs");
            }
        } else {
            assert!(
                bytes == &expected[name],
                "{what}: {name} differs from the app's"
            );
        }
    }
}

fn export_args<'a>(server_base: &'a str, vendor: VendorId, out: &'a str) -> Vec<String> {
    let mut args = vec![
        "export".to_string(),
        "--vendor".into(),
        vendor.slug().into(),
        "--base-url".into(),
        server_base.into(),
        "--out".into(),
        out.into(),
        "--quiet".into(),
    ];
    for (name, value) in full_filters(vendor) {
        args.push(format!("--{}", name.replace('_', "-")));
        args.push(value.to_string());
    }
    if vendor == VendorId::Mindo {
        args.extend(["--to".to_string(), "2026-07-31".to_string()]);
    }
    args
}

#[test]
fn export_writes_the_apps_files_byte_for_byte() {
    let server = SimServer::start(80);
    for &vendor in VendorId::ALL {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        let base = server.base_url(vendor);
        let args = export_args(&base, vendor, out.to_str().unwrap());
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let output = run(&args, Some(sim_key(vendor)), dir.path());
        assert!(
            output.status.success(),
            "{vendor}: {}",
            text(&output.stderr)
        );
        let mut query = ExportQuery::new(vendor);
        query.base_url = base.clone();
        for (name, value) in full_filters(vendor) {
            query = query.with(name, value);
        }
        if vendor == VendorId::Mindo {
            query = query.with("to", "2026-07-31");
        }
        let expected = app_files(query, &CsvOptions::default());
        let got = files(&out);
        assert_same_files(&got, &expected, vendor.slug());
        // Standard output lists the files, for scripts; the folder keeps no saved state.
        assert_eq!(text(&output.stdout).lines().count(), got.len());
        assert!(!out.join(".journal.ndjson").exists());
    }
}

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
fn a_stopped_export_resumes_from_its_folder_fetching_nothing_twice() {
    let server = SimServer::start(250);
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let base = server.base_url(VendorId::Humind);
    let key = Some(sim_key(VendorId::Humind));
    let args = [
        "export",
        "--vendor",
        "humind",
        "--base-url",
        &base,
        "--out",
        out.to_str().unwrap(),
        "--quiet",
    ];
    server.revoke_from.store(2, Ordering::SeqCst);
    let stopped = run(&args, key, dir.path());
    assert_eq!(stopped.status.code(), Some(3), "{}", text(&stopped.stderr));
    let stderr = text(&stopped.stderr);
    assert!(
        stderr.contains("Missing: 1 requests not made")
            && stderr.contains("page 3 of conversations"),
        "{stderr}"
    );
    assert!(
        stderr.contains(&format!("--resume {}", out.display())),
        "{stderr}"
    );
    assert!(
        files(&out).keys().all(|name| name.contains("_partial")),
        "{:?}",
        files(&out).keys()
    );
    assert!(out.join(".journal.ndjson").exists());
    // Started again in the same folder, it says to resume instead.
    let again = run(&args, key, dir.path());
    assert_eq!(again.status.code(), Some(2));
    assert!(text(&again.stderr).contains("--resume"));
    server.revoke_from.store(usize::MAX, Ordering::SeqCst);
    let before = server.requests.load(Ordering::SeqCst);
    let resumed = run(
        &["export", "--resume", out.to_str().unwrap(), "--quiet"],
        key,
        dir.path(),
    );
    assert!(resumed.status.success(), "{}", text(&resumed.stderr));
    assert_eq!(
        server.requests.load(Ordering::SeqCst) - before,
        1,
        "only the page that was missing"
    );
    // The files are those of an export that never stopped; the partial ones are gone.
    let clean_dir = dir.path().join("clean");
    let clean = run(
        &[
            "export",
            "--vendor",
            "humind",
            "--base-url",
            &base,
            "--out",
            clean_dir.to_str().unwrap(),
            "--quiet",
        ],
        key,
        dir.path(),
    );
    assert!(clean.status.success());
    assert_same_files(&files(&out), &files(&clean_dir), "resumed");
    assert!(!out.join(".journal.ndjson").exists());
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
