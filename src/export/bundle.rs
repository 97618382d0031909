//! Every file of an export, and "Download all": one `.zip` with a `manifest.json`.

use std::collections::{BTreeMap, HashSet};
use std::io::Write;

use futures_util::FutureExt;
use serde_json::{json, Value};

use super::buffer::Chunks;
use super::csv::{CsvOptions, CsvReport, Layout};
use super::files::{DataFile, FileWriter};
use super::source::{MemorySource, ReadError, Source};
use super::zip::{write_text, ZipStream};
use super::{file_name_spanning, partial_name, transcript, Table};
use crate::model::{Conversation, Timestamp, Warning};
use crate::narrow::DateNarrowing;
use crate::store::Contents;
use crate::vendors::ExportQuery;

pub const APP_VERSION: &str = env!("CARGO_PKG_VERSION");

/// One file of an export.
pub struct ExportFile {
    pub name: String,
    /// The data file it is; `None` for the zip.
    pub kind: Option<DataFile>,
    pub mime: &'static str,
    pub bytes: Chunks,
    /// Rows (CSV), conversations (JSON), records (NDJSON) or conversations (transcripts).
    pub records: usize,
    pub report: Option<CsvReport>,
}

impl ExportFile {
    pub fn summary(&self) -> FileSummary {
        FileSummary {
            name: self.name.clone(),
            kind: self.kind,
            records: self.records,
            bytes: self.bytes.len(),
            report: self.report.clone(),
        }
    }
}

/// What the manifest says of a file.
pub struct FileSummary {
    pub name: String,
    /// The data file it is; `None` for a transcript.
    pub kind: Option<DataFile>,
    pub records: usize,
    pub bytes: usize,
    pub report: Option<CsvReport>,
}

/// Every file of an export read from `source`: the data files, and the zip of them all with a
/// transcript pair per conversation and a manifest. Each file is one pass over the source.
pub struct Files<'a, S> {
    pub query: &'a ExportQuery,
    pub source: S,
    /// Delimiter, spreadsheet or database, layout; `columns` is taken per table from `columns`.
    pub options: &'a CsvOptions,
    /// Chosen columns per table kind (`messages`...), in order; a table not named has them all.
    pub columns: &'a BTreeMap<String, Vec<String>>,
    pub exported_at: Timestamp,
    /// Requests not made when the export stopped early: what is missing, for the manifest.
    pub missing: &'a [String],
    /// Days the source was narrowed to in the browser (vendors with no date filter).
    pub shown: DateNarrowing,
}

