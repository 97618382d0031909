//! Running the engine natively: one thread, tokio's current-thread runtime (the engine keeps
//! its export in a `RefCell` and runs its requests side by side on that thread), the real
//! clock, and Ctrl-C as the app's Cancel button.

use std::cell::RefCell;
use std::future::Future;
use std::pin::pin;

use conversation_export::destination::ScopedKey;
use conversation_export::engine::cancel::CancelToken;
use conversation_export::engine::{run, Export};

use crate::clock::SystemClock;
use crate::exit::Failure;
use crate::transport::NativeTransport;

/// Runs `future` to its end on a runtime of this thread.
pub fn block_on<F: Future>(future: F) -> Result<F::Output, Failure> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|error| Failure::failed(format!("Could not start: {error}.")))?;
    Ok(runtime.block_on(future))
}

/// Runs (or resumes) `export` until it finishes, fails for good, or `cancel` or Ctrl-C stops
/// it (which keeps every record fetched, as Cancel does in the app).
pub async fn drive(
    export: &RefCell<Export>,
    transport: &NativeTransport,
    key: &ScopedKey,
    cancel: &CancelToken,
    on_change: &mut dyn FnMut(),
) {
    let clock = SystemClock::new();
    let mut running = pin!(run(export, transport, &clock, key, cancel, on_change));
    tokio::select! {
        () = &mut running => return,
        _ = tokio::signal::ctrl_c() => cancel.cancel(),
    }
    running.await;
}
