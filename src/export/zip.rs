//! A zip written entry by entry into an export buffer, as a stream (no seeking back), each entry
//! as it is made: "Download all" costs the zip, not the zip and every file.

use std::io::Write;

use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

use super::buffer::Chunks;
use super::bundle::FileSummary;
use super::csv::CsvReport;
use super::files::DataFile;

/// A zip written entry by entry into an export buffer, remembering what each entry holds.
pub(super) struct ZipStream {
    writer: ZipWriter<zip::write::StreamWriter<Chunks>>,
    options: SimpleFileOptions,
    pub(super) files: Vec<FileSummary>,
    /// The entry being written: its name, its data file, and its bytes so far.
    open: Option<(String, Option<DataFile>, usize)>,
}

impl Write for ZipStream {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        let written = self.writer.write(data)?;
        if let Some((_, _, bytes)) = &mut self.open {
            *bytes += written;
        }
        Ok(written)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.writer.flush()
    }
}

impl ZipStream {
    pub(super) fn new() -> Self {
        ZipStream {
            writer: ZipWriter::new_stream(Chunks::new()),
            options: SimpleFileOptions::default()
                .compression_method(CompressionMethod::Deflated)
                .last_modified_time(zip::DateTime::default()),
            files: Vec::new(),
            open: None,
        }
    }

    /// Adds the entry `name`; `write` writes its content and returns (records, CSV report).
    pub(super) fn add(
        &mut self,
        name: String,
        write: impl FnOnce(&mut dyn Write) -> (usize, Option<CsvReport>),
    ) {
        self.start(name, None);
        let written = write(self.entry());
        self.end(written);
    }

    /// Starts the entry `name` (the data file `kind`, if one), to be written through `entry`
    /// (across awaits) and ended by `end`.
    pub(super) fn start(&mut self, name: String, kind: Option<DataFile>) {
        self.writer
            .start_file(name.as_str(), self.options)
            .expect("a zip in memory accepts entries");
        self.open = Some((name, kind, 0));
    }

    /// The entry being written, counting its bytes.
    pub(super) fn entry(&mut self) -> &mut dyn Write {
        self
    }

    /// Ends the entry with what its writer says it holds.
    pub(super) fn end(&mut self, (records, report): (usize, Option<CsvReport>)) {
        let (name, kind, bytes) = self.open.take().expect("an entry is open");
        self.files.push(FileSummary {
            name,
            kind,
            records,
            bytes,
            report,
        });
    }

    pub(super) fn finish(self) -> Chunks {
        self.writer
            .finish()
            .expect("a zip in memory finishes")
            .into_inner()
    }
}

pub(super) fn write_text(out: &mut dyn Write, text: &str) -> (usize, Option<CsvReport>) {
    out.write_all(text.as_bytes())
        .expect("writing to memory cannot fail");
    (1, None)
}
