//! The columns of each CSV file, as data: name, meaning, which vendors fill it, how to write it.
//!
//! The README's column tables are printed from these lists (`cargo run --example columns`), so
//! the documentation cannot drift from the files.

use std::fmt::Write;

use chrono::SecondsFormat;
use serde_json::Value;

use crate::model::{Conversation, Event, Extras, Message, Timestamp};
use crate::vendors::VendorId;

/// Whether a spreadsheet could mistake the cell for a formula: only free text can.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CellKind {
    /// Text that came from the vendor or a person: neutralised for spreadsheets.
    Text,
    /// Numbers, timestamps and booleans the app formats itself.
    Plain,
}

/// Which vendors fill a column. A vendor's own files have only its columns; in the layout shared
/// by every vendor, a column another vendor fills is empty, never a misleading 0.
#[derive(Debug, Clone, Copy)]
pub enum FilledBy {
    All,
    Only(&'static [VendorId]),
}

impl FilledBy {
    pub fn includes(self, vendor: VendorId) -> bool {
        match self {
            FilledBy::All => true,
            FilledBy::Only(vendors) => vendors.contains(&vendor),
        }
    }

    /// "all", or the vendors' names, for the documentation.
    pub fn describe(self) -> String {
        match self {
            FilledBy::All => "all".into(),
            FilledBy::Only(vendors) => vendors
                .iter()
                .map(|v| v.spec().name)
                .collect::<Vec<_>>()
                .join(", "),
        }
    }
}

/// A column: `W` is the function that writes its cell for one row.
pub struct Column<W> {
    pub name: &'static str,
    pub meaning: &'static str,
    pub filled_by: FilledBy,
    pub kind: CellKind,
    pub write: W,
}

/// A row that belongs to a conversation: a message, a participant, a tool call, a criterion.
pub struct ItemRow<'a, T> {
    pub conversation: &'a Conversation,
    pub item: &'a T,
}

/// A row of `events.csv`: the event, its message and its conversation.
pub struct EventRow<'a> {
    pub conversation: &'a Conversation,
    pub message: &'a Message,
    pub event: &'a Event,
}

pub type ConversationColumn = Column<fn(&Conversation, &mut String)>;
pub type ItemColumn<T> = Column<fn(&ItemRow<'_, T>, &mut String)>;
pub type EventColumn = Column<fn(&EventRow<'_>, &mut String)>;

/// Writes one cell of a row of type `R`.
pub trait WriteCell<R> {
    fn write_cell(&self, row: &R, out: &mut String);
}

impl<'a> WriteCell<&'a Conversation> for fn(&Conversation, &mut String) {
    fn write_cell(&self, row: &&'a Conversation, out: &mut String) {
        self(row, out)
    }
}

impl<'a, T> WriteCell<ItemRow<'a, T>> for fn(&ItemRow<'_, T>, &mut String) {
    fn write_cell(&self, row: &ItemRow<'a, T>, out: &mut String) {
        self(row, out)
    }
}

impl<'a> WriteCell<EventRow<'a>> for fn(&EventRow<'_>, &mut String) {
    fn write_cell(&self, row: &EventRow<'a>, out: &mut String) {
        self(row, out)
    }
}

/// What a row tells beyond its cells: its vendor (whose columns apply), and its vendor fields
/// that have no column of their own (they become `extra_*` columns).
pub trait HasExtras {
    fn vendor(&self) -> VendorId;
    fn extras(&self) -> Option<&Extras>;
}

impl HasExtras for &Conversation {
    fn vendor(&self) -> VendorId {
        self.vendor
    }

    fn extras(&self) -> Option<&Extras> {
        Some(&self.extras)
    }
}

impl HasExtras for EventRow<'_> {
    fn vendor(&self) -> VendorId {
        self.conversation.vendor
    }

    fn extras(&self) -> Option<&Extras> {
        Some(&self.event.extras)
    }
}

/// Items whose vendor fields become columns of their table.
pub trait ItemExtras {
    fn item_extras(&self) -> Option<&Extras>;
}

impl<T: ItemExtras> HasExtras for ItemRow<'_, T> {
    fn vendor(&self) -> VendorId {
        self.conversation.vendor
    }

    fn extras(&self) -> Option<&Extras> {
        self.item.item_extras()
    }
}

/// The prefix of vendor-specific columns: `extra_satisfaction` holds the vendor's `satisfaction`.
pub const EXTRA_PREFIX: &str = "extra_";

/// Separates list items in one cell. Tags may contain commas; a pipe with spaces reads well and
/// is rare in data.
pub const LIST_SEPARATOR: &str = " | ";

pub fn timestamp(out: &mut String, at: &Option<Timestamp>) {
    if let Some(at) = at {
        out.push_str(&at.to_rfc3339_opts(SecondsFormat::AutoSi, true));
    }
}

pub fn text(out: &mut String, value: Option<&str>) {
    if let Some(value) = value {
        out.push_str(value);
    }
}

pub fn list<S: AsRef<str>>(out: &mut String, items: impl IntoIterator<Item = S>) {
    for (index, item) in items.into_iter().enumerate() {
        if index > 0 {
            out.push_str(LIST_SEPARATOR);
        }
        out.push_str(item.as_ref());
    }
}

pub fn flag(out: &mut String, value: Option<bool>) {
    if let Some(value) = value {
        out.push_str(if value { "true" } else { "false" });
    }
}

pub fn number(out: &mut String, value: Option<f64>) {
    if let Some(value) = value {
        let _ = write!(out, "{value}");
    }
}

pub fn count(out: &mut String, value: usize) {
    let _ = write!(out, "{value}");
}

/// A JSON value as a cell: strings as they are, everything else as compact JSON.
pub fn json_cell(out: &mut String, value: &Value) {
    match value {
        Value::Null => {}
        Value::String(text) => out.push_str(text),
        other => {
            let _ = write!(out, "{other}");
        }
    }
}

/// A vendor field kept as JSON text, as a cell: strings unquoted, `null` empty, the rest as is.
pub fn raw_cell(out: &mut String, raw: &serde_json::value::RawValue) {
    let text = raw.get();
    match text.as_bytes().first() {
        Some(b'"') => match serde_json::from_str::<String>(text) {
            Ok(unquoted) => out.push_str(&unquoted),
            Err(_) => out.push_str(text),
        },
        Some(b'n') if text == "null" => {}
        _ => out.push_str(text),
    }
}

pub fn optional_json(out: &mut String, value: &Option<Value>) {
    if let Some(value) = value {
        json_cell(out, value);
    }
}
