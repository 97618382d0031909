//! A transcript's body on screen: what the conversation has besides its messages, and the
//! messages as chat bubbles, in the user's time or UTC.

use leptos::prelude::*;

use super::browser;
use crate::export::transcript_facts::{self, describe_event};
use crate::format;
use crate::model::{Conversation, Flag, Message, Timestamp};

/// What a conversation has besides its messages: flags, extracted data, criteria, tool calls.
#[component]
pub fn Extras(conversation: Conversation) -> impl IntoView {
    let pending = conversation.flags.contains(&Flag::ExtractionPending)
        .then(|| view! { <p class="warning" role="note">"This call ended moments before the export: its extracted data and criteria were still being filled in. Export again in a minute to get them."</p> });
    let extracted = conversation.extracted_data.as_ref().and_then(|data| data.as_object()).map(|data| {
        let rows: Vec<(String, String)> = data
            .iter()
            .map(|(key, value)| (key.clone(), value.as_str().map_or_else(|| value.to_string(), str::to_owned)))
            .collect();
        view! {
            <h3>"Extracted data"</h3>
            <dl class="facts">{rows.into_iter().map(|(k, v)| view! { <div><dt>{k}</dt><dd>{v}</dd></div> }).collect_view()}</dl>
        }
    });
    let criteria = (!conversation.criteria.is_empty()).then(|| view! {
        <h3>"Acceptance criteria"</h3>
        <ul class="criteria">
            {conversation.criteria.iter().map(|c| {
                let verdict = match c.passed { Some(true) => "Passed", Some(false) => "Not passed", None => "Not evaluated" };
                view! {
                    <li class:passed=c.passed == Some(true)>
                        <strong>{format!("{verdict}: {}", c.name)}</strong>
                        {c.reasoning.clone().map(|r| view! { <span class="reasoning">{format!(" — {r}")}</span> })}
                    </li>
                }
            }).collect_view()}
        </ul>
    });
    let tools = (!conversation.tool_calls.is_empty()).then(|| view! {
        <details class="tool-calls">
            <summary>{format!("Tool calls ({})", conversation.tool_calls.len())}</summary>
            <ul>
                {conversation.tool_calls.iter().map(|call| {
                    let arguments = call.arguments.as_ref().map(|a| a.to_string()).unwrap_or_default();
                    let result = call.result.as_ref().map(|r| r.as_str().map_or_else(|| r.to_string(), str::to_owned)).unwrap_or_default();
                    view! {
                        <li>
                            <strong>{call.name.clone()}</strong>
                            " "<time datetime=format::iso(&call.at)>{format::time(&call.at)}</time>
                            <pre>{format!("arguments: {arguments}\nresult: {result}")}</pre>
                        </li>
                    }
                }).collect_view()}
            </ul>
        </details>
    });
    view! { {pending} {extracted} {criteria} {tools} }
}

/// "UTC+02:00": the user's offset now.
pub fn local_zone_label() -> String {
    let minutes = browser::utc_offset_minutes();
    let sign = if minutes < 0 { '-' } else { '+' };
    format!(
        "UTC{sign}{:02}:{:02}",
        minutes.abs() / 60,
        minutes.abs() % 60
    )
}

/// A time in the user's zone, with the offset that applied on that date (summer time included).
fn local_time(at: &Option<Timestamp>) -> String {
    let Some(at) = at else { return String::new() };
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(
        at.timestamp_millis() as f64
    ));
    let minutes = -(date.get_timezone_offset() as i32);
    match chrono::FixedOffset::east_opt(minutes * 60) {
        Some(offset) => at
            .with_timezone(&offset)
            .format("%Y-%m-%d %H:%M")
            .to_string(),
        None => format::time(&Some(*at)),
    }
}

