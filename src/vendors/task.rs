//! Requests as values, and what comes back from them.

use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use crate::http::Request;
use crate::model::{Conversation, Message, Timestamp, Warning};

/// A GET to make, before its page position: where, and with which query parameters (empty
/// values are left out).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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

    pub fn param(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }
}

/// Where in a list a page starts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Position {
    /// The first page: no position parameter.
    Start,
    /// The vendor's opaque cursor, sent as `param`.
    Cursor { param: String, cursor: String },
    /// Records to skip, sent as `param`.
    Offset { param: String, offset: u64 },
}

impl Position {
    pub fn cursor(&self) -> Option<&str> {
        match self {
            Position::Cursor { cursor, .. } => Some(cursor),
            _ => None,
        }
    }

    pub fn offset(&self) -> u64 {
        match self {
            Position::Offset { offset, .. } => *offset,
            _ => 0,
        }
    }
}

/// A date window of a range cut to what the vendor accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Window {
    /// Zero-based, in date order.
    pub index: u32,
    pub from: Timestamp,
    /// Not included.
    pub to: Timestamp,
}

impl fmt::Display for Window {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} – {}",
            self.from.format("%Y-%m-%d %H:%M"),
            self.to.format("%Y-%m-%d %H:%M")
        )
    }
}

/// Which list a request reads, and which page of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Step {
    /// A page of the main list, in its date window for vendors that cut the range.
    List { window: Option<Window>, page: u32 },
    /// A page of the follow-up list of one record (a conversation's messages).
    FollowUp { conversation_id: String, page: u32 },
}

impl Step {
    /// Where this step's records sort among all records: by window, then page.
    pub fn order(&self) -> (u32, u32) {
        match self {
            Step::List { window, page } => (window.map_or(0, |w| w.index), *page),
            Step::FollowUp { page, .. } => (u32::MAX, *page),
        }
    }

    pub fn page(&self) -> u32 {
        match self {
            Step::List { page, .. } | Step::FollowUp { page, .. } => *page,
        }
    }

    pub fn window(&self) -> Option<Window> {
        match self {
            Step::List { window, .. } => *window,
            Step::FollowUp { .. } => None,
        }
    }

    pub fn is_list(&self) -> bool {
        matches!(self, Step::List { .. })
    }
}

impl fmt::Display for Step {
    /// For people: "page 3 of conversations", "window 2 (...), page 1".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Step::List { window: None, page } => write!(f, "page {} of conversations", page + 1),
            Step::List {
                window: Some(window),
                page,
            } => write!(
                f,
                "window {} ({window}), page {}",
                window.index + 1,
                page + 1
            ),
            Step::FollowUp {
                conversation_id,
                page,
            } => write!(
                f,
                "messages of conversation {conversation_id} (page {})",
                page + 1
            ),
        }
    }
}

/// One request of an export, with what the engine needs to place its records. Serialisable:
/// the requests still to make are what a stopped export saves to resume.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Task {
    pub call: Call,
    pub position: Position,
    pub step: Step,
}

impl Task {
    pub fn request(&self) -> Request {
        let mut params = self.call.params.clone();
        match &self.position {
            Position::Start => {}
            Position::Cursor { param, cursor } => params.push((param.to_string(), cursor.clone())),
            Position::Offset { param, offset } => {
                params.push((param.to_string(), offset.to_string()))
            }
        }
        Request::get(&self.call.base_url, &self.call.path, &params)
    }

    /// The same list from its first page: a vendor that refused a cursor gets it again.
    pub fn from_start(&self) -> Task {
        let mut task = self.clone();
        task.position = Position::Start;
        match &mut task.step {
            Step::List { page, .. } | Step::FollowUp { page, .. } => *page = 0,
        }
        task
    }

    /// A follow-up list is fetched once per record, however often the record comes back
    /// (offsets that shift as new conversations arrive): its first page's key.
    pub fn once_key(&self) -> Option<&str> {
        match &self.step {
            Step::FollowUp {
                conversation_id,
                page: 0,
            } => Some(conversation_id),
            _ => None,
        }
    }
}

impl fmt::Display for Task {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.step.fmt(f)
    }
}

/// A page read but not yet mapped: cheap to produce, so the next request can leave first.
#[derive(Debug, Default)]
pub struct Page {
    pub records: Vec<Box<RawValue>>,
    pub next: Vec<Task>,
    /// The total the vendor reports, when it does.
    pub total: Option<u64>,
    /// When it arrived, on the user's clock: its records are mapped as of then, whenever they
    /// are read again (a call that had just ended is marked as still filling in, for good).
    pub fetched_at: Option<Timestamp>,
}

/// Where one record of a page sits, for mapping and for warnings.
#[derive(Debug, Clone, Copy)]
pub struct RecordAt<'a> {
    pub step: &'a Step,
    /// Zero-based, in its page.
    pub index: usize,
    /// Zero-based, in its whole list: what an offset-paged follow-up calls a position.
    pub position: u64,
}

impl fmt::Display for RecordAt<'_> {
    /// "page 2 item 7", "message 5 of c_12", "window 1, page 1, line 40".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.step {
            Step::List { window: None, page } => {
                write!(f, "page {} item {}", page + 1, self.index + 1)
            }
            Step::List { .. } => write!(f, "{}, line {}", self.step, self.index + 1),
            Step::FollowUp {
                conversation_id, ..
            } => write!(f, "message {} of {conversation_id}", self.position + 1),
        }
    }
}

/// A change to the export's data set.
#[derive(Debug)]
pub enum Update {
    Conversation(Box<Conversation>),
    /// A message of a conversation already seen, at `position` in its transcript.
    Message {
        conversation_id: String,
        message: Box<Message>,
    },
    /// A message of a vendor that exports messages, not conversations: it joins the conversation
    /// `shell` describes, which is created on its first message.
    Loose {
        shell: Box<Conversation>,
        message: Box<Message>,
    },
}

impl Update {
    /// The conversation the update belongs to.
    pub fn conversation_id(&self) -> &str {
        match self {
            Update::Conversation(conversation) => &conversation.id,
            Update::Message {
                conversation_id, ..
            } => conversation_id,
            Update::Loose { shell, .. } => &shell.id,
        }
    }
}

/// What mapping may need beyond the records.
pub struct MapContext<'a> {
    pub warnings: &'a mut Vec<Warning>,
    /// Now, on the user's clock: a conversation that ended moments ago may still be filling in.
    pub now: Timestamp,
}

impl<'a> MapContext<'a> {
    pub fn new(warnings: &'a mut Vec<Warning>, now: Timestamp) -> Self {
        MapContext { warnings, now }
    }
}
