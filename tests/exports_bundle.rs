//! The files beyond the CSV tables, for every vendor: the JSON holds the simulator's ground
//! truth, the raw NDJSON holds every record exactly as the vendor sent it, "Download all" holds
//! every file with transcripts and a manifest, and file names say vendor, range and kind.

mod support;

use std::io::Read;

use conversation_export::export::csv::CsvOptions;
use conversation_export::export::{self, Table};
use conversation_export::vendors::{ExportQuery, VendorId};
use serde_json::Value;
use support::{files_of, full_export, world, Truth, FULL_EXPORTS};

#[test]
fn json_holds_the_ground_truth_and_raw_keeps_what_the_vendor_sent() {
    let world = world(80);
    for (vendor, _) in FULL_EXPORTS {
        let export = full_export(&world, *vendor);
        let truth = Truth::of(&world, &export.query);
        let options = CsvOptions::default();
        let files = files_of(&export, &options, &[]);

        let json: Value = serde_json::from_slice(&files.json().bytes.to_vec()).unwrap();
        let conversations = json.as_array().expect("an array of conversations");
        assert_eq!(conversations.len(), truth.len(), "{vendor}");
        for (got, expected) in conversations.iter().zip(&truth.conversations) {
            assert_eq!(got["id"], expected.id.as_str(), "{vendor}");
            let messages: Vec<(&str, &str)> = got["messages"]
                .as_array()
                .unwrap()
                .iter()
                .map(|m| (m["id"].as_str().unwrap(), m["text"].as_str().unwrap()))
                .collect();
            let expected: Vec<(&str, &str)> = expected
                .messages
                .iter()
                .map(|m| (m.id.as_str(), m.text.as_str()))
                .collect();
            assert_eq!(
                messages, expected,
                "{vendor}: messages in conversations.json"
            );
        }

        let raw = files.raw();
        let lines: Vec<Value> = std::str::from_utf8(&raw.bytes.to_vec())
            .unwrap()
            .lines()
            .map(|line| serde_json::from_str(line).expect("one JSON record a line"))
            .collect();
        let sent = truth.records();
        assert_eq!(lines.len(), sent.len(), "{vendor}: one line a record");
        for (index, (line, record)) in lines.iter().zip(&sent).enumerate() {
            assert_eq!(line, record, "{vendor}: raw.ndjson line {}", index + 1);
        }
        assert_eq!(raw.records, sent.len(), "{vendor}: records counted");
    }
}

/// Whether `name` is the file of `kind` (`messages.csv`), whole or marked partial
/// (`..._messages_partial.csv`).
fn is_file_of_kind(name: &str, kind: &str) -> bool {
    let (stem, extension) = kind.rsplit_once('.').unwrap();
    name.ends_with(kind) || name.ends_with(&format!("_{stem}_partial.{extension}"))
}

#[test]
fn download_all_holds_every_file_transcripts_and_a_manifest() {
    let export = full_export(&world(80), VendorId::VoiceWidget);
    let conversations = export.store.conversations();
    let missing = vec!["page 3 of conversations".to_string()];
    let options = CsvOptions::default();
    let files = files_of(&export, &options, &missing);
    let zip = files.zip();
    assert!(
        zip.name.starts_with("voice-widget_") && zip.name.contains("_export"),
        "{}",
        zip.name
    );
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(zip.bytes.to_vec())).unwrap();
    let names: Vec<String> = archive
        .file_names()
        .map(|name| name.unwrap().into_owned())
        .collect();
    for kind in [
        "conversations.csv",
        "messages.csv",
        "tool_calls.csv",
        "criteria.csv",
        "conversations.json",
        "raw.ndjson",
    ] {
        assert!(
            names.iter().any(|name| is_file_of_kind(name, kind)),
            "{kind} in {names:?}"
        );
    }
    assert!(
        !names
            .iter()
            .any(|n| is_file_of_kind(n, "events.csv") || is_file_of_kind(n, "participants.csv")),
        "no empty tables: {names:?}"
    );
    for extension in [".txt", ".md"] {
        assert_eq!(
            names
                .iter()
                .filter(|n| n.starts_with("transcripts/") && n.ends_with(extension))
                .count(),
            conversations.len(),
            "one {extension} transcript a conversation"
        );
    }
    let mut manifest = String::new();
    archive
        .by_name("manifest.json")
        .unwrap()
        .read_to_string(&mut manifest)
        .unwrap();
    let manifest: Value = serde_json::from_str(&manifest).unwrap();
    assert_eq!(manifest["vendor"], "voice-widget");
    assert_eq!(manifest["complete"], false);
    assert_eq!(manifest["missing"][0], "page 3 of conversations");
    assert_eq!(manifest["counts"]["conversations"], conversations.len());
    assert_eq!(manifest["app_version"], env!("CARGO_PKG_VERSION"));
    assert!(manifest["exported_at"]
        .as_str()
        .unwrap()
        .starts_with("2026-07-01T12:00:00"));
    let messages_entry = manifest["files"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| is_file_of_kind(f["name"].as_str().unwrap(), "messages.csv"))
        .expect("messages.csv in the manifest");
    assert_eq!(
        messages_entry["records"],
        Table::Messages.rows(conversations)
    );
    assert!(
        !manifest.to_string().contains("vw_sim_"),
        "no key in the manifest"
    );
    let second = &conversations[1];
    let mut transcript = String::new();
    archive
        .by_name(&format!("transcripts/{}.txt", second.id))
        .unwrap()
        .read_to_string(&mut transcript)
        .unwrap();
    assert!(transcript.contains(&second.messages[0].text));
    assert_eq!(
        files.zip().bytes.to_vec(),
        zip.bytes.to_vec(),
        "the same export gives the same bytes"
    );
}

#[test]
fn file_names_say_vendor_range_and_kind() {
    let export = full_export(&world(80), VendorId::Humind);
    let conversations = export.store.conversations();
    let ranged = ExportQuery::new(VendorId::Humind)
        .with("created_after", "2026-05-01")
        .with("created_before", "2026-06-01T00:00:00Z");
    assert_eq!(
        export::file_name(&ranged, conversations, "messages.csv"),
        "humind_2026-05-01_2026-06-01_messages.csv"
    );
    let open = ExportQuery::new(VendorId::Humind);
    let started: Vec<_> = conversations.iter().filter_map(|c| c.started_at).collect();
    let day =
        |at: Option<&chrono::DateTime<chrono::Utc>>| at.unwrap().format("%Y-%m-%d").to_string();
    assert_eq!(
        export::file_name(&open, conversations, "conversations.json"),
        format!(
            "humind_{}_{}_conversations.json",
            day(started.iter().min()),
            day(started.iter().max())
        ),
        "open ranges come from the data"
    );
    assert_eq!(
        export::file_name(&open, &[], "messages.csv"),
        "humind_messages.csv"
    );
}

#[test]
fn what_the_store_counts_as_records_arrive_is_what_the_files_hold() {
    let world = world(60);
    for (vendor, _) in FULL_EXPORTS {
        let export = full_export(&world, *vendor);
        assert_eq!(
            export.store.contents,
            conversation_export::store::Contents::of(export.store.conversations()),
            "{vendor}"
        );
    }
}
