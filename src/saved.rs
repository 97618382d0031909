//! An export saved on this device, as the list of saved exports shows it: what was asked, how
//! far it got, and the mark an export of only what changed would start from.

use serde::{Deserialize, Serialize};

use crate::model::Timestamp;
use crate::vendors::ExportQuery;

/// Where a saved export stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SavedState {
    /// Fetching, as far as storage knows: a tab closed or crashed mid-export stays so, and
    /// resumes like a stopped one.
    Running,
    Stopped,
    Finished,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SavedExport {
    pub id: String,
    pub query: ExportQuery,
    /// The page's view when it started (its link, without the key): reopening shows it again.
    pub view: String,
    /// Which account, without the key: a short fingerprint of the key and its address, so that
    /// "only what changed" never merges one account's conversations into another's export.
    pub account: u32,
    pub started_at: Timestamp,
    pub updated_at: Timestamp,
    pub state: SavedState,
    pub conversations: usize,
    pub messages: usize,
    /// The first entry of each run: the first fetched everything, each later one only what
    /// changed since the one before.
    pub runs: Vec<u32>,
    /// The latest change among its records: where an export of only what changed starts.
    pub mark: Option<Timestamp>,
}

/// A short fingerprint of a key at an address. Not the key: 32 bits say which account without
/// saying anything that would help guess it.
pub fn account(key: &str, base_url: &str) -> u32 {
    use std::hash::{Hash, Hasher};
    // SipHash with fixed keys: the same fingerprint in every session.
    #[allow(deprecated)]
    let mut hasher = std::hash::SipHasher::new();
    base_url.hash(&mut hasher);
    key.trim().hash(&mut hasher);
    (hasher.finish() >> 32) as u32
}

impl SavedExport {
    /// Whether an export of `query` with this account may fetch only what changed since this
    /// one: the same vendor, address, account and filters, and this one finished.
    pub fn can_update(&self, query: &ExportQuery, account: u32) -> bool {
        self.state == SavedState::Finished
            && self.mark.is_some()
            && self.account == account
            && self.query.vendor == query.vendor
            && self.query.base_url == query.base_url
            && self.query.filters == query.filters
    }
}

/// The saved export an export of `query` could update: the latest that may.
pub fn updatable<'a>(
    saved: &'a [SavedExport],
    query: &ExportQuery,
    account: u32,
) -> Option<&'a SavedExport> {
    saved
        .iter()
        .filter(|export| export.can_update(query, account))
        .max_by_key(|export| export.updated_at)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vendors::VendorId;

    fn saved(state: SavedState, account: u32, filters: &[(&str, &str)]) -> SavedExport {
        let mut query = ExportQuery::new(VendorId::Humind);
        for (name, value) in filters {
            query.filters.insert(name.to_string(), value.to_string());
        }
        SavedExport {
            id: "a".into(),
            query,
            account,
            started_at: "2026-06-01T00:00:00Z".parse().unwrap(),
            updated_at: "2026-06-01T00:10:00Z".parse().unwrap(),
            state,
            conversations: 10,
            messages: 40,
            view: String::new(),
            runs: vec![0],
            mark: "2026-05-31T23:00:00Z".parse().ok(),
        }
    }

    #[test]
    fn only_a_finished_export_of_the_same_account_and_filters_is_updated() {
        let key = account("hmd_live_abc", "https://api.thehumind.com/public/v1");
        assert_eq!(
            key,
            account(" hmd_live_abc ", "https://api.thehumind.com/public/v1")
        );
        assert_ne!(
            key,
            account("hmd_live_xyz", "https://api.thehumind.com/public/v1")
        );
        let query = ExportQuery::new(VendorId::Humind).with("handoff_status", "queued");
        let list = vec![
            saved(SavedState::Finished, key, &[("handoff_status", "queued")]),
            saved(SavedState::Stopped, key, &[("handoff_status", "queued")]),
            saved(
                SavedState::Finished,
                key + 1,
                &[("handoff_status", "queued")],
            ),
            saved(SavedState::Finished, key, &[]),
        ];
        let found = updatable(&list, &query, key).expect("the first one");
        assert_eq!(found, &list[0]);
        assert!(updatable(&list[1..], &query, key).is_none());
    }
}
