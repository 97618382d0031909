//! Writes every vendor's export from the simulator into a folder, as the app would download
//! it, for the tests that open the files in LibreOffice, DuckDB and pandas:
//! `cargo run --example write_exports -- <folder>`.
//!
//! For each vendor: `<vendor>/spreadsheet/` (the default CSV), `<vendor>/database/` (CSV exactly
//! as sent), the JSON, the raw NDJSON and `manifest.json`.

#[path = "../tests/support/mod.rs"]
mod support;

use std::path::Path;

use conversation_export::export::bundle::ExportFile;
use conversation_export::export::csv::CsvOptions;
use support::{files_of, full_export, world, FULL_EXPORTS};

/// The short name a file is written under, the same for every vendor: the checks find files
/// by kind (`messages.csv`, `tool_calls.csv`, `raw.ndjson`).
fn kind_of(file: &ExportFile) -> String {
    let name = file.name.as_str();
    ["tool_calls.csv", "raw.ndjson"]
        .into_iter()
        .find(|kind| name.ends_with(&format!("_{kind}")))
        .map(str::to_string)
        .unwrap_or_else(|| name.rsplit('_').next().unwrap_or(name).to_string())
}

fn main() {
    let folder = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "target/exports".into());
    let world = world(150);
    for (vendor, _) in FULL_EXPORTS {
        let export = full_export(&world, *vendor);
        for (mode, for_spreadsheet) in [("spreadsheet", true), ("database", false)] {
            let options = CsvOptions {
                for_spreadsheet,
                ..CsvOptions::default()
            };
            let context = files_of(&export, &options, &[]);
            let dir = Path::new(&folder).join(vendor.slug()).join(mode);
            std::fs::create_dir_all(&dir).unwrap();
            let files = context.data_files();
            let summaries: Vec<_> = files.iter().map(ExportFile::summary).collect();
            std::fs::write(
                dir.join("manifest.json"),
                serde_json::to_vec_pretty(&context.manifest(&summaries)).unwrap(),
            )
            .unwrap();
            for file in files {
                std::fs::write(dir.join(kind_of(&file)), file.bytes.to_vec()).unwrap();
            }
        }
        println!("{vendor}: {} conversations", export.store.len());
    }
}
