//! The few browser APIs the UI needs: the address bar, downloads, the clipboard.

use js_sys::{Array, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Blob, BlobPropertyBag, HtmlAnchorElement, Url};

fn window() -> web_sys::Window {
    web_sys::window().expect("the app runs in a window")
}

/// The page's query string, without `?`.
pub fn query() -> String {
    window()
        .location()
        .search()
        .unwrap_or_default()
        .trim_start_matches('?')
        .to_string()
}

fn address_with(query: &str) -> String {
    let location = window().location();
    let path = location.pathname().unwrap_or_default();
    if query.is_empty() {
        path
    } else {
        format!("{path}?{query}")
    }
}

/// Rewrites the address bar without a new history entry.
pub fn replace_query(query: &str) {
    if self::query() != query {
        let _ = window().history().and_then(|history| {
            history.replace_state_with_url(
                &wasm_bindgen::JsValue::NULL,
                "",
                Some(&address_with(query)),
            )
        });
    }
}

/// Adds a history entry, so Back returns to the previous view.
pub fn push_query(query: &str) {
    if self::query() != query {
        let _ = window().history().and_then(|history| {
            history.push_state_with_url(
                &wasm_bindgen::JsValue::NULL,
                "",
                Some(&address_with(query)),
            )
        });
    }
}

pub fn page_url() -> String {
    window().location().href().unwrap_or_default()
}

/// Saves `bytes` as a file. The object URL is revoked a minute later, not at once: Firefox and
/// Safari lose the download if it is revoked right after the click.
pub fn download(file_name: &str, mime: &str, bytes: &[u8]) {
    let parts = Array::new();
    parts.push(&Uint8Array::from(bytes));
    download_blob(file_name, mime, &parts);
}

/// Saves a file given as `Blob` parts (the chunks of an export buffer), without joining them.
pub fn download_blob(file_name: &str, mime: &str, parts: &Array) {
    let options = BlobPropertyBag::new();
    options.set_type(mime);
    let Ok(blob) = Blob::new_with_u8_array_sequence_and_options(parts, &options) else {
        return;
    };
    let Ok(url) = Url::create_object_url_with_blob(&blob) else {
        return;
    };
    let document = window().document().expect("a window has a document");
    if let Ok(anchor) = document.create_element("a") {
        let anchor: HtmlAnchorElement = anchor.unchecked_into();
        anchor.set_href(&url);
        anchor.set_download(file_name);
        anchor.set_rel("noopener");
        if let Some(body) = document.body() {
            let _ = body.append_child(&anchor);
            anchor.click();
            let _ = body.remove_child(&anchor);
        }
    }
    gloo_timers::callback::Timeout::new(60_000, move || {
        let _ = Url::revoke_object_url(&url);
    })
    .forget();
}

/// Copies text to the clipboard; resolves to whether it worked. The Clipboard API exists only in
/// a secure context (https or loopback): a page served over plain http from a host name has no
/// `navigator.clipboard` in any engine. There, and where the API refuses, the text is copied as
/// a person would, selected in a text area, still within the click that asked for it.
pub async fn copy_text(text: &str) -> bool {
    let navigator = window().navigator();
    if let Some(clipboard) = navigator.unchecked_ref::<NavigatorClipboard>().clipboard() {
        if let Ok(written) = clipboard.write_text(text) {
            if wasm_bindgen_futures::JsFuture::from(written).await.is_ok() {
                return true;
            }
        }
    }
    copy_by_selection(text)
}

#[wasm_bindgen]
extern "C" {
    /// The navigator, for its `clipboard`, which is `undefined` outside a secure context.
    type NavigatorClipboard;
    #[wasm_bindgen(method, getter)]
    fn clipboard(this: &NavigatorClipboard) -> Option<Clipboard>;

    type Clipboard;
    #[wasm_bindgen(method, catch, js_name = writeText)]
    fn write_text(this: &Clipboard, text: &str) -> Result<js_sys::Promise, JsValue>;

    /// The document, for `execCommand`: the copy every engine still honours during a click.
    type CommandDocument;
    #[wasm_bindgen(method, catch, js_name = execCommand)]
    fn exec_command(this: &CommandDocument, command: &str) -> Result<bool, JsValue>;

    /// A text area, for `select()`.
    type SelectableText;
    #[wasm_bindgen(method)]
    fn select(this: &SelectableText);
}

/// Copies `text` from an off-screen, selected text area (`.copy-buffer` in the style sheet),
/// then gives the focus back to where it was.
fn copy_by_selection(text: &str) -> bool {
    let Some(document) = window().document() else {
        return false;
    };
    let (Some(body), Ok(area)) = (document.body(), document.create_element("textarea")) else {
        return false;
    };
    let focused = document.active_element();
    area.set_text_content(Some(text));
    area.set_class_name("copy-buffer");
    let _ = area.set_attribute("readonly", "");
    let _ = area.set_attribute("aria-hidden", "true");
    let _ = area.set_attribute("tabindex", "-1");
    if body.append_child(&area).is_err() {
        return false;
    }
    area.unchecked_ref::<SelectableText>().select();
    let copied = document
        .unchecked_ref::<CommandDocument>()
        .exec_command("copy")
        .unwrap_or(false);
    let _ = body.remove_child(&area);
    if let Some(element) = focused.and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok()) {
        let _ = element.focus();
    }
    copied
}

/// Moves keyboard focus to the element with this id, if it exists.
pub fn focus(id: &str) {
    if let Some(element) = window().document().and_then(|d| d.get_element_by_id(id)) {
        if let Ok(element) = element.dyn_into::<web_sys::HtmlElement>() {
            let _ = element.focus();
        }
    }
}

/// Today in the user's own time zone.
pub fn today() -> Option<chrono::NaiveDate> {
    let now = js_sys::Date::new_0();
    chrono::NaiveDate::from_ymd_opt(
        now.get_full_year() as i32,
        now.get_month() + 1,
        now.get_date(),
    )
}

/// The user's offset from UTC now, in minutes east (`getTimezoneOffset` counts them west).
pub fn utc_offset_minutes() -> i32 {
    -(js_sys::Date::new_0().get_timezone_offset() as i32)
}

/// Whether the page is as narrow as a phone: there, some views take the whole screen.
pub fn is_narrow() -> bool {
    window()
        .match_media("(max-width: 700px)")
        .ok()
        .flatten()
        .is_some_and(|query| query.matches())
}

pub fn scroll_to_top() {
    window().scroll_to_with_x_and_y(0.0, 0.0);
}

/// Moves the focus to the button of a conversation's row in the preview, and the row into view.
pub fn focus_row(conversation_id: &str) {
    let selector = format!(
        "tr[data-conversation-id=\"{}\"] button",
        conversation_id.replace('"', "\\\"")
    );
    if let Some(button) = window()
        .document()
        .and_then(|d| d.query_selector(&selector).ok().flatten())
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
    {
        button.scroll_into_view();
        let _ = button.focus();
    }
}

/// The page's own origin (`https://tools.example.com`), which a relay must allow.
pub fn page_origin() -> String {
    window().location().origin().unwrap_or_default()
}
