//! CSV files that open right in spreadsheets and load right in databases.
//!
//! Written with the `csv` crate (RFC 4180: quoted where needed, CRLF line ends). For a
//! spreadsheet, the file starts with a UTF-8 byte-order mark (so Excel reads accents and emoji
//! as UTF-8), text cells a spreadsheet would run as formulas are prefixed with `'` (OWASP "CSV
//! Injection"), and cells longer than Excel can hold are cut with a visible marker. For a
//! database, every cell is written exactly as it is.

use std::collections::BTreeSet;

use std::io::Write;

use csv::{QuoteStyle, Terminator, WriterBuilder};

use super::buffer::Chunks;

use super::columns::{raw_cell, CellKind, Column, FilledBy, HasExtras, WriteCell, EXTRA_PREFIX};
use crate::vendors::VendorId;

/// Excel's limit on characters in a cell.
pub const SPREADSHEET_MAX_CELL_CHARS: usize = 32_767;
/// Excel's limit on rows in a sheet, header included.
pub const SPREADSHEET_MAX_ROWS: usize = 1_048_576;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Delimiter {
    #[default]
    Comma,
    /// For Excel in locales where the comma is the decimal separator.
    Semicolon,
    Tab,
}

impl Delimiter {
    pub fn byte(self) -> u8 {
        match self {
            Delimiter::Comma => b',',
            Delimiter::Semicolon => b';',
            Delimiter::Tab => b'\t',
        }
    }

    /// The name in the page URL.
    pub fn as_str(self) -> &'static str {
        match self {
            Delimiter::Comma => "comma",
            Delimiter::Semicolon => "semicolon",
            Delimiter::Tab => "tab",
        }
    }

    pub fn parse(text: &str) -> Option<Delimiter> {
        [Delimiter::Comma, Delimiter::Semicolon, Delimiter::Tab]
            .into_iter()
            .find(|d| d.as_str() == text)
    }
}

/// Which columns a file has: one vendor's own, or the same for every vendor (for people who
/// combine vendors in one table).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Layout {
    /// The columns the vendor fills: no column that would always be empty.
    Vendor(VendorId),
    /// Every column of every vendor; one a row's vendor does not fill is empty.
    #[default]
    Unified,
}

impl Layout {
    pub fn shows(self, filled_by: FilledBy) -> bool {
        match self {
            Layout::Vendor(vendor) => filled_by.includes(vendor),
            Layout::Unified => true,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CsvOptions {
    pub delimiter: Delimiter,
    /// For a spreadsheet (BOM, formula neutralising, cell limit) rather than a database.
    pub for_spreadsheet: bool,
    /// The columns to write, in order; `None` writes those of the layout.
    pub columns: Option<Vec<String>>,
    pub layout: Layout,
}

impl Default for CsvOptions {
    fn default() -> Self {
        CsvOptions {
            delimiter: Delimiter::Comma,
            for_spreadsheet: true,
            columns: None,
            layout: Layout::Unified,
        }
    }
}

/// What a reader of the file should know.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CsvReport {
    pub rows: usize,
    /// Cells cut to fit a spreadsheet cell.
    pub truncated_cells: usize,
    /// Rows past the last one a spreadsheet shows.
    pub rows_beyond_spreadsheet: usize,
}

pub struct CsvFile {
    pub bytes: Chunks,
    pub report: CsvReport,
}

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// The vendor fields of `rows` that have no column.
pub fn extra_keys<R: HasExtras>(rows: impl Iterator<Item = R>) -> BTreeSet<String> {
    let mut keys = BTreeSet::new();
    for row in rows {
        for key in row.extras().into_iter().flat_map(|extras| extras.keys()) {
            if !keys.contains(key) {
                keys.insert(key.clone());
            }
        }
    }
    keys
}

/// The vendor fields of the rows that have no column, each with its column name:
/// `extra_` and the field's name in snake_case (`sender.avatar` -> `extra_sender_avatar`),
/// made unique among the table's columns.
pub fn extra_columns<R: HasExtras, W>(
    columns: &[Column<W>],
    rows: impl Iterator<Item = R>,
) -> Vec<(String, String)> {
    extra_column_names(columns, &extra_keys(rows))
}

fn extra_column_names<W>(columns: &[Column<W>], keys: &BTreeSet<String>) -> Vec<(String, String)> {
    let mut taken: BTreeSet<String> = columns.iter().map(|c| c.name.to_string()).collect();
    keys.iter()
        .map(|key| {
            let snake: String = key
                .chars()
                .map(|c| {
                    if c.is_ascii_alphanumeric() {
                        c.to_ascii_lowercase()
                    } else {
                        '_'
                    }
                })
                .collect();
            let base = format!("{EXTRA_PREFIX}{snake}");
            let mut name = base.clone();
            let mut counter = 2;
            while !taken.insert(name.clone()) {
                name = format!("{base}_{counter}");
                counter += 1;
            }
            (key.clone(), name)
        })
        .collect()
}

/// A column of a file: one of the table's, or a vendor field.
pub enum Selected<'c, W> {
    Fixed(&'c Column<W>),
    /// A vendor field: its key, and its column name.
    Extra(String, String),
}

impl<W> Selected<'_, W> {
    pub fn name(&self) -> String {
        match self {
            Selected::Fixed(column) => column.name.to_string(),
            Selected::Extra(_, name) => name.clone(),
        }
    }
}

/// The columns a file has: the table's columns of `layout`, then its vendor fields (`extras`,
/// known before writing), or those `chosen`, in the order chosen.
pub fn select_columns<'c, W>(
    columns: &'c [Column<W>],
    extras: &BTreeSet<String>,
    layout: Layout,
    chosen: Option<&[String]>,
) -> Vec<Selected<'c, W>> {
    let mut all: Vec<Selected<W>> = columns
        .iter()
        .filter(|column| layout.shows(column.filled_by))
        .map(Selected::Fixed)
        .chain(
            extra_column_names(columns, extras)
                .into_iter()
                .map(|(key, name)| Selected::Extra(key, name)),
        )
        .collect();
    match chosen {
        None => all,
        Some(names) => names
            .iter()
            .filter_map(|name| {
                let at = all.iter().position(|column| column.name() == *name)?;
                Some(all.remove(at))
            })
            .collect(),
    }
}

