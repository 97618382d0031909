//! The facts a transcript states, the same on screen and in its files: the conversation's
//! header, and what follows a message (products, attachments, events, classifications).

use std::collections::HashMap;

use crate::format;
use crate::model::{Conversation, Event, Message};
use crate::words;

/// One line for an interaction event: "Added to cart: Crème hydratante at 29.90".
pub fn describe_event(event: &Event) -> String {
    let product = event
        .product_title
        .clone()
        .or_else(|| event.product_id.as_ref().map(|id| format!("product {id}")))
        .unwrap_or_else(|| "a product".into());
    let price = event
        .price
        .map(|p| format!(" at {}", format::price(p)))
        .unwrap_or_default();
    match event.kind.as_str() {
        "add_product" => format!("Added to cart: {product}{price}"),
        "remove_product" => format!("Removed from cart: {product}{price}"),
        "open_product_page" => format!("Opened the product page: {product}"),
        "open_product_url" => format!("Opened the product link: {product}"),
        "click_support_button" => format!(
            "Clicked the support button: {}",
            event.button.as_deref().unwrap_or("unknown")
        ),
        other => format!("{other}: {product}"),
    }
}

/// The facts under a transcript's title, as (label, value): the same on screen and in files.
pub fn facts(conversation: &Conversation) -> Vec<(&'static str, String)> {
    let mut facts = vec![
        ("Vendor", conversation.vendor.spec().name.to_string()),
        ("Conversation id", conversation.id.clone()),
    ];
    let times = [
        ("Started", conversation.started_at),
        ("Ended", conversation.ended_at),
        ("Last message", conversation.last_message_at),
    ];
    for (label, at) in times {
        if at.is_some() {
            facts.push((label, format::time(&at)));
        }
    }
    // People's words, not the vendor's codes: a transcript is for reading (the CSV keeps codes).
    let vendor = conversation.vendor;
    for (label, value) in [
        ("Title", conversation.title.clone()),
        (
            "Status",
            conversation
                .status
                .as_deref()
                .map(|s| words::status(vendor, s)),
        ),
        (
            "Channel",
            conversation
                .channel
                .as_deref()
                .map(|c| words::channel(vendor, c)),
        ),
    ] {
        if let Some(value) = value.filter(|v| !v.trim().is_empty()) {
            facts.push((label, value));
        }
    }
    if !conversation.tags.is_empty() {
        facts.push(("Tags", conversation.tags.join(", ")));
    }
    if let Some(contact) = &conversation.contact {
        let parts: Vec<&str> = [&contact.name, &contact.email, &contact.phone, &contact.id]
            .into_iter()
            .flatten()
            .map(String::as_str)
            .collect();
        facts.push(("Contact", parts.join(" · ")));
    }
    if let Some(assignee) = &conversation.assignee {
        facts.push((
            "Assigned to",
            assignee
                .name
                .clone()
                .or_else(|| assignee.id.clone())
                .unwrap_or_default(),
        ));
    }
    for participant in &conversation.participants {
        let name = participant
            .name
            .clone()
            .or_else(|| participant.id.clone())
            .unwrap_or_default();
        let role = [&participant.headline, &participant.company]
            .into_iter()
            .flatten()
            .cloned()
            .collect::<Vec<_>>()
            .join(", ");
        facts.push((
            "Participant",
            if role.is_empty() {
                name
            } else {
                format!("{name} ({role})")
            },
        ));
    }
    if let Some(seconds) = conversation.duration_seconds {
        facts.push(("Duration", format::duration(seconds * 1000.0)));
    }
    if let Some(url) = &conversation.url {
        facts.push(("Page", url.clone()));
    }
    facts
}

/// Product names by id, from the conversation's own cart and product events: the vendor sends
/// only ids with a message, and a name reads better.
pub fn product_names(conversation: &Conversation) -> HashMap<&str, &str> {
    conversation
        .events()
        .filter_map(|(_, event)| {
            Some((
                event.product_id.as_deref()?,
                event.product_title.as_deref()?,
            ))
        })
        .collect()
}

/// Products by name where the conversation names them, with the id after.
pub fn products(ids: &[String], names: &HashMap<&str, &str>) -> String {
    ids.iter()
        .map(|id| match names.get(id.as_str()) {
            Some(name) => format!("{name} ({id})"),
            None => id.clone(),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// What follows a message's text: products, attachments, events, classifications.
pub(super) fn details(message: &Message, names: &HashMap<&str, &str>) -> Vec<String> {
    let mut lines = Vec::new();
    if !message.product_ids.is_empty() {
        lines.push(format!(
            "Products shown: {}",
            products(&message.product_ids, names)
        ));
    }
    if !message.referenced_product_ids.is_empty() {
        lines.push(format!(
            "Products cited: {}",
            products(&message.referenced_product_ids, names)
        ));
    }
    for attachment in &message.attachments {
        let name = attachment
            .name
            .as_deref()
            .or(attachment.url.as_deref())
            .unwrap_or("attachment");
        let kind = attachment
            .mime_type
            .as_deref()
            .or(attachment.kind.as_deref())
            .unwrap_or("");
        lines.push(format!("Attachment: {name} {kind}").trim_end().to_string());
    }
    for event in &message.events {
        lines.push(describe_event(event));
    }
    if !message.classifications.is_empty() {
        let pairs: Vec<String> = message
            .classifications
            .iter()
            .map(|c| format!("{}: {}", c.label, c.value.as_deref().unwrap_or("")))
            .collect();
        lines.push(format!("Classified as {}", pairs.join(", ")));
    }
    lines
}

pub(super) fn author(message: &Message) -> String {
    match &message.author_name {
        Some(name) => format!("{} ({name})", message.role.label()),
        None => message.role.label().to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_read_as_sentences() {
        let added = Event {
            kind: "add_product".into(),
            product_title: Some("Crème hydratante".into()),
            price: Some(29.9),
            ..Default::default()
        };
        assert_eq!(
            describe_event(&added),
            "Added to cart: Crème hydratante at 29.90"
        );
        let support = Event {
            kind: "click_support_button".into(),
            button: Some("email".into()),
            ..Default::default()
        };
        assert_eq!(
            describe_event(&support),
            "Clicked the support button: email"
        );
        let opened = Event {
            kind: "open_product_page".into(),
            product_id: Some("p1".into()),
            ..Default::default()
        };
        assert_eq!(
            describe_event(&opened),
            "Opened the product page: product p1"
        );
    }
}
