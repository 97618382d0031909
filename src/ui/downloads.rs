//! Step 4: the files, one click each, and how CSV is written (separator, spreadsheet or database,
//! which columns in which order).

use std::collections::BTreeMap;

use leptos::prelude::*;

use super::{browser, session, Ui};
use crate::engine::clock::{BrowserClock, Clock};
use crate::engine::Export;
use crate::export::bundle::{ExportContext, ExportFile};
use crate::export::csv::{CsvOptions, Delimiter};
use crate::export::Table;
use crate::format;

/// What a download button makes.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Csv(Table),
    Json,
    Raw,
    All,
}

impl Kind {
    fn label(self) -> String {
        match self {
            Kind::Csv(table) => format!("{} CSV", table.label()),
            Kind::Json => "JSON".into(),
            Kind::Raw => "Raw NDJSON (as sent)".into(),
            Kind::All => "Download all (.zip)".into(),
        }
    }
}

fn build(
    export: &Export,
    kind: Kind,
    options: &CsvOptions,
    columns: &BTreeMap<String, Vec<String>>,
) -> ExportFile {
    let missing = export.missing();
    let context = ExportContext {
        query: &export.query,
        conversations: export.store.conversations(),
        warnings: &export.store.warnings,
        options,
        columns,
        exported_at: BrowserClock.wall(),
        missing: &missing,
    };
    match kind {
        Kind::Csv(table) => context.csv(table),
        Kind::Json => context.json(),
        Kind::Raw => context.raw(),
        Kind::All => context.zip(),
    }
}

/// A sentence about CSV cells or rows a spreadsheet cannot hold, if any.
fn report_note(file: &ExportFile) -> Option<String> {
    let report = file.report.as_ref()?;
    let mut notes = Vec::new();
    if report.truncated_cells > 0 {
        notes.push(format!(
            "{} cells were longer than a spreadsheet can hold and end with a \"cut\" marker; the JSON has them whole.",
            format::count(report.truncated_cells)
        ));
    }
    if report.rows_beyond_spreadsheet > 0 {
        notes.push(format!(
            "{} rows are past the 1,048,576 a spreadsheet shows; a database reads them all.",
            format::count(report.rows_beyond_spreadsheet)
        ));
    }
    (!notes.is_empty()).then(|| format!("{}: {}", file.name, notes.join(" ")))
}

#[component]
pub fn Downloads(ui: Ui) -> impl IntoView {
    let note = RwSignal::new(None::<String>);
    let tables = move || {
        ui.with_export(|e| {
            Table::ALL
                .into_iter()
                .filter(|t| t.applies(e.store.conversations()))
                .collect::<Vec<_>>()
        })
        .unwrap_or_default()
    };
    let save = move |kind: Kind| {
        let view = ui.view.get_untracked();
        let options = CsvOptions {
            delimiter: view.delimiter,
            for_spreadsheet: !view.for_database,
            columns: None,
        };
        let built = ui.session.with_value(|s| {
            s.as_ref()
                .map(|s| build(&s.export.borrow(), kind, &options, &view.columns))
        });
        if let Some(file) = built {
            browser::download_blob(&file.name, file.mime, &file.bytes.blob_parts());
            note.set(report_note(&file));
        }
    };
    let partial = Memo::new(move |_| session::partial(ui));
    // A partial set says so on every button: it must not pass for the whole export.
    let button = move |kind: Kind, class: &'static str| {
        view! {
            <button type="button" class=class class:partial=move || partial.with(Option::is_some) on:click=move |_| save(kind)>
                {kind.label()}
                {move || partial.get().map(|label| view! { <span class="partial-label">{format!(", {label}")}</span> })}
            </button>
        }
    };
    view! {
        <section class="panel" aria-labelledby="downloads-heading">
            <h2 id="downloads-heading">"4. Download"</h2>
            {move || partial.get().map(|label| view! {
                <p class="warning" data-partial="">
                    {format!("{label} conversations. The export has not finished: every file holds only what was fetched so far, and its name ends in _partial.")}
                </p>
            })}
            <div class="download-buttons">
                {move || tables().into_iter().map(|table| button(Kind::Csv(table), "download")).collect_view()}
                {button(Kind::Json, "download")}
                {button(Kind::Raw, "download")}
                {button(Kind::All, "download all")}
            </div>
            {move || note.get().map(|text| view! { <p class="note" role="status">{text}</p> })}
            <div class="csv-options">
                <div class="field">
                    <label for="delimiter">"CSV separator"</label>
                    <select
                        id="delimiter"
                        prop:value=move || ui.view.with(|v| v.delimiter.as_str())
                        on:change=move |event| {
                            let value = event_target_value(&event);
                            ui.view.update(|v| v.delimiter = Delimiter::parse(&value).unwrap_or_default());
                        }
                    >
                        {[
                            (Delimiter::Comma, "Comma (most spreadsheets)"),
                            (Delimiter::Semicolon, "Semicolon (Excel in Europe)"),
                            (Delimiter::Tab, "Tab"),
                        ]
                            .into_iter()
                            .map(|(delimiter, label)| view! {
                                <option value=delimiter.as_str() selected=move || ui.view.with(|v| v.delimiter == delimiter)>
                                    {label}
                                </option>
                            })
                            .collect_view()}
                    </select>
                </div>
                <label class="choice">
                    <input
                        type="checkbox"
                        prop:checked=move || ui.view.with(|v| v.for_database)
                        on:change=move |event| {
                            let checked = event_target_checked(&event);
                            ui.view.update(|v| v.for_database = checked);
                        }
                    />
                    "For a database, not a spreadsheet (no byte-order mark, text exactly as sent)"
                </label>
            </div>
            <ColumnPicker ui=ui />
        </section>
    }
}