/// A CSV file being written: the header at once, then rows as they come.
pub struct CsvWriter<'o> {
    writer: csv::Writer<&'o mut dyn Write>,
    for_spreadsheet: bool,
    cell: String,
    report: CsvReport,
}

impl<'o> CsvWriter<'o> {
    /// Starts a file with `header` (and, for a spreadsheet, a byte-order mark).
    pub fn start(out: &'o mut dyn Write, options: &CsvOptions, header: &[String]) -> Self {
        if options.for_spreadsheet {
            out.write_all(BOM).expect("writing to memory cannot fail");
        }
        let mut writer = WriterBuilder::new()
            .delimiter(options.delimiter.byte())
            .terminator(Terminator::CRLF)
            .quote_style(QuoteStyle::Necessary)
            .from_writer(out);
        writer
            .write_record(header)
            .expect("writing to memory cannot fail");
        CsvWriter {
            writer,
            for_spreadsheet: options.for_spreadsheet,
            cell: String::new(),
            report: CsvReport::default(),
        }
    }

    /// Writes one row: a cell per selected column.
    pub fn row<R: HasExtras, W: WriteCell<R>>(&mut self, columns: &[Selected<W>], row: &R) {
        for column in columns {
            self.cell.clear();
            let kind = match column {
                // A column this row's vendor does not fill stays empty: not a 0 that reads as
                // a count.
                Selected::Fixed(column) if !column.filled_by.includes(row.vendor()) => column.kind,
                Selected::Fixed(column) => {
                    column.write.write_cell(row, &mut self.cell);
                    column.kind
                }
                Selected::Extra(key, _) => {
                    if let Some(value) = row.extras().and_then(|extras| extras.get(key)) {
                        raw_cell(&mut self.cell, value);
                    }
                    CellKind::Text
                }
            };
            if self.for_spreadsheet {
                if kind == CellKind::Text {
                    neutralise_formula(&mut self.cell);
                }
                if cut_to_spreadsheet_cell(&mut self.cell) {
                    self.report.truncated_cells += 1;
                }
            }
            self.writer
                .write_field(self.cell.as_bytes())
                .expect("writing to memory cannot fail");
        }
        self.writer
            .write_record(None::<&[u8]>)
            .expect("writing to memory cannot fail");
        self.report.rows += 1;
    }

