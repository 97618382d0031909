//! The browser's `fetch`, with a timeout, cancellation on drop, and a streamed body.

use std::cell::Cell;
use std::rc::Rc;

use gloo_timers::callback::Timeout;
use js_sys::{Reflect, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    AbortController, ReadableStreamDefaultReader, ReferrerPolicy, RequestCredentials, RequestInit,
    RequestMode,
};

use super::{Body, Transport, TransportError};
use crate::http::{Request, ResponseHead};

/// Response headers the engine reads. Cross-origin, the browser hides any the vendor does not
/// expose; `Retry-After` is then simply absent.
const READ_HEADERS: &[&str] = &["retry-after", "content-type"];

#[derive(Clone, Copy, Default)]
pub struct FetchTransport;

/// Aborts the request when dropped (the user cancelled) or when the timer fires.
struct Abort {
    controller: AbortController,
    timed_out: Rc<Cell<bool>>,
    _timer: Timeout,
}

impl Abort {
    fn new(timeout_ms: u64) -> Result<Self, TransportError> {
        let controller = AbortController::new()
            .map_err(|_| TransportError::Network("AbortController unavailable".into()))?;
        let timed_out = Rc::new(Cell::new(false));
        let timer = {
            let controller = controller.clone();
            let timed_out = timed_out.clone();
            Timeout::new(timeout_ms.min(u32::MAX as u64) as u32, move || {
                timed_out.set(true);
                controller.abort();
            })
        };
        Ok(Abort {
            controller,
            timed_out,
            _timer: timer,
        })
    }

    fn error(&self, error: JsValue) -> TransportError {
        if self.timed_out.get() {
            return TransportError::Timeout;
        }
        let message = error
            .dyn_ref::<js_sys::Error>()
            .map(|e| String::from(e.message()))
            .or_else(|| error.as_string())
            .unwrap_or_else(|| "the request failed".into());
        TransportError::Network(message)
    }
}

impl Drop for Abort {
    fn drop(&mut self) {
        self.controller.abort();
    }
}

pub struct FetchBody {
    reader: Option<ReadableStreamDefaultReader>,
    abort: Abort,
}

impl Body for FetchBody {
    async fn chunk(&mut self) -> Result<Option<Vec<u8>>, TransportError> {
        let Some(reader) = &self.reader else {
            return Ok(None);
        };
        let result = JsFuture::from(reader.read())
            .await
            .map_err(|e| self.abort.error(e))?;
        let done = Reflect::get(&result, &"done".into())
            .ok()
            .and_then(|v| v.as_bool())
            .unwrap_or(true);
        if done {
            self.reader = None;
            return Ok(None);
        }
        let value = Reflect::get(&result, &"value".into()).map_err(|e| self.abort.error(e))?;
        Ok(Some(Uint8Array::new(&value).to_vec()))
    }
}

impl Transport for FetchTransport {
    type Body = FetchBody;

    async fn send(
        &self,
        request: &Request,
        timeout_ms: u64,
    ) -> Result<(ResponseHead, FetchBody), TransportError> {
        let abort = Abort::new(timeout_ms)?;
        let headers = web_sys::Headers::new().map_err(|e| abort.error(e))?;
        for (name, value) in &request.headers {
            headers.append(name, value).map_err(|e| abort.error(e))?;
        }
        let init = RequestInit::new();
        init.set_method("GET");
        init.set_headers(&headers);
        init.set_mode(RequestMode::Cors);
        // The key travels in a header the app sets; cookies and the page address never go along.
        init.set_credentials(RequestCredentials::Omit);
        init.set_referrer_policy(ReferrerPolicy::NoReferrer);
        init.set_signal(Some(&abort.controller.signal()));
        let window =
            web_sys::window().ok_or_else(|| TransportError::Network("no window".into()))?;
        let promise = window.fetch_with_str_and_init(&request.url, &init);
        let response: web_sys::Response = JsFuture::from(promise)
            .await
            .map_err(|e| abort.error(e))?
            .unchecked_into();
        let response_headers = response.headers();
        let headers = READ_HEADERS
            .iter()
            .filter_map(|name| {
                response_headers
                    .get(name)
                    .ok()
                    .flatten()
                    .map(|value| (name.to_string(), value))
            })
            .collect();
        let reader = response.body().and_then(|stream| {
            stream
                .get_reader()
                .dyn_into::<ReadableStreamDefaultReader>()
                .ok()
        });
        Ok((
            ResponseHead {
                status: response.status(),
                headers,
            },
            FetchBody { reader, abort },
        ))
    }
}

/// Whether anything answers at `url` when the page does not ask to read the answer (a
/// `no-cors` request: no headers of ours, no key, an opaque answer). After a request that
/// failed with no status, `true` means a server is there and the browser hid its answer: it
/// refused the page's CORS check.
pub async fn answers_without_cors(url: &str) -> bool {
    let init = RequestInit::new();
    init.set_method("GET");
    init.set_mode(RequestMode::NoCors);
    init.set_credentials(RequestCredentials::Omit);
    init.set_referrer_policy(ReferrerPolicy::NoReferrer);
    let Some(window) = web_sys::window() else {
        return false;
    };
    JsFuture::from(window.fetch_with_str_and_init(url, &init))
        .await
        .is_ok()
}
