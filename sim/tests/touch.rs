//! A touch changes some conversations the way each vendor's API shows a change, the same way
//! every time, and the ground truth shows it too.

use serde_json::Value;
use sim::{huechat, humind, mindo, talktohumans, voice_widget, SimRequest, World, WorldConfig};

fn world() -> World {
    World::generate(&WorldConfig {
        conversations: 60,
        ..WorldConfig::default()
    })
}

fn get(world: &World, vendor: &str, path: &str, header: (&str, String)) -> Value {
    let response = world.respond(
        vendor,
        &SimRequest::get(path).with_header(header.0, &header.1),
    );
    assert_eq!(response.status, 200, "{path}");
    response.body_json()
}

fn bearer(key: &str) -> (&'static str, String) {
    ("Authorization", format!("Bearer {key}"))
}

fn ids(list: &Value, field: &str) -> Vec<String> {
    let mut ids: Vec<String> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c[field].as_str().unwrap().to_string())
        .collect();
    ids.sort();
    ids
}

fn sorted(mut ids: Vec<String>) -> Vec<String> {
    ids.sort();
    ids
}

#[test]
fn each_vendor_shows_exactly_the_touched_conversations_as_changed() {
    let mut world = world();
    let at = |touched: &sim::touch::Touched| touched.at.format("%Y-%m-%dT%H:%M:%SZ").to_string();

    let touched = world.touch("humind", 3).unwrap();
    assert_eq!(touched.ids.len(), 3);
    let page = get(
        &world,
        "humind",
        &format!(
            "/public/v1/conversations?limit=100&include=messages&updated_after={}",
            at(&touched)
        ),
        bearer(humind::VALID_KEY),
    );
    assert_eq!(ids(&page["data"], "humind_id"), sorted(touched.ids.clone()));
    let last = &page["data"][0]["messages"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()["content"][0];
    assert_eq!(last, "Any news on my order? (follow-up 1)");

    let touched = world.touch("talktohumans", 4).unwrap();
    let page = get(
        &world,
        "talktohumans",
        "/v1/conversations?limit=4",
        bearer(talktohumans::VALID_KEY),
    );
    assert_eq!(
        ids(&page["data"]["conversations"], "conversation_id"),
        sorted(touched.ids.clone())
    );

    let touched = world.touch("huechat", 2).unwrap();
    let page = get(
        &world,
        "huechat",
        "/v2/conversations?limit=2&sort=last_message_at:desc",
        ("X-API-Key", huechat::VALID_KEY.into()),
    );
    assert_eq!(ids(&page["data"], "id"), sorted(touched.ids.clone()));
    let id = &touched.ids[0];
    let messages = get(
        &world,
        "huechat",
        &format!("/v2/conversation/{id}/messages?limit=100"),
        ("X-API-Key", huechat::VALID_KEY.into()),
    );
    let count = messages["data"].as_array().unwrap().len();
    let listed = page["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == id.as_str())
        .unwrap();
    assert_eq!(listed["message_count"].as_u64().unwrap() as usize, count);

    let touched = world.touch("voice-widget", 2).unwrap();
    let page = get(
        &world,
        "voice-widget",
        &format!("/api/v1/conversations?since={}", at(&touched)),
        bearer(voice_widget::VALID_KEY),
    );
    assert_eq!(ids(&page["data"], "id"), sorted(touched.ids.clone()));
    assert_eq!(
        world
            .dataset_json("voice-widget", 0)
            .unwrap()
            .as_array()
            .unwrap()
            .len(),
        62
    );

    let touched = world.touch("mindo", 3).unwrap();
    let response = world.respond(
        "mindo",
        &SimRequest::get(&format!(
            "/api/v1/qualitative-export/messages?company_id=42,57&from={}&to=2026-07-01T00:00:00Z",
            at(&touched)
        ))
        .with_header("X-API-Key", mindo::GLOBAL_KEY),
    );
    assert_eq!(response.status, 200);
    let rows: Vec<Value> = String::from_utf8(response.body)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let conversations = sorted(
        rows.iter()
            .map(|r| r["conversation_id"].as_str().unwrap().to_string())
            .collect(),
    );
    assert_eq!(conversations, sorted(touched.ids.clone()));
    assert!(rows
        .iter()
        .all(|r| r["direction"] == "inbound" && r["author"]["type"] == "contact"));
}

#[test]
fn touches_are_deterministic_and_each_round_is_later() {
    let (mut a, mut b) = (world(), world());
    for vendor in sim::VENDORS {
        let first = a.touch(vendor, 5).unwrap();
        assert_eq!(Some(first.clone()), b.touch(vendor, 5), "{vendor}");
        assert_eq!(
            a.dataset_json(vendor, 0),
            b.dataset_json(vendor, 0),
            "{vendor}"
        );
        let second = a.touch(vendor, 5).unwrap();
        assert!(second.at > first.at, "{vendor}");
        assert_ne!(
            second.ids, first.ids,
            "{vendor}: another round, other conversations"
        );
    }
    assert_eq!(a.touch("nope", 1), None);
}
