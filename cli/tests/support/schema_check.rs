//! A small JSON Schema checker for what the tap's schemas use: `type` (one or a list),
//! `properties`, `required`, `additionalProperties: false`, `items`, `enum`, `minimum` and the
//! `date-time` format. Enough to prove every record matches its stream's schema.

use serde_json::Value;

/// Every way `value` breaks `schema`, each with its place (`record.messages[2].id`).
pub fn problems(schema: &Value, value: &Value, place: &str) -> Vec<String> {
    let mut found = Vec::new();
    check(schema, value, place, &mut found);
    found
}

fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

fn allows(schema_type: &Value, actual: &str) -> bool {
    let fits = |name: &str| name == actual || (name == "number" && actual == "integer");
    match schema_type {
        Value::String(name) => fits(name),
        Value::Array(names) => names.iter().filter_map(Value::as_str).any(fits),
        _ => true,
    }
}

fn check(schema: &Value, value: &Value, place: &str, found: &mut Vec<String>) {
    if let Some(schema_type) = schema.get("type") {
        if !allows(schema_type, type_name(value)) {
            found.push(format!(
                "{place}: {} where the schema says {schema_type}",
                type_name(value)
            ));
            return;
        }
    }
    if let Some(choices) = schema.get("enum").and_then(Value::as_array) {
        if !choices.contains(value) {
            found.push(format!("{place}: {value} is not one of {choices:?}"));
        }
    }
    if let (Some(minimum), Some(number)) = (
        schema.get("minimum").and_then(Value::as_f64),
        value.as_f64(),
    ) {
        if number < minimum {
            found.push(format!("{place}: {number} is below {minimum}"));
        }
    }
    if schema.get("format").and_then(Value::as_str) == Some("date-time") {
        if let Some(text) = value.as_str() {
            if chrono::DateTime::parse_from_rfc3339(text).is_err() {
                found.push(format!("{place}: \"{text}\" is not an RFC 3339 date-time"));
            }
        }
    }
    match value {
        Value::Object(object) => {
            let properties = schema.get("properties").and_then(Value::as_object);
            for name in schema
                .get("required")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                let name = name.as_str().unwrap_or("");
                if !object.contains_key(name) {
                    found.push(format!("{place}: {name} is required"));
                }
            }
            for (name, field) in object {
                match properties.and_then(|p| p.get(name)) {
                    Some(field_schema) => {
                        check(field_schema, field, &format!("{place}.{name}"), found)
                    }
                    None if schema.get("additionalProperties") == Some(&Value::Bool(false)) => {
                        found.push(format!("{place}: {name} is not in the schema"))
                    }
                    None => {}
                }
            }
        }
        Value::Array(items) => {
            if let Some(item_schema) = schema.get("items") {
                for (index, item) in items.iter().enumerate() {
                    check(item_schema, item, &format!("{place}[{index}]"), found);
                }
            }
        }
        _ => {}
    }
}
