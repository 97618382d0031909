//! The tap's config file: the vendor and its filters (or an app link), and where to reach it.
//!
//! `{"vendor": "humind", "filters": {"created_after": "2026-05-01"}}`, with `base_url` for
//! another address than the vendor's documented one (giving it here is trusting it with the
//! key), or `{"link": "<an app link>"}` with `trust_host` when the link names another address.
//! A filter may also sit at the top level (`"created_after": ...`), as Meltano settings do.
//! The key is never in the config: it comes from `CONVERSATION_EXPORT_KEY`.

use std::collections::BTreeMap;
use std::path::Path;

use conversation_export::vendors::VendorId;
use serde_json::Value;

use crate::exit::Failure;
use crate::source::Given;

/// Keys of the config that are not filters.
const OWN_KEYS: &[&str] = &[
    "vendor",
    "base_url",
    "link",
    "trust_host",
    "filters",
    "concurrency",
];

pub fn read(path: &Path) -> Result<Given, Failure> {
    let text = std::fs::read_to_string(path).map_err(|error| {
        Failure::bad_input(format!(
            "Could not read the config file {}: {error}.",
            path.display()
        ))
    })?;
    let config: Value = serde_json::from_str(&text).map_err(|error| {
        Failure::bad_input(format!(
            "The config file {} is not JSON: {error}.",
            path.display()
        ))
    })?;
    given(&config)
}

fn text(config: &Value, name: &str) -> Result<Option<String>, Failure> {
    match &config[name] {
        Value::Null => Ok(None),
        Value::String(text) if text.trim().is_empty() => Ok(None),
        Value::String(text) => Ok(Some(text.trim().to_string())),
        other => Err(Failure::bad_input(format!(
            "The config's \"{name}\" must be text, not {other}."
        ))),
    }
}

/// A filter's value as the vendor takes it: text; numbers and true/false as written.
fn filter_value(name: &str, value: &Value) -> Result<Option<String>, Failure> {
    match value {
        Value::Null => Ok(None),
        Value::String(text) => Ok(Some(text.clone())),
        Value::Number(number) => Ok(Some(number.to_string())),
        Value::Bool(flag) => Ok(Some(if *flag { "1" } else { "" }.to_string())),
        other => Err(Failure::bad_input(format!(
            "filters.{name} must be text, not {other}."
        ))),
    }
}

pub fn given(config: &Value) -> Result<Given, Failure> {
    if !config.is_object() {
        return Err(Failure::bad_input(
            "The config must be a JSON object, like {\"vendor\": \"humind\"}.",
        ));
    }
    let link = text(config, "link")?;
    let vendor = match text(config, "vendor")? {
        Some(slug) => Some(VendorId::from_slug(&slug).ok_or_else(|| {
            let slugs: Vec<&str> = VendorId::ALL.iter().map(|v| v.slug()).collect();
            Failure::bad_input(format!(
                "The config's vendor \"{slug}\" is not one this tap knows: use {}.",
                slugs.join(", ")
            ))
        })?),
        None if link.is_none() => {
            return Err(Failure::bad_input(
                "The config names no vendor: add \"vendor\" (humind, talktohumans, huechat, voice-widget or mindo), or a \"link\" to a view of the app.",
            ))
        }
        None => None,
    };
    let mut filters = BTreeMap::new();
    let nested = match &config["filters"] {
        Value::Null => serde_json::Map::new(),
        Value::Object(filters) => filters.clone(),
        other => {
            return Err(Failure::bad_input(format!(
                "The config's \"filters\" must be an object, not {other}."
            )))
        }
    };
    let top = config
        .as_object()
        .into_iter()
        .flatten()
        .filter(|(name, _)| !OWN_KEYS.contains(&name.as_str()));
    for (name, value) in nested.iter().chain(top) {
        if let Some(value) = filter_value(name, value)? {
            filters.insert(name.clone(), value);
        }
    }
    if link.is_some() && !filters.is_empty() {
        return Err(Failure::bad_input(
            "The config has a link and filters: a link runs the view as bookmarked. Change the view in the app, or give the vendor and filters without a link.",
        ));
    }
    let concurrency = match &config["concurrency"] {
        Value::Null => None,
        value => Some(
            value
                .as_u64()
                .filter(|n| (1..=16).contains(n))
                .ok_or_else(|| {
                    Failure::bad_input(
                        "The config's \"concurrency\" must be a whole number from 1 to 16.",
                    )
                })? as usize,
        ),
    };
    Ok(Given {
        vendor,
        base_url: text(config, "base_url")?,
        link,
        trust_host: text(config, "trust_host")?,
        filters,
        concurrency,
        in_config: true,
        ..Given::default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn filters_nested_or_at_the_top_level() {
        let given =
            given(&json!({"vendor": "mindo", "filters": {"company_id": 42}, "from": "2026-05-01"}))
                .unwrap();
        assert_eq!(given.filters["company_id"], "42");
        assert_eq!(given.filters["from"], "2026-05-01");
        assert!(given.in_config);
    }

    #[test]
    fn bad_configs_say_what_is_wrong() {
        let problem = |config: Value| given(&config).unwrap_err().to_string();
        assert!(
            problem(json!({"vendor": "zendesk"})).contains("\"zendesk\" is not one this tap knows")
        );
        assert!(problem(json!({})).contains("names no vendor"));
        assert!(problem(json!({"vendor": "humind", "filters": []})).contains("must be an object"));
        assert!(
            problem(json!({"link": "?vendor=humind", "created_after": "2026-05-01"}))
                .contains("a link runs the view")
        );
    }
}
