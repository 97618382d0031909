//! Tolerant reading of a vendor's JSON object into the unified model.
//!
//! Each getter removes the field it reads, so what remains at the end is exactly the set of
//! fields the model has no place for: those become `extras`, never dropped. A field of the wrong
//! type is not an error for the whole record: it becomes a `Warning` and its value is kept in
//! `extras` under its own name, so nothing the vendor sent is lost.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use serde_json::{Map, Value};

use crate::model::{Extras, Timestamp, Warning};

pub struct Fields<'w> {
    object: Map<String, Value>,
    record: String,
    /// Path prefix for warnings about nested objects, e.g. `messages[2].`.
    path: String,
    warnings: &'w mut Vec<Warning>,
    /// Values that could not be read where expected, and nested leftovers: kept as extras.
    unreadable: Vec<(String, Value)>,
}

impl<'w> Fields<'w> {
    pub fn new(object: Map<String, Value>, record: &str, warnings: &'w mut Vec<Warning>) -> Self {
        Fields {
            object,
            record: record.to_string(),
            path: String::new(),
            warnings,
            unreadable: Vec::new(),
        }
    }

    /// Reads a nested object, with warnings that name where it sits. Whatever `read` leaves
    /// (fields it did not take, and did not keep with `take_extras`) joins this record's extras
    /// as `path.field`, so a nested model without extras of its own still loses nothing.
    pub fn nested<T>(
        &mut self,
        object: Map<String, Value>,
        path: &str,
        read: impl FnOnce(&mut Fields<'_>) -> T,
    ) -> T {
        let mut inner = Fields {
            object,
            record: self.record.clone(),
            path: format!("{}{}.", self.path, path),
            warnings: self.warnings,
            unreadable: Vec::new(),
        };
        let value = read(&mut inner);
        let leftovers: Vec<(String, Value)> =
            inner.object.into_iter().chain(inner.unreadable).collect();
        for (key, leftover) in leftovers {
            self.unreadable.push((format!("{path}.{key}"), leftover));
        }
        value
    }

    /// Keeps a value that could not be read where it was expected, with a warning.
    pub fn keep(&mut self, key: &str, value: Value, expected: &str) {
        self.warn(key, value, expected);
    }

    /// Removes a field that repeats something already known; a different value is kept in
    /// extras, with a warning.
    pub fn expect(&mut self, key: &str, expected: &str) {
        if let Some(value) = self.take(key) {
            if value.as_str() != Some(expected) {
                self.warn(key, value, &format!("\"{expected}\""));
            }
        }
    }

    pub fn set_record(&mut self, record: &str) {
        self.record = record.to_string();
    }

    fn warn(&mut self, key: &str, value: Value, expected: &str) {
        self.warnings.push(Warning {
            record: self.record.clone(),
            field: format!("{}{}", self.path, key),
            problem: format!("expected {expected}, got {}", describe(&value)),
        });
        self.unreadable.push((key.to_string(), value));
    }

    /// Removes a field; `null` reads as absent.
    pub fn take(&mut self, key: &str) -> Option<Value> {
        match self.object.remove(key) {
            None | Some(Value::Null) => None,
            Some(value) => Some(value),
        }
    }

    /// A string; numbers and booleans are accepted and written as text.
    pub fn string(&mut self, key: &str) -> Option<String> {
        match self.take(key)? {
            Value::String(text) => Some(text),
            Value::Number(number) => Some(number.to_string()),
            Value::Bool(flag) => Some(flag.to_string()),
            other => {
                self.warn(key, other, "text");
                None
            }
        }
    }

    /// A list of strings; a single string reads as a list of one.
    pub fn strings(&mut self, key: &str) -> Vec<String> {
        match self.take(key) {
            None => Vec::new(),
            Some(Value::String(text)) => vec![text],
            Some(Value::Array(items)) if items.iter().all(|item| item.is_string()) => items
                .into_iter()
                .filter_map(|item| item.as_str().map(str::to_owned))
                .collect(),
            Some(other) => {
                self.warn(key, other, "a list of text");
                Vec::new()
            }
        }
    }

    pub fn time(&mut self, key: &str) -> Option<Timestamp> {
        match self.take(key)? {
            Value::String(text) => match parse_timestamp(&text) {
                Some(at) => Some(at),
                None => {
                    self.warn(key, Value::String(text), "an ISO 8601 date-time");
                    None
                }
            },
            other => {
                self.warn(key, other, "an ISO 8601 date-time");
                None
            }
        }
    }

    pub fn boolean(&mut self, key: &str) -> Option<bool> {
        match self.take(key)? {
            Value::Bool(flag) => Some(flag),
            other => {
                self.warn(key, other, "true or false");
                None
            }
        }
    }

    pub fn number(&mut self, key: &str) -> Option<f64> {
        match self.take(key)? {
            Value::Number(number) => number.as_f64(),
            Value::String(text) if text.trim().parse::<f64>().is_ok() => text.trim().parse().ok(),
            other => {
                self.warn(key, other, "a number");
                None
            }
        }
    }

    pub fn count(&mut self, key: &str) -> Option<u64> {
        match self.take(key)? {
            Value::Number(number) if number.as_u64().is_some() => number.as_u64(),
            other => {
                self.warn(key, other, "a whole number");
                None
            }
        }
    }

    pub fn object(&mut self, key: &str) -> Option<Map<String, Value>> {
        match self.take(key)? {
            Value::Object(object) => Some(object),
            other => {
                self.warn(key, other, "an object");
                None
            }
        }
    }

    /// Each object of the array `key`, read by `read` (given the item's index) as a nested
    /// record named `key[index]`; items that are not objects are kept as warnings.
    pub fn each<T>(
        &mut self,
        key: &str,
        mut read: impl FnMut(&mut Fields<'_>, usize) -> T,
    ) -> Vec<T> {
        let objects = self.objects(key);
        objects
            .into_iter()
            .enumerate()
            .map(|(index, object)| {
                self.nested(object, &format!("{key}[{index}]"), |f| read(f, index))
            })
            .collect()
    }

    /// An array of objects; items that are not objects are kept as warnings.
    pub fn objects(&mut self, key: &str) -> Vec<Map<String, Value>> {
        match self.take(key) {
            None => Vec::new(),
            Some(Value::Array(items)) => {
                let mut objects = Vec::with_capacity(items.len());
                let mut strays = Vec::new();
                for item in items {
                    match item {
                        Value::Object(object) => objects.push(object),
                        other => strays.push(other),
                    }
                }
                if !strays.is_empty() {
                    self.warn(key, Value::Array(strays), "a list of objects");
                }
                objects
            }
            Some(other) => {
                self.warn(key, other, "a list of objects");
                Vec::new()
            }
        }
    }

    /// The fields nothing read, plus the ones that could not be read: the record's extras.
    pub fn into_extras(self) -> Extras {
        self.object.into_iter().chain(self.unreadable).collect()
    }

    /// Like `into_extras`, for a reader borrowed by `nested`.
    pub fn take_extras(&mut self) -> Extras {
        let unreadable = std::mem::take(&mut self.unreadable);
        std::mem::take(&mut self.object)
            .into_iter()
            .chain(unreadable)
            .collect()
    }
}

fn describe(value: &Value) -> String {
    let text = value.to_string();
    let kind = match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "text",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    };
    if text.chars().count() > 40 {
        kind.to_string()
    } else {
        format!("{kind} {text}")
    }
}

/// Reads RFC 3339, a date-time without a zone (taken as UTC, as Mindo's `occurred_at` needs),
/// or a bare date (midnight UTC).
pub fn parse_timestamp(text: &str) -> Option<Timestamp> {
    if let Ok(at) = DateTime::parse_from_rfc3339(text) {
        return Some(at.with_timezone(&Utc));
    }
    if let Ok(at) = NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f") {
        return Some(at.and_utc());
    }
    if text.len() == 10 {
        if let Ok(date) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
            return date.and_hms_opt(0, 0, 0).map(|at| at.and_utc());
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn fields(value: Value, warnings: &mut Vec<Warning>) -> Fields<'_> {
        Fields::new(value.as_object().unwrap().clone(), "r1", warnings)
    }

