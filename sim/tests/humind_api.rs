//! The Humind simulator answers as the documentation says, including every documented error.

use serde_json::Value;
use sim::humind::{REVOKED_KEY, UNSCOPED_KEY, VALID_KEY};
use sim::{SimRequest, SimResponse, World, WorldConfig};

fn world() -> World {
    World::generate(&WorldConfig {
        conversations: 120,
        ..WorldConfig::default()
    })
}

fn get(world: &World, path_and_query: &str, key: Option<&str>) -> SimResponse {
    let mut request = SimRequest::get(path_and_query);
    if let Some(key) = key {
        request = request.with_header("Authorization", &format!("Bearer {key}"));
    }
    world.respond("humind", &request)
}

fn error_code(response: &SimResponse) -> String {
    response.body_json()["error"]["code"]
        .as_str()
        .unwrap()
        .to_string()
}

#[test]
fn authentication_errors() {
    let world = world();
    let list = "/public/v1/conversations";
    let missing = get(&world, list, None);
    assert_eq!(
        (missing.status, error_code(&missing).as_str()),
        (401, "missing_credentials")
    );
    let malformed = world.respond(
        "humind",
        &SimRequest::get(list).with_header("Authorization", "Basic abc"),
    );
    assert_eq!(
        (malformed.status, error_code(&malformed).as_str()),
        (401, "missing_credentials")
    );
    let wrong = get(&world, list, Some("hmd_live_nope"));
    assert_eq!(
        (wrong.status, error_code(&wrong).as_str()),
        (401, "invalid_key")
    );
    let revoked = get(&world, list, Some(REVOKED_KEY));
    assert_eq!(
        (revoked.status, error_code(&revoked).as_str()),
        (401, "revoked")
    );
    let unscoped = get(&world, list, Some(UNSCOPED_KEY));
    assert_eq!(
        (unscoped.status, error_code(&unscoped).as_str()),
        (403, "insufficient_scope")
    );
}

#[test]
fn validation_errors_name_the_parameter() {
    let world = world();
    for (query, field) in [
        ("created_after=yesterday", "created_after"),
        ("created_before=2026-13-01", "created_before"),
        ("updated_after=05/01/2026", "updated_after"),
        ("handoff_status=closed", "handoff_status"),
        ("include=messages,secrets", "include"),
        ("limit=0", "limit"),
        ("limit=101", "limit"),
        ("limit=ten", "limit"),
        ("cursor=made-up", "cursor"),
    ] {
        let response = get(
            &world,
            &format!("/public/v1/conversations?{query}"),
            Some(VALID_KEY),
        );
        assert_eq!(response.status, 400, "{query}");
        let body = response.body_json();
        assert_eq!(body["error"]["code"], "validation_failed", "{query}");
        assert_eq!(body["error"]["details"]["field"], field, "{query}");
    }
}

#[test]
fn lean_list_by_default_and_opt_ins_on_request() {
    let world = world();
    let lean = get(
        &world,
        "/public/v1/conversations?limit=100",
        Some(VALID_KEY),
    )
    .body_json();
    let first = &lean["data"][0];
    assert!(first.get("messages").is_none() && first.get("message_count").is_none());
    assert!(first.get("contact").is_none());
    assert!(first["tags"].is_array(), "tags are always present");
    let full = get(
        &world,
        "/public/v1/conversations?include=messages,contact&limit=100",
        Some(VALID_KEY),
    )
    .body_json();
    let items = full["data"].as_array().unwrap();
    assert!(items.iter().all(|c| c["messages"].is_array()
        && c.get("contact_id").is_none()
        && c.get("contact").is_some()));
    assert!(
        items.iter().any(|c| c["contact"].is_null()),
        "no identified contact: null"
    );
    assert!(
        items
            .iter()
            .any(|c| c["messages"].as_array().unwrap().is_empty()),
        "empty conversations exist"
    );
}

#[test]
fn cursor_pagination_covers_everything_once_newest_first() {
    let world = world();
    let mut ids = Vec::new();
    let mut cursor: Option<String> = None;
    let mut pages = 0;
    loop {
        let query = match &cursor {
            Some(cursor) => format!("/public/v1/conversations?limit=50&cursor={cursor}"),
            None => "/public/v1/conversations?limit=50".into(),
        };
        let body = get(&world, &query, Some(VALID_KEY)).body_json();
        pages += 1;
        for item in body["data"].as_array().unwrap() {
            ids.push((
                item["humind_id"].as_str().unwrap().to_string(),
                item["created_at"].as_str().unwrap().to_string(),
            ));
        }
        match &body["next_cursor"] {
            Value::String(next) => cursor = Some(next.clone()),
            Value::Null => break,
            other => panic!("unexpected cursor {other}"),
        }
    }
    assert_eq!(pages, 3);
    assert_eq!(ids.len(), 120);
    assert!(ids.windows(2).all(|w| w[0].1 >= w[1].1), "newest first");
    let unique: std::collections::HashSet<_> = ids.iter().map(|(id, _)| id).collect();
    assert_eq!(unique.len(), 120);
}

#[test]
fn retrieve_validates_the_id_and_reports_not_found() {
    let world = world();
    let id = world.humind().conversations[5].id.clone();
    let found = get(
        &world,
        &format!("/public/v1/conversations/{id}"),
        Some(VALID_KEY),
    );
    assert_eq!(found.status, 200);
    let body = found.body_json();
    assert_eq!(body["humind_id"], id.as_str());
    assert!(
        body["messages"].is_array(),
        "the transcript is always included"
    );
    assert!(body.get("contact").is_none());
    let with_contact = get(
        &world,
        &format!("/public/v1/conversations/{id}?include=contact"),
        Some(VALID_KEY),
    )
    .body_json();
    assert!(with_contact.get("contact").is_some());
    let malformed = get(
        &world,
        "/public/v1/conversations/not-an-id",
        Some(VALID_KEY),
    );
    assert_eq!(
        (malformed.status, error_code(&malformed).as_str()),
        (400, "validation_failed")
    );
    let missing = get(
        &world,
        "/public/v1/conversations/000000000000000000000000",
        Some(VALID_KEY),
    );
    assert_eq!(
        (missing.status, error_code(&missing).as_str()),
        (404, "not_found")
    );
}

#[test]
fn the_same_seed_gives_the_same_data() {
    assert_eq!(
        world().dataset_json("humind", 0),
        world().dataset_json("humind", 0)
    );
    let other = World::generate(&WorldConfig {
        conversations: 120,
        seed: 43,
        ..WorldConfig::default()
    });
    assert_ne!(
        world().dataset_json("humind", 0),
        other.dataset_json("humind", 0)
    );
}
