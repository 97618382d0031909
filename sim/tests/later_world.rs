//! The same world a day later (`WorldConfig::later`): what did not change is byte for byte the
//! same, what changed kept its past and gained messages within the day, new conversations
//! started within the day, and each vendor's documented way of asking for what changed finds
//! exactly those.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Duration, NaiveDateTime, Utc};
use serde_json::Value;
use sim::{
    huechat, humind, mindo, talktohumans, voice_widget, Later, SimRequest, World, WorldConfig,
};

const CONVERSATIONS: usize = 200;
/// 7.5% of 200 conversations: 15 changed per vendor.
const CHANGED_PERCENT: f64 = 7.5;
const EXPECTED_CHANGED: usize = 15;
const NEW: usize = 4;

fn original_config() -> WorldConfig {
    WorldConfig {
        conversations: CONVERSATIONS,
        ..WorldConfig::default()
    }
}

fn later_config() -> WorldConfig {
    WorldConfig {
        later: Some(Later {
            changed_percent: CHANGED_PERCENT,
            new_conversations: NEW,
        }),
        ..original_config()
    }
}

fn anchor() -> DateTime<Utc> {
    original_config().anchor
}

/// The instant as the query strings carry it (`+` would read as a space).
fn anchor_param() -> String {
    anchor().format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

fn instant(value: &Value) -> DateTime<Utc> {
    let text = value.as_str().expect("a timestamp is a string");
    DateTime::parse_from_rfc3339(text)
        .map(|at| at.with_timezone(&Utc))
        .or_else(|_| {
            NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f").map(|at| at.and_utc())
        })
        .unwrap_or_else(|_| panic!("not a timestamp: {text}"))
}

/// Within the later world's day: (anchor, anchor + 1 day].
fn within_the_day(at: DateTime<Utc>) -> bool {
    at > anchor() && at <= anchor() + Duration::days(1)
}

/// A vendor's ground truth, by the id under `key`, in the truth's order.
fn by_id(world: &World, vendor: &str, key: &str) -> BTreeMap<String, Value> {
    let truth = world.dataset_json(vendor, 0).unwrap();
    let map: BTreeMap<String, Value> = truth
        .as_array()
        .unwrap()
        .iter()
        .map(|record| (record[key].as_str().unwrap().to_string(), record.clone()))
        .collect();
    assert_eq!(map.len(), truth.as_array().unwrap().len(), "ids are unique");
    map
}

/// How the later truth differs from the original, by id: the ids of the records that changed
/// and of the new ones. Fails if a record disappeared.
struct Difference {
    changed: BTreeSet<String>,
    new: BTreeSet<String>,
}

impl Difference {
    fn of(original: &BTreeMap<String, Value>, later: &BTreeMap<String, Value>) -> Self {
        for id in original.keys() {
            assert!(later.contains_key(id), "{id} is still there a day later");
        }
        let changed = original
            .iter()
            .filter(|(id, record)| later[*id] != **record)
            .map(|(id, _)| id.clone())
            .collect();
        let new = later
            .keys()
            .filter(|id| !original.contains_key(*id))
            .cloned()
            .collect();
        Difference { changed, new }
    }

    fn changed_or_new(&self) -> BTreeSet<String> {
        self.changed.union(&self.new).cloned().collect()
    }
}

/// `record` without these fields, to compare what must not have moved.
fn without(record: &Value, fields: &[&str]) -> Value {
    let mut record = record.clone();
    for field in fields {
        record.as_object_mut().unwrap().remove(*field);
    }
    record
}

/// The earlier messages come first and unchanged; returns the ones the day added.
fn added_messages<'a>(original: &Value, later: &'a Value, key: &str) -> &'a [Value] {
    let before = original[key].as_array().unwrap();
    let after = later[key].as_array().unwrap();
    assert_eq!(
        &after[..before.len()],
        before.as_slice(),
        "the past is kept"
    );
    &after[before.len()..]
}

fn get(world: &World, vendor: &str, path: &str, header: (&str, &str)) -> Value {
    let response = world.respond(
        vendor,
        &SimRequest::get(path).with_header(header.0, header.1),
    );
    assert_eq!(response.status, 200, "{vendor} {path}");
    response.body_json()
}

