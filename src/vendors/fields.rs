//! Tolerant reading of a vendor's JSON object into the unified model.
//!
//! Each getter removes the field it reads, so what remains at the end is exactly the set of
//! fields the model has no place for: those become `extras`, never dropped. A field of the wrong
//! type is not an error for the whole record: it becomes a `Warning` and its value is kept in
//! `extras` under its own name, so nothing the vendor sent is lost.

use std::fmt;

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use serde_json::value::RawValue;
use serde_json::Value;

use super::raw_object::{kept, RawObject, Text};
use crate::model::{Extras, Timestamp, Warning};

/// What warnings name the record by: its place in the response until its id is known.
enum Record<'a> {
    Place(&'a dyn fmt::Display),
    Id(String),
}

impl fmt::Display for Record<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Record::Place(place) => place.fmt(f),
            Record::Id(id) => f.write_str(id),
        }
    }
}

/// Where a nested object sits in its record, for warnings; written out only if one is needed.
#[derive(Clone, Copy)]
enum Path<'a> {
    Top,
    Inside(&'a Path<'a>, Segment<'a>),
}

/// One step into a record: a field (`author`), or an item of a list (`classifications[0]`).
#[derive(Clone, Copy)]
enum Segment<'a> {
    Field(&'a str),
    Item(&'a str, usize),
}

impl fmt::Display for Path<'_> {
    /// `messages[2].sender.`: each step followed by a dot, nothing at the top.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Path::Top => Ok(()),
            Path::Inside(outer, segment) => write!(f, "{outer}{segment}."),
        }
    }
}

impl fmt::Display for Segment<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Segment::Field(name) => f.write_str(name),
            Segment::Item(list, index) => write!(f, "{list}[{index}]"),
        }
    }
}

/// A record's fields, borrowed from its text (`'r`); `'a` is what warnings go to and name.
pub struct Fields<'r, 'a> {
    object: RawObject<'r>,
    record: Record<'a>,
    /// Where this object sits, for warnings about nested objects.
    path: Path<'a>,
    warnings: &'a mut Vec<Warning>,
    /// Values that could not be read where expected, and nested leftovers: kept as extras.
    unreadable: Vec<(String, Box<RawValue>)>,
}

impl<'r, 'a> Fields<'r, 'a> {
    /// `place` names the record in warnings (it is only written out if one is needed) until
    /// `set_record` gives its id.
    pub fn new(
        object: RawObject<'r>,
        place: &'a dyn fmt::Display,
        warnings: &'a mut Vec<Warning>,
    ) -> Self {
        Fields {
            object,
            record: Record::Place(place),
            path: Path::Top,
            warnings,
            unreadable: Vec::new(),
        }
    }

    /// Reads a nested object, with warnings that name where it sits. Whatever `read` leaves
    /// (fields it did not take, and did not keep with `take_extras`) joins this record's extras
    /// as `path.field`, so a nested model without extras of its own still loses nothing.
    pub fn nested<T>(
        &mut self,
        object: RawObject<'r>,
        path: &str,
        read: impl FnOnce(&mut Fields<'r, '_>) -> T,
    ) -> T {
        self.nested_at(object, Segment::Field(path), read)
    }

    fn nested_at<T>(
        &mut self,
        object: RawObject<'r>,
        segment: Segment<'_>,
        read: impl FnOnce(&mut Fields<'r, '_>) -> T,
    ) -> T {
        let mut inner = Fields {
            object,
            record: Record::Place(&self.record),
            path: Path::Inside(&self.path, segment),
            warnings: self.warnings,
            unreadable: Vec::new(),
        };
        let value = read(&mut inner);
        let Fields {
            object, unreadable, ..
        } = inner;
        for (key, leftover) in object {
            self.unreadable
                .push((format!("{segment}.{key}"), kept(leftover)));
        }
        for (key, leftover) in unreadable {
            self.unreadable.push((format!("{segment}.{key}"), leftover));
        }
        value
    }

    /// Keeps a value that could not be read where it was expected, with a warning.
    pub fn keep(&mut self, key: &str, value: &RawValue, expected: &str) {
        self.warn(key, value, expected);
    }

    /// Removes a field that repeats something already known; a different value is kept in
    /// extras, with a warning.
    pub fn expect(&mut self, key: &str, expected: &str) {
        if let Some(value) = self.raw(key) {
            if Text::of(value).as_deref() != Some(expected) {
                self.warn(key, value, &format!("\"{expected}\""));
            }
        }
    }

