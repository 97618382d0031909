//! The browser's own storage (IndexedDB), where exports are kept as they arrive: one record per
//! saved export (`exports`), and its journal, one record per entry (`entries`, keyed by export
//! and entry number). IndexedDB is in every engine; nothing here needs more.
//!
//! An entry is kept as its line's UTF-8 bytes: a Mindo page is megabytes, and as a string it
//! would take twice its size in the JavaScript heap (any character past Latin-1 makes the
//! whole string two bytes a character), and be copied into WebAssembly at up to three bytes a
//! character before shrinking. Entries kept as strings by earlier versions still read.
//!
//! Written over web-sys: the app needs five operations (open, put, get, get a range, delete a
//! range), a promise around a request does them all, and the IndexedDB crates bring several
//! dependencies to the WebAssembly bundle for the same.

use std::future::Future;
use std::rc::Rc;

use js_sys::{Array, Promise, Uint8Array};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    DomException, IdbDatabase, IdbKeyRange, IdbObjectStore, IdbOpenDbRequest, IdbRequest,
    IdbTransaction, IdbTransactionMode,
};

use super::readback::{room_for, Pages, StoredPage};
use crate::export::source::ReadError;
use crate::journal::{EntryRef, Journal, StorageError, Write};
use crate::model::Timestamp;
use crate::saved::SavedExport;
use crate::vendors::{Page, Task};

const NAME: &str = "conversation-export";
const VERSION: u32 = 1;
const EXPORTS: &str = "exports";
const ENTRIES: &str = "entries";

/// Why storage refused: full (`QuotaExceededError`), or something else.
fn refusal(error: JsValue) -> StorageError {
    let exception = error.dyn_ref::<DomException>();
    let name = exception.map(DomException::name).unwrap_or_default();
    let message = exception
        .map(DomException::message)
        .or_else(|| error.as_string())
        .unwrap_or_else(|| "the browser's storage failed".into());
    StorageError {
        full: name == "QuotaExceededError",
        detail: format!("{name}: {message}")
            .trim_start_matches(": ")
            .to_string(),
    }
}

/// An entry's line as IndexedDB keeps it: its bytes.
fn stored_line(line: &str) -> Uint8Array {
    Uint8Array::from(line.as_bytes())
}

/// An entry's line as read from IndexedDB, into `buffer` (see `Pages::read`).
fn line_into(value: &JsValue, buffer: Vec<u8>) -> Option<String> {
    match value.dyn_ref::<Uint8Array>() {
        Some(bytes) => {
            let len = bytes.length() as usize;
            let mut buffer = room_for(buffer, len);
            // Copied straight into the spare capacity, not zeroed first: a page is megabytes,
            // and a file reads pages back hundreds of times.
            bytes.copy_to_uninit(&mut buffer.spare_capacity_mut()[..len]);
            // SAFETY: `copy_to_uninit` initialised the first `len` bytes (it panics unless it
            // fills the whole slice it is given).
            unsafe { buffer.set_len(len) };
            String::from_utf8(buffer).ok()
        }
        None => value.as_string(),
    }
}

/// An entry's line as read from IndexedDB: bytes, or a string written by an earlier version.
fn line_of(value: &JsValue) -> Option<String> {
    match value.dyn_ref::<Uint8Array>() {
        Some(bytes) => String::from_utf8(bytes.to_vec()).ok(),
        None => value.as_string(),
    }
}

/// A promise and the two functions that settle it.
fn promise() -> (Promise, js_sys::Function, js_sys::Function) {
    let mut settle = None;
    let promise = Promise::new(&mut |resolve, reject| settle = Some((resolve, reject)));
    let (resolve, reject) = settle.expect("the executor runs at once");
    (promise, resolve, reject)
}

type Handler = Closure<dyn FnMut(web_sys::Event)>;

/// What settles or fails, with a handler for each (`None` removes them).
trait Handled {
    fn set(&self, settled: Option<&js_sys::Function>, failed: Option<&js_sys::Function>);
}

impl Handled for IdbRequest {
    fn set(&self, settled: Option<&js_sys::Function>, failed: Option<&js_sys::Function>) {
        self.set_onsuccess(settled);
        self.set_onerror(failed);
    }
}

impl Handled for IdbTransaction {
    fn set(&self, settled: Option<&js_sys::Function>, failed: Option<&js_sys::Function>) {
        self.set_oncomplete(settled);
        self.set_onabort(failed);
    }
}

