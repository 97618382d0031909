//! The tap's state: a bookmark per vendor and filter set (the mark to fetch only what changed
//! since), and, while a run has not finished, where it was: the requests it had left, so a run
//! that is killed resumes where it stopped.

use std::collections::BTreeMap;
use std::path::Path;

use conversation_export::model::Timestamp;
use conversation_export::vendors::paging::follow_ups;
use conversation_export::vendors::{ExportQuery, Step, Task, VendorId};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use crate::exit::Failure;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct State {
    #[serde(default)]
    pub bookmarks: BTreeMap<String, Bookmark>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Bookmark {
    /// The latest change seen (the vendor's `updated_at`, `last_message_at`, `started_at` or
    /// `occurred_at`): the next run asks for what changed at or after it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub changed_since: Option<Timestamp>,
    /// The records changed exactly at the mark, already loaded: not sent again.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ids_at_mark: Vec<String>,
    /// A run that has not finished: where it was.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resume: Option<Resume>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Resume {
    /// The run's question, its mark and its dates included.
    pub query: ExportQuery,
    pub pending: Pending,
    /// The latest change seen so far in the run, and the records changed then.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latest: Option<Timestamp>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ids_at_latest: Vec<String>,
}

/// Requests still to make, written small: the first page of a conversation's messages
/// (HueChat) by the conversation's id alone, the rest whole.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Pending {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tasks: Vec<Task>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub messages_of: Vec<String>,
}

/// The first page of `id`'s follow-up list, as the vendor's spec builds it.
fn first_follow_up(vendor: VendorId, base_url: &str, id: &str) -> Option<Task> {
    let spec = vendor.spec().follow_up.as_ref()?;
    let record = serde_json::json!({ spec.id_field: id }).to_string();
    let raw = RawValue::from_string(record).ok()?;
    follow_ups(spec, base_url, &[raw]).into_iter().next()
}

impl Pending {
    pub fn of(tasks: &[Task], vendor: VendorId, base_url: &str) -> Pending {
        let mut pending = Pending::default();
        for task in tasks {
            match &task.step {
                Step::FollowUp {
                    conversation_id,
                    page: 0,
                } if first_follow_up(vendor, base_url, conversation_id).as_ref() == Some(task) => {
                    pending.messages_of.push(conversation_id.clone())
                }
                _ => pending.tasks.push(task.clone()),
            }
        }
        pending
    }

    pub fn tasks(&self, vendor: VendorId, base_url: &str) -> Vec<Task> {
        let mut tasks = self.tasks.clone();
        tasks.extend(
            self.messages_of
                .iter()
                .filter_map(|id| first_follow_up(vendor, base_url, id)),
        );
        tasks
    }
}

/// A bookmark per vendor and filter set: `humind`, `mindo?company_id=42&from=2026-01-01`.
pub fn bookmark_key(vendor: VendorId, filters: &BTreeMap<String, String>) -> String {
    let set: Vec<String> = filters
        .iter()
        .filter(|(_, value)| !value.trim().is_empty())
        .map(|(name, value)| format!("{name}={}", value.trim()))
        .collect();
    if set.is_empty() {
        vendor.slug().to_string()
    } else {
        format!("{}?{}", vendor.slug(), set.join("&"))
    }
}

/// Reads `--state`: a Singer state file, or the value of the last STATE message.
pub fn read(path: &Path) -> Result<State, Failure> {
    let text = std::fs::read_to_string(path).map_err(|error| {
        Failure::bad_input(format!(
            "Could not read the state file {}: {error}.",
            path.display()
        ))
    })?;
    if text.trim().is_empty() {
        return Ok(State::default());
    }
    let value: serde_json::Value = serde_json::from_str(&text).map_err(|error| {
        Failure::bad_input(format!(
            "The state file {} is not JSON: {error}.",
            path.display()
        ))
    })?;
    // Some runners wrap it: {"type": "STATE", "value": {...}}.
    let value = match value.get("value") {
        Some(inner) if value.get("type").and_then(|t| t.as_str()) == Some("STATE") => inner.clone(),
        _ => value,
    };
    serde_json::from_value(value).map_err(|error| {
        Failure::bad_input(format!(
            "The state file {} is not this tap's: {error}.",
            path.display()
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use conversation_export::vendors::plan;

    #[test]
    fn first_message_pages_are_written_by_id_and_read_back_whole() {
        let base = "https://api.huechat.example/v2";
        let mut query = ExportQuery::new(VendorId::HueChat);
        query.base_url = base.into();
        let list = plan(&query).remove(0);
        let follow = first_follow_up(VendorId::HueChat, base, "conv_1").unwrap();
        let pending = Pending::of(&[list.clone(), follow.clone()], VendorId::HueChat, base);
        assert_eq!(pending.messages_of, vec!["conv_1"]);
        assert_eq!(pending.tasks, vec![list.clone()]);
        assert_eq!(pending.tasks(VendorId::HueChat, base), vec![list, follow]);
    }

    #[test]
    fn bookmarks_are_per_vendor_and_filter_set() {
        let filters: BTreeMap<String, String> = [
            ("from".to_string(), "2026-01-01".to_string()),
            ("company_id".to_string(), "42".to_string()),
        ]
        .into();
        assert_eq!(
            bookmark_key(VendorId::Mindo, &filters),
            "mindo?company_id=42&from=2026-01-01"
        );
        assert_eq!(bookmark_key(VendorId::Humind, &BTreeMap::new()), "humind");
    }
}