#[test]
fn nothing_changes_without_changes_and_the_day_is_deterministic() {
    let original = World::generate(&original_config());
    let empty_day = World::generate(&WorldConfig {
        later: Some(Later {
            changed_percent: 0.0,
            new_conversations: 0,
        }),
        ..original_config()
    });
    let later = World::generate(&later_config());
    let again = World::generate(&later_config());
    for vendor in sim::VENDORS {
        assert_eq!(
            original.dataset_json(vendor, 0),
            empty_day.dataset_json(vendor, 0),
            "{vendor}: an empty day changes nothing"
        );
        assert_eq!(
            later.dataset_json(vendor, 0),
            again.dataset_json(vendor, 0),
            "{vendor}: the same day twice"
        );
        assert_ne!(
            original.dataset_json(vendor, 0),
            later.dataset_json(vendor, 0)
        );
    }
}

#[test]
fn humind_changed_conversations_gained_messages_and_updated_after_finds_them() {
    let original_world = World::generate(&original_config());
    let later_world = World::generate(&later_config());
    let original = by_id(&original_world, "humind", "humind_id");
    let later = by_id(&later_world, "humind", "humind_id");
    let difference = Difference::of(&original, &later);
    assert_eq!(difference.changed.len(), EXPECTED_CHANGED);
    assert_eq!(difference.new.len(), NEW);

    for id in &difference.changed {
        let (before, after) = (&original[id], &later[id]);
        let added = added_messages(before, after, "messages");
        assert!((1..=2).contains(&added.len()), "{id}: one or two messages");
        assert!(added
            .iter()
            .all(|m| within_the_day(instant(&m["created_at"]))));
        let messages = after["messages"].as_array().unwrap();
        let events: Vec<&Value> = messages
            .iter()
            .flat_map(|m| m["events"].as_array().into_iter().flatten())
            .collect();
        assert_eq!(after["message_count"], messages.len());
        assert_eq!(after["event_count"], events.len());
        assert_eq!(
            after["last_message_at"],
            messages.last().unwrap()["created_at"]
        );
        assert_eq!(
            after["has_triggered_cart"],
            events.iter().any(|e| e["type"] == "add_product")
        );
        // updated_at is the last activity: the last new message or one of its events.
        let last_activity = added
            .iter()
            .map(|m| instant(&m["created_at"]))
            .chain(
                added
                    .iter()
                    .flat_map(|m| m["events"].as_array().into_iter().flatten())
                    .map(|e| instant(&e["created_at"])),
            )
            .max()
            .unwrap();
        assert_eq!(instant(&after["updated_at"]), last_activity);
        let derived = [
            "updated_at",
            "last_message_at",
            "messages",
            "message_count",
            "event_count",
            "has_triggered_cart",
        ];
        assert_eq!(without(before, &derived), without(after, &derived));
    }
    for id in &difference.new {
        let conversation = &later[id];
        assert!(within_the_day(instant(&conversation["created_at"])));
        assert!(within_the_day(instant(&conversation["updated_at"])));
        let messages = conversation["messages"].as_array().unwrap();
        assert!(messages
            .iter()
            .all(|m| within_the_day(instant(&m["created_at"]))));
    }

    // Incremental sync, as the docs describe it: updated_after=<last sync>.
    let mut found = BTreeSet::new();
    let mut created: Vec<DateTime<Utc>> = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let mut path = format!(
            "/public/v1/conversations?updated_after={}&limit=7",
            anchor_param()
        );
        if let Some(cursor) = &cursor {
            path.push_str(&format!("&cursor={cursor}"));
        }
        let page = get(
            &later_world,
            "humind",
            &path,
            ("Authorization", &format!("Bearer {}", humind::VALID_KEY)),
        );
        for conversation in page["data"].as_array().unwrap() {
            assert!(found.insert(conversation["humind_id"].as_str().unwrap().to_string()));
            created.push(instant(&conversation["created_at"]));
        }
        match page["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_string()),
            None => break,
        }
    }
    let already_after: BTreeSet<String> = original
        .iter()
        .filter(|(_, c)| instant(&c["updated_at"]) >= anchor())
        .map(|(id, _)| id.clone())
        .collect();
    let expected: BTreeSet<String> = difference
        .changed_or_new()
        .union(&already_after)
        .cloned()
        .collect();
    assert_eq!(found, expected);
    assert!(created.windows(2).all(|w| w[0] >= w[1]), "newest first");

    // The whole list is still newest first, the new conversations on top.
    let all: Vec<&humind::Conversation> = later_world.humind().conversations.iter().collect();
    assert_eq!(all.len(), CONVERSATIONS + NEW);
    assert!(all.windows(2).all(|w| w[0].created_at >= w[1].created_at));
    let top: BTreeSet<String> = all[..NEW].iter().map(|c| c.id.clone()).collect();
    assert_eq!(top, difference.new);
}