    #[test]
    fn reads_known_fields_and_keeps_the_rest() {
        let mut warnings = Vec::new();
        let mut reader = fields(
            json!({"title": "Bonjour", "tags": ["a"], "n": 3, "unknown": {"x": 1}, "gone": null}),
            &mut warnings,
        );
        assert_eq!(reader.string("title").as_deref(), Some("Bonjour"));
        assert_eq!(reader.strings("tags"), vec!["a"]);
        assert_eq!(reader.count("n"), Some(3));
        assert_eq!(reader.string("gone"), None);
        assert_eq!(reader.string("absent"), None);
        let extras = reader.into_extras();
        assert_eq!(extras.len(), 1);
        assert_eq!(extras.value("unknown"), json!({"x": 1}));
        assert!(warnings.is_empty());
    }

    #[test]
    fn wrong_types_warn_and_keep_the_value() {
        let mut warnings = Vec::new();
        let mut reader = fields(json!({"created_at": "yesterday", "tags": 5}), &mut warnings);
        assert_eq!(reader.time("created_at"), None);
        assert!(reader.strings("tags").is_empty());
        let extras = reader.into_extras();
        assert_eq!(extras.value("created_at"), json!("yesterday"));
        assert_eq!(extras.value("tags"), json!(5));
        assert_eq!(warnings.len(), 2);
        assert_eq!(warnings[0].field, "created_at");
        assert!(
            warnings[0].problem.contains("yesterday"),
            "{:?}",
            warnings[0]
        );
    }

    #[test]
    fn nested_leftovers_join_the_parent_extras() {
        let mut warnings = Vec::new();
        let mut reader = fields(
            json!({"sender": {"id": "u1", "name": "Sam", "avatar": "a.png"}, "c": "x"}),
            &mut warnings,
        );
        let sender = reader.object("sender").unwrap();
        let id = reader.nested(sender, "sender", |f| f.string("id"));
        assert_eq!(id.as_deref(), Some("u1"));
        reader.expect("c", "y");
        let extras = reader.into_extras();
        assert_eq!(extras.value("sender.name"), json!("Sam"));
        assert_eq!(extras.value("sender.avatar"), json!("a.png"));
        assert_eq!(
            extras.value("c"),
            json!("x"),
            "a value that differs from what is known is kept"
        );
        assert_eq!(warnings.len(), 1);
    }

    #[test]
    fn timestamps_in_every_documented_shape() {
        let expected = "2026-04-05T12:30:45Z";
        assert_eq!(
            parse_timestamp("2026-04-05T12:30:45Z")
                .unwrap()
                .to_rfc3339(),
            "2026-04-05T12:30:45+00:00"
        );
        assert_eq!(
            parse_timestamp("2026-04-05T14:30:45+02:00").unwrap(),
            parse_timestamp(expected).unwrap()
        );
        let naive = parse_timestamp("2026-04-05T12:30:45.123456").unwrap();
        assert_eq!(naive.timestamp_subsec_micros(), 123_456);
        assert_eq!(
            parse_timestamp("2026-04-05").unwrap().to_rfc3339(),
            "2026-04-05T00:00:00+00:00"
        );
        assert_eq!(parse_timestamp("05/04/2026"), None);
        assert_eq!(parse_timestamp("2026-13-01"), None);
    }
}