    /// Ends the file: what a reader of it should know.
    pub fn finish(mut self) -> CsvReport {
        if self.for_spreadsheet {
            self.report.rows_beyond_spreadsheet =
                (self.report.rows + 1).saturating_sub(SPREADSHEET_MAX_ROWS);
        }
        self.writer.flush().expect("writing to memory cannot fail");
        self.report
    }
}

/// Writes a table into `out`: a header, then one row per item of `rows()` (called twice: once to
/// find the vendor-specific columns, once to write).
pub fn write_table<R, W, I>(
    columns: &[Column<W>],
    rows: impl Fn() -> I,
    options: &CsvOptions,
    out: &mut dyn Write,
) -> CsvReport
where
    R: HasExtras,
    W: WriteCell<R>,
    I: Iterator<Item = R>,
{
    let keys = extra_keys(rows());
    let selected = select_columns(columns, &keys, options.layout, options.columns.as_deref());
    let header: Vec<String> = selected.iter().map(Selected::name).collect();
    let mut writer = CsvWriter::start(out, options, &header);
    for row in rows() {
        writer.row(&selected, &row);
    }
    writer.finish()
}

/// Prefixes `'` to a cell a spreadsheet would read as a formula (OWASP: `=`, `+`, `-`, `@`,
/// tab, carriage return). The spreadsheet then shows the text and hides the quote.
pub fn neutralise_formula(cell: &mut String) {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        cell.insert(0, '\'');
    }
}

/// The marker that ends a cut cell.
pub fn cut_marker(hidden_chars: usize) -> String {
    format!(" […cut: {hidden_chars} more characters are in the JSON export]")
}

/// Cuts a cell longer than a spreadsheet can hold, ending it with a visible marker.
pub fn cut_to_spreadsheet_cell(cell: &mut String) -> bool {
    // Most cells are short: a byte count rules them out without counting characters.
    if cell.len() <= SPREADSHEET_MAX_CELL_CHARS {
        return false;
    }
    let chars = cell.chars().count();
    if chars <= SPREADSHEET_MAX_CELL_CHARS {
        return false;
    }
    // Excel counts UTF-16 code units; staying under the limit in chars with room for the marker
    // keeps even emoji-heavy text inside it.
    let mut keep = SPREADSHEET_MAX_CELL_CHARS - cut_marker(chars).chars().count();
    let marker = loop {
        let marker = cut_marker(chars - keep);
        let prefix_utf16: usize = cell.chars().take(keep).map(char::len_utf16).sum();
        if prefix_utf16 + marker.encode_utf16().count() <= SPREADSHEET_MAX_CELL_CHARS {
            break marker;
        }
        keep -= (prefix_utf16 + marker.encode_utf16().count() - SPREADSHEET_MAX_CELL_CHARS).max(1);
    };
    let byte_end = cell
        .char_indices()
        .nth(keep)
        .map_or(cell.len(), |(index, _)| index);
    cell.truncate(byte_end);
    cell.push_str(&marker);
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_neutralised() {
        for (input, expected) in [
            ("=1+1", "'=1+1"),
            ("+33 6", "'+33 6"),
            ("-15%", "'-15%"),
            ("@support", "'@support"),
            ("\tindent", "'\tindent"),
            ("\rx", "'\rx"),
            ("hello = world", "hello = world"),
            ("", ""),
        ] {
            let mut cell = input.to_string();
            neutralise_formula(&mut cell);
            assert_eq!(cell, expected);
        }
    }

    #[test]
    fn long_cells_are_cut_with_a_marker() {
        let mut cell = "é".repeat(40_000);
        assert!(cut_to_spreadsheet_cell(&mut cell));
        assert!(cell.encode_utf16().count() <= SPREADSHEET_MAX_CELL_CHARS);
        assert!(
            cell.ends_with("more characters are in the JSON export]"),
            "{}",
            &cell[cell.len() - 80..]
        );
        let kept = cell.chars().take_while(|&c| c == 'é').count();
        assert!(cell.contains(&format!("cut: {} more", 40_000 - kept)));

        let mut emoji = "😀".repeat(20_000); // 40,000 UTF-16 units in 20,000 chars
        assert!(
            !cut_to_spreadsheet_cell(&mut emoji),
            "under the limit in characters"
        );

        let mut short = "court".to_string();
        assert!(!cut_to_spreadsheet_cell(&mut short));
        assert_eq!(short, "court");
    }
}
