//! The transcript of the selected conversation, as the chat it was.

use leptos::prelude::*;
use leptos::task::spawn_local;

use super::{demo, Ui};
use crate::engine::clock::BrowserClock;
use crate::engine::fetch_conversation;
use crate::error::FetchError;
use crate::export::transcript::describe_event;
use crate::format;
use crate::model::{Conversation, Message};
use crate::secret::ApiKey;
use crate::transport::web::FetchTransport;

#[component]
pub fn TranscriptPanel(ui: Ui) -> impl IntoView {
    let reloaded = RwSignal::new(None::<Conversation>);
    let reload_error = RwSignal::new(None::<FetchError>);
    let reloading = RwSignal::new(false);
    Effect::new(move |_| {
        ui.selected.track();
        reloaded.set(None);
        reload_error.set(None);
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
        let conversation = current();
        conversation.map(|c| {
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
        let Some(id) = ui.selected.get_untracked() else {
            return;
        };
        let Some((query, demo_session)) = ui.session.with_value(|s| {
            s.as_ref()
                .map(|s| (s.export.borrow().query.clone(), s.demo))
        }) else {
            return;
        };
        reloading.set(true);
        reload_error.set(None);
        let key = if demo_session {
            demo::key(query.vendor)
        } else {
            ApiKey::new(ui.key.get_untracked().trim())
        };
        spawn_local(async move {
            let result = if demo_session {
                fetch_conversation(&query, &id, &demo::transport(), &BrowserClock, &key, 30_000)
                    .await
            } else {
                fetch_conversation(&query, &id, &FetchTransport, &BrowserClock, &key, 30_000).await
            };
            match result {
                Ok(conversation) => reloaded.set(Some(conversation)),
                Err(error) => reload_error.set(Some(error)),
            }
            reloading.set(false);
        });
    };
    let vendor_name = move || ui.view.with(|v| v.vendor.spec().name);
    view! {
        <section class="panel transcript" aria-labelledby="transcript-heading">
            {move || match conversation() {
                None => view! {
                    <h2 id="transcript-heading">"Transcript"</h2>
                    <p class="note">"Choose a conversation in the table to read it here."</p>
                }
                .into_any(),
                Some(conversation) => view! {
                    <h2 id="transcript-heading">
                        {conversation.title.clone().unwrap_or_else(|| format!("Conversation {}", conversation.id))}
                    </h2>
                    <Summary conversation=conversation.clone() />
                    <div class="actions">
                        <button type="button" class="secondary" disabled=move || reloading.get() on:click=reload>
                            {move || format!("Reload from {}", vendor_name())}
                        </button>
                        {move || reloaded.with(|r| r.is_some()).then(|| view! { <span class="status-note">"Reloaded just now."</span> })}
                    </div>
                    {move || reload_error.get().map(|error| view! {
                        <div class="error" role="alert">
                            <p>{error.summary.clone()}</p>
                            <details><summary>"Technical details"</summary><pre>{error.details.clone()}</pre></details>
                        </div>
                    })}
                    <Messages messages=conversation.messages.clone() />
                }
                .into_any(),
            }}
        </section>
    }
}

#[component]
fn Summary(conversation: Conversation) -> impl IntoView {
    let mut facts: Vec<(&'static str, String)> =
        vec![("Started", format::time(&conversation.started_at))];
    if let Some(status) = &conversation.status {
        facts.push(("Status", status.clone()));
    }
    if let Some(channel) = &conversation.channel {
        facts.push(("Channel", channel.clone()));
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
    if let Some(url) = &conversation.url {
        facts.push(("Page", url.clone()));
    }
    facts.push(("Id", conversation.id.clone()));
    view! {
        <dl class="facts">
            {facts
                .into_iter()
                .map(|(term, value)| view! { <div><dt>{term}</dt><dd>{value}</dd></div> })
                .collect_view()}
        </dl>
    }
}

#[component]
fn Messages(messages: Vec<Message>) -> impl IntoView {
    if messages.is_empty() {
        return view! { <p class="note">"This conversation has no messages."</p> }.into_any();
    }
    view! {
        <ol class="messages" aria-label="Messages">
            {messages.into_iter().map(|message| view! { <Bubble message=message /> }).collect_view()}
        </ol>
    }
    .into_any()
}

#[component]
fn Bubble(message: Message) -> impl IntoView {
    let role = message.role;
    let author = match (&message.author_name, role) {
        (Some(name), _) => format!("{} · {name}", role.label()),
        (None, _) => role.label().to_string(),
    };
    let products = (!message.product_ids.is_empty())
        .then(|| format!("Products shown: {}", message.product_ids.join(", ")));
    let cited = (!message.referenced_product_ids.is_empty()).then(|| {
        format!(
            "Products cited: {}",
            message.referenced_product_ids.join(", ")
        )
    });
    view! {
        <li class=format!("bubble {}", role.as_str())>
            <header>
                <span class="author">{author}</span>
                <time datetime=format::iso(&message.sent_at)>{format::time(&message.sent_at)}</time>
            </header>
            <p class="text">{message.text.clone()}</p>
            {products.map(|text| view! { <p class="products">{text}</p> })}
            {cited.map(|text| view! { <p class="products">{text}</p> })}
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
