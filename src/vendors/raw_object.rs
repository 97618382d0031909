//! A JSON object read one level deep: its values stay slices of the vendor's text until something
//! reads them.
//!
//! Reading a record into `serde_json::Value` built a B-tree and a string for everything in it,
//! nested objects included, and most of that was then written back out as text for `extras`.
//! Here only the top level is split, and a value is copied only when it is kept: on the host,
//! mapping a Mindo row went from 8.8 to 5.4 µs (`examples/mindo_speed.rs`).

use std::borrow::Cow;
use std::fmt;

use serde::de::{Deserialize, Deserializer, MapAccess, Visitor};
use serde_json::value::RawValue;

/// An object's fields in the order the vendor sent them; a repeated name keeps its last value,
/// as `serde_json::Map` does.
#[derive(Debug, Default)]
pub struct RawObject<'r>(Vec<(Cow<'r, str>, &'r RawValue)>);

impl<'r> RawObject<'r> {
    /// The object `raw` holds, or `None` when it holds something else.
    pub fn of(raw: &'r RawValue) -> Option<Self> {
        if !raw.get().starts_with('{') {
            return None;
        }
        serde_json::from_str(raw.get()).ok()
    }

    /// A field's value, without removing it.
    pub fn get(&self, name: &str) -> Option<&'r RawValue> {
        self.0
            .iter()
            .find(|(field, _)| field == name)
            .map(|(_, value)| *value)
    }

    /// Removes a field and returns its value.
    pub fn remove(&mut self, name: &str) -> Option<&'r RawValue> {
        let at = self.0.iter().position(|(field, _)| field == name)?;
        Some(self.0.remove(at).1)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl<'r> IntoIterator for RawObject<'r> {
    type Item = (Cow<'r, str>, &'r RawValue);
    type IntoIter = std::vec::IntoIter<Self::Item>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl<'de> Deserialize<'de> for RawObject<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Fields;
        impl<'de> Visitor<'de> for Fields {
            type Value = RawObject<'de>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON object")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut fields: Vec<(Cow<'de, str>, &'de RawValue)> =
                    Vec::with_capacity(map.size_hint().unwrap_or(16));
                while let Some(Text(name)) = map.next_key()? {
                    let value: &'de RawValue = map.next_value()?;
                    match fields.iter_mut().find(|(field, _)| *field == name) {
                        Some(repeated) => repeated.1 = value,
                        None => fields.push((name, value)),
                    }
                }
                Ok(RawObject(fields))
            }
        }
        deserializer.deserialize_map(Fields)
    }
}

/// A JSON string, borrowed from the text unless it holds escapes.
pub struct Text<'r>(pub Cow<'r, str>);

impl<'r> Text<'r> {
    /// The string `raw` holds, or `None` when it holds something else.
    pub fn of(raw: &'r RawValue) -> Option<Cow<'r, str>> {
        if !raw.get().starts_with('"') {
            return None;
        }
        serde_json::from_str::<Text<'r>>(raw.get())
            .ok()
            .map(|text| text.0)
    }
}

impl<'de> Deserialize<'de> for Text<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Borrowing;
        impl<'de> Visitor<'de> for Borrowing {
            type Value = Text<'de>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }

            fn visit_borrowed_str<E>(self, text: &'de str) -> Result<Self::Value, E> {
                Ok(Text(Cow::Borrowed(text)))
            }

            fn visit_str<E>(self, text: &str) -> Result<Self::Value, E> {
                Ok(Text(Cow::Owned(text.to_owned())))
            }

            fn visit_string<E>(self, text: String) -> Result<Self::Value, E> {
                Ok(Text(Cow::Owned(text)))
            }
        }
        deserializer.deserialize_str(Borrowing)
    }
}

/// A value's own copy, without the spaces and line breaks a pretty-printed page puts between its
/// parts, so a kept object reads the same in a CSV cell whichever way the vendor laid it out.
pub fn kept(raw: &RawValue) -> Box<RawValue> {
    let text = raw.get();
    let bytes = text.as_bytes();
    let mut in_string = false;
    let mut escaped = false;
    let mut laid_out = false;
    for &byte in bytes {
        if in_string {
            match byte {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
        } else if byte == b'"' {
            in_string = true;
        } else if byte.is_ascii_whitespace() {
            laid_out = true;
            break;
        }
    }
    if !laid_out {
        return raw.to_owned();
    }
    let mut compact = String::with_capacity(text.len());
    let (mut in_string, mut escaped) = (false, false);
    for character in text.chars() {
        if in_string {
            match character {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '"' => in_string = false,
                _ => {}
            }
        } else if character == '"' {
            in_string = true;
        } else if character.is_ascii_whitespace() {
            continue;
        }
        compact.push(character);
    }
    RawValue::from_string(compact).expect("removing layout keeps JSON valid")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(text: &str) -> &RawValue {
        serde_json::from_str(text).unwrap()
    }

    #[test]
    fn an_object_keeps_its_fields_in_order_and_a_repeated_name_its_last_value() {
        let text = r#"{"b": {"x": [1, 2]}, "a": "x\"y", "b\u0031": null, "b": 2}"#;
        let mut object = RawObject::of(raw(text)).unwrap();
        assert_eq!(object.get("b").unwrap().get(), "2");
        assert_eq!(object.remove("a").unwrap().get(), r#""x\"y""#);
        assert!(object.get("a").is_none());
        let names: Vec<String> = object.into_iter().map(|(name, _)| name.into()).collect();
        assert_eq!(names, ["b", "b1"], "an escaped name is read as its text");
    }

    #[test]
    fn what_is_not_an_object_or_a_string_is_refused() {
        assert!(RawObject::of(raw("[1]")).is_none());
        assert!(RawObject::of(raw(r#""{}""#)).is_none());
        assert_eq!(Text::of(raw(r#""a\nb""#)).as_deref(), Some("a\nb"));
        assert!(matches!(
            Text::of(raw(r#""plain""#)),
            Some(Cow::Borrowed("plain"))
        ));
        assert_eq!(Text::of(raw("12")), None);
    }

    #[test]
    fn a_kept_value_loses_its_layout_but_not_the_spaces_in_its_strings() {
        let pretty = "{\n  \"a\": [1, 2],\n  \"b\": \"two words \\\" and \\\\\"\n}";
        assert_eq!(
            kept(raw(pretty)).get(),
            r#"{"a":[1,2],"b":"two words \" and \\"}"#
        );
        assert_eq!(kept(raw(r#""two words""#)).get(), r#""two words""#);
    }
}
