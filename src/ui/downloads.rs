//! Step 4: the files, one click each, and how CSV is written (separator, spreadsheet or database,
//! which columns in which order).

use leptos::prelude::*;
use leptos::task::spawn_local;

use super::{browser, session, Ui};
use crate::engine::clock::{BrowserClock, Clock};
use crate::export::bundle::{ExportFile, Files};
use crate::export::csv::Delimiter;
use crate::export::files::DataFile;
use crate::export::source::ReadError;
use crate::export::Table;
use crate::format;
use crate::store::readback::StoredSource;
use crate::store::Locations;
use crate::view_state::ViewState;

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

/// Writes one of the files of the export the results show, reading its conversations back
/// from where its pages are kept, a batch at a time.
async fn build(ui: Ui, kind: Kind) -> Option<Result<ExportFile, ReadError>> {
    let view = ui.view.get_untracked();
    let options = view.csv_options();
    let shown = untrack(|| ui.shown_days());
    // Where the records are, taken now: the export may go on running while the file is written.
    let (query, located, contents, warnings, missing, kept) = ui.session.with_value(|s| {
        let s = s.as_ref()?;
        let export = s.before_update.as_ref().unwrap_or(&s.export).borrow();
        Some((
            export.query.clone(),
            Locations::all(shown.apply(export.store.conversations())),
            export.store.contents.clone(),
            export.store.warnings.clone(),
            export.missing(),
            s.kept.clone(),
        ))
    })?;
    let mut files = Files {
        query: &query,
        source: StoredSource::new(located, &contents, &warnings, kept),
        options: &options,
        columns: &view.columns,
        exported_at: BrowserClock.wall(),
        missing: &missing,
        shown,
    };
    Some(match kind {
        Kind::Csv(table) => files.file(DataFile::Csv(table)).await,
        Kind::Json => files.file(DataFile::Json).await,
        Kind::Raw => files.file(DataFile::Raw).await,
        Kind::All => files.zip().await,
    })
}

/// Makes a file and hands it to the browser; `note` says how it went.
fn save(ui: Ui, kind: Kind) {
    let (note, busy) = (ui.download_note, ui.downloading);
    if busy.get_untracked().is_some() {
        return;
    }
    busy.set(Some(format!("Preparing {}…", kind.label())));
    spawn_local(async move {
        let built = build(ui, kind).await;
        busy.set(None);
        match built {
            Some(Ok(file)) => {
                browser::download_blob(&file.name, file.mime, &file.bytes.blob_parts());
                note.set(report_note(&file));
            }
            Some(Err(failed)) => note.set(Some(format!(
                "The file could not be written: a saved page could not be read back ({}). Reopen the export from the list and try again.",
                failed.0
            ))),
            None => {}
        }
    });
}

/// Downloads every file at once (the zip), as "Download all" does.
pub fn download_all(ui: Ui) {
    save(ui, Kind::All);
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
    let (note, busy) = (ui.download_note, ui.downloading);
    let tables = move || {
        ui.with_export(|e| {
            Table::ALL
                .into_iter()
                .filter(|t| t.offered(ui.view.with(ViewState::layout), &e.store.contents))
                .collect::<Vec<_>>()
        })
        .unwrap_or_default()
    };
    let partial = Memo::new(move |_| session::partial(ui));
    // A partial set says so on every button: it must not pass for the whole export.
    let button = move |kind: Kind, class: &'static str| {
        view! {
            <button type="button" class=class class:partial=move || partial.with(Option::is_some) disabled=move || busy.with(Option::is_some) on:click=move |_| save(ui, kind)>
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
                    {format!("{label}. The export has not finished: every file holds only what was fetched so far, and its name ends in _partial.")}
                </p>
            })}
            <super::narrow::NarrowByDate ui=ui />
            <div class="download-buttons">
                {move || tables().into_iter().map(|table| button(Kind::Csv(table), "download")).collect_view()}
                {button(Kind::Json, "download")}
                {button(Kind::Raw, "download")}
                {button(Kind::All, "download all")}
            </div>
            {move || busy.get().map(|text| view! { <p class="note" role="status" aria-busy="true">{text}</p> })}
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
                <label class="choice">
                    <input
                        type="checkbox"
                        prop:checked=move || ui.view.with(|v| v.same_columns)
                        on:change=move |event| {
                            let checked = event_target_checked(&event);
                            ui.view.update(|v| v.same_columns = checked);
                        }
                    />
                    "Same columns for every vendor (to combine exports of several vendors in one table)"
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
    // Only the files this export has.
    let offered = move || {
        ui.with_export(|e| {
            let layout = ui.view.with(ViewState::layout);
            Table::ALL
                .into_iter()
                .filter(|t| t.offered(layout, &e.store.contents))
                .collect::<Vec<_>>()
        })
        .unwrap_or_default()
    };
    let available = Memo::new(move |_| {
        let table = table.get();
        ui.with_export(|e| table.column_names(ui.view.with(ViewState::layout), &e.store.contents))
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
                    {move || offered().into_iter().map(|t| view! {
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
