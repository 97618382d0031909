//! Time, abstracted so that tests never sleep.

use std::cell::{Cell, RefCell};
use std::future::Future;
use std::rc::Rc;

use chrono::{Duration, TimeZone, Utc};

use crate::model::Timestamp;

pub trait Clock {
    /// Milliseconds on a monotonic clock.
    fn now_ms(&self) -> f64;
    /// The current date and time, to read `Retry-After` given as an HTTP date.
    fn wall(&self) -> Timestamp;
    fn sleep(&self, ms: f64) -> impl Future<Output = ()>;
    /// Gives the page a turn (to paint, to take a click) in the middle of long work.
    fn yield_to_page(&self) -> impl Future<Output = ()>;
    /// A number in `[0, 1)` for backoff jitter.
    fn random(&self) -> f64;
}

/// A clock whose sleeps return at once and move time forward: tests run in microseconds and
/// still see every wait the engine asked for.
#[derive(Clone)]
pub struct FakeClock {
    inner: Rc<FakeInner>,
}

struct FakeInner {
    now_ms: Cell<f64>,
    start: Timestamp,
    sleeps: RefCell<Vec<f64>>,
    seed: Cell<u64>,
}

impl Default for FakeClock {
    fn default() -> Self {
        FakeClock::new()
    }
}

impl FakeClock {
    pub fn new() -> Self {
        FakeClock {
            inner: Rc::new(FakeInner {
                now_ms: Cell::new(0.0),
                start: Utc.with_ymd_and_hms(2026, 7, 1, 12, 0, 0).unwrap(),
                sleeps: RefCell::new(Vec::new()),
                seed: Cell::new(0x2545_F491_4F6C_DD1D),
            }),
        }
    }

    /// Every sleep requested so far, in milliseconds.
    pub fn sleeps(&self) -> Vec<f64> {
        self.inner.sleeps.borrow().clone()
    }

    pub fn advance(&self, ms: f64) {
        self.inner.now_ms.set(self.inner.now_ms.get() + ms);
    }
}

impl Clock for FakeClock {
    fn now_ms(&self) -> f64 {
        self.inner.now_ms.get()
    }

    fn wall(&self) -> Timestamp {
        self.inner.start + Duration::milliseconds(self.inner.now_ms.get() as i64)
    }

    async fn sleep(&self, ms: f64) {
        self.inner.sleeps.borrow_mut().push(ms);
        self.advance(ms.max(0.0));
        // Yield once, as a real timer would, so concurrent requests interleave.
        YieldOnce(false).await;
    }

    async fn yield_to_page(&self) {
        YieldOnce(false).await;
    }