/// A message time, local or UTC as the toggle says.
fn shown_time(
    at: Option<Timestamp>,
    utc: RwSignal<bool>,
) -> impl Fn() -> String + Send + Sync + 'static {
    move || {
        if utc.get() {
            format::time(&at)
        } else {
            local_time(&at)
        }
    }
}

#[component]
pub fn Messages(conversation: Conversation, utc: RwSignal<bool>) -> impl IntoView {
    if conversation.messages.is_empty() {
        return match conversation.last_message_preview.clone() {
            Some(text) => view! {
                <ol class="messages" aria-label="Messages">
                    <li class="bubble unknown">
                        <header>
                            <span class="author">"Last message"</span>
                            <time datetime=format::iso(&conversation.last_message_at)>{shown_time(conversation.last_message_at, utc)}</time>
                        </header>
                        <p class="text">{text}</p>
                    </li>
                </ol>
            }
            .into_any(),
            None => view! { <p class="note">"This conversation has no messages."</p> }.into_any(),
        };
    }
    // Product names from the conversation's own events, for the ids messages carry.
    let names: Vec<(String, String)> = transcript_facts::product_names(&conversation)
        .into_iter()
        .map(|(id, name)| (id.to_string(), name.to_string()))
        .collect();
    let names = std::sync::Arc::new(names);
    view! {
        <ol class="messages" aria-label="Messages">
            {conversation.messages.into_iter().map(|message| view! { <Bubble message=message utc=utc names=names.clone() /> }).collect_view()}
        </ol>
    }
    .into_any()
}

#[component]
fn Bubble(
    message: Message,
    utc: RwSignal<bool>,
    names: std::sync::Arc<Vec<(String, String)>>,
) -> impl IntoView {
    let names: std::collections::HashMap<&str, &str> = names
        .iter()
        .map(|(id, name)| (id.as_str(), name.as_str()))
        .collect();
    let role = message.role;
    let author = match &message.author_name {
        Some(name) => format!("{} · {name}", role.label()),
        None => role.label().to_string(),
    };
    let products = (!message.product_ids.is_empty()).then(|| {
        format!(
            "Products shown: {}",
            transcript_facts::products(&message.product_ids, &names)
        )
    });
    let cited = (!message.referenced_product_ids.is_empty()).then(|| {
        format!(
            "Products cited: {}",
            transcript_facts::products(&message.referenced_product_ids, &names)
        )
    });
    let labels = (!message.classifications.is_empty()).then(|| {
        let pairs: Vec<String> = message
            .classifications
            .iter()
            .map(|c| format!("{}: {}", c.label, c.value.as_deref().unwrap_or("—")))
            .collect();
        pairs.join(" · ")
    });
    view! {
        <li class=format!("bubble {}", role.as_str())>
            <header>
                <span class="author">{author}</span>
                <time datetime=format::iso(&message.sent_at)>{shown_time(message.sent_at, utc)}</time>
            </header>
            <p class="text">{message.text.clone()}</p>
            {products.map(|text| view! { <p class="products">{text}</p> })}
            {cited.map(|text| view! { <p class="products">{text}</p> })}
            {labels.map(|text| view! { <p class="products">{text}</p> })}
            {(!message.attachments.is_empty()).then(|| view! {
                <ul class="attachments" aria-label="Attachments">
                    {message.attachments.iter().map(|a| {
                        let name = a.name.clone().or_else(|| a.url.clone()).unwrap_or_else(|| "attachment".into());
                        let kind = a.mime_type.clone().or_else(|| a.kind.clone()).unwrap_or_default();
                        view! { <li>{format!("Attachment: {name} ({kind})")}</li> }
                    }).collect_view()}
                </ul>
            })}
            {(!message.events.is_empty()).then(|| view! {
                <ul class="events" aria-label="Interactions">
                    {message.events.iter().map(|event| view! {
                        <li class="event" data-kind=event.kind.clone()>{describe_event(event)}</li>
                    }).collect_view()}
                </ul>
            })}
        </li>
    }
}