/// Two event handlers, set at once (an event may fire before the future is first polled) and
/// removed and freed when the future that owns them ends, settled or dropped half way. A
/// handler that is never called and never freed keeps what it holds alive for good: holding its
/// request, it kept every journal entry ever read back, and writing a large export's CSV grew
/// the JavaScript heap by 100 MB a second until the tab crashed.
struct Handlers<T: Handled> {
    target: T,
    _handlers: (Handler, Handler),
}

impl<T: Handled> Handlers<T> {
    /// Sets both handlers on `target`, for as long as these live.
    fn on(target: T, settled: Handler, failed: Handler) -> Self {
        target.set(
            Some(settled.as_ref().unchecked_ref()),
            Some(failed.as_ref().unchecked_ref()),
        );
        Handlers {
            target,
            _handlers: (settled, failed),
        }
    }

    /// `promise` (which the handlers settle), freeing them once it has settled or is dropped.
    fn until(self, promise: Promise) -> impl Future<Output = Result<JsValue, JsValue>> {
        let settled = JsFuture::from(promise);
        async move {
            let result = settled.await;
            drop(self);
            result
        }
    }
}

impl<T: Handled> Drop for Handlers<T> {
    fn drop(&mut self) {
        self.target.set(None, None);
    }
}

/// Resolves with a request's result, or rejects with its error.
fn settled(request: &IdbRequest) -> impl Future<Output = Result<JsValue, JsValue>> {
    let (promise, resolve, reject) = promise();
    let on_success = Handler::new(move |event: web_sys::Event| {
        let result = event
            .target()
            .and_then(|target| target.dyn_into::<IdbRequest>().ok())
            .and_then(|request| request.result().ok())
            .unwrap_or(JsValue::UNDEFINED);
        let _ = resolve.call1(&JsValue::NULL, &result);
    });
    let on_error = Handler::new(move |event: web_sys::Event| {
        // Handled here: the transaction's own error follows.
        event.prevent_default();
        let error = event
            .target()
            .and_then(|target| target.dyn_into::<IdbRequest>().ok())
            .and_then(|request| request.error().ok().flatten())
            .map(JsValue::from)
            .unwrap_or(JsValue::UNDEFINED);
        let _ = reject.call1(&JsValue::NULL, &error);
    });
    Handlers::on(request.clone(), on_success, on_error).until(promise)
}

/// Resolves once a transaction is kept (complete), or rejects when it aborted (a full quota
/// shows here).
fn committed(transaction: &IdbTransaction) -> impl Future<Output = Result<JsValue, JsValue>> {
    let (promise, resolve, reject) = promise();
    let on_complete = Handler::new(move |_: web_sys::Event| {
        let _ = resolve.call0(&JsValue::NULL);
    });
    let on_abort = Handler::new(move |event: web_sys::Event| {
        let error = event
            .target()
            .and_then(|target| target.dyn_into::<IdbTransaction>().ok())
            .and_then(|transaction| transaction.error())
            .map(JsValue::from)
            .unwrap_or(JsValue::UNDEFINED);
        let _ = reject.call1(&JsValue::NULL, &error);
    });
    Handlers::on(transaction.clone(), on_complete, on_abort).until(promise)
}

fn entry_key(export: &str, entry: u32) -> JsValue {
    Array::of2(&JsValue::from_str(export), &JsValue::from(entry)).into()
}

/// Every entry of one export, as a key range.
fn entries_of(export: &str) -> Result<IdbKeyRange, JsValue> {
    IdbKeyRange::bound(&entry_key(export, 0), &entry_key(export, u32::MAX))
}

/// The database, shared by the run that writes and the files that read.
#[derive(Clone)]
pub struct Storage {
    db: Rc<IdbDatabase>,
}

impl Storage {
    pub async fn open() -> Result<Storage, StorageError> {
        let factory = web_sys::window()
            .and_then(|w| w.indexed_db().ok().flatten())
            .ok_or_else(|| StorageError {
                full: false,
                detail: "this browser offers no IndexedDB".into(),
            })?;
        let request: IdbOpenDbRequest = factory.open_with_u32(NAME, VERSION).map_err(refusal)?;
        let upgrading = request.clone();
        let on_upgrade = Closure::once_into_js(move |_: web_sys::Event| {
            if let Ok(db) = upgrading.result().and_then(|r| r.dyn_into::<IdbDatabase>()) {
                let _ = db.create_object_store(EXPORTS);
                let _ = db.create_object_store(ENTRIES);
            }
        });
        request.set_onupgradeneeded(Some(on_upgrade.unchecked_ref()));
        let db = settled(&request).await.map_err(refusal)?;
        Ok(Storage {
            db: Rc::new(db.unchecked_into()),
        })
    }

