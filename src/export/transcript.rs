//! Conversations as people read them: plain text and Markdown transcripts. The facts they
//! state are in `transcript_facts.rs`, shared with the transcript on screen.

use std::fmt::Write;

use super::transcript_facts::{author, details, facts, product_names};
use crate::format;
use crate::model::Conversation;

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
    use crate::model::{AuthorRole, Event, Message};

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
