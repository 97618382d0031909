//! The TalkToHumans, HueChat, voice widget and Mindo simulators answer as documented.

use serde_json::Value;
use sim::{
    huechat, mindo, talktohumans, voice_widget, SimRequest, SimResponse, World, WorldConfig,
};

fn world() -> World {
    World::generate(&WorldConfig {
        conversations: 120,
        ..WorldConfig::default()
    })
}

fn bearer(world: &World, vendor: &str, path: &str, key: &str) -> SimResponse {
    world.respond(
        vendor,
        &SimRequest::get(path).with_header("Authorization", &format!("Bearer {key}")),
    )
}

fn api_key(world: &World, vendor: &str, path: &str, key: &str) -> SimResponse {
    world.respond(vendor, &SimRequest::get(path).with_header("X-API-Key", key))
}

#[test]
fn talktohumans_clamps_limit_and_pages_with_has_more() {
    let world = world();
    let body = bearer(
        &world,
        "talktohumans",
        "/v1/conversations?limit=500",
        talktohumans::VALID_KEY,
    )
    .body_json();
    assert_eq!(
        body["data"]["conversations"].as_array().unwrap().len(),
        25,
        "above 25 is clamped"
    );
    assert_eq!(body["data"]["pagination"]["limit"], 25);
    assert_eq!(body["data"]["pagination"]["has_more"], true);
    let default = bearer(
        &world,
        "talktohumans",
        "/v1/conversations",
        talktohumans::VALID_KEY,
    )
    .body_json();
    assert_eq!(
        default["data"]["conversations"].as_array().unwrap().len(),
        10,
        "defaults to 10"
    );
    assert_eq!(
        bearer(
            &world,
            "talktohumans",
            "/v1/conversations?limit=0",
            talktohumans::VALID_KEY
        )
        .status,
        400
    );
    assert_eq!(
        bearer(
            &world,
            "talktohumans",
            "/v1/conversations?contact_id=007",
            talktohumans::VALID_KEY
        )
        .status,
        400
    );
    assert_eq!(
        bearer(&world, "talktohumans", "/v1/conversations", "nope").status,
        401
    );
    assert_eq!(
        world
            .respond("talktohumans", &SimRequest::get("/v1/conversations"))
            .status,
        401
    );
}

