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

/// The names of a table's columns in `layout`, vendor-specific ones included, in default order.
pub fn column_names<R, W, I>(
    columns: &[Column<W>],
    layout: Layout,
    rows: impl Fn() -> I,
) -> Vec<String>
where
    R: HasExtras,
    W: WriteCell<R>,
    I: Iterator<Item = R>,
{
    let mut names: Vec<String> = columns
        .iter()
        .filter(|c| layout.shows(c.filled_by))
        .map(|c| c.name.to_string())
        .collect();
    names.extend(
        extra_columns(columns, rows())
            .into_iter()
            .map(|(_, name)| name),
    );
    names
}

/// The vendor fields of the rows that have no column, each with its column name:
/// `extra_` and the field's name in snake_case (`sender.avatar` -> `extra_sender_avatar`),
/// made unique among the table's columns.
pub fn extra_columns<R: HasExtras, W>(
    columns: &[Column<W>],
    rows: impl Iterator<Item = R>,
) -> Vec<(String, String)> {
    let mut keys = BTreeSet::new();
    for row in rows {
        for key in row.extras().into_iter().flat_map(|extras| extras.keys()) {
            if !keys.contains(key) {
                keys.insert(key.clone());
            }
        }
    }
    let mut taken: BTreeSet<String> = columns.iter().map(|c| c.name.to_string()).collect();
    keys.into_iter()
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
            (key, name)
        })
        .collect()
}

enum Selected<'c, W> {
    Fixed(&'c Column<W>),
    /// A vendor field: its key, and its column name.
    Extra(String, String),
}

/// Writes a table into `out`: a header, then one row per item of `rows()` (called twice: once to
/// find the vendor-specific columns, once to write). `out` is dynamic so that each table's code
/// is compiled once, not once per kind of output.
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
    let extras = extra_columns(columns, rows());
    let all: Vec<Selected<W>> = columns
        .iter()
        .filter(|column| options.layout.shows(column.filled_by))
        .map(Selected::Fixed)
        .chain(
            extras
                .into_iter()
                .map(|(key, name)| Selected::Extra(key, name)),
        )
        .collect();
    let selected: Vec<&Selected<W>> = match &options.columns {
        None => all.iter().collect(),
        Some(names) => names
            .iter()
            .filter_map(|name| all.iter().find(|column| selected_name(column) == *name))
            .collect(),
    };

    if options.for_spreadsheet {
        out.write_all(BOM).expect("writing to memory cannot fail");
    }
    let mut writer = WriterBuilder::new()
        .delimiter(options.delimiter.byte())
        .terminator(Terminator::CRLF)
        .quote_style(QuoteStyle::Necessary)
        .from_writer(out);
    let mut report = CsvReport::default();
    let header: Vec<String> = selected
        .iter()
        .map(|column| selected_name(column))
        .collect();
    writer
        .write_record(&header)
        .expect("writing to memory cannot fail");

    let mut cell = String::new();
    for row in rows() {
        for column in &selected {
            cell.clear();
            let kind = match column {
                // A column this row's vendor does not fill stays empty: not a 0 that reads as
                // a count.
                Selected::Fixed(column) if !column.filled_by.includes(row.vendor()) => column.kind,
                Selected::Fixed(column) => {
                    column.write.write_cell(&row, &mut cell);
                    column.kind
                }
                Selected::Extra(key, _) => {
                    if let Some(value) = row.extras().and_then(|extras| extras.get(key)) {
                        raw_cell(&mut cell, value);
                    }
                    CellKind::Text
                }
            };
            if options.for_spreadsheet {
                if kind == CellKind::Text {
                    neutralise_formula(&mut cell);
                }
                if cut_to_spreadsheet_cell(&mut cell) {
                    report.truncated_cells += 1;
                }
            }
            writer
                .write_field(cell.as_bytes())
                .expect("writing to memory cannot fail");
        }
        writer
            .write_record(None::<&[u8]>)
            .expect("writing to memory cannot fail");
        report.rows += 1;
    }
    if options.for_spreadsheet {
        report.rows_beyond_spreadsheet = (report.rows + 1).saturating_sub(SPREADSHEET_MAX_ROWS);
    }
    writer.flush().expect("writing to memory cannot fail");
    report
}

fn selected_name<W>(column: &Selected<W>) -> String {
    match column {
        Selected::Fixed(column) => column.name.to_string(),
        Selected::Extra(_, name) => name.clone(),
    }
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
