//! What only a browser shows: `fetch` against the simulator server over real HTTP, cross-origin
//! (the test page and the simulator are on different ports), with CORS, streamed bodies,
//! timeouts and hidden headers. Run by scripts/test.sh with the simulator on SIM_ORIGIN.
#![cfg(target_arch = "wasm32")]

use std::cell::RefCell;

use conversation_export::destination::ScopedKey;
use conversation_export::engine::cancel::CancelToken;
use conversation_export::engine::clock::BrowserClock;
use conversation_export::engine::{run, Export, RunStatus, Settings};
use conversation_export::error::ErrorKind;
use conversation_export::http::Request;
use conversation_export::secret::ApiKey;
use conversation_export::transport::web::FetchTransport;
use conversation_export::transport::{read_to_end, Transport, TransportError};
use conversation_export::vendors::{ExportQuery, VendorId};
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn sim_origin() -> &'static str {
    option_env!("SIM_ORIGIN").unwrap_or("http://127.0.0.1:18787")
}

fn humind_base() -> String {
    VendorId::Humind.simulator_base_url(sim_origin())
}

/// Sets the simulator's faults (request numbers count from this call).
async fn set_faults(query: &str) {
    let window = web_sys::window().unwrap();
    let init = web_sys::RequestInit::new();
    init.set_method("POST");
    let reset = window.fetch_with_str_and_init(&format!("{}/_sim/reset", sim_origin()), &init);
    JsFuture::from(reset).await.unwrap();
    let init = web_sys::RequestInit::new();
    init.set_method("POST");
    let set =
        window.fetch_with_str_and_init(&format!("{}/_sim/faults?{query}", sim_origin()), &init);
    JsFuture::from(set).await.unwrap();
}

async fn dataset_ids() -> Vec<String> {
    let window = web_sys::window().unwrap();
    let response: web_sys::Response =
        JsFuture::from(window.fetch_with_str(&format!("{}/_sim/dataset/humind", sim_origin())))
            .await
            .unwrap()
            .unchecked_into();
    let text = JsFuture::from(response.text().unwrap())
        .await
        .unwrap()
        .as_string()
        .unwrap();
    let value: serde_json::Value = serde_json::from_str(&text).unwrap();
    value
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["humind_id"].as_str().unwrap().to_string())
        .collect()
}

fn list_request(key: &str) -> Request {
    let mut request = Request::get(
        &humind_base(),
        "/conversations",
        &[("limit".into(), "5".into())],
    );
    request
        .headers
        .push(("Authorization".into(), format!("Bearer {key}")));
    request
}

/// A whole Humind export from the simulator server, through the browser's fetch and clock.
async fn export_humind(key: &str) -> RefCell<Export> {
    let mut query = ExportQuery::new(VendorId::Humind);
    query.base_url = humind_base();
    let export = RefCell::new(Export::new(query, Settings::default()));
    let key = ScopedKey::for_base_url(ApiKey::new(key), &humind_base()).unwrap();
    run(
        &export,
        &FetchTransport,
        &BrowserClock,
        &key,
        &CancelToken::new(),
        &mut || {},
    )
    .await;
    export
}

#[wasm_bindgen_test]
async fn fetch_reads_a_cross_origin_page() {
    set_faults("").await;
    let (head, mut body) = FetchTransport
        .send(&list_request(sim::humind::VALID_KEY), 10_000)
        .await
        .unwrap();
    assert_eq!(head.status, 200);
    assert_eq!(head.header("content-type"), Some("application/json"));
    let bytes = read_to_end(&mut body).await.unwrap();
    let value: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(value["data"].as_array().unwrap().len(), 5);
}

#[wasm_bindgen_test]
async fn retry_after_is_readable_only_when_exposed() {
    set_faults("at=0:429:7,1:429:7:hidden").await;
    let (head, _) = FetchTransport
        .send(&list_request(sim::humind::VALID_KEY), 10_000)
        .await
        .unwrap();
    assert_eq!(head.status, 429);
    assert_eq!(head.header("retry-after"), Some("7"));
    let (head, _) = FetchTransport
        .send(&list_request(sim::humind::VALID_KEY), 10_000)
        .await
        .unwrap();
    assert_eq!(head.status, 429);
    assert_eq!(
        head.header("retry-after"),
        None,
        "not exposed: the browser hides it"
    );
    set_faults("").await;
}

#[wasm_bindgen_test]
async fn slow_answers_time_out() {
    set_faults("at=0:slow").await;
    let started = js_sys::Date::now();
    let result = FetchTransport
        .send(&list_request(sim::humind::VALID_KEY), 300)
        .await;
    assert!(
        matches!(result, Err(TransportError::Timeout)),
        "{:?}",
        result.err()
    );
    assert!(js_sys::Date::now() - started < 5_000.0);
    set_faults("").await;
}