    fn store(
        &self,
        name: &str,
        mode: IdbTransactionMode,
    ) -> Result<(IdbTransaction, IdbObjectStore), JsValue> {
        let transaction = self.db.transaction_with_str_and_mode(name, mode)?;
        let store = transaction.object_store(name)?;
        Ok((transaction, store))
    }

    /// Saves (or updates) what the list of saved exports shows of one.
    pub async fn save(&self, export: &SavedExport) -> Result<(), StorageError> {
        let text = serde_json::to_string(export).expect("a saved export serialises");
        let (transaction, store) = self
            .store(EXPORTS, IdbTransactionMode::Readwrite)
            .map_err(refusal)?;
        store
            .put_with_key(&JsValue::from_str(&text), &JsValue::from_str(&export.id))
            .map_err(refusal)?;
        committed(&transaction).await.map(drop).map_err(refusal)
    }

    /// The exports saved on this device, newest first.
    pub async fn saved(&self) -> Result<Vec<SavedExport>, StorageError> {
        let (_, store) = self
            .store(EXPORTS, IdbTransactionMode::Readonly)
            .map_err(refusal)?;
        let all = settled(&store.get_all().map_err(refusal)?)
            .await
            .map_err(refusal)?;
        let mut exports: Vec<SavedExport> = Array::from(&all)
            .iter()
            .filter_map(|text| text.as_string())
            .filter_map(|text| serde_json::from_str(&text).ok())
            .collect();
        exports.sort_by_key(|export| std::cmp::Reverse(export.updated_at));
        Ok(exports)
    }

    /// Deletes a saved export and its journal.
    pub async fn delete(&self, export: &str) -> Result<(), StorageError> {
        let transaction = self
            .db
            .transaction_with_str_sequence_and_mode(
                &Array::of2(&EXPORTS.into(), &ENTRIES.into()),
                IdbTransactionMode::Readwrite,
            )
            .map_err(refusal)?;
        let exports = transaction.object_store(EXPORTS).map_err(refusal)?;
        exports
            .delete(&JsValue::from_str(export))
            .map_err(refusal)?;
        let entries = transaction.object_store(ENTRIES).map_err(refusal)?;
        entries
            .delete(&entries_of(export).map_err(refusal)?.into())
            .map_err(refusal)?;
        committed(&transaction).await.map(drop).map_err(refusal)
    }

    /// Writes entry `entry` of `export`, done once it is kept.
    pub fn append(
        &self,
        export: &str,
        entry: u32,
        line: String,
    ) -> impl Future<Output = Result<(), StorageError>> {
        let started =
            self.store(ENTRIES, IdbTransactionMode::Readwrite)
                .and_then(|(transaction, store)| {
                    store.put_with_key(&stored_line(&line), &entry_key(export, entry))?;
                    Ok(committed(&transaction))
                });
        async move { started.map_err(refusal)?.await.map(drop).map_err(refusal) }
    }

    /// Up to `count` entries of an export from entry `from` on, in order, each with its
    /// number: a replay reads a few at a time (a Mindo page is megabytes), so memory holds a
    /// handful, not the whole export.
    pub async fn entries(
        &self,
        export: &str,
        from: u32,
        count: u32,
    ) -> Result<Vec<(u32, String)>, StorageError> {
        let (_, store) = self
            .store(ENTRIES, IdbTransactionMode::Readonly)
            .map_err(refusal)?;
        let range = IdbKeyRange::bound(&entry_key(export, from), &entry_key(export, u32::MAX))
            .map_err(refusal)?;
        let keys = store
            .get_all_keys_with_key_and_limit(&range, count)
            .map_err(refusal)?;
        let values = store
            .get_all_with_key_and_limit(&range, count)
            .map_err(refusal)?;
        let keys = Array::from(&settled(&keys).await.map_err(refusal)?);
        let values = Array::from(&settled(&values).await.map_err(refusal)?);
        Ok(keys
            .iter()
            .zip(values.iter())
            .filter_map(|(key, value)| {
                let number = Array::from(&key).get(1).as_f64()? as u32;
                Some((number, line_of(&value)?))
            })
            .collect())
    }

