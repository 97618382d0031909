//! Requests as values, and what comes back from them.

use serde_json::value::RawValue;

use crate::http::Request;
use crate::model::{Conversation, Message, Timestamp, Warning};

/// A GET to make: where, and with which query parameters (empty values are left out).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Call {
    pub base_url: String,
    pub path: String,
    pub params: Vec<(String, String)>,
}

impl Call {
    pub fn new(base_url: &str, path: &str, params: Vec<(String, String)>) -> Self {
        Call {
            base_url: base_url.to_string(),
            path: path.to_string(),
            params,
        }
    }

    pub fn request(&self) -> Request {
        Request::get(&self.base_url, &self.path, &self.params)
    }

    pub fn param(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }

    /// The same call with one parameter set (added, or replaced where present).
    pub fn with_param(&self, name: &str, value: &str) -> Call {
        let mut call = self.clone();
        match call.params.iter_mut().find(|(key, _)| key == name) {
            Some(pair) => pair.1 = value.to_string(),
            None => call.params.push((name.to_string(), value.to_string())),
        }
        call
    }
}

/// One request of an export, with what the engine needs to place its records.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Task {
    pub call: Call,
    /// For people: "page 3 of conversations".
    pub label: String,
    pub step: Step,
    /// A task whose key was already scheduled in this export is skipped: a record seen twice
    /// (offsets shifted) must not have its follow-ups fetched twice.
    pub once_key: Option<String>,
}

impl Task {
    pub fn request(&self) -> Request {
        self.call.request()
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// A page of the main list. `window` numbers the date windows of vendors that need them.
    List { window: u32, page: u32 },
    /// A page of one conversation's messages (vendors with a message endpoint per conversation).
    Messages { conversation_id: String, page: u32 },
}

impl Step {
    /// Where this step's records sort among all records: by window, then page.
    pub fn order(&self) -> (u32, u32) {
        match self {
            Step::List { window, page } => (*window, *page),
            Step::Messages { page, .. } => (u32::MAX, *page),
        }
    }

    pub fn is_list(&self) -> bool {
        matches!(self, Step::List { .. })
    }
}

/// A page read but not yet mapped: cheap to produce, so the next request can leave first.
#[derive(Debug, Default)]
pub struct Page {
    pub records: Vec<Box<RawValue>>,
    pub next: Vec<Task>,
    /// The total the vendor reports, when it does.
    pub total: Option<u64>,
}

/// One line of an NDJSON body.
#[derive(Debug)]
pub enum Line {
    Record(Box<RawValue>),
    /// The sentinel that announces another page.
    Next(String),
    /// Nothing to keep (a blank line).
    Skip,
}

/// A change to the export's data set.
#[derive(Debug)]
pub enum Update {
    Conversation(Box<Conversation>),
    /// Messages of a conversation already seen, in order, starting at `offset`.
    Messages {
        conversation_id: String,
        offset: u64,
        messages: Vec<Message>,
    },
    /// A message of a vendor that exports messages, not conversations: it joins the conversation
    /// `shell` describes, which is created on its first message.
    Loose {
        shell: Box<Conversation>,
        message: Box<Message>,
    },
}

/// What mapping may need beyond the records.
pub struct MapContext<'a> {
    pub warnings: &'a mut Vec<Warning>,
    /// Now, on the user's clock: a conversation that ended moments ago may still be filling in.
    pub now: Timestamp,
    /// The page's index of the first record given: a large page is mapped in parts, and a
    /// record's number (in warnings, in a message's position) counts from the page's start.
    pub first_record: usize,
}

impl<'a> MapContext<'a> {
    pub fn new(warnings: &'a mut Vec<Warning>, now: Timestamp) -> Self {
        MapContext {
            warnings,
            now,
            first_record: 0,
        }
    }

    /// Maps a list page's records (page `page`, zero-based), a conversation each: `map_one` gets
    /// the record's place, "page 2 item 7" counted from the page's start, for its warnings.
    pub fn map_list_page(
        &mut self,
        page: u32,
        records: Vec<Box<RawValue>>,
        mut map_one: impl FnMut(Box<RawValue>, &str, &mut MapContext<'a>) -> Conversation,
    ) -> Vec<Update> {
        let first_record = self.first_record;
        records
            .into_iter()
            .enumerate()
            .map(|(index, raw)| {
                let place = format!("page {} item {}", page + 1, first_record + index + 1);
                Update::Conversation(Box::new(map_one(raw, &place, self)))
            })
            .collect()
    }
}
