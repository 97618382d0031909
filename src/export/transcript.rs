//! Conversations as people read them: plain text and Markdown transcripts.

use std::collections::HashMap;
use std::fmt::Write;

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
fn details(message: &Message, names: &HashMap<&str, &str>) -> Vec<String> {
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

fn author(message: &Message) -> String {
    match &message.author_name {
        Some(name) => format!("{} ({name})", message.role.label()),
        None => message.role.label().to_string(),
    }
}

/// The line at the top of a transcript from an export that stopped before its end.
pub const PARTIAL_NOTE: &str = "Partial export: the export stopped before it finished, so this conversation may lack messages that came later in the export.";

/// A plain-text transcript: readable in any editor, printable, greppable. `complete` is whether
/// the export it comes from ran to its end.
pub fn text(conversation: &Conversation, complete: bool) -> String {
    let names = product_names(conversation);
    let mut out = String::new();
    if !complete {
        let _ = writeln!(out, "{PARTIAL_NOTE}\n");
    }
    let heading = conversation.display_title();
    let _ = writeln!(
        out,
        "{heading}\n{}",
        "=".repeat(heading.chars().count().min(80))
    );
    for (label, value) in facts(conversation) {
        let _ = writeln!(out, "{label}: {value}");
    }
    out.push('\n');
    if conversation.messages.is_empty() {
        match &conversation.last_message_preview {
            Some(last) => {
                let _ = writeln!(
                    out,
                    "The vendor's API gives no full transcript. Last message ({}):",
                    format::time(&conversation.last_message_at)
                );
                let _ = writeln!(out, "    {}", last.replace('\n', "\n    "));
            }
            None => out.push_str("No messages.\n"),
        }
    }
    for message in &conversation.messages {
        let _ = writeln!(
            out,
            "[{}] {}:",
            format::time(&message.sent_at),
            author(message)
        );
        for line in message.text.lines() {
            let _ = writeln!(out, "    {line}");
        }
        for detail in details(message, &names) {
            let _ = writeln!(out, "    * {detail}");
        }
        out.push('\n');
    }
    for call in &conversation.tool_calls {
        let arguments = call
            .arguments
            .as_ref()
            .map(|a| a.to_string())
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "Tool call [{}] {} {arguments}",
            format::time(&call.at),
            call.name
        );
    }
    for criterion in &conversation.criteria {
        let verdict = match criterion.passed {
            Some(true) => "passed",
            Some(false) => "not passed",
            None => "not evaluated",
        };
        let _ = writeln!(
            out,
            "Criterion {}: {verdict}. {}",
            criterion.name,
            criterion.reasoning.as_deref().unwrap_or("")
        );
    }
    out
}

/// Escapes text so Markdown shows it as written: no emphasis, links or HTML from a message.
pub fn markdown_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for (index, line) in text.split('\n').enumerate() {
        if index > 0 {
            // Two trailing spaces keep the line break inside the paragraph.
            out.push_str("  \n");
        }
        let line = line.trim_end_matches('\r');
        for (position, c) in line.chars().enumerate() {
            match c {
                '&' => out.push_str("&amp;"),
                '<' => out.push_str("&lt;"),
                '>' => out.push_str("&gt;"),
                '\\' | '`' | '*' | '_' | '[' | ']' | '#' | '|' | '~' => {
                    out.push('\\');
                    out.push(c);
                }
                '-' | '+' | '=' if position == 0 => {
                    out.push('\\');
                    out.push(c);
                }
                c => out.push(c),
            }
        }
    }
    out
}

