//! Every file of an export, and "Download all": one `.zip` with a `manifest.json`.

use std::collections::{BTreeMap, HashSet};
use std::io::{Cursor, Write};

use serde_json::{json, Value};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

use super::buffer::Chunks;
use super::csv::{CsvOptions, CsvReport};
use super::{file_name, json, transcript, Table};
use crate::model::{Conversation, Timestamp, Warning};
use crate::vendors::{ExportQuery, VendorId};

pub const APP_VERSION: &str = env!("CARGO_PKG_VERSION");

/// One file of an export.
pub struct ExportFile {
    pub name: String,
    pub mime: &'static str,
    pub bytes: Chunks,
    /// Rows (CSV), conversations (JSON), records (NDJSON) or conversations (transcripts).
    pub records: usize,
    pub report: Option<CsvReport>,
}

/// What an export is: for file names and the manifest.
pub struct ExportContext<'a> {
    pub query: &'a ExportQuery,
    pub conversations: &'a [Conversation],
    pub warnings: &'a [Warning],
    /// Delimiter and spreadsheet or database; `columns` is taken per table from `columns`.
    pub options: &'a CsvOptions,
    /// Chosen columns per table kind (`messages`...), in order; a table not named has them all.
    pub columns: &'a BTreeMap<String, Vec<String>>,
    pub exported_at: Timestamp,
    /// Requests not made when the export stopped early: what is missing, for the manifest.
    pub missing: &'a [String],
}

