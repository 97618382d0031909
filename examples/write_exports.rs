//! Writes every vendor's export from the simulator into a folder, as the app would download
//! it, for the tests that open the files in LibreOffice, DuckDB and pandas:
//! `cargo run --example write_exports -- <folder>`.
//!
//! For each vendor: `<vendor>/spreadsheet/` (the default CSV), `<vendor>/database/` (CSV exactly
//! as sent), the JSON, the raw NDJSON and `manifest.json`.

use std::cell::RefCell;
use std::path::Path;

use conversation_export::engine::cancel::CancelToken;
use conversation_export::engine::clock::FakeClock;
use conversation_export::engine::{run, Export, RunStatus, Settings};
use conversation_export::export::bundle::{ExportContext, ExportFile};
use conversation_export::export::csv::CsvOptions;
use conversation_export::secret::ApiKey;
use conversation_export::transport::sim::SimTransport;
use conversation_export::vendors::{ExportQuery, VendorId};
use futures_executor::block_on;
use sim::{World, WorldConfig};

/// A vendor, its simulator key, and the filters of a full export.
type Run = (
    VendorId,
    &'static str,
    &'static [(&'static str, &'static str)],
);

fn main() {
    let folder = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "target/exports".into());
    let runs: [Run; 5] = [
        (
            VendorId::Humind,
            sim::humind::VALID_KEY,
            &[("include_contact", "1")],
        ),
        (VendorId::TalkToHumans, sim::talktohumans::VALID_KEY, &[]),
        (VendorId::HueChat, sim::huechat::VALID_KEY, &[]),
        (VendorId::VoiceWidget, sim::voice_widget::VALID_KEY, &[]),
        (
            VendorId::Mindo,
            sim::mindo::GLOBAL_KEY,
            &[
                ("company_id", "42,57"),
                ("from", "2026-04-01"),
                ("to", "2026-06-30"),
                ("include", "classifications,extractions,tool_calls,trace_id"),
            ],
        ),
    ];
    let world = std::rc::Rc::new(World::generate(&WorldConfig {
        conversations: 150,
        ..WorldConfig::default()
    }));
    for (vendor, key, filters) in runs {
        let transport = SimTransport::new(world.clone(), FakeClock::new());
        let mut query = ExportQuery::new(vendor);
        query.base_url = vendor.simulator_base_url("http://sim.test");
        for (name, value) in filters {
            query.filters.insert(name.to_string(), value.to_string());
        }
        let export = RefCell::new(Export::new(query.clone(), Settings::default()));
        block_on(run(
            &export,
            &transport,
            transport.clock(),
            &ApiKey::new(key),
            &CancelToken::new(),
            &mut || {},
        ));
        let export = export.into_inner();
        assert_eq!(export.status, RunStatus::Finished, "{vendor:?}");
        let slug = vendor.spec().slug;
        for (mode, for_spreadsheet) in [("spreadsheet", true), ("database", false)] {
            let options = CsvOptions {
                for_spreadsheet,
                ..CsvOptions::default()
            };
            let context = ExportContext {
                query: &query,
                conversations: export.store.conversations(),
                warnings: &export.store.warnings,
                options: &options,
                columns: &Default::default(),
                exported_at: "2026-07-01T12:00:00Z".parse().unwrap(),
                missing: &[],
            };
            let dir = Path::new(&folder).join(slug).join(mode);
            std::fs::create_dir_all(&dir).unwrap();
            let files = context.data_files();
            std::fs::write(
                dir.join("manifest.json"),
                serde_json::to_vec_pretty(
                    &context.manifest(&files.iter().map(ExportFile::summary).collect::<Vec<_>>()),
                )
                .unwrap(),
            )
            .unwrap();
            for file in files {
                // Short names, the same for every vendor: the checks find files by kind.
                let kind = file
                    .name
                    .rsplit('_')
                    .next()
                    .unwrap_or(&file.name)
                    .to_string();
                let kind = if file.name.ends_with("_tool_calls.csv") {
                    "tool_calls.csv".to_string()
                } else {
                    kind
                };
                let kind = if file.name.ends_with("_raw.ndjson") {
                    "raw.ndjson".to_string()
                } else {
                    kind
                };
                std::fs::write(dir.join(kind), file.bytes.to_vec()).unwrap();
            }
        }
        println!("{slug}: {} conversations", export.store.len());
    }
}