/// A Markdown transcript: the same content, for viewers that render it.
pub fn markdown(conversation: &Conversation, complete: bool) -> String {
    let names = product_names(conversation);
    let mut out = String::new();
    if !complete {
        let _ = writeln!(out, "> **{PARTIAL_NOTE}**\n");
    }
    let _ = writeln!(
        out,
        "# {}\n",
        markdown_escape(&conversation.display_title())
    );
    for (label, value) in facts(conversation) {
        let _ = writeln!(out, "- **{label}:** {}", markdown_escape(&value));
    }
    out.push('\n');
    if conversation.messages.is_empty() {
        match &conversation.last_message_preview {
            Some(last) => {
                let _ = writeln!(
                    out,
                    "_The vendor's API gives no full transcript. Last message ({}):_\n",
                    format::time(&conversation.last_message_at)
                );
                let _ = writeln!(out, "> {}\n", markdown_escape(last));
            }
            None => out.push_str("_No messages._\n"),
        }
    }
    for message in &conversation.messages {
        let _ = writeln!(
            out,
            "**{}** · {}\n",
            markdown_escape(&author(message)),
            format::time(&message.sent_at)
        );
        let _ = writeln!(out, "{}\n", markdown_escape(&message.text));
        for detail in details(message, &names) {
            let _ = writeln!(out, "- _{}_", markdown_escape(&detail));
        }
        if !message.events.is_empty()
            || !message.product_ids.is_empty()
            || !message.attachments.is_empty()
            || !message.classifications.is_empty()
        {
            out.push('\n');
        }
    }
    if !conversation.tool_calls.is_empty() {
        out.push_str("## Tool calls\n\n");
        for call in &conversation.tool_calls {
            let arguments = call
                .arguments
                .as_ref()
                .map(|a| a.to_string())
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "- {} · {} `{}`",
                format::time(&call.at),
                markdown_escape(&call.name),
                arguments.replace('`', "'")
            );
        }
        out.push('\n');
    }
    if !conversation.criteria.is_empty() {
        out.push_str("## Acceptance criteria\n\n");
        for criterion in &conversation.criteria {
            let verdict = match criterion.passed {
                Some(true) => "passed",
                Some(false) => "not passed",
                None => "not evaluated",
            };
            let _ = writeln!(
                out,
                "- **{}**: {verdict}. {}",
                markdown_escape(&criterion.name),
                markdown_escape(criterion.reasoning.as_deref().unwrap_or(""))
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::AuthorRole;

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

    #[test]
    fn markdown_shows_hostile_text_as_written() {
        assert_eq!(
            markdown_escape("<script>alert('x')</script>"),
            "&lt;script&gt;alert('x')&lt;/script&gt;"
        );
        assert_eq!(
            markdown_escape("*bold* _it_ [link](x) # h"),
            "\\*bold\\* \\_it\\_ \\[link\\](x) \\# h"
        );
        assert_eq!(
            markdown_escape("- not a list\n=1+1"),
            "\\- not a list  \n\\=1+1"
        );
        assert_eq!(markdown_escape("crème 😀 &amp;"), "crème 😀 &amp;amp;");
    }

    #[test]
    fn text_transcript_keeps_every_line_and_event() {
        let conversation = Conversation {
            id: "c1".into(),
            vendor: crate::vendors::VendorId::Humind,
            title: Some("Question".into()),
            messages: vec![Message {
                role: AuthorRole::Customer,
                text: "Ligne 1\nLigne 2".into(),
                sent_at: "2026-05-15T10:01:00Z".parse().ok(),
                events: vec![Event {
                    kind: "add_product".into(),
                    product_title: Some("Crème".into()),
                    price: Some(29.9),
                    ..Default::default()
                }],
                ..Default::default()
            }],
            ..Default::default()
        };
        let text = text(&conversation, true);
        assert!(
            text.starts_with("Question\n========\nVendor: Humind\n"),
            "{text}"
        );
        assert!(text.contains("[2026-05-15 10:01 UTC] Customer:\n    Ligne 1\n    Ligne 2\n    * Added to cart: Crème at 29.90\n"), "{text}");
        let markdown = markdown(&conversation, true);
        assert!(markdown.contains("**Customer** · 2026-05-15 10:01 UTC\n\nLigne 1  \nLigne 2\n\n- _Added to cart: Crème at 29.90_"), "{markdown}");
    }

    #[test]
    fn a_transcript_of_a_partial_export_says_so_first() {
        let conversation = Conversation {
            id: "c1".into(),
            ..Default::default()
        };
        assert!(text(&conversation, false).starts_with(PARTIAL_NOTE));
        assert!(markdown(&conversation, false).starts_with(&format!("> **{PARTIAL_NOTE}**")));
        assert!(!text(&conversation, true).contains("Partial"));
    }
}