impl<S: Source> Files<'_, S> {
    /// Whether the export ran to its end: nothing is missing.
    pub fn complete(&self) -> bool {
        self.missing.is_empty()
    }

    fn name(&self, kind: &str) -> String {
        let name = file_name_spanning(self.query, self.source.date_span(), kind);
        if self.complete() {
            name
        } else {
            partial_name(&name)
        }
    }

    /// The data files this export has: its CSV tables, the JSON, the raw archive.
    pub fn data_file_kinds(&self) -> Vec<DataFile> {
        Table::ALL
            .into_iter()
            .filter(|table| table.offered(self.options.layout, self.source.contents()))
            .map(DataFile::Csv)
            .chain([DataFile::Json, DataFile::Raw])
            .collect()
    }

    pub fn name_and_mime(&self, kind: DataFile) -> (String, &'static str) {
        match kind {
            DataFile::Csv(table) => (
                self.name(&format!("{}.csv", table.kind())),
                "text/csv;charset=utf-8",
            ),
            DataFile::Json => (self.name("conversations.json"), "application/json"),
            DataFile::Raw => (self.name("raw.ndjson"), "application/x-ndjson"),
        }
    }

    /// One data file, whole.
    pub async fn file(&mut self, kind: DataFile) -> Result<ExportFile, ReadError> {
        let mut bytes = Chunks::new();
        let (records, report) = self.write_data_file(kind, &mut bytes).await?;
        let (name, mime) = self.name_and_mime(kind);
        Ok(ExportFile {
            name,
            kind: Some(kind),
            mime,
            bytes,
            records,
            report,
        })
    }

    /// Writes a data file into `out`, a batch at a time: its records, and for a CSV what a
    /// spreadsheet could not hold.
    async fn write_data_file(
        &mut self,
        kind: DataFile,
        out: &mut dyn Write,
    ) -> Result<(usize, Option<CsvReport>), ReadError> {
        let options = match kind {
            DataFile::Csv(table) => CsvOptions {
                columns: self.columns.get(table.kind()).cloned(),
                ..self.options.clone()
            },
            _ => self.options.clone(),
        };
        let contents = self.source.contents().clone();
        let mut writer = FileWriter::start(kind, &contents, &options, out);
        self.source.rewind();
        loop {
            let batch = self.source.next_batch().await?;
            if batch.is_empty() {
                break;
            }
            writer.write(&batch);
        }
        Ok(writer.finish())
    }

    pub fn manifest(&self, files: &[FileSummary]) -> Value {
        let spec = self.query.vendor.spec();
        let contents = self.source.contents();
        let mut notes: Vec<&str> = spec.notes.to_vec();
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
            "complete": self.complete(),
            "missing": self.missing,
            "csv": {
                "delimiter": self.options.delimiter.as_str(),
                "for": if self.options.for_spreadsheet { "spreadsheet" } else { "database" },
                "layout": match self.options.layout {
                    Layout::Vendor(_) => "vendor",
                    Layout::Unified => "unified",
                },
                "columns": self.columns,
            },
            "files": files.iter().map(|file| {
                let mut entry = json!({ "name": file.name, "records": file.records, "bytes": file.bytes });
                if let Some(report) = &file.report {
                    entry["truncated_cells"] = json!(report.truncated_cells);
                    entry["rows_beyond_spreadsheet"] = json!(report.rows_beyond_spreadsheet);
                }
                entry
            }).collect::<Vec<_>>(),
            "counts": self.counts(files, contents),
            "shown_in_browser": self.shown.describe(),
            "warnings": sorted_warnings(self.source.warnings()),
            "notes": notes,
        })
    }

    /// Rows per file: the export's, or where it was narrowed in the browser, what the files
    /// written hold.
    fn counts(&self, files: &[FileSummary], contents: &Contents) -> Value {
        let written = |kind: DataFile, all: usize| {
            if !self.shown.is_set() {
                return all;
            }
            files
                .iter()
                .find(|file| file.kind == Some(kind))
                .map_or(0, |file| file.records)
        };
        json!({
            "conversations": written(DataFile::Json, contents.conversations),
            "messages": written(DataFile::Csv(Table::Messages), contents.messages),
            "events": written(DataFile::Csv(Table::Events), contents.events),
            "participants": written(DataFile::Csv(Table::Participants), contents.participants),
            "tool_calls": written(DataFile::Csv(Table::ToolCalls), contents.tool_calls),
            "criteria": written(DataFile::Csv(Table::Criteria), contents.criteria),
        })
    }

    /// Every file, transcripts (plain text and Markdown, one per conversation) and the manifest,
    /// in one zip. Each file is written straight into the zip as it is made, never whole in
    /// memory: "Download all" of 100,000 messages costs the zip, not the zip and every file.
    /// Entries carry no time, so the same export gives the same bytes (the manifest's
    /// `exported_at` apart).
    pub async fn zip(&mut self) -> Result<ExportFile, ReadError> {
        let mut zip = ZipStream::new();
        for kind in self.data_file_kinds() {
            let (name, _) = self.name_and_mime(kind);
            zip.start(name, Some(kind));
            let written = self.write_data_file(kind, zip.entry()).await?;
            zip.end(written);
        }
        let mut used = HashSet::new();
        let complete = self.complete();
        self.source.rewind();
        loop {
            let batch = self.source.next_batch().await?;
            if batch.is_empty() {
                break;
            }
            for conversation in batch.iter() {
                let stem = unique_stem(&conversation.id, &mut used);
                zip.add(format!("transcripts/{stem}.txt"), |out| {
                    write_text(out, &transcript::text(conversation, complete))
                });
                zip.add(format!("transcripts/{stem}.md"), |out| {
                    write_text(out, &transcript::markdown(conversation, complete))
                });
            }
        }
        let manifest = self.manifest(&zip.files);
        zip.add("manifest.json".into(), |out| {
            serde_json::to_writer_pretty(out, &manifest).expect("writing to memory cannot fail");
            (1, None)
        });
        Ok(ExportFile {
            name: self.name("export.zip"),
            kind: None,
            mime: "application/zip",
            records: zip.files.len(),
            bytes: zip.finish(),
            report: None,
        })
    }
}

/// An export held in memory, as files: what tests and the command line write from.
pub struct ExportContext<'a> {
    pub query: &'a ExportQuery,
    pub conversations: &'a [Conversation],
    pub warnings: &'a [Warning],
    pub options: &'a CsvOptions,
    pub columns: &'a BTreeMap<String, Vec<String>>,
    pub exported_at: Timestamp,
    pub missing: &'a [String],
}

impl<'a> ExportContext<'a> {
    fn files(&self) -> Files<'a, MemorySource<'a>> {
        Files {
            query: self.query,
            source: MemorySource::new(self.conversations, self.warnings),
            options: self.options,
            columns: self.columns,
            exported_at: self.exported_at,
            missing: self.missing,
            shown: DateNarrowing::default(),
        }
    }

    /// A memory source hands over everything at once: its files are ready without waiting.
    fn now<T>(future: impl std::future::Future<Output = Result<T, ReadError>>) -> T {
        future
            .now_or_never()
            .expect("an export in memory is read at once")
            .expect("an export in memory always reads")
    }

    pub fn complete(&self) -> bool {
        self.missing.is_empty()
    }

    pub fn csv(&self, table: Table) -> ExportFile {
        Self::now(self.files().file(DataFile::Csv(table)))
    }

    pub fn json(&self) -> ExportFile {
        Self::now(self.files().file(DataFile::Json))
    }

    pub fn raw(&self) -> ExportFile {
        Self::now(self.files().file(DataFile::Raw))
    }

    /// The data files: CSV tables that the export has, the JSON, the raw archive.
    pub fn data_files(&self) -> Vec<ExportFile> {
        let mut files = self.files();
        files
            .data_file_kinds()
            .into_iter()
            .map(|kind| Self::now(files.file(kind)))
            .collect()
    }

    pub fn zip(&self) -> ExportFile {
        Self::now(self.files().zip())
    }

    pub fn manifest(&self, files: &[FileSummary]) -> Value {
        self.files().manifest(files)
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