#[wasm_bindgen_test]
async fn unreachable_hosts_are_network_errors() {
    let mut request = list_request(sim::humind::VALID_KEY);
    request.url = "http://127.0.0.1:9/humind/public/v1/conversations".into();
    let result = FetchTransport.send(&request, 5_000).await;
    assert!(
        matches!(result, Err(TransportError::Network(_))),
        "{:?}",
        result.err()
    );
}

#[wasm_bindgen_test]
async fn a_full_export_in_the_browser_matches_the_ground_truth() {
    set_faults("at=1:503,2:429:1").await;
    let export = export_humind(sim::humind::VALID_KEY).await;
    let (ids, retries) = {
        let export = export.borrow();
        assert_eq!(export.status, RunStatus::Finished, "{:?}", export.status);
        let ids: Vec<String> = export
            .store
            .conversations()
            .iter()
            .map(|c| c.id.clone())
            .collect();
        (ids, export.progress.retries)
    };
    assert_eq!(ids, dataset_ids().await);
    assert!(retries >= 2);
    set_faults("").await;
}

#[wasm_bindgen_test]
async fn a_wrong_key_fails_with_the_documented_message() {
    set_faults("").await;
    let export = export_humind("hmd_live_not_a_real_key").await;
    let export = export.borrow();
    let RunStatus::Failed(error) = &export.status else {
        panic!("{:?}", export.status)
    };
    assert_eq!(error.kind(), ErrorKind::Unauthorized);
    assert!(!error.summary().contains("hmd_live_not_a_real_key"));
    assert!(!error.details().contains("hmd_live_not_a_real_key"));
}

#[wasm_bindgen_test]
async fn export_buffers_keep_one_chunk_in_webassembly_and_blob_the_rest() {
    use std::io::Write;

    use conversation_export::export::buffer::{Chunks, CHUNK};

    let data: Vec<u8> = (0..(2 * CHUNK + 4321)).map(|i| (i % 251) as u8).collect();
    let mut chunks = Chunks::new();
    for piece in data.chunks(1000) {
        chunks.write_all(piece).unwrap();
    }
    let parts = chunks.blob_parts();
    assert_eq!(
        parts.length(),
        3,
        "two full chunks and the one being filled"
    );
    assert!(
        parts.get(0).is_instance_of::<web_sys::Blob>(),
        "full chunks live in Blob storage, outside WebAssembly memory and the JavaScript heap"
    );
    let blob = web_sys::Blob::new_with_u8_array_sequence(&parts).unwrap();
    assert_eq!(blob.size() as usize, data.len());
    let buffer = JsFuture::from(blob.array_buffer()).await.unwrap();
    assert_eq!(js_sys::Uint8Array::new(&buffer).to_vec(), data);
}

/// Puts `line` as entry `entry` of `export` the way versions before entries were bytes did: a
/// string.
async fn put_string_entry(export: &str, entry: u32, line: &str) {
    let put = js_sys::Function::new_with_args(
        "exportId, entry, line",
        "return new Promise((resolve, reject) => {
            const open = indexedDB.open('conversation-export');
            open.onerror = () => reject(open.error);
            open.onsuccess = () => {
                const transaction = open.result.transaction('entries', 'readwrite');
                transaction.objectStore('entries').put(line, [exportId, entry]);
                transaction.oncomplete = () => { open.result.close(); resolve(); };
                transaction.onerror = () => reject(transaction.error);
            };
        });",
    );
    let promise = put
        .call3(
            &wasm_bindgen::JsValue::NULL,
            &export.into(),
            &entry.into(),
            &line.into(),
        )
        .expect("the put starts");
    JsFuture::from(js_sys::Promise::from(promise))
        .await
        .expect("the string is kept");
}

#[wasm_bindgen_test]
async fn journal_entries_read_back_whether_kept_as_bytes_or_as_earlier_versions_kept_them() {
    use conversation_export::store::browser::Storage;

    let storage = Storage::open().await.expect("IndexedDB opens");
    let export = "browser-test-entries";
    let now = r#"{"text":"crème 😀 \u2028 שלום"}"#;
    storage
        .append(export, 0, now.to_string())
        .await
        .expect("the entry is kept");
    put_string_entry(export, 1, "an entry of an earlier version").await;
    assert_eq!(storage.entry(export, 0, Vec::new()).await.unwrap(), now);
    assert_eq!(
        storage.entry(export, 1, Vec::new()).await.unwrap(),
        "an entry of an earlier version"
    );
    let both = storage.entries(export, 0, 10).await.unwrap();
    assert_eq!(
        both,
        vec![
            (0, now.to_string()),
            (1, "an entry of an earlier version".to_string())
        ]
    );
    storage.delete(export).await.unwrap();
    assert!(storage.entries(export, 0, 10).await.unwrap().is_empty());
}