impl ExportContext<'_> {
    fn name(&self, kind: &str) -> String {
        file_name(self.query, self.conversations, kind)
    }

    pub fn csv(&self, table: Table) -> ExportFile {
        let options = CsvOptions {
            columns: self.columns.get(table.kind()).cloned(),
            ..self.options.clone()
        };
        let file = table.write(self.conversations, &options);
        ExportFile {
            name: self.name(&format!("{}.csv", table.kind())),
            mime: "text/csv;charset=utf-8",
            records: file.report.rows,
            report: Some(file.report),
            bytes: file.bytes,
        }
    }

    pub fn json(&self) -> ExportFile {
        ExportFile {
            name: self.name("conversations.json"),
            mime: "application/json",
            bytes: json::conversations_json(self.conversations),
            records: self.conversations.len(),
            report: None,
        }
    }

    pub fn raw(&self) -> ExportFile {
        let bytes = json::raw_ndjson(self.conversations);
        ExportFile {
            name: self.name("raw.ndjson"),
            mime: "application/x-ndjson",
            records: bytes
                .parts()
                .map(|part| part.iter().filter(|&&b| b == b'\n').count())
                .sum(),
            bytes,
            report: None,
        }
    }

    /// The data files: CSV tables that have rows, the JSON, the raw archive.
    pub fn data_files(&self) -> Vec<ExportFile> {
        let mut files: Vec<ExportFile> = Table::ALL
            .into_iter()
            .filter(|table| table.applies(self.conversations))
            .map(|table| self.csv(table))
            .collect();
        files.push(self.json());
        files.push(self.raw());
        files
    }

    pub fn manifest(&self, files: &[ExportFile]) -> Value {
        let spec = self.query.vendor.spec();
        let mut notes: Vec<&str> = Vec::new();
        match self.query.vendor {
            VendorId::Mindo => notes.push("Mindo's occurred_at carries no time zone: it is read, and written, as UTC."),
            VendorId::TalkToHumans => notes.push("TalkToHumans' API has no message endpoint: only each conversation's last message is exported (last_message_preview)."),
            VendorId::VoiceWidget => notes.push("flags=extraction_pending marks calls that ended moments before the export: their extraction was still being filled in."),
            _ => {}
        }
        if self.options.for_spreadsheet {
            notes.push("CSV for spreadsheets: UTF-8 with a byte-order mark; text starting with = + - @ tab or carriage return is prefixed with '; cells over 32,767 characters are cut with a marker (the JSON has them whole).");
        } else {
            notes.push(
                "CSV for databases: UTF-8 without a byte-order mark; every cell exactly as sent.",
            );
        }
        json!({
            "app": "Conversation Export",
            "app_version": APP_VERSION,
            "vendor": spec.slug,
            "vendor_name": spec.name,
            "base_url": self.query.base_url,
            "filters": self.query.filters,
            "exported_at": self.exported_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            "complete": self.missing.is_empty(),
            "missing": self.missing,
            "csv": {
                "delimiter": self.options.delimiter.as_str(),
                "for": if self.options.for_spreadsheet { "spreadsheet" } else { "database" },
                "columns": self.columns,
            },
            "files": files.iter().map(|file| {
                let mut entry = json!({ "name": file.name, "records": file.records, "bytes": file.bytes.len() });
                if let Some(report) = &file.report {
                    entry["truncated_cells"] = json!(report.truncated_cells);
                    entry["rows_beyond_spreadsheet"] = json!(report.rows_beyond_spreadsheet);
                }
                entry
            }).collect::<Vec<_>>(),
            "counts": {
                "conversations": self.conversations.len(),
                "messages": Table::Messages.rows(self.conversations),
                "events": Table::Events.rows(self.conversations),
                "participants": Table::Participants.rows(self.conversations),
                "tool_calls": Table::ToolCalls.rows(self.conversations),
                "criteria": Table::Criteria.rows(self.conversations),
            },
            "warnings": sorted_warnings(self.warnings),
            "notes": notes,
        })
    }

    /// Every file, transcripts (plain text and Markdown, one per conversation) and the manifest,
    /// in one zip. Entries carry no time, so the same export gives the same bytes (the manifest's
    /// `exported_at` apart).
    pub fn zip(&self) -> ExportFile {
        let mut files = self.data_files();
        let mut used = HashSet::new();
        for conversation in self.conversations {
            let stem = unique_stem(&conversation.id, &mut used);
            files.push(ExportFile {
                name: format!("transcripts/{stem}.txt"),
                mime: "text/plain",
                bytes: transcript::text(conversation).into_bytes().into(),
                records: 1,
                report: None,
            });
            files.push(ExportFile {
                name: format!("transcripts/{stem}.md"),
                mime: "text/markdown",
                bytes: transcript::markdown(conversation).into_bytes().into(),
                records: 1,
                report: None,
            });
        }
        let manifest = Chunks::from(
            serde_json::to_vec_pretty(&self.manifest(&files)).expect("a manifest serialises"),
        );
        let mut writer = ZipWriter::new(Cursor::new(Vec::new()));
        let options = SimpleFileOptions::default()
            .compression_method(CompressionMethod::Deflated)
            .last_modified_time(zip::DateTime::default());
        for (name, bytes) in files
            .iter()
            .map(|f| (f.name.as_str(), &f.bytes))
            .chain([("manifest.json", &manifest)])
        {
            writer
                .start_file(name, options)
                .expect("a zip in memory accepts entries");
            for part in bytes.parts() {
                writer
                    .write_all(part)
                    .expect("writing to memory cannot fail");
            }
        }
        let bytes = writer
            .finish()
            .expect("a zip in memory finishes")
            .into_inner()
            .into();
        ExportFile {
            name: self.name("export.zip"),
            mime: "application/zip",
            records: files.len() + 1,
            bytes,
            report: None,
        }
    }
}

/// Warnings in a stable order: pages mapped concurrently report them in any order.
fn sorted_warnings(warnings: &[Warning]) -> Vec<Value> {
    let mut sorted: Vec<&Warning> = warnings.iter().collect();
    sorted
        .sort_by(|a, b| (&a.record, &a.field, &a.problem).cmp(&(&b.record, &b.field, &b.problem)));
    sorted
        .iter()
        .map(|w| json!({ "record": w.record, "field": w.field, "problem": w.problem }))
        .collect()
}

/// A file name from a vendor id: only safe characters, and never twice the same.
fn unique_stem(id: &str, used: &mut HashSet<String>) -> String {
    let mut stem: String = id
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .take(100)
        .collect();
    if stem.is_empty() {
        stem.push_str("conversation");
    }
    let base = stem.clone();
    let mut counter = 2;
    while !used.insert(stem.clone()) {
        stem = format!("{base}-{counter}");
        counter += 1;
    }
    stem
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transcript_names_are_safe_and_unique() {
        let mut used = HashSet::new();
        assert_eq!(unique_stem("conv_abc123", &mut used), "conv_abc123");
        assert_eq!(
            unique_stem("../../etc/passwd", &mut used),
            "______etc_passwd"
        );
        assert_eq!(unique_stem("conv_abc123", &mut used), "conv_abc123-2");
        assert_eq!(unique_stem("", &mut used), "conversation");
    }
}
