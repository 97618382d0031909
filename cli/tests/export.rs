//! `conversation-export export` against the simulator over HTTP: the app's files, byte for
//! byte (the manifest's time apart); a link's view, with its address trusted only when named;
//! a stop that resumes from the folder, fetching nothing twice; bad flags refused.

mod support;

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::sync::atomic::Ordering;

use conversation_export::destination::ScopedKey;
use conversation_export::engine::cancel::CancelToken;
use conversation_export::engine::clock::FakeClock;
use conversation_export::engine::{run as run_engine, Export, Settings};
use conversation_export::export::bundle::Files;
use conversation_export::export::csv::{CsvOptions, Delimiter, Layout};
use conversation_export::journal::MemoryJournal;
use conversation_export::narrow::DateNarrowing;
use conversation_export::secret::ApiKey;
use conversation_export::store::readback::{LinePages, StoredSource};
use conversation_export::store::Locations;
use conversation_export::store::Summary;
use conversation_export::transport::sim::SimTransport;
use conversation_export::vendors::{ExportQuery, VendorId};
use conversation_export::view_state::ViewState;
use futures_executor::block_on;
use support::files::{assert_same_files, files};
use support::*;

/// The files the app downloads for `query` (its view shown for `days`), made in process the
/// way the app makes them: the engine over the simulator (as Demo mode runs it) keeping the
/// export as summaries with its journal, then every file read back from the journal.
fn app_files(
    query: ExportQuery,
    options: &CsvOptions,
    days: DateNarrowing,
) -> BTreeMap<String, Vec<u8>> {
    let world = std::rc::Rc::new(sim::World::generate(&sim::WorldConfig {
        conversations: 80,
        ..sim::WorldConfig::default()
    }));
    let transport = SimTransport::new(world, FakeClock::new());
    let key = ScopedKey::for_base_url(ApiKey::new(sim_key(query.vendor)), &query.base_url).unwrap();
    let journal = MemoryJournal::starting(&query, &Settings::default());
    let export: RefCell<Export<Summary>> = RefCell::new(Export::new(query, Settings::default()));
    export.borrow_mut().set_journal(Box::new(journal.clone()));
    block_on(run_engine(
        &export,
        &transport,
        transport.clock(),
        &key,
        &CancelToken::new(),
        &mut || {},
    ));
    let export = export.into_inner();
    let lines = journal.lines.borrow();
    let located = Locations::all(days.apply(export.store.conversations()));
    let columns = BTreeMap::new();
    let mut files = Files {
        query: &export.query,
        source: StoredSource::new(
            located,
            &export.store.contents,
            &export.store.warnings,
            LinePages { lines: &lines },
        ),
        options,
        columns: &columns,
        exported_at: "2026-07-01T12:00:00Z".parse().unwrap(),
        missing: &[],
        shown: days,
    };
    let mut made = Vec::new();
    for kind in files.data_file_kinds() {
        made.push(block_on(files.file(kind)).unwrap());
    }
    made.push(block_on(files.zip()).unwrap());
    made.into_iter()
        .map(|file| (file.name, file.bytes.to_vec()))
        .collect()
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

/// The question `export_args` asks.
fn full_query(server_base: &str, vendor: VendorId) -> ExportQuery {
    let mut query = ExportQuery::new(vendor);
    query.base_url = server_base.to_string();
    for (name, value) in full_filters(vendor) {
        query = query.with(name, value);
    }
    if vendor == VendorId::Mindo {
        query = query.with("to", "2026-07-31");
    }
    query
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
        let expected = app_files(
            full_query(&base, vendor),
            &ViewState::for_vendor(vendor).csv_options(),
            DateNarrowing::default(),
        );
        let got = files(&out);
        assert_same_files(&got, &expected, vendor.slug());
        // Standard output lists the files, for scripts; the folder keeps no saved state.
        assert_eq!(text(&output.stdout).lines().count(), got.len());
        assert!(!out.join(".journal.ndjson").exists());
    }
}

#[test]
fn csv_flags_write_what_the_apps_csv_options_write() {
    let server = SimServer::start(80);
    let vendor = VendorId::Humind;
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let base = server.base_url(vendor);
    let mut args = export_args(&base, vendor, out.to_str().unwrap());
    args.extend(
        [
            "--same-columns",
            "--for-database",
            "--delimiter",
            "semicolon",
        ]
        .map(String::from),
    );
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let output = run(&args, Some(sim_key(vendor)), dir.path());
    assert!(output.status.success(), "{}", text(&output.stderr));
    let chosen = CsvOptions {
        delimiter: Delimiter::Semicolon,
        for_spreadsheet: false,
        columns: None,
        layout: Layout::Unified,
    };
    let expected = app_files(full_query(&base, vendor), &chosen, DateNarrowing::default());
    let default = app_files(
        full_query(&base, vendor),
        &ViewState::for_vendor(vendor).csv_options(),
        DateNarrowing::default(),
    );
    assert!(expected != default, "the options change the files");
    assert_same_files(&files(&out), &expected, "--same-columns --for-database");
}

#[test]
fn a_link_narrowed_to_some_days_writes_the_files_the_app_downloads_for_them() {
    let server = SimServer::start(80);
    let days = DateNarrowing::from_values(Some("2026-06-01"), Some("2026-06-15"));
    for vendor in [VendorId::TalkToHumans, VendorId::HueChat] {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        let base = server.base_url(vendor);
        let link = format!(
            "https://export.example/?vendor={}&shown_from=2026-06-01&shown_to=2026-06-15",
            vendor.slug()
        );
        let output = run(
            &[
                "export",
                "--link",
                &link,
                "--base-url",
                &base,
                "--out",
                out.to_str().unwrap(),
            ],
            Some(sim_key(vendor)),
            dir.path(),
        );
        assert!(output.status.success(), "{}", text(&output.stderr));
        let options = ViewState::for_vendor(vendor).csv_options();
        let expected = app_files(full_query(&base, vendor), &options, days);
        let whole = app_files(
            full_query(&base, vendor),
            &options,
            DateNarrowing::default(),
        );
        assert!(
            expected.values().map(Vec::len).sum::<usize>()
                < whole.values().map(Vec::len).sum::<usize>(),
            "{vendor}: the days hold less than the whole export"
        );
        assert_same_files(&files(&out), &expected, vendor.slug());
        let stderr = text(&output.stderr);
        assert!(
            stderr.contains("the link's days") && stderr.contains("1 Jun 2026 – 15 Jun 2026"),
            "{vendor}: {stderr}"
        );
    }
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
        // An option the resumed run must take from the folder, not from its own flags.
        "--same-columns",
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
            "--same-columns",
            "--quiet",
        ],
        key,
        dir.path(),
    );
    assert!(clean.status.success());
    assert_same_files(&files(&out), &files(&clean_dir), "resumed");
    assert!(!out.join(".journal.ndjson").exists());
}