    fn random(&self) -> f64 {
        // xorshift64*: deterministic jitter for reproducible tests.
        let mut x = self.inner.seed.get();
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.inner.seed.set(x);
        (x.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// Pending on the first poll (waking itself at once), ready on the second.
struct YieldOnce(bool);

impl Future for YieldOnce {
    type Output = ();

    fn poll(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<()> {
        if self.0 {
            std::task::Poll::Ready(())
        } else {
            self.0 = true;
            cx.waker().wake_by_ref();
            std::task::Poll::Pending
        }
    }
}

/// The browser's clock: `performance.now()`, `setTimeout`, `scheduler.yield()` (or a
/// `MessageChannel` turn) and `Math.random()`.
#[cfg(target_arch = "wasm32")]
#[derive(Clone, Copy, Default)]
pub struct BrowserClock;

#[cfg(target_arch = "wasm32")]
impl Clock for BrowserClock {
    fn now_ms(&self) -> f64 {
        web_sys::window()
            .and_then(|window| window.performance())
            .map_or_else(js_sys::Date::now, |performance| performance.now())
    }

    fn wall(&self) -> Timestamp {
        Utc.timestamp_millis_opt(js_sys::Date::now() as i64)
            .single()
            .unwrap_or_default()
    }

    async fn sleep(&self, ms: f64) {
        gloo_timers::future::TimeoutFuture::new(ms.clamp(0.0, u32::MAX as f64) as u32).await;
    }

    async fn yield_to_page(&self) {
        // `scheduler.yield()` resumes as soon as the page has had its turn. Where it is missing
        // (WebKit, Safari), a message posted to ourselves does the same: a zero timeout would be
        // clamped to 4 ms once timeouts nest, and slowed to one a second in a background tab.
        let turn = scheduler_yield().or_else(page_turns::next);
        match turn {
            Some(turn) => {
                let _ = wasm_bindgen_futures::JsFuture::from(turn).await;
            }
            None => gloo_timers::future::TimeoutFuture::new(0).await,
        }
    }

    fn random(&self) -> f64 {
        js_sys::Math::random()
    }
}

/// `scheduler.yield()`, where the browser has it (Chromium 129, Firefox 142).
#[cfg(target_arch = "wasm32")]
fn scheduler_yield() -> Option<js_sys::Promise> {
    use wasm_bindgen::JsCast;

    let scheduler = js_sys::Reflect::get(&js_sys::global(), &"scheduler".into()).ok()?;
    let yield_now: js_sys::Function = js_sys::Reflect::get(&scheduler, &"yield".into())
        .ok()?
        .dyn_into()
        .ok()?;
    yield_now.call0(&scheduler).ok()?.dyn_into().ok()
}

/// A turn of the event loop without a timer: one `MessageChannel` for the page, whose message
/// event resolves the oldest waiting turn. Browsers let the page paint and take input between
/// tasks, never clamp or throttle messages as they do timeouts, and keep their order.
#[cfg(target_arch = "wasm32")]
mod page_turns {
    use std::cell::RefCell;
    use std::collections::VecDeque;
    use std::rc::Rc;

    use wasm_bindgen::prelude::*;

    #[wasm_bindgen]
    extern "C" {
        type MessageChannel;
        #[wasm_bindgen(constructor, catch)]
        fn new() -> Result<MessageChannel, JsValue>;
        #[wasm_bindgen(method, getter)]
        fn port1(this: &MessageChannel) -> MessagePort;
        #[wasm_bindgen(method, getter)]
        fn port2(this: &MessageChannel) -> MessagePort;

        type MessagePort;
        #[wasm_bindgen(method, setter = onmessage)]
        fn set_onmessage(this: &MessagePort, handler: &js_sys::Function);
        #[wasm_bindgen(method, catch, js_name = postMessage)]
        fn post_message(this: &MessagePort, message: &JsValue) -> Result<(), JsValue>;
    }

    struct Turns {
        sender: MessagePort,
        waiting: Rc<RefCell<VecDeque<js_sys::Function>>>,
        _on_message: Closure<dyn FnMut()>,
    }

    thread_local! {
        static TURNS: Option<Turns> = Turns::new();
    }

    impl Turns {
        fn new() -> Option<Turns> {
            let channel = MessageChannel::new().ok()?;
            let waiting = Rc::new(RefCell::new(VecDeque::<js_sys::Function>::new()));
            let on_message = {
                let waiting = waiting.clone();
                Closure::<dyn FnMut()>::new(move || {
                    let resolve = waiting.borrow_mut().pop_front();
                    if let Some(resolve) = resolve {
                        let _ = resolve.call0(&JsValue::UNDEFINED);
                    }
                })
            };
            channel
                .port1()
                .set_onmessage(on_message.as_ref().unchecked_ref());
            Some(Turns {
                sender: channel.port2(),
                waiting,
                _on_message: on_message,
            })
        }

        fn next(&self) -> Option<js_sys::Promise> {
            let mut posted = true;
            let promise = js_sys::Promise::new(&mut |resolve, _reject| {
                self.waiting.borrow_mut().push_back(resolve);
                if self.sender.post_message(&JsValue::UNDEFINED).is_err() {
                    self.waiting.borrow_mut().pop_back();
                    posted = false;
                }
            });
            posted.then_some(promise)
        }
    }

    /// A promise resolved on the next turn of the event loop, if the page has `MessageChannel`.
    pub fn next() -> Option<js_sys::Promise> {
        TURNS.with(|turns| turns.as_ref().and_then(Turns::next))
    }
}
