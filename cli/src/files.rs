//! The app's files, written into a folder: the same names and the same bytes as its downloads
//! (the manifest's `exported_at` apart), because the same `Files` writes them.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fs::File;
use std::future::Future;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::pin::pin;
use std::task::{Context, Poll, Waker};

use chrono::NaiveDate;
use conversation_export::engine::Export;
use conversation_export::export::bundle::{ExportFile, Files};
use conversation_export::export::csv::{CsvOptions, Delimiter, Layout};
use conversation_export::export::source::{MemorySource, ReadError};
use conversation_export::model::Conversation;
use conversation_export::narrow::DateNarrowing;
use conversation_export::vendors::VendorId;
use serde::{Deserialize, Serialize};

use crate::clock;
use crate::exit::{io_failure, Failure};

/// How the files are written, kept beside the journal so `--resume` writes them the same way.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FileOptions {
    pub delimiter: String,
    pub for_database: bool,
    /// The same columns for every vendor, rather than the vendor's own.
    pub same_columns: bool,
    pub columns: BTreeMap<String, Vec<String>>,
    /// The days a link narrowed its view to, after the fetch (vendors with no date filter).
    pub shown_from: Option<NaiveDate>,
    pub shown_to: Option<NaiveDate>,
    pub zip: bool,
}

const OPTIONS: &str = ".options.json";
/// Names of the `_partial` files of an earlier stop, removed once the export is whole.
const PARTIAL_LIST: &str = ".partial-files";

impl FileOptions {
    pub fn new(
        csv: &CsvOptions,
        columns: BTreeMap<String, Vec<String>>,
        shown: DateNarrowing,
        zip: bool,
    ) -> Self {
        FileOptions {
            delimiter: csv.delimiter.as_str().to_string(),
            for_database: !csv.for_spreadsheet,
            same_columns: csv.layout == Layout::Unified,
            columns,
            shown_from: shown.from,
            shown_to: shown.to,
            zip,
        }
    }

    pub fn shown(&self) -> DateNarrowing {
        DateNarrowing {
            from: self.shown_from,
            to: self.shown_to,
        }
    }

    fn csv(&self, vendor: VendorId) -> CsvOptions {
        CsvOptions {
            delimiter: Delimiter::parse(&self.delimiter).unwrap_or_default(),
            for_spreadsheet: !self.for_database,
            columns: None,
            layout: if self.same_columns {
                Layout::Unified
            } else {
                Layout::Vendor(vendor)
            },
        }
    }

    pub fn save(&self, dir: &Path) -> Result<(), Failure> {
        let path = dir.join(OPTIONS);
        let json = serde_json::to_vec_pretty(self).expect("options serialise");
        std::fs::write(&path, json).map_err(|e| io_failure("write", &path, &e))
    }

    pub fn load(dir: &Path) -> Result<Self, Failure> {
        let path = dir.join(OPTIONS);
        let text = std::fs::read(&path).map_err(|e| io_failure("read", &path, &e))?;
        serde_json::from_slice(&text)
            .map_err(|e| Failure::failed(format!("{}: {e}.", path.display())))
    }
}

/// A file written.
pub struct Written {
    pub path: PathBuf,
}

/// Whether the files hold `conversation`: one of the days a link narrowed its view to (by its
/// start, or its last message, as the app's daily chart places it).
pub fn shown_on(days: DateNarrowing, conversation: &Conversation) -> bool {
    days.keeps(conversation.started_at.or(conversation.last_message_at))
}

/// The conversations the files hold: the export's, or those of the days a link narrowed it to.
fn shown(export: &Export, days: DateNarrowing) -> Cow<'_, [Conversation]> {
    let all = export.store.conversations();
    if !days.is_set() {
        return Cow::Borrowed(all);
    }
    Cow::Owned(all.iter().filter(|c| shown_on(days, c)).cloned().collect())
}

/// Writes every file of `export` into `dir`: the CSV tables that have rows, the JSON, the raw
/// NDJSON and (unless left out) the zip with its manifest. A stopped export's files end in
/// `_partial`; once it is whole, those of earlier stops are removed.
pub fn write_all(
    dir: &Path,
    export: &Export,
    options: &FileOptions,
) -> Result<Vec<Written>, Failure> {
    let missing = export.missing();
    let csv = options.csv(export.vendor());
    let days = options.shown();
    let mut files = Files {
        query: &export.query,
        source: MemorySource::shown(
            shown(export, days),
            &export.store.contents,
            &export.store.warnings,
        ),
        options: &csv,
        columns: &options.columns,
        exported_at: clock::now(),
        missing: &missing,
        shown: days,
    };
    let mut made = Vec::new();
    for kind in files.data_file_kinds() {
        made.push(at_once(files.file(kind)));
    }
    if options.zip {
        made.push(at_once(files.zip()));
    }
    let mut written = Vec::new();
    for file in &made {
        written.push(write_file(dir, file)?);
    }
    let list = dir.join(PARTIAL_LIST);
    if files.complete() {
        if let Ok(names) = std::fs::read_to_string(&list) {
            let current: Vec<&str> = made.iter().map(|f| f.name.as_str()).collect();
            for name in names
                .lines()
                .filter(|n| !current.contains(n) && is_plain_name(n))
            {
                let _ = std::fs::remove_file(dir.join(name));
            }
            let _ = std::fs::remove_file(&list);
        }
    } else {
        let mut names = std::fs::read_to_string(&list).unwrap_or_default();
        for file in &made {
            names.push_str(&file.name);
            names.push('\n');
        }
        std::fs::write(&list, names).map_err(|e| io_failure("write", &list, &e))?;
    }
    Ok(written)
}

/// A file of conversations held in memory: its future is ready at its first poll.
fn at_once(file: impl Future<Output = Result<ExportFile, ReadError>>) -> ExportFile {
    match pin!(file).poll(&mut Context::from_waker(Waker::noop())) {
        Poll::Ready(file) => file.expect("conversations in memory always read"),
        Poll::Pending => unreachable!("conversations in memory are read at once"),
    }
}

/// A name the app gave, with no folder in it.
fn is_plain_name(name: &str) -> bool {
    !name.is_empty() && !name.contains(['/', '\\']) && !name.starts_with('.')
}

/// Writes beside the target and renames: a reader never sees half a file.
fn write_file(dir: &Path, file: &ExportFile) -> Result<Written, Failure> {
    let path = dir.join(&file.name);
    let temporary = dir.join(format!(".{}.part", file.name));
    let out = File::create(&temporary).map_err(|e| io_failure("create", &temporary, &e))?;
    let mut out = BufWriter::new(out);
    let mut result = Ok(());
    file.bytes.for_each_part(|part| {
        if result.is_ok() {
            result = out.write_all(part);
        }
    });
    result
        .and_then(|()| out.flush())
        .map_err(|e| io_failure("write", &temporary, &e))?;
    std::fs::rename(&temporary, &path).map_err(|e| io_failure("write", &path, &e))?;
    Ok(Written { path })
}

/// Whatever the export leaves in its folder besides the files: its saved state and options.
pub fn remove_state(dir: &Path) {
    let _ = std::fs::remove_file(crate::journal_file::path_in(dir));
    let _ = std::fs::remove_file(dir.join(OPTIONS));
}