    pub fn set_record(&mut self, record: &str) {
        self.record = Record::Id(record.to_string());
    }

    fn warn(&mut self, key: &str, value: &RawValue, expected: &str) {
        self.warnings.push(Warning {
            record: self.record.to_string(),
            field: format!("{}{}", self.path, key),
            problem: format!("expected {expected}, got {}", describe(value)),
        });
        self.unreadable.push((key.to_string(), kept(value)));
    }

    /// Removes a field and returns its text; `null` reads as absent.
    pub fn raw(&mut self, key: &str) -> Option<&'r RawValue> {
        self.object
            .remove(key)
            .filter(|value| value.get() != "null")
    }

    /// Removes a field; `null` reads as absent. Valid JSON a `Value` cannot hold (a number past
    /// a double's range, nesting deeper than the parser's limit) is kept as an unreadable extra.
    pub fn take(&mut self, key: &str) -> Option<Value> {
        let value = self.raw(key)?;
        match serde_json::from_str(value.get()) {
            Ok(parsed) => Some(parsed),
            Err(_) => {
                self.warn(
                    key,
                    value,
                    "numbers a double holds, nested under 128 levels",
                );
                None
            }
        }
    }

    /// A string; numbers and booleans are accepted and written as text.
    pub fn string(&mut self, key: &str) -> Option<String> {
        let value = self.raw(key)?;
        match value.get().as_bytes()[0] {
            b'"' => Text::of(value).map(String::from),
            b't' | b'f' => Some(value.get().to_string()),
            b'{' | b'[' => {
                self.warn(key, value, "text");
                None
            }
            // A number, written as serde_json writes it (`1E2` as `100.0`).
            _ => serde_json::from_str::<serde_json::Number>(value.get())
                .ok()
                .map(|number| number.to_string()),
        }
    }

    /// A list of strings; a single string reads as a list of one.
    pub fn strings(&mut self, key: &str) -> Vec<String> {
        let Some(value) = self.raw(key) else {
            return Vec::new();
        };
        match serde_json::from_str::<Value>(value.get()) {
            Ok(Value::String(text)) => vec![text],
            Ok(Value::Array(items)) if items.iter().all(|item| item.is_string()) => items
                .into_iter()
                .filter_map(|item| item.as_str().map(str::to_owned))
                .collect(),
            _ => {
                self.warn(key, value, "a list of text");
                Vec::new()
            }
        }
    }

    pub fn time(&mut self, key: &str) -> Option<Timestamp> {
        let value = self.raw(key)?;
        match Text::of(value).and_then(|text| parse_timestamp(&text)) {
            Some(at) => Some(at),
            None => {
                self.warn(key, value, "an ISO 8601 date-time");
                None
            }
        }
    }

    pub fn boolean(&mut self, key: &str) -> Option<bool> {
        let value = self.raw(key)?;
        match value.get() {
            "true" => Some(true),
            "false" => Some(false),
            _ => {
                self.warn(key, value, "true or false");
                None
            }
        }
    }

    pub fn number(&mut self, key: &str) -> Option<f64> {
        let value = self.raw(key)?;
        if let Ok(number) = serde_json::from_str::<serde_json::Number>(value.get()) {
            return number.as_f64();
        }
        match Text::of(value).and_then(|text| text.trim().parse::<f64>().ok()) {
            Some(number) => Some(number),
            None => {
                self.warn(key, value, "a number");
                None
            }
        }
    }

    pub fn count(&mut self, key: &str) -> Option<u64> {
        let value = self.raw(key)?;
        match serde_json::from_str::<u64>(value.get()) {
            Ok(count) => Some(count),
            Err(_) => {
                self.warn(key, value, "a whole number");
                None
            }
        }
    }

    pub fn object(&mut self, key: &str) -> Option<RawObject<'r>> {
        let value = self.raw(key)?;
        let object = RawObject::of(value);
        if object.is_none() {
            self.warn(key, value, "an object");
        }
        object
    }

    /// Each object of the array `key`, read by `read` (given the item's index) as a nested
    /// record named `key[index]`; items that are not objects are kept as warnings.
    pub fn each<T>(
        &mut self,
        key: &str,
        mut read: impl FnMut(&mut Fields<'r, '_>, usize) -> T,
    ) -> Vec<T> {
        let objects = self.objects(key);
        objects
            .into_iter()
            .enumerate()
            .map(|(index, object)| {
                self.nested_at(object, Segment::Item(key, index), |f| read(f, index))
            })
            .collect()
    }

    /// An array of objects; items that are not objects are kept as warnings.
    pub fn objects(&mut self, key: &str) -> Vec<RawObject<'r>> {
        let Some(value) = self.raw(key) else {
            return Vec::new();
        };
        let items: Vec<&'r RawValue> = match serde_json::from_str(value.get()) {
            Ok(items) if value.get().starts_with('[') => items,
            _ => {
                self.warn(key, value, "a list of objects");
                return Vec::new();
            }
        };
        let mut objects = Vec::with_capacity(items.len());
        let mut strays = Vec::new();
        for item in items {
            match RawObject::of(item) {
                Some(object) => objects.push(object),
                None => strays.push(item.get()),
            }
        }
        if !strays.is_empty() {
            let strays = RawValue::from_string(format!("[{}]", strays.join(",")))
                .expect("a list of JSON values is JSON");
            self.warn(key, &strays, "a list of objects");
        }
        objects
    }

    /// The fields nothing read, plus the ones that could not be read: the record's extras.
    pub fn into_extras(mut self) -> Extras {
        self.take_extras()
    }

    /// Like `into_extras`, for a reader borrowed by `nested`.
    pub fn take_extras(&mut self) -> Extras {
        let mut extras = Extras::new();
        for (key, value) in std::mem::take(&mut self.object) {
            extras.insert_raw(key.into_owned(), kept(value));
        }
        for (key, value) in std::mem::take(&mut self.unreadable) {
            extras.insert_raw(key, value);
        }
        extras
    }
}

