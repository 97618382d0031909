//! The app's files, written into a folder: the same names and the same bytes as its downloads
//! (the manifest's `exported_at` apart), because the same `ExportContext` writes them.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use conversation_export::engine::Export;
use conversation_export::export::bundle::{ExportContext, ExportFile};
use conversation_export::export::csv::{CsvOptions, Delimiter, Layout};
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
    pub zip: bool,
}

const OPTIONS: &str = ".options.json";
/// Names of the `_partial` files of an earlier stop, removed once the export is whole.
const PARTIAL_LIST: &str = ".partial-files";

impl FileOptions {
    pub fn new(csv: &CsvOptions, columns: BTreeMap<String, Vec<String>>, zip: bool) -> Self {
        FileOptions {
            delimiter: csv.delimiter.as_str().to_string(),
            for_database: !csv.for_spreadsheet,
            same_columns: csv.layout == Layout::Unified,
            columns,
            zip,
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
    let context = ExportContext {
        query: &export.query,
        conversations: export.store.conversations(),
        warnings: &export.store.warnings,
        options: &csv,
        columns: &options.columns,
        exported_at: clock::now(),
        missing: &missing,
    };
    let mut files = context.data_files();
    if options.zip {
        files.push(context.zip());
    }
    let mut written = Vec::new();
    for file in &files {
        written.push(write_file(dir, file)?);
    }
    let list = dir.join(PARTIAL_LIST);
    if context.complete() {
        if let Ok(names) = std::fs::read_to_string(&list) {
            let current: Vec<&str> = files.iter().map(|f| f.name.as_str()).collect();
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
        for file in &files {
            names.push_str(&file.name);
            names.push('\n');
        }
        std::fs::write(&list, names).map_err(|e| io_failure("write", &list, &e))?;
    }
    Ok(written)
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