    /// The number the next entry of an export's journal gets: one past its last.
    pub async fn next_entry(&self, export: &str) -> Result<u32, StorageError> {
        let (_, store) = self
            .store(ENTRIES, IdbTransactionMode::Readonly)
            .map_err(refusal)?;
        let range = entries_of(export).map_err(refusal)?;
        let keys = settled(&store.get_all_keys_with_key(&range).map_err(refusal)?)
            .await
            .map_err(refusal)?;
        let last = Array::from(&keys).pop();
        Ok(if last.is_undefined() {
            0
        } else {
            Array::from(&last).get(1).as_f64().unwrap_or(0.0) as u32 + 1
        })
    }

    /// One entry of an export, read into `buffer`.
    pub async fn entry(
        &self,
        export: &str,
        entry: u32,
        buffer: Vec<u8>,
    ) -> Result<String, ReadError> {
        let (_, store) = self
            .store(ENTRIES, IdbTransactionMode::Readonly)
            .map_err(|e| ReadError(refusal(e).detail))?;
        let request = store
            .get(&entry_key(export, entry))
            .map_err(|e| ReadError(refusal(e).detail))?;
        let value = settled(&request)
            .await
            .map_err(|e| ReadError(refusal(e).detail))?;
        line_into(&value, buffer).ok_or_else(|| ReadError(format!("entry {entry} is missing")))
    }
}

/// An export's journal in the browser's storage.
pub struct StoredJournal {
    pub storage: Storage,
    pub export: String,
    /// The number the next entry gets.
    pub next: Rc<std::cell::Cell<u32>>,
}

impl StoredJournal {
    pub fn new(storage: Storage, export: String, next: u32) -> Self {
        StoredJournal {
            storage,
            export,
            next: Rc::new(std::cell::Cell::new(next)),
        }
    }

    fn append(&mut self, entry: EntryRef<'_>) -> Write {
        let number = self.next.get();
        self.next.set(number + 1);
        let next = self.next.clone();
        let write = self.storage.append(&self.export, number, entry.to_line());
        Box::pin(async move {
            match write.await {
                Ok(()) => Ok(number),
                Err(refused) => {
                    // Not kept: the number goes to the next entry that is (the engine waits
                    // for each write before the next), so the journal has no gap.
                    next.set(number);
                    Err(refused)
                }
            }
        })
    }

    /// Writes what a run asks: the first entry of the export, or of a run of only what changed.
    pub fn begin(&mut self, started: EntryRef<'_>) -> Write {
        self.append(started)
    }
}

impl Journal for StoredJournal {
    fn page(&mut self, task: &Task, page: &Page) -> Write {
        self.append(EntryRef::page(task, page))
    }

    fn partial(
        &mut self,
        task: &Task,
        records: &[Box<serde_json::value::RawValue>],
        fetched_at: Timestamp,
    ) -> Write {
        self.append(EntryRef::Partial {
            task,
            records,
            fetched_at: Some(fetched_at),
        })
    }
}

/// An export's journal pages in the browser's storage, read back by entry.
pub struct StoredPages {
    pub storage: Storage,
    pub export: String,
}

impl Pages for StoredPages {
    async fn read(&mut self, entry: u32, buffer: Vec<u8>) -> Result<StoredPage, ReadError> {
        StoredPage::parse(self.storage.entry(&self.export, entry, buffer).await?)
    }
}

/// What the browser says of its storage: used and allowed bytes, where it says (WebKitGTK has
/// no `navigator.storage`).
pub async fn estimate() -> Option<(f64, f64)> {
    let storage = navigator_storage()?;
    let estimate = JsFuture::from(storage.estimate().ok()?).await.ok()?;
    let number = |name: &str| js_sys::Reflect::get(&estimate, &name.into()).ok()?.as_f64();
    Some((number("usage")?, number("quota")?))
}

/// Asks the browser to keep this site's data even when space runs low; whether it will.
pub async fn persist() -> Option<bool> {
    let storage = navigator_storage()?;
    JsFuture::from(storage.persist().ok()?)
        .await
        .ok()?
        .as_bool()
}

fn navigator_storage() -> Option<web_sys::StorageManager> {
    let navigator = web_sys::window()?.navigator();
    let storage = js_sys::Reflect::get(&navigator, &"storage".into()).ok()?;
    (!storage.is_undefined()).then(|| storage.unchecked_into())
}