/// Names a value's kind from its first byte rather than by parsing it: valid JSON can still be
/// beyond what `Value` holds (`1e400`, deep nesting), and a warning must never fail.
fn describe(value: &RawValue) -> String {
    let text = kept(value);
    let text = text.get();
    let kind = match text.as_bytes()[0] {
        b'n' => "null",
        b't' | b'f' => "a boolean",
        b'"' => "text",
        b'[' => "a list",
        b'{' => "an object",
        _ => "a number",
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
    // `%Y-%m-%dT%H:%M:%S%.f`, without reading a format string for every row.
    if let Ok(at) = text.parse::<NaiveDateTime>() {
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

    fn raw(value: Value) -> Box<RawValue> {
        serde_json::value::to_raw_value(&value).unwrap()
    }

    fn fields<'r, 'a>(row: &'r RawValue, warnings: &'a mut Vec<Warning>) -> Fields<'r, 'a> {
        Fields::new(RawObject::of(row).unwrap(), &"r1", warnings)
    }

    #[test]
    fn reads_known_fields_and_keeps_the_rest() {
        let mut warnings = Vec::new();
        let row = raw(
            json!({"title": "Bonjour", "tags": ["a"], "n": 3, "unknown": {"x": 1}, "gone": null}),
        );
        let mut reader = fields(&row, &mut warnings);
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
        let row = raw(json!({"created_at": "yesterday", "tags": 5}));
        let mut reader = fields(&row, &mut warnings);
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
        let row = raw(json!({"sender": {"id": "u1", "name": "Sam", "avatar": "a.png"}, "c": "x"}));
        let mut reader = fields(&row, &mut warnings);
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
    fn valid_json_a_value_cannot_hold_warns_instead_of_failing() {
        let deep = format!("{}1{}", "[".repeat(200), "]".repeat(200));
        let text = format!(r#"{{"args": 1e400, "result": {deep}, "n": 1e400, "when": {deep}}}"#);
        let row = RawValue::from_string(text).unwrap();
        let mut warnings = Vec::new();
        let mut reader = fields(&row, &mut warnings);
        assert_eq!(reader.take("args"), None);
        assert_eq!(reader.take("result"), None);
        assert_eq!(reader.count("n"), None);
        assert_eq!(reader.time("when"), None);
        let extras = reader.into_extras();
        assert_eq!(extras.get("args").unwrap().get(), "1e400");
        assert_eq!(extras.get("result").unwrap().get(), deep);
        assert_eq!(warnings.len(), 4, "{warnings:?}");
        assert!(
            warnings[0].problem.ends_with("got a number 1e400"),
            "{warnings:?}"
        );
        assert!(warnings[1].problem.ends_with("got a list"), "{warnings:?}");
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