#[test]
fn talktohumans_moved_conversations_are_the_ones_past_the_mark() {
    let original_world = World::generate(&original_config());
    let later_world = World::generate(&later_config());
    let original = by_id(&original_world, "talktohumans", "conversation_id");
    let later = by_id(&later_world, "talktohumans", "conversation_id");
    let difference = Difference::of(&original, &later);
    assert_eq!(difference.changed.len(), EXPECTED_CHANGED);
    assert_eq!(difference.new.len(), NEW);
    for id in &difference.changed {
        let (before, after) = (&original[id], &later[id]);
        assert!(within_the_day(instant(&after["last_message_at"])));
        let state = after["current_state"].as_str().unwrap();
        assert!(state == "replied" || state == "awaiting_reply", "{state}");
        let derived = ["last_message_at", "last_message_text", "current_state"];
        assert_eq!(without(before, &derived), without(after, &derived));
    }
    for id in &difference.new {
        assert!(within_the_day(instant(&later[id]["last_message_at"])));
    }

    // The documented list has no date filter: read it whole, keep what moved past the mark.
    let mut listed: Vec<Value> = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let mut path = "/v1/conversations?limit=25".to_string();
        if let Some(cursor) = &cursor {
            path.push_str(&format!("&cursor={cursor}"));
        }
        let page = get(
            &later_world,
            "talktohumans",
            &path,
            (
                "Authorization",
                &format!("Bearer {}", talktohumans::VALID_KEY),
            ),
        );
        listed.extend(page["data"]["conversations"].as_array().unwrap().clone());
        match page["data"]["pagination"]["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_string()),
            None => break,
        }
    }
    assert_eq!(listed.len(), CONVERSATIONS + NEW);
    let times: Vec<DateTime<Utc>> = listed
        .iter()
        .map(|c| instant(&c["last_message_at"]))
        .collect();
    assert!(times.windows(2).all(|w| w[0] >= w[1]), "most recent first");
    let moved: BTreeSet<String> = listed
        .iter()
        .filter(|c| instant(&c["last_message_at"]) > anchor())
        .map(|c| c["conversation_id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(moved, difference.changed_or_new());
}

#[test]
fn huechat_changed_conversations_gained_messages_and_lead_the_last_message_order() {
    let original_world = World::generate(&original_config());
    let later_world = World::generate(&later_config());
    let original = by_id(&original_world, "huechat", "id");
    let later = by_id(&later_world, "huechat", "id");
    let difference = Difference::of(&original, &later);
    assert_eq!(difference.changed.len(), EXPECTED_CHANGED);
    assert_eq!(difference.new.len(), NEW);
    for id in &difference.changed {
        let (before, after) = (&original[id], &later[id]);
        let added = added_messages(before, after, "messages");
        assert!((1..=2).contains(&added.len()), "{id}: one or two messages");
        assert!(added.iter().all(|m| within_the_day(instant(&m["sent_at"]))));
        assert!(added.iter().all(|m| m["conversation_id"] == id.as_str()));
        let last = added.last().unwrap();
        assert_eq!(
            after["message_count"],
            after["messages"].as_array().unwrap().len()
        );
        assert_eq!(after["last_message_at"], last["sent_at"]);
        let preview: String = last["content"].as_str().unwrap().chars().take(80).collect();
        assert_eq!(after["last_message_preview"], preview.as_str());
        let from_contact = added.iter().filter(|m| m["sent_by"] == "contact").count() as u64;
        assert_eq!(
            after["unread_count"].as_u64().unwrap(),
            before["unread_count"].as_u64().unwrap() + from_contact
        );
        // A new customer message reopens a closed conversation.
        let expected_status = if before["status"] == "closed" && from_contact > 0 {
            "open"
        } else {
            before["status"].as_str().unwrap()
        };
        assert_eq!(after["status"], expected_status);
        let derived = [
            "messages",
            "message_count",
            "last_message_at",
            "last_message_preview",
            "unread_count",
            "status",
        ];
        assert_eq!(without(before, &derived), without(after, &derived));
    }
    for id in &difference.new {
        let conversation = &later[id];
        assert!(within_the_day(instant(&conversation["created_at"])));
        assert!(within_the_day(instant(&conversation["last_message_at"])));
    }

    // Sorted by last message, newest first, through every page: what changed leads.
    let mut listed: Vec<Value> = Vec::new();
    loop {
        let page = get(
            &later_world,
            "huechat",
            &format!(
                "/v2/conversations?sort=last_message_at:desc&limit=30&offset={}",
                listed.len()
            ),
            ("X-API-Key", huechat::VALID_KEY),
        );
        assert_eq!(page["pagination"]["total"], CONVERSATIONS + NEW);
        listed.extend(page["data"].as_array().unwrap().clone());
        if page["pagination"]["has_more"] == false {
            break;
        }
    }
    assert_eq!(listed.len(), CONVERSATIONS + NEW);
    let times: Vec<DateTime<Utc>> = listed
        .iter()
        .map(|c| instant(&c["last_message_at"]))
        .collect();
    assert!(times.windows(2).all(|w| w[0] >= w[1]));
    let already_after: BTreeSet<String> = original
        .iter()
        .filter(|(_, c)| instant(&c["last_message_at"]) > anchor())
        .map(|(id, _)| id.clone())
        .collect();
    let expected: BTreeSet<String> = difference
        .changed_or_new()
        .union(&already_after)
        .cloned()
        .collect();
    let leading: BTreeSet<String> = listed[..expected.len()]
        .iter()
        .map(|c| c["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(leading, expected);
    assert!(times[expected.len()..].iter().all(|at| *at <= anchor()));

    // The default order is still by creation, newest first: the new conversations on top.
    let first = get(
        &later_world,
        "huechat",
        &format!("/v2/conversations?limit={NEW}"),
        ("X-API-Key", huechat::VALID_KEY),
    );
    let top: BTreeSet<String> = first["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(top, difference.new);
}

#[test]
fn huechat_arrivals_still_come_on_top_after_the_day() {
    let later_world = World::generate(&WorldConfig {
        huechat_arrivals_every: Some(10),
        ..later_config()
    });
    let data = later_world.huechat();
    let newest_of_the_day = data.conversations.iter().map(|c| c.created_at).max();
    assert!(newest_of_the_day.is_some_and(within_the_day));
    let visible = data.visible(35);
    assert_eq!(visible.len(), CONVERSATIONS + NEW + 3);
    assert!(visible
        .windows(2)
        .all(|w| w[0].created_at >= w[1].created_at));
    assert!(visible[..3]
        .iter()
        .all(|c| c.created_at > anchor() + Duration::days(1)));
    let page = later_world
        .respond(
            "huechat",
            &SimRequest::get("/v2/conversations?limit=1")
                .with_header("X-API-Key", huechat::VALID_KEY)
                .with_sequence(35),
        )
        .body_json();
    assert_eq!(page["pagination"]["total"], CONVERSATIONS + NEW + 3);
    assert_eq!(page["data"][0]["id"], visible[0].id.as_str());
}

#[test]
fn voice_widget_calls_never_change_and_since_finds_the_new_ones() {
    let original_world = World::generate(&original_config());
    let later_world = World::generate(&later_config());
    let original = by_id(&original_world, "voice-widget", "id");
    let later = by_id(&later_world, "voice-widget", "id");
    let difference = Difference::of(&original, &later);
    assert!(difference.changed.is_empty(), "an ended call is immutable");
    assert_eq!(difference.new.len(), EXPECTED_CHANGED + NEW);
    for id in &difference.new {
        let call = &later[id];
        assert!(within_the_day(instant(&call["started_at"])));
        assert!(within_the_day(instant(&call["ended_at"])));
    }

    let mut found = BTreeSet::new();
    let mut cursor: Option<String> = None;
    loop {
        let mut path = format!("/api/v1/conversations?since={}&limit=6", anchor_param());
        if let Some(cursor) = &cursor {
            path.push_str(&format!("&cursor={cursor}"));
        }
        let page = get(
            &later_world,
            "voice-widget",
            &path,
            (
                "Authorization",
                &format!("Bearer {}", voice_widget::VALID_KEY),
            ),
        );
        for call in page["data"].as_array().unwrap() {
            assert!(found.insert(call["id"].as_str().unwrap().to_string()));
        }
        match page["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_string()),
            None => break,
        }
    }
    assert_eq!(found, difference.new);
    let all = &later_world.voice_widget().conversations;
    assert!(all.windows(2).all(|w| w[0].started_at >= w[1].started_at));
}

fn mindo_rows(world: &World, from: &str, to: &str) -> Vec<Value> {
    let mut rows = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let mut path = format!(
            "/api/v1/qualitative-export/messages?company_id=42,57&from={from}&to={to}&limit=50\
             &include=classifications,extractions,tool_calls,trace_id"
        );
        if let Some(cursor) = &cursor {
            path.push_str(&format!("&cursor={cursor}"));
        }
        let response = world.respond(
            "mindo",
            &SimRequest::get(&path).with_header("X-API-Key", mindo::GLOBAL_KEY),
        );
        assert_eq!(response.status, 200);
        cursor = None;
        for line in String::from_utf8(response.body).unwrap().lines() {
            let line: Value = serde_json::from_str(line).unwrap();
            match line["next_cursor"].as_str() {
                Some(next) => cursor = Some(next.to_string()),
                None => rows.push(line),
            }
        }
        if cursor.is_none() {
            return rows;
        }
    }
}

#[test]
fn mindo_new_rows_fall_in_place_and_from_the_mark_returns_them() {
    let original_world = World::generate(&original_config());
    let later_world = World::generate(&later_config());
    let original = by_id(&original_world, "mindo", "message_id");
    let later = by_id(&later_world, "mindo", "message_id");
    let difference = Difference::of(&original, &later);
    assert!(difference.changed.is_empty(), "a row never changes");
    assert!(difference
        .new
        .iter()
        .all(|id| within_the_day(instant(&later[id]["occurred_at"]))));

    // New rows of a conversation that existed continue its thread; the others are new ones.
    let mut original_threads: BTreeMap<String, Vec<&Value>> = BTreeMap::new();
    for row in original.values() {
        let conversation = row["conversation_id"].as_str().unwrap().to_string();
        original_threads.entry(conversation).or_default().push(row);
    }
    let mut added: BTreeMap<String, Vec<&Value>> = BTreeMap::new();
    for id in &difference.new {
        let row = &later[id];
        let conversation = row["conversation_id"].as_str().unwrap().to_string();
        added.entry(conversation).or_default().push(row);
    }
    let (continued, started): (Vec<_>, Vec<_>) = added
        .iter()
        .partition(|(conversation, _)| original_threads.contains_key(*conversation));
    assert_eq!(continued.len(), EXPECTED_CHANGED);
    assert_eq!(started.len(), NEW);
    for (conversation, rows) in continued {
        let earlier = &original_threads[conversation];
        assert!((1..=2).contains(&rows.len()));
        let last = earlier
            .iter()
            .max_by_key(|row| row["context"]["thread_position"].as_u64())
            .unwrap();
        let mut rows = rows.clone();
        rows.sort_by_key(|row| row["context"]["thread_position"].as_u64());
        assert_eq!(
            rows[0]["context"]["thread_position"],
            earlier.len(),
            "the thread goes on"
        );
        assert_eq!(
            rows[0]["context"]["reply_to_message_id"],
            last["message_id"]
        );
        for field in ["channel", "metadata"] {
            assert_eq!(rows[0][field], last[field]);
        }
        assert!(instant(&rows[0]["occurred_at"]) > instant(&last["occurred_at"]));
    }
    for (_, rows) in started {
        assert!(rows
            .iter()
            .any(|row| row["context"]["thread_position"] == 0));
    }

    // The export's order holds with the new rows in it.
    let truth = later_world.dataset_json("mindo", 0).unwrap();
    let times: Vec<DateTime<Utc>> = truth
        .as_array()
        .unwrap()
        .iter()
        .map(|row| instant(&row["occurred_at"]))
        .collect();
    assert!(times.windows(2).all(|w| w[0] <= w[1]), "oldest first");

    // from=<mark>: the new rows, and only those the original world did not already return
    // (some original replies come days after the anchor).
    let to = (anchor() + Duration::days(31))
        .format("%Y-%m-%dT%H:%M:%SZ")
        .to_string();
    let ids = |rows: &[Value]| -> BTreeSet<String> {
        rows.iter()
            .map(|row| row["message_id"].as_str().unwrap().to_string())
            .collect()
    };
    let before = ids(&mindo_rows(&original_world, &anchor_param(), &to));
    let after_rows = mindo_rows(&later_world, &anchor_param(), &to);
    let after = ids(&after_rows);
    assert_eq!(after_rows.len(), after.len(), "each row once");
    assert!(before.is_subset(&after));
    let fresh: BTreeSet<String> = after.difference(&before).cloned().collect();
    assert_eq!(fresh, difference.new);
    for row in &after_rows {
        assert_eq!(*row, later[row["message_id"].as_str().unwrap()]);
    }
}

#[test]
fn every_size_and_seed_keeps_the_day_within_the_day() {
    // (vendor, id field, the field that moves when a record changes or is new)
    let vendors = [
        ("humind", "humind_id", "updated_at"),
        ("talktohumans", "conversation_id", "last_message_at"),
        ("huechat", "id", "last_message_at"),
        ("voice-widget", "id", "ended_at"),
        ("mindo", "message_id", "occurred_at"),
    ];
    for seed in [1, 7, 99] {
        for conversations in [0, 1, 3, 40] {
            for (changed_percent, new_conversations) in [(100.0, 0), (33.3, 2), (0.0, 1)] {
                let original_config = WorldConfig {
                    seed,
                    conversations,
                    ..WorldConfig::default()
                };
                let later = Later {
                    changed_percent,
                    new_conversations,
                };
                let later_config = WorldConfig {
                    later: Some(later),
                    ..original_config.clone()
                };
                let original_world = World::generate(&original_config);
                let later_world = World::generate(&later_config);
                let case = format!("seed {seed}, {conversations}, {later:?}");
                for (vendor, key, moved) in vendors {
                    let original = by_id(&original_world, vendor, key);
                    let later_truth = by_id(&later_world, vendor, key);
                    let difference = Difference::of(&original, &later_truth);
                    for id in difference.changed_or_new() {
                        let at = instant(&later_truth[&id][moved]);
                        assert!(within_the_day(at), "{case}: {vendor} {id} at {at}");
                    }
                    let expected_changed = later.changed_count(conversations);
                    match vendor {
                        "voice-widget" => {
                            assert!(difference.changed.is_empty());
                            assert_eq!(
                                difference.new.len(),
                                expected_changed + new_conversations,
                                "{case}"
                            );
                        }
                        // A row never changes: the day only adds rows.
                        "mindo" => assert!(difference.changed.is_empty()),
                        _ => {
                            // Fewer only when some conversations were already active past the
                            // anchor: they cannot gain a message within the day.
                            assert!(difference.changed.len() <= expected_changed, "{case}");
                            assert_eq!(difference.new.len(), new_conversations, "{case}");
                        }
                    }
                }
                // TalkToHumans' conversations all ended before the anchor: every one can change.
                let original = by_id(&original_world, "talktohumans", "conversation_id");
                let later_truth = by_id(&later_world, "talktohumans", "conversation_id");
                assert_eq!(
                    Difference::of(&original, &later_truth).changed.len(),
                    later.changed_count(conversations),
                    "{case}"
                );
            }
        }
    }
}
