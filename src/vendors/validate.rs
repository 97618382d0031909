//! Checking a query before anything is sent, from the vendor's spec: each filter by its kind,
//! a date range in order, and the base URL.

use super::fields::parse_timestamp;
use super::spec::{ExportQuery, FilterKind};

/// A problem with one form field, shown next to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

impl FieldError {
    pub fn new(field: &str, message: impl Into<String>) -> Self {
        FieldError {
            field: field.to_string(),
            message: message.into(),
        }
    }
}

/// Checks a query before anything is sent. The key is checked by the form, which holds it.
pub fn validate(query: &ExportQuery) -> Vec<FieldError> {
    let spec = query.vendor.spec();
    let mut errors = Vec::new();
    if let Err(message) = validate_base_url(&query.base_url) {
        errors.push(FieldError::new("base_url", message));
    }
    for filter in spec.filters {
        let value = query.filter(filter.name);
        if value.is_empty() {
            if filter.required {
                errors.push(FieldError::new(
                    filter.name,
                    format!("{} is required.", filter.label),
                ));
            }
            continue;
        }
        let problem = match &filter.kind {
            FilterKind::Instant => (parse_timestamp(value).is_none() || !looks_like_instant(value))
                .then(|| {
                    "Use a date like 2026-05-01 or a date and time like 2026-05-01T09:30:00Z."
                        .to_string()
                }),
            FilterKind::Choice(choices) => (!choices.iter().any(|choice| choice.value == value))
                .then(|| {
                    let allowed: Vec<&str> = choices.iter().map(|c| c.label).collect();
                    format!("Choose one of: {}.", allowed.join(", "))
                }),
            FilterKind::Multi(choices) => value
                .split(',')
                .map(str::trim)
                .find(|part| {
                    !part.is_empty() && *part != "none" && !choices.iter().any(|c| c.value == *part)
                })
                .map(|part| format!("\"{part}\" is not one of the options.")),
            FilterKind::Numbers => (!is_number_list(value)).then(|| {
                "Use a number like 42, or several separated by commas, like 42,57.".to_string()
            }),
            FilterKind::Checked(check) => check(value).err(),
            FilterKind::Text | FilterKind::Toggle { .. } => None,
        };
        if let Some(message) = problem {
            errors.push(FieldError::new(filter.name, message));
        }
    }
    // A range can only be in order once each end is readable.
    if errors.iter().all(|e| e.field == "base_url") {
        errors.extend(range_in_order(query));
    }
    errors
}

/// The end of the vendor's date range must come after its start (or at it, where the vendor
/// includes the end).
fn range_in_order(query: &ExportQuery) -> Option<FieldError> {
    let range = query.vendor.spec().date_range?;
    let from = parse_timestamp(query.filter(range.from))?;
    let to = parse_timestamp(query.filter(range.to))?;
    let from_label = query
        .vendor
        .spec()
        .filter(range.from)
        .map_or(range.from, |f| f.label);
    if range.to_inclusive && to < from {
        Some(FieldError::new(
            range.to,
            format!("This must not be earlier than \"{from_label}\"."),
        ))
    } else if !range.to_inclusive && to <= from {
        Some(FieldError::new(
            range.to,
            format!("This must be later than \"{from_label}\" (it is not included)."),
        ))
    } else {
        None
    }
}

/// `42` or `42,57`: whole numbers separated by commas.
fn is_number_list(value: &str) -> bool {
    value
        .split(',')
        .map(str::trim)
        .all(|id| !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit()))
}

/// Only the shapes vendors document: a bare date, or a date-time with `Z` or an offset.
fn looks_like_instant(value: &str) -> bool {
    value.len() == 10 || value.ends_with('Z') || value.ends_with('z') || {
        let tail = &value[value.len().saturating_sub(6)..];
        tail.starts_with('+') || tail.starts_with('-')
    }
}

/// Checks that `text` is an absolute http(s) URL with a host and nothing a base URL cannot have.
pub fn validate_base_url(text: &str) -> Result<(), String> {
    let text = text.trim();
    if text.is_empty() {
        return Err("Enter the vendor's API address, starting with https://.".into());
    }
    let Some(rest) = text
        .strip_prefix("https://")
        .or_else(|| text.strip_prefix("http://"))
    else {
        return Err("The address must start with https:// (or http:// for a local relay).".into());
    };
    let host = rest.split('/').next().unwrap_or("");
    if host.is_empty() || host.starts_with(':') {
        return Err("The address needs a host name, like https://api.example.com.".into());
    }
    if text.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err("The address cannot contain spaces.".into());
    }
    if host.contains('@') {
        return Err("Do not put a user name or password in the address; paste the key in the API key field.".into());
    }
    if text.contains('?') || text.contains('#') {
        return Err("The address cannot contain ? or #: give only the base, like https://api.example.com/v1.".into());
    }
    let (name, port) = match host.rsplit_once(':') {
        Some((name, port)) if !name.ends_with(']') || host.starts_with('[') => (name, Some(port)),
        _ => (host, None),
    };
    if let Some(port) = port {
        if port.parse::<u16>().is_err() {
            return Err("The port after the host name must be a number.".into());
        }
    }
    let valid_host = name.starts_with('[')
        || name.split('.').all(|label| {
            !label.is_empty() && label.chars().all(|c| c.is_alphanumeric() || c == '-')
        });
    if !valid_host {
        return Err("The host name is not valid.".into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vendors::VendorId;

    #[test]
    fn base_urls() {
        for good in [
            "https://api.thehumind.com/public/v1",
            "http://127.0.0.1:8787/humind/public/v1",
            "https://relay.example.com/",
            "http://localhost:3000",
        ] {
            assert_eq!(validate_base_url(good), Ok(()), "{good}");
        }
        for bad in [
            "",
            "api.thehumind.com",
            "ftp://x.example",
            "https://",
            "https://exa mple.com",
            "https://user:pw@example.com",
            "https://example.com/v1?key=1",
            "https://example.com:port/",
            "https://exa..mple.com",
        ] {
            assert!(validate_base_url(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn instants_are_checked_before_sending() {
        let query = ExportQuery::new(VendorId::Humind)
            .with("created_after", "2026-02-30")
            .with("updated_after", "2026-05-01T09:30:00");
        let fields: Vec<String> = validate(&query).into_iter().map(|e| e.field).collect();
        assert_eq!(fields, vec!["created_after", "updated_after"]);
        let query = query
            .with("created_after", "2026-02-28")
            .with("updated_after", "2026-05-01T09:30:00+02:00");
        assert!(validate(&query).is_empty());
    }

    #[test]
    fn a_range_must_be_in_order_as_each_vendor_reads_its_end() {
        // Humind includes the end: the same instant is a range of one.
        let humind = ExportQuery::new(VendorId::Humind)
            .with("created_after", "2026-05-02")
            .with("created_before", "2026-05-02");
        assert!(validate(&humind).is_empty());
        let reversed = humind.with("created_before", "2026-05-01");
        assert_eq!(validate(&reversed)[0].field, "created_before");
        // Mindo stops short of the end: the same instant is nothing.
        let mindo = ExportQuery::new(VendorId::Mindo)
            .with("company_id", "42, 57")
            .with("from", "2026-05-02")
            .with("to", "2026-05-02");
        let errors = validate(&mindo);
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].field, "to");
        assert!(
            errors[0].message.contains("\"From\""),
            "{}",
            errors[0].message
        );
        assert_eq!(
            validate(&mindo.with("company_id", "42;57"))[0].field,
            "company_id"
        );
    }
}
