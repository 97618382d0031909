//! People's words for what vendors send as codes, and for what a query asked: shown on screen,
//! never written into the files (which keep the vendor's values, the ones people join on).

use crate::vendors::{Choice, ExportQuery, FilterKind, VendorId};

/// A code as words when no table names it: `sequence_running` → "Sequence running",
/// `MANYCHAT_INSTAGRAM` → "Manychat instagram".
pub fn humanize(code: &str) -> String {
    let spaced = code.replace(['_', '-'], " ").to_lowercase();
    let mut chars = spaced.trim().chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

fn look_up(table: &[Choice], code: &str) -> Option<&'static str> {
    table
        .iter()
        .find(|choice| !choice.value.is_empty() && choice.value == code)
        .map(|choice| choice.label)
}

/// A conversation's status in the vendor's own sense, as words.
pub fn status(vendor: VendorId, code: &str) -> String {
    look_up(vendor.spec().status_words, code).map_or_else(|| humanize(code), str::to_string)
}

/// A channel or platform code, as words.
pub fn channel(vendor: VendorId, code: &str) -> String {
    look_up(vendor.spec().channel_words, code).map_or_else(|| humanize(code), str::to_string)
}

/// The filters a query sets (those not at their default), as "label: value" for people.
pub fn filters(query: &ExportQuery) -> Vec<String> {
    query
        .vendor
        .spec()
        .filters
        .iter()
        .filter_map(|filter| {
            let value = query.filter(filter.name);
            if value.is_empty() || value == filter.default {
                return None;
            }
            let words = match &filter.kind {
                FilterKind::Choice(choices) | FilterKind::Multi(choices) => value
                    .split(',')
                    .map(|part| {
                        look_up(choices, part.trim())
                            .map_or_else(|| part.trim().to_string(), str::to_string)
                    })
                    .collect::<Vec<_>>()
                    .join(", "),
                FilterKind::Toggle { .. } => "yes".to_string(),
                _ => value.to_string(),
            };
            Some(format!("{}: {words}", filter.label))
        })
        .collect()
}

/// What to try when a query found nothing: a wider range, another choice, fewer words.
pub fn widen(query: &ExportQuery) -> Vec<String> {
    let spec = query.vendor.spec();
    let mut hints = Vec::new();
    if let Some(range) = spec.date_range {
        if !query.filter(range.from).is_empty() || !query.filter(range.to).is_empty() {
            hints.push("Try a wider date range.".to_string());
        }
    }
    for filter in spec.filters {
        let value = query.filter(filter.name);
        if value.is_empty() || value == filter.default {
            continue;
        }
        match &filter.kind {
            FilterKind::Choice(choices) => {
                let any = choices
                    .iter()
                    .find(|choice| choice.value == filter.default)
                    .map_or("another option", |choice| choice.label);
                hints.push(format!(
                    "Set \"{}\" to {any}, or another option.",
                    filter.label
                ));
            }
            FilterKind::Text | FilterKind::Numbers | FilterKind::Checked(_) => {
                hints.push(format!("Check or clear \"{}\".", filter.label));
            }
            FilterKind::Instant | FilterKind::Multi(_) | FilterKind::Toggle { .. } => {}
        }
    }
    if hints.is_empty() {
        hints.push(format!(
            "Check that this key's {} account has conversations.",
            spec.name
        ));
    }
    hints
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_become_words() {
        assert_eq!(status(VendorId::Humind, "human_active"), "A human operator");
        assert_eq!(
            status(VendorId::TalkToHumans, "sequence_running"),
            "Outreach sequence running"
        );
        assert_eq!(
            status(VendorId::TalkToHumans, "brand_new_state"),
            "Brand new state"
        );
        assert_eq!(
            channel(VendorId::Mindo, "MANYCHAT_INSTAGRAM"),
            "Instagram (ManyChat)"
        );
        assert_eq!(channel(VendorId::Humind, "web_widget"), "Web widget");
        assert_eq!(humanize(""), "");
    }

    #[test]
    fn an_empty_result_names_its_filters_and_what_to_widen() {
        let query = ExportQuery::new(VendorId::Humind)
            .with("created_after", "2026-05-01")
            .with("handoff_status", "ai_active")
            .with("include_contact", "");
        assert_eq!(
            filters(&query),
            vec![
                "Started on or after: 2026-05-01",
                "Handled by: The AI assistant"
            ]
        );
        let hints = widen(&query);
        assert_eq!(hints[0], "Try a wider date range.");
        assert!(hints[1].contains("\"Handled by\" to Anyone"), "{hints:?}");
        assert_eq!(
            widen(&ExportQuery::new(VendorId::HueChat)).len(),
            1,
            "defaults: nothing to widen"
        );
    }
}