#[test]
fn huechat_offsets_totals_and_messages() {
    let world = world();
    let page = api_key(
        &world,
        "huechat",
        "/v2/conversations?limit=50&offset=100",
        huechat::VALID_KEY,
    )
    .body_json();
    assert_eq!(page["pagination"]["total"], 120);
    assert_eq!(page["pagination"]["has_more"], false);
    assert_eq!(page["data"].as_array().unwrap().len(), 20);
    assert_eq!(
        api_key(
            &world,
            "huechat",
            "/v2/conversations?limit=101",
            huechat::VALID_KEY
        )
        .status,
        400
    );
    assert_eq!(
        api_key(
            &world,
            "huechat",
            "/v2/conversations?status=deleted",
            huechat::VALID_KEY
        )
        .status,
        400
    );
    assert_eq!(
        api_key(
            &world,
            "huechat",
            "/v2/conversations?sort=title",
            huechat::VALID_KEY
        )
        .status,
        400
    );
    let id = world.huechat().conversations[0].id.clone();
    let messages = api_key(
        &world,
        "huechat",
        &format!("/v2/conversation/{id}/messages?limit=2"),
        huechat::VALID_KEY,
    )
    .body_json();
    let times: Vec<&str> = messages["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["sent_at"].as_str().unwrap())
        .collect();
    assert!(times.windows(2).all(|w| w[0] <= w[1]), "oldest first");
    let single = api_key(
        &world,
        "huechat",
        &format!("/v2/conversation/{id}"),
        huechat::VALID_KEY,
    )
    .body_json();
    assert_eq!(single["data"]["id"], id.as_str());
    assert_eq!(
        api_key(
            &world,
            "huechat",
            "/v2/conversation/conv_nope/messages",
            huechat::VALID_KEY
        )
        .status,
        404
    );
    assert_eq!(
        api_key(&world, "huechat", "/v2/conversations", "sk_live_wrong").status,
        401
    );
}

#[test]
fn huechat_arrivals_appear_at_the_top_over_time() {
    let world = World::generate(&WorldConfig {
        conversations: 50,
        huechat_arrivals_every: Some(10),
        ..WorldConfig::default()
    });
    let at = |sequence: usize| {
        let request = SimRequest::get("/v2/conversations?limit=1")
            .with_header("X-API-Key", huechat::VALID_KEY)
            .with_sequence(sequence);
        world.respond("huechat", &request).body_json()
    };
    assert_eq!(at(0)["pagination"]["total"], 50);
    assert_eq!(at(35)["pagination"]["total"], 53);
    assert_ne!(
        at(0)["data"][0]["id"],
        at(35)["data"][0]["id"],
        "the newest arrival comes first"
    );
}

#[test]
fn voice_widget_list_single_and_transcripts() {
    let world = world();
    let list = bearer(
        &world,
        "voice-widget",
        "/api/v1/conversations?limit=200",
        voice_widget::VALID_KEY,
    )
    .body_json();
    assert_eq!(list["data"].as_array().unwrap().len(), 120);
    assert_eq!(list["next_cursor"], Value::Null);
    assert_eq!(
        bearer(
            &world,
            "voice-widget",
            "/api/v1/conversations?limit=201",
            voice_widget::VALID_KEY
        )
        .status,
        400
    );
    assert_eq!(
        bearer(
            &world,
            "voice-widget",
            "/api/v1/conversations?outcome=won",
            voice_widget::VALID_KEY
        )
        .status,
        400
    );
    let id = world.voice_widget().conversations[1].id.clone();
    assert_eq!(
        bearer(
            &world,
            "voice-widget",
            &format!("/api/v1/conversations/{id}"),
            voice_widget::VALID_KEY
        )
        .body_json()["id"],
        id.as_str()
    );
    for (format, start) in [("txt", "Agent: "), ("md", "# Conversation"), ("json", "[")] {
        let response = bearer(
            &world,
            "voice-widget",
            &format!("/api/v1/conversations/{id}/transcript?format={format}"),
            voice_widget::VALID_KEY,
        );
        assert!(
            String::from_utf8(response.body).unwrap().starts_with(start),
            "{format}"
        );
    }
    let newest = &world.voice_widget().conversations[0].json;
    assert!(
        newest["extracted_data"].is_null(),
        "the newest call's extraction is still pending"
    );
}

fn mindo_lines(response: &SimResponse) -> Vec<Value> {
    assert_eq!(
        response.header("content-type"),
        Some("application/x-ndjson")
    );
    String::from_utf8(response.body.clone())
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn mindo_streams_ndjson_with_sentinels_and_documented_limits() {
    let world = world();
    let path = "/api/v1/qualitative-export/messages?company_id=42,57&from=2026-05-01T00:00:00Z&to=2026-05-31T00:00:00Z";
    let all = mindo_lines(&api_key(&world, "mindo", path, mindo::GLOBAL_KEY));
    assert!(
        all.iter().all(|l| l.get("_truncated").is_none()),
        "everything fits: no sentinel"
    );
    assert!(
        all.iter()
            .all(|l| l.get("extractions").is_none() && l.get("classifications").is_some()),
        "classifications by default"
    );
    let first = mindo_lines(&api_key(
        &world,
        "mindo",
        &format!("{path}&limit=10"),
        mindo::GLOBAL_KEY,
    ));
    assert_eq!(first.len(), 11);
    let cursor = first[10]["next_cursor"].as_str().unwrap().to_string();
    assert_eq!(first[10]["_truncated"], true);
    let second = mindo_lines(&api_key(
        &world,
        "mindo",
        &format!("{path}&limit=10&cursor={cursor}"),
        mindo::GLOBAL_KEY,
    ));
    assert_eq!(
        second[0]["message_id"], all[10]["message_id"],
        "the next page starts where the last stopped"
    );
    let included = mindo_lines(&api_key(
        &world,
        "mindo",
        &format!("{path}&include=tool_calls,trace_id"),
        mindo::GLOBAL_KEY,
    ));
    assert!(included
        .iter()
        .all(|l| l.get("classifications").is_none() && l.get("trace_id").is_some()));

    for (query, status) in [
        ("from=2026-05-01T00:00:00Z&to=2026-05-31T00:00:00Z", 400),
        ("company_id=42&to=2026-05-31T00:00:00Z", 400),
        (
            "company_id=42&from=2026-05-01T00:00:00Z&to=2026-06-02T00:00:00Z",
            400,
        ),
        (
            "company_id=42&from=2026-05-02T00:00:00Z&to=2026-05-01T00:00:00Z",
            400,
        ),
        (
            "company_id=42&from=2026-05-01&to=2026-05-02&limit=10001",
            400,
        ),
        (
            "company_id=42&from=2026-05-01&to=2026-05-02&include=secrets",
            400,
        ),
        (
            "company_id=42&from=2026-05-01&to=2026-05-02&direction=sideways",
            400,
        ),
    ] {
        let response = api_key(
            &world,
            "mindo",
            &format!("/api/v1/qualitative-export/messages?{query}"),
            mindo::GLOBAL_KEY,
        );
        assert_eq!(response.status, status, "{query}");
    }
    let scoped = "/api/v1/qualitative-export/messages?company_id=57&from=2026-05-01&to=2026-05-02";
    assert_eq!(
        api_key(&world, "mindo", scoped, mindo::COMPANY_KEY).status,
        403
    );
    assert_eq!(
        api_key(
            &world,
            "mindo",
            &scoped.replace("57", "42"),
            mindo::COMPANY_KEY
        )
        .status,
        200
    );
}

#[test]
fn mindo_channel_direction_and_agent_filters() {
    let world = world();
    let base = "/api/v1/qualitative-export/messages?company_id=42,57&from=2026-05-01T00:00:00Z&to=2026-05-31T00:00:00Z";
    let whatsapp = mindo_lines(&api_key(
        &world,
        "mindo",
        &format!("{base}&channel=whatsapp"),
        mindo::GLOBAL_KEY,
    ));
    assert!(!whatsapp.is_empty());
    assert!(whatsapp.iter().all(
        |l| ["META_WHATSAPP", "WHATSAPP_EVOLUTION", "MANYCHAT_WHATSAPP"]
            .contains(&l["channel"].as_str().unwrap())
    ));
    let outgoing = mindo_lines(&api_key(
        &world,
        "mindo",
        &format!("{base}&direction=outgoing"),
        mindo::GLOBAL_KEY,
    ));
    assert!(outgoing.iter().all(|l| l["direction"] == "outbound"));
    let agent = mindo_lines(&api_key(
        &world,
        "mindo",
        &format!("{base}&agent_id=5"),
        mindo::GLOBAL_KEY,
    ));
    assert!(!agent.is_empty() && agent.iter().all(|l| l["agent"]["id"] == 5));
}
