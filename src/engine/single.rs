//! One request outside an export (the transcript view's "Reload", a vendor's own transcript
//! file), with the same key rule and the same error messages, but no retries: the user is
//! watching and can press again.

use super::attempt::transport_problem;
use super::body::body_problem;
use super::clock::Clock;
use crate::destination::ScopedKey;
use crate::error::{classify_response, FetchError, Problem, Scope};
use crate::http::Request;
use crate::model::{Conversation, Warning};
use crate::transport::{read_to_end, Transport};
use crate::vendors::{ExportQuery, MapContext, Task, VendorId};

/// Makes one request for one conversation's document and returns its body.
pub async fn fetch_document<T: Transport>(
    vendor: VendorId,
    request: Request,
    transport: &T,
    key: &ScopedKey,
    timeout_ms: u64,
) -> Result<Vec<u8>, FetchError> {
    let during = ("one conversation", Scope::OneConversation);
    fetch_one(vendor, request, transport, key, timeout_ms, during).await
}

/// Makes one request and returns its body; `during` names it in an error.
async fn fetch_one<T: Transport>(
    vendor: VendorId,
    request: Request,
    transport: &T,
    key: &ScopedKey,
    timeout_ms: u64,
    (what, scope): (&str, Scope),
) -> Result<Vec<u8>, FetchError> {
    let spec = vendor.spec();
    let url = request.url.clone();
    let mut request = request;
    let outcome = match key.authorize(spec.auth, &mut request) {
        Err(refused) => Err(refused),
        Ok(()) => match transport.send(&request, timeout_ms).await {
            Ok((head, mut body)) => match read_to_end(&mut body).await {
                Ok(bytes) if (200..300).contains(&head.status) => Ok(bytes),
                Ok(bytes) => Err(classify_response(spec.errors, &head, &bytes)),
                Err(error) => Err(body_problem(error)),
            },
            Err(error) => Err(transport_problem(error, timeout_ms, false)),
        },
    };
    outcome.map_err(|problem| {
        FetchError::new(vendor, problem)
            .during(what, url, scope)
            .redacted(key.expose())
    })
}

/// Sends `first` (an export's first request) asking for a single record: whether the vendor
/// answers at this address and takes the key ("Test connection"). Nothing is kept.
pub async fn probe<T: Transport>(
    vendor: VendorId,
    mut first: Task,
    transport: &T,
    key: &ScopedKey,
    timeout_ms: u64,
) -> Result<(), FetchError> {
    let page_size = vendor.spec().list.page_size.param;
    for (name, value) in &mut first.call.params {
        if name == page_size {
            *value = "1".into();
        }
    }
    fetch_one(
        vendor,
        first.request(),
        transport,
        key,
        timeout_ms,
        ("a test of the connection", Scope::List),
    )
    .await
    .map(drop)
}

/// One conversation with its whole transcript, where the vendor has an endpoint for it, and
/// the warnings reading it gave.
pub async fn fetch_conversation<T: Transport, C: Clock>(
    query: &ExportQuery,
    id: &str,
    transport: &T,
    clock: &C,
    key: &ScopedKey,
    timeout_ms: u64,
) -> Result<(Conversation, Vec<Warning>), FetchError> {
    let connector = query.vendor.connector();
    let Some(request) = connector.conversation_request(query, id) else {
        return Err(FetchError::new(query.vendor, Problem::NoSingleConversation));
    };
    let url = request.url.clone();
    let body = fetch_document(query.vendor, request, transport, key, timeout_ms).await?;
    let mut warnings = Vec::new();
    let mut context = MapContext::new(&mut warnings, clock.wall());
    let conversation = connector
        .read_conversation(&body, &mut context)
        .map_err(|problem| {
            FetchError::new(query.vendor, problem).during(
                "one conversation",
                url,
                Scope::OneConversation,
            )
        })?;
    Ok((conversation, warnings))
}
