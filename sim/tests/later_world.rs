//! The same world a day later (`WorldConfig::later`): what did not change is byte for byte the
//! same, what changed kept its past and gained messages within the vendor's day, new
//! conversations started within it, all of it after everything the original data holds, and each
//! vendor's documented way of asking for what changed since the latest change of the original
//! data (the mark an incremental export keeps) finds exactly those.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Duration, NaiveDateTime, Utc};
use serde_json::Value;
use sim::{
    huechat, humind, mindo, talktohumans, voice_widget, Day, Later, SimRequest, World, WorldConfig,
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

/// An instant as the query strings carry it, to the second (`+` would read as a space).
fn param(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

fn parse_instant(text: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text)
        .map(|at| at.with_timezone(&Utc))
        .or_else(|_| {
            NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f").map(|at| at.and_utc())
        })
        .ok()
}

fn instant(value: &Value) -> DateTime<Utc> {
    let text = value.as_str().expect("a timestamp is a string");
    parse_instant(text).unwrap_or_else(|| panic!("not a timestamp: {text}"))
}

/// Every instant in `value`, by where it is (`messages.events.created_at`): each string that
/// reads as a date-time, with or without a zone (Mindo's have none). A bare date (the voice
/// widget's `event_date`) is not an instant; neither is Mindo's `metadata.exported_at`, the
/// export file's one constant time, not when anything happened.
fn times(value: &Value) -> Vec<(String, DateTime<Utc>)> {
    fn walk(value: &Value, path: &str, out: &mut Vec<(String, DateTime<Utc>)>) {
        match value {
            Value::String(text) => out.extend(parse_instant(text).map(|at| (path.to_string(), at))),
            Value::Array(items) => items.iter().for_each(|item| walk(item, path, out)),
            Value::Object(fields) => {
                for (key, field) in fields {
                    if path == "metadata" && key == "exported_at" {
                        continue;
                    }
                    let path = if path.is_empty() {
                        key.clone()
                    } else {
                        format!("{path}.{key}")
                    };
                    walk(field, &path, out);
                }
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    walk(value, "", &mut out);
    out
}

/// The latest instant anywhere in a vendor's original data.
fn latest_time(world: &World, vendor: &str) -> Option<DateTime<Utc>> {
    times(&world.dataset_json(vendor, 0).unwrap())
        .into_iter()
        .map(|(_, at)| at)
        .max()
}

/// The latest value of `field` among a vendor's records: the mark an export of the whole data
/// keeps, to ask next time for what changed since.
fn mark(records: &BTreeMap<String, Value>, field: &str) -> DateTime<Utc> {
    records
        .values()
        .map(|record| instant(&record[field]))
        .max()
        .expect("some records")
}

/// The records whose `field` is exactly `at`: what an inclusive filter from the mark returns
/// again, though it did not change.
fn at_the_mark(
    records: &BTreeMap<String, Value>,
    field: &str,
    at: DateTime<Utc>,
) -> BTreeSet<String> {
    let ids: BTreeSet<String> = records
        .iter()
        .filter(|(_, record)| instant(&record[field]) == at)
        .map(|(id, _)| id.clone())
        .collect();
    assert!(!ids.is_empty(), "the mark is some record's {field}");
    ids
}

fn day(world: &World, vendor: &str) -> Day {
    world.later_day(vendor).expect("a later world has a day")
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

/// Sequence steps' times are plans (when a step is due), not things that happened: a new
/// conversation's run days past the day, as the original ones run past the anchor.
const PLANS: &[&str] = &[
    "sequence.steps.scheduled_for",
    "sequence.reply_guard_after",
    "sequence.next_step_scheduled_for",
];

/// Every instant a changed or new record of the later world holds that the original did not is
/// strictly after every instant of the vendor's original data, and (plans aside) within the
/// vendor's day; the day itself starts after the anchor and after all the original data.
/// Returns the difference, and the original data's latest instant.
fn assert_the_day_comes_after_the_original(
    original_world: &World,
    later_world: &World,
    vendor: &str,
    key: &str,
) -> (Difference, DateTime<Utc>) {
    let case = format!("{vendor}, {:?}", later_world.config());
    let anchor = original_world.config().anchor;
    let latest = latest_time(original_world, vendor).unwrap_or(anchor);
    let day = day(later_world, vendor);
    assert!(day.start > latest && day.start > anchor, "{case}: {day:?}");
    assert_eq!(original_world.later_day(vendor), None);
    let original = by_id(original_world, vendor, key);
    let later = by_id(later_world, vendor, key);
    let difference = Difference::of(&original, &later);
    for id in difference.changed_or_new() {
        let before: BTreeSet<(String, DateTime<Utc>)> = original
            .get(&id)
            .map(|record| times(record).into_iter().collect())
            .unwrap_or_default();
        let added: Vec<(String, DateTime<Utc>)> = times(&later[&id])
            .into_iter()
            .filter(|time| !before.contains(time))
            .collect();
        assert!(!added.is_empty(), "{case}: {id} moved");
        for (path, at) in added {
            assert!(at > latest, "{case}: {id} {path} {at} after {latest}");
            if !PLANS.contains(&path.as_str()) {
                assert!(day.contains(at), "{case}: {id} {path} {at} in {day:?}");
            }
        }
    }
    (difference, latest)
}

/// The worlds the per-vendor checks of the day run on: the default size, and a larger one where
/// more of the original data runs past the anchor.
fn worlds() -> Vec<(World, World)> {
    [
        original_config(),
        WorldConfig {
            conversations: 1_000,
            ..original_config()
        },
    ]
    .into_iter()
    .map(|original| {
        let later = WorldConfig {
            later: later_config().later,
            ..original.clone()
        };
        (World::generate(&original), World::generate(&later))
    })
    .collect()
}

/// Checks a vendor's day on `worlds()`; returns how many of them have original data past the
/// anchor.
fn check_the_day_comes_after_the_original(vendor: &str, key: &str) -> usize {
    worlds()
        .iter()
        .filter(|(original, later)| {
            let (_, latest) = assert_the_day_comes_after_the_original(original, later, vendor, key);
            latest > anchor()
        })
        .count()
}

#[test]
fn humind_the_day_comes_after_everything_the_original_holds() {
    check_the_day_comes_after_the_original("humind", "humind_id");
}

#[test]
fn talktohumans_the_day_comes_after_everything_the_original_holds() {
    // Sequence steps are scheduled days past the anchor: the day comes after those too.
    assert_eq!(
        check_the_day_comes_after_the_original("talktohumans", "conversation_id"),
        2
    );
}

#[test]
fn huechat_the_day_comes_after_everything_the_original_holds() {
    // A thousand conversations: a long one goes on past the anchor.
    assert!(check_the_day_comes_after_the_original("huechat", "id") >= 1);
}

#[test]
fn voice_widget_the_day_comes_after_everything_the_original_holds() {
    check_the_day_comes_after_the_original("voice-widget", "id");
}

#[test]
fn mindo_the_day_comes_after_everything_the_original_holds() {
    // Slow replies come days after the anchor.
    assert_eq!(
        check_the_day_comes_after_the_original("mindo", "message_id"),
        2
    );
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
    let day = day(&later_world, "humind");

    for id in &difference.changed {
        let (before, after) = (&original[id], &later[id]);
        let added = added_messages(before, after, "messages");
        assert!((1..=2).contains(&added.len()), "{id}: one or two messages");
        assert!(added
            .iter()
            .all(|m| day.contains(instant(&m["created_at"]))));
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
        assert!(day.contains(instant(&conversation["created_at"])));
        assert!(day.contains(instant(&conversation["updated_at"])));
        let messages = conversation["messages"].as_array().unwrap();
        assert!(messages
            .iter()
            .all(|m| day.contains(instant(&m["created_at"]))));
    }

    // Incremental sync, as the docs describe it: updated_after=<last sync>, the latest
    // updated_at the last export saw.
    let mark = mark(&original, "updated_at");
    let mut found = BTreeSet::new();
    let mut created: Vec<DateTime<Utc>> = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let mut path = format!(
            "/public/v1/conversations?updated_after={}&limit=7",
            param(mark)
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
    // updated_after is inclusive: the conversations updated exactly at the mark come again
    // (unchanged, unless they are among the changed ones); everything else it returns changed or
    // is new.
    let again = at_the_mark(&original, "updated_at", mark);
    let expected: BTreeSet<String> = difference.changed_or_new().union(&again).cloned().collect();
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
    let day = day(&later_world, "talktohumans");
    for id in &difference.changed {
        let (before, after) = (&original[id], &later[id]);
        assert!(day.contains(instant(&after["last_message_at"])));
        let state = after["current_state"].as_str().unwrap();
        assert!(state == "replied" || state == "awaiting_reply", "{state}");
        let derived = ["last_message_at", "last_message_text", "current_state"];
        assert_eq!(without(before, &derived), without(after, &derived));
    }
    for id in &difference.new {
        assert!(day.contains(instant(&later[id]["last_message_at"])));
    }

    // The documented list has no date filter: read it whole, keep what moved past the mark, the
    // latest last_message_at the last export saw.
    let mark = mark(&original, "last_message_at");
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
    let since = |keep: &dyn Fn(DateTime<Utc>) -> bool| -> BTreeSet<String> {
        listed
            .iter()
            .filter(|c| keep(instant(&c["last_message_at"])))
            .map(|c| c["conversation_id"].as_str().unwrap().to_string())
            .collect()
    };
    // Strictly after the mark: exactly what changed and what is new.
    assert_eq!(since(&|at| at > mark), difference.changed_or_new());
    // At or after it (as the app keeps them): the conversations exactly at the mark come again.
    let again = at_the_mark(&original, "last_message_at", mark);
    assert_eq!(
        since(&|at| at >= mark),
        difference.changed_or_new().union(&again).cloned().collect()
    );
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
    let day = day(&later_world, "huechat");
    for id in &difference.changed {
        let (before, after) = (&original[id], &later[id]);
        let added = added_messages(before, after, "messages");
        assert!((1..=2).contains(&added.len()), "{id}: one or two messages");
        assert!(added.iter().all(|m| day.contains(instant(&m["sent_at"]))));
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
        assert!(day.contains(instant(&conversation["created_at"])));
        assert!(day.contains(instant(&conversation["last_message_at"])));
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
    let ids = |conversations: &[Value]| -> BTreeSet<String> {
        conversations
            .iter()
            .map(|c| c["id"].as_str().unwrap().to_string())
            .collect()
    };
    // What changed and what is new lead, all of it after the mark (the latest last_message_at
    // the last export saw); then the ones exactly at the mark, which a read until older than
    // the mark reads again; then the older ones.
    let mark = mark(&original, "last_message_at");
    let moved = difference.changed_or_new().len();
    assert_eq!(ids(&listed[..moved]), difference.changed_or_new());
    assert!(times[..moved].iter().all(|at| *at > mark));
    let again: BTreeSet<String> = at_the_mark(&original, "last_message_at", mark)
        .difference(&difference.changed)
        .cloned()
        .collect();
    let until_older = moved + again.len();
    assert_eq!(ids(&listed[moved..until_older]), again);
    assert!(times[moved..until_older].iter().all(|at| *at == mark));
    assert!(times[until_older..].iter().all(|at| *at < mark));

    // Read page by page until one holds a conversation older than the mark, as an incremental
    // export does: that reads everything after the mark, and the page it stops on.
    let mut read: Vec<Value> = Vec::new();
    loop {
        let page = get(
            &later_world,
            "huechat",
            &format!(
                "/v2/conversations?sort=last_message_at:desc&limit=5&offset={}",
                read.len()
            ),
            ("X-API-Key", huechat::VALID_KEY),
        );
        let data = page["data"].as_array().unwrap();
        read.extend(data.clone());
        if data.iter().any(|c| instant(&c["last_message_at"]) < mark) {
            break;
        }
    }
    let after_the_mark: Vec<Value> = read
        .into_iter()
        .filter(|c| instant(&c["last_message_at"]) > mark)
        .collect();
    assert_eq!(ids(&after_the_mark), difference.changed_or_new());

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
    let day = data.later_day.unwrap();
    let newest_of_the_day = data.conversations.iter().map(|c| c.created_at).max();
    assert!(newest_of_the_day.is_some_and(|at| day.contains(at)));
    let visible = data.visible(35);
    assert_eq!(visible.len(), CONVERSATIONS + NEW + 3);
    assert!(visible
        .windows(2)
        .all(|w| w[0].created_at >= w[1].created_at));
    // After the day, and so after everything else: every message of the day too.
    let latest_of_the_day = data
        .conversations
        .iter()
        .map(|c| c.last_message_at)
        .max()
        .unwrap();
    assert!(latest_of_the_day <= day.horizon());
    assert!(visible[..3].iter().all(|c| c.created_at > day.horizon()));
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
    let day = day(&later_world, "voice-widget");
    for id in &difference.new {
        let call = &later[id];
        assert!(day.contains(instant(&call["started_at"])));
        assert!(day.contains(instant(&call["ended_at"])));
    }

    // since=<the latest started_at the last export saw>.
    let mark = mark(&original, "started_at");
    let mut found = BTreeSet::new();
    let mut cursor: Option<String> = None;
    loop {
        let mut path = format!("/api/v1/conversations?since={}&limit=6", param(mark));
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
    // since is inclusive: the calls that started exactly at the mark come again.
    let again = at_the_mark(&original, "started_at", mark);
    assert_eq!(found, difference.new.union(&again).cloned().collect());
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
    let day = day(&later_world, "mindo");
    assert!(difference
        .new
        .iter()
        .all(|id| day.contains(instant(&later[id]["occurred_at"]))));

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

    // from=<mark>, the latest occurred_at the last export saw (some original replies come days
    // after the anchor), to 31 days later, the longest range. occurred_at carries microseconds and
    // no zone; from and to are ISO 8601 with the zone, as in the docs' example, and keep them.
    let mark = mark(&original, "occurred_at");
    let iso = |at: DateTime<Utc>| at.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string();
    let (from, to) = (iso(mark), iso(mark + Duration::days(31)));
    assert!(
        day.horizon() < mark + Duration::days(31),
        "the range covers the day"
    );
    let ids = |rows: &[Value]| -> BTreeSet<String> {
        rows.iter()
            .map(|row| row["message_id"].as_str().unwrap().to_string())
            .collect()
    };
    // from is inclusive: the rows exactly at the mark come again, in the original world as in
    // the later one, and the later one adds exactly its new rows.
    let again = at_the_mark(&original, "occurred_at", mark);
    assert_eq!(ids(&mindo_rows(&original_world, &from, &to)), again);
    let after_rows = mindo_rows(&later_world, &from, &to);
    let after = ids(&after_rows);
    assert_eq!(after_rows.len(), after.len(), "each row once");
    assert_eq!(after, difference.new.union(&again).cloned().collect());
    for row in &after_rows {
        assert_eq!(*row, later[row["message_id"].as_str().unwrap()]);
    }
}

#[test]
fn every_size_and_seed_keeps_the_day_after_the_original() {
    // (vendor, id field, the field an incremental export takes its mark from)
    let vendors = [
        ("humind", "humind_id", "updated_at"),
        ("talktohumans", "conversation_id", "last_message_at"),
        ("huechat", "id", "last_message_at"),
        ("voice-widget", "id", "started_at"),
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
                for (vendor, key, field) in vendors {
                    let (difference, _) = assert_the_day_comes_after_the_original(
                        &original_world,
                        &later_world,
                        vendor,
                        key,
                    );
                    let original = by_id(&original_world, vendor, key);
                    let later_truth = by_id(&later_world, vendor, key);
                    // What moved past the mark is exactly what changed and what is new.
                    if !original.is_empty() {
                        let mark = mark(&original, field);
                        let moved: BTreeSet<String> = later_truth
                            .iter()
                            .filter(|(_, record)| instant(&record[field]) > mark)
                            .map(|(id, _)| id.clone())
                            .collect();
                        assert_eq!(moved, difference.changed_or_new(), "{case}: {vendor}");
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
                        // A row never changes: the day only adds rows, to conversations that
                        // went on and to new ones.
                        "mindo" => {
                            assert!(difference.changed.is_empty());
                            let conversation = |id: &String| {
                                later_truth[id]["conversation_id"]
                                    .as_str()
                                    .unwrap()
                                    .to_string()
                            };
                            let existing: BTreeSet<String> =
                                original.keys().map(conversation).collect();
                            let (went_on, started): (BTreeSet<String>, BTreeSet<String>) =
                                difference
                                    .new
                                    .iter()
                                    .map(conversation)
                                    .partition(|c| existing.contains(c));
                            assert_eq!(went_on.len(), expected_changed, "{case}");
                            assert_eq!(started.len(), new_conversations, "{case}");
                        }
                        // Every conversation can gain messages: the day is after all of them.
                        _ => {
                            assert_eq!(difference.changed.len(), expected_changed, "{case}");
                            assert_eq!(difference.new.len(), new_conversations, "{case}");
                        }
                    }
                }
            }
        }
    }
}
