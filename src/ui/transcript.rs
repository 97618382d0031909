//! The transcript of the selected conversation, as the chat it was.

use leptos::prelude::*;
use leptos::task::spawn_local;

use super::{browser, demo, Ui};
use crate::engine::clock::{BrowserClock, Clock};
use crate::engine::fetch_document;
use crate::error::FetchError;
use crate::export::transcript::{self, describe_event};
use crate::format;
use crate::http::Request;
use crate::model::{Conversation, Message, Timestamp};
use crate::secret::ApiKey;
use crate::transport::web::FetchTransport;
use crate::vendors::{ExportQuery, MapContext};

const TIMEOUT_MS: u64 = 30_000;

/// The query of the export on screen and whether it is a demo.
fn session_query(ui: Ui) -> Option<(ExportQuery, bool)> {
    ui.session.with_value(|s| {
        s.as_ref()
            .map(|s| (s.export.borrow().query.clone(), s.demo))
    })
}

/// Makes one request with the session's transport and key.
async fn fetch(
    ui: Ui,
    query: &ExportQuery,
    demo_session: bool,
    request: Request,
) -> Result<Vec<u8>, FetchError> {
    if demo_session {
        fetch_document(
            query.vendor,
            request,
            &demo::transport(),
            &demo::key(query.vendor),
            TIMEOUT_MS,
        )
        .await
    } else {
        let key = ApiKey::new(ui.key.get_untracked().trim());
        fetch_document(query.vendor, request, &FetchTransport, &key, TIMEOUT_MS).await
    }
}

#[component]
pub fn TranscriptPanel(ui: Ui) -> impl IntoView {
    let reloaded = RwSignal::new(None::<Conversation>);
    let error = RwSignal::new(None::<FetchError>);
    let busy = RwSignal::new(false);
    let utc = RwSignal::new(false);
    Effect::new(move |_| {
        ui.selected.track();
        reloaded.set(None);
        error.set(None);
    });
    let current = move || {
        let id = ui.selected.get()?;
        if let Some(fresh) = reloaded.get().filter(|c| c.id == id) {
            return Some(fresh);
        }
        ui.with_export(|export| export.store.get(&id).cloned())
            .flatten()
    };
    // Re-render only when what is shown changes, not on every page of a running export.
    let shown = Memo::new(move |_| {
        current().map(|c| {
            (
                c.id.clone(),
                c.messages.len(),
                reloaded.with(|r| r.is_some()),
            )
        })
    });
    let conversation = move || {
        // Reading the memo (not just tracking it) makes it recompute when its sources change.
        shown.with(|_| ());
        untrack(current)
    };
    let reload = move |_| {
        let (Some(id), Some((query, demo_session))) =
            (ui.selected.get_untracked(), session_query(ui))
        else {
            return;
        };
        let connector = query.vendor.connector();
        let Some(request) = connector.conversation_request(&query, &id) else {
            return;
        };
        busy.set(true);
        error.set(None);
        spawn_local(async move {
            let result = fetch(ui, &query, demo_session, request)
                .await
                .and_then(|body| {
                    let mut warnings = Vec::new();
                    let mut context = MapContext::new(&mut warnings, BrowserClock.wall());
                    connector.read_conversation(&body, &mut context)
                });
            match result {
                Ok(conversation) => reloaded.set(Some(conversation)),
                Err(failure) => error.set(Some(failure)),
            }
            busy.set(false);
        });
    };
    let vendor_transcript = move |format: &'static str| {
        let (Some(id), Some((query, demo_session))) =
            (ui.selected.get_untracked(), session_query(ui))
        else {
            return;
        };
        let Some(request) = query
            .vendor
            .connector()
            .transcript_request(&query, &id, format)
        else {
            return;
        };
        busy.set(true);
        error.set(None);
        spawn_local(async move {
            match fetch(ui, &query, demo_session, request).await {
                Ok(bytes) => {
                    let name = format!("{}_{id}_transcript.{format}", query.vendor.spec().slug);
                    let mime = match format {
                        "json" => "application/json",
                        "md" => "text/markdown",
                        _ => "text/plain",
                    };
                    browser::download(&name, &format!("{mime};charset=utf-8"), &bytes);
                }
                Err(failure) => error.set(Some(failure)),
            }
            busy.set(false);
        });
    };
    view! {
        <section class="panel transcript" aria-labelledby="transcript-heading">
            {move || match conversation() {
                None => view! {
                    <h2 id="transcript-heading">"Transcript"</h2>
                    <p class="note">"Choose a conversation in the table to read it here."</p>
                }
                .into_any(),
                Some(conversation) => {
                    let connector = crate::vendors::VendorId::from_slug(conversation.vendor)
                        .map(|vendor| vendor.connector());
                    let spec = connector.map(|c| c.spec());
                    let can_reload = connector.is_some_and(|c| session_query(ui).is_some_and(|(q, _)| c.conversation_request(&q, &conversation.id).is_some()));
                    let formats = connector.map(|c| c.transcript_formats()).unwrap_or(&[]);
                    let vendor_name = spec.map_or("the vendor", |s| s.name);
                    view! {
                        <h2 id="transcript-heading">{heading(&conversation)}</h2>
                        <Summary conversation=conversation.clone() />
                        <div class="actions">
                            {can_reload.then(|| view! {
                                <button type="button" class="secondary" disabled=move || busy.get() on:click=reload>
                                    {format!("Reload from {vendor_name}")}
                                </button>
                            })}
                            {formats.iter().map(|format| view! {
                                <button type="button" class="secondary" disabled=move || busy.get() on:click=move |_| vendor_transcript(format)>
                                    {format!("{vendor_name}'s transcript (.{format})")}
                                </button>
                            }).collect_view()}
                            <TranscriptFiles conversation=conversation.clone() />
                            {move || reloaded.with(|r| r.is_some()).then(|| view! { <span class="status-note">"Reloaded just now."</span> })}
                        </div>
                        {move || error.get().map(|error| view! {
                            <div class="error" role="alert">
                                <p>{error.summary.clone()}</p>
                                <details><summary>"Technical details"</summary><pre>{error.details.clone()}</pre></details>
                            </div>
                        })}
                        {spec.and_then(|s| s.transcript_note).map(|note| view! { <p class="note" data-transcript-note="">{note}</p> })}
                        <label class="choice utc-toggle">
                            <input type="checkbox" prop:checked=move || utc.get() on:change=move |event| utc.set(event_target_checked(&event)) />
                            {format!("Show times in UTC (now: your local time, {})", local_zone_label())}
                        </label>
                        <Extras conversation=conversation.clone() />
                        <Messages conversation=conversation utc=utc />
                    }
                    .into_any()
                }
            }}
        </section>
    }
}