/// Chooses and orders the columns of each CSV file; the choice is part of the page URL.
#[component]
fn ColumnPicker(ui: Ui) -> impl IntoView {
    let table = RwSignal::new(Table::Conversations);
    let available = Memo::new(move |_| {
        let table = table.get();
        ui.with_export(|e| table.column_names(e.store.conversations()))
            .unwrap_or_default()
    });
    // The chosen columns in order, or every column when nothing is chosen for this file.
    let chosen = move || {
        let kind = table.get().kind();
        ui.view
            .with(|v| v.columns.get(kind).cloned())
            .unwrap_or_else(|| available.get())
    };
    let set_chosen = move |names: Vec<String>| {
        let kind = table.get_untracked().kind().to_string();
        let all = available.get_untracked();
        ui.view.update(|v| {
            if names == all {
                v.columns.remove(&kind);
            } else {
                v.columns.insert(kind, names);
            }
        });
    };
    let toggle = move |name: String, on: bool| {
        let mut names = chosen();
        names.retain(|n| *n != name);
        if on {
            names.push(name);
        }
        set_chosen(names);
    };
    let shift = move |name: String, up: bool| {
        let mut names = chosen();
        if let Some(at) = names.iter().position(|n| *n == name) {
            let other = if up {
                at.checked_sub(1)
            } else {
                (at + 1 < names.len()).then_some(at + 1)
            };
            if let Some(other) = other {
                names.swap(at, other);
                set_chosen(names);
            }
        }
    };
    let rows = move || {
        let picked = chosen();
        let rest: Vec<String> = available
            .get()
            .into_iter()
            .filter(|n| !picked.contains(n))
            .collect();
        picked.into_iter().chain(rest).collect::<Vec<_>>()
    };
    let is_on = move |name: &str| chosen().iter().any(|n| n == name);
    view! {
        <details class="column-picker">
            <summary>"Choose and order CSV columns"</summary>
            <div class="field">
                <label for="columns-file">"File"</label>
                <select id="columns-file" on:change=move |event| {
                    if let Some(chosen) = Table::from_kind(&event_target_value(&event)) {
                        table.set(chosen);
                    }
                }>
                    {Table::ALL.into_iter().map(|t| view! {
                        <option value=t.kind() selected=move || table.get() == t>{format!("{}.csv", t.kind())}</option>
                    }).collect_view()}
                </select>
            </div>
            // Keyed by name, so checking or moving a column keeps its elements (and the focus).
            <ol class="columns">
                <For each=rows key=|name| name.clone() let:name>
                    {
                        let (toggled, checked, up, down, shown) = (name.clone(), name.clone(), name.clone(), name.clone(), name.clone());
                        let (off_up, off_down, off_class) = (name.clone(), name.clone(), name.clone());
                        let up_id = format!("column-up-{name}");
                        let down_id = format!("column-down-{name}");
                        let (focus_up, focus_down) = (up_id.clone(), down_id.clone());
                        view! {
                            <li class:off=move || !is_on(&off_class)>
                                <label class="choice">
                                    <input
                                        type="checkbox"
                                        prop:checked=move || is_on(&checked)
                                        on:change=move |event| toggle(toggled.clone(), event_target_checked(&event))
                                    />
                                    <code>{shown}</code>
                                </label>
                                <button
                                    type="button"
                                    class="icon"
                                    id=up_id
                                    disabled=move || !is_on(&off_up)
                                    aria-label=format!("Move {name} up")
                                    on:click=move |_| {
                                        shift(up.clone(), true);
                                        // After the list has moved the row: a moved element loses focus.
                                        let target = focus_up.clone();
                                        request_animation_frame(move || browser::focus(&target));
                                    }
                                >
                                    "↑"
                                </button>
                                <button
                                    type="button"
                                    class="icon"
                                    id=down_id
                                    disabled=move || !is_on(&off_down)
                                    aria-label=format!("Move {name} down")
                                    on:click=move |_| {
                                        shift(down.clone(), false);
                                        // After the list has moved the row: a moved element loses focus.
                                        let target = focus_down.clone();
                                        request_animation_frame(move || browser::focus(&target));
                                    }
                                >
                                    "↓"
                                </button>
                            </li>
                        }
                    }
                </For>
            </ol>
            <button type="button" class="secondary" on:click=move |_| set_chosen(available.get_untracked())>"Use every column"</button>
        </details>
    }
}