/// This transcript as a file (plain text or Markdown), or on the clipboard.
#[component]
fn TranscriptFiles(conversation: Conversation) -> impl IntoView {
    let copied = RwSignal::new(None::<bool>);
    let stem = format!("{}_{}_transcript", conversation.vendor, conversation.id);
    let text = transcript::text(&conversation);
    let markdown = transcript::markdown(&conversation);
    let (text_for_copy, stem_txt, stem_md) = (text.clone(), stem.clone(), stem);
    view! {
        <button type="button" class="secondary" on:click=move |_| browser::download(&format!("{stem_txt}.txt"), "text/plain;charset=utf-8", text.as_bytes())>
            "Transcript (.txt)"
        </button>
        <button type="button" class="secondary" on:click=move |_| browser::download(&format!("{stem_md}.md"), "text/markdown;charset=utf-8", markdown.as_bytes())>
            "Transcript (.md)"
        </button>
        <button type="button" class="secondary" on:click=move |_| {
            let text = text_for_copy.clone();
            spawn_local(async move { copied.set(Some(browser::copy_text(&text).await)) });
        }>
            "Copy transcript"
        </button>
        {move || copied.get().map(|ok| view! {
            <span class="status-note" role="status">{if ok { "Transcript copied." } else { "Could not copy: use the download instead." }}</span>
        })}
    }
}

fn heading(conversation: &Conversation) -> String {
    conversation
        .title
        .clone()
        .unwrap_or_else(|| format!("Conversation {}", conversation.id))
}

#[component]
fn Summary(conversation: Conversation) -> impl IntoView {
    let mut facts: Vec<(&'static str, String)> = Vec::new();
    if conversation.started_at.is_some() {
        facts.push(("Started", format::time(&conversation.started_at)));
    }
    if conversation.ended_at.is_some() {
        facts.push(("Ended", format::time(&conversation.ended_at)));
    }
    if conversation.started_at.is_none() && conversation.last_message_at.is_some() {
        facts.push(("Last message", format::time(&conversation.last_message_at)));
    }
    for (term, value) in [
        ("Status", &conversation.status),
        ("Channel", &conversation.channel),
    ] {
        if let Some(value) = value {
            facts.push((term, value.clone()));
        }
    }
    if let Some(seconds) = conversation.duration_seconds {
        facts.push(("Duration", format::duration(seconds * 1000.0)));
    }
    if !conversation.tags.is_empty() {
        facts.push(("Tags", conversation.tags.join(", ")));
    }
    if let Some(contact) = &conversation.contact {
        let details: Vec<String> = [&contact.name, &contact.email, &contact.phone, &contact.id]
            .into_iter()
            .flatten()
            .cloned()
            .collect();
        facts.push(("Contact", details.join(" · ")));
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
    if !conversation.participants.is_empty() {
        let people: Vec<String> = conversation
            .participants
            .iter()
            .map(|p| match (&p.name, &p.headline) {
                (Some(name), Some(headline)) => format!("{name} ({headline})"),
                (name, _) => name.clone().or_else(|| p.id.clone()).unwrap_or_default(),
            })
            .collect();
        facts.push(("Participants", people.join("; ")));
    }
    if let Some(url) = &conversation.url {
        facts.push(("Page", url.clone()));
    }
    facts.push(("Id", conversation.id.clone()));
    view! {
        <dl class="facts">
            {facts.into_iter().map(|(term, value)| view! { <div><dt>{term}</dt><dd>{value}</dd></div> }).collect_view()}
        </dl>
    }
}

/// What a conversation has besides its messages: flags, extracted data, criteria, tool calls.
#[component]
fn Extras(conversation: Conversation) -> impl IntoView {
    let pending = conversation
        .flags
        .iter()
        .any(|f| f == crate::vendors::voice_widget::EXTRACTION_PENDING)
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
fn local_zone_label() -> String {
    let minutes = -(js_sys::Date::new_0().get_timezone_offset() as i32);
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
fn Messages(conversation: Conversation, utc: RwSignal<bool>) -> impl IntoView {
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
    view! {
        <ol class="messages" aria-label="Messages">
            {conversation.messages.into_iter().map(|message| view! { <Bubble message=message utc=utc /> }).collect_view()}
        </ol>
    }
    .into_any()
}

#[component]
fn Bubble(message: Message, utc: RwSignal<bool>) -> impl IntoView {
    let role = message.role;
    let author = match &message.author_name {
        Some(name) => format!("{} · {name}", role.label()),
        None => role.label().to_string(),
    };
    let products = (!message.product_ids.is_empty())
        .then(|| format!("Products shown: {}", message.product_ids.join(", ")));
    let cited = (!message.referenced_product_ids.is_empty()).then(|| {
        format!(
            "Products cited: {}",
            message.referenced_product_ids.join(", ")
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
