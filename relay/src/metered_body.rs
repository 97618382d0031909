//! An upstream body on its way to the browser: passed on chunk by chunk as it arrives (Mindo's
//! NDJSON must reach the app row by row, not after the last byte), counted, cut off past
//! `--max-response-bytes`, and logged once when it ends, fails or the client goes away.

use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use axum::body::Bytes;
use futures_util::Stream;

use crate::log::{LogSink, RequestRecord};

pub type UpstreamChunks = Pin<Box<dyn Stream<Item = reqwest::Result<Bytes>> + Send>>;

pub struct MeteredBody {
    chunks: UpstreamChunks,
    limit: u64,
    /// `None` once the line is written: one line per request, whichever way it ends.
    record: Option<RequestRecord>,
    log: Arc<dyn LogSink>,
}

impl MeteredBody {
    pub fn new(
        chunks: UpstreamChunks,
        limit: u64,
        record: RequestRecord,
        log: Arc<dyn LogSink>,
    ) -> MeteredBody {
        MeteredBody {
            chunks,
            limit,
            record: Some(record),
            log,
        }
    }

    fn finish(&mut self, error: Option<&'static str>) {
        if let Some(mut record) = self.record.take() {
            record.error = record.error.or(error);
            self.log.write_line(&record.line());
        }
    }

    /// An error ends the body: the server then drops the connection instead of closing the
    /// answer cleanly, so the browser sees a failed read and never takes a cut body as whole.
    fn fail(&mut self, code: &'static str, why: &str) -> Poll<Option<io::Result<Bytes>>> {
        self.finish(Some(code));
        Poll::Ready(Some(Err(io::Error::other(why.to_string()))))
    }
}

impl Stream for MeteredBody {
    type Item = io::Result<Bytes>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        if self.record.is_none() {
            // Already ended (an error was returned): nothing more comes.
            return Poll::Ready(None);
        }
        match self.chunks.as_mut().poll_next(cx) {
            Poll::Pending => Poll::Pending,
            Poll::Ready(None) => {
                self.finish(None);
                Poll::Ready(None)
            }
            Poll::Ready(Some(Ok(chunk))) => {
                let sent = self.record.as_ref().map_or(0, |record| record.bytes);
                if sent + chunk.len() as u64 > self.limit {
                    return self.fail(
                        "response_too_large",
                        "the upstream's answer is larger than --max-response-bytes",
                    );
                }
                if let Some(record) = self.record.as_mut() {
                    record.bytes += chunk.len() as u64;
                }
                Poll::Ready(Some(Ok(chunk)))
            }
            Poll::Ready(Some(Err(error))) => {
                // The error's text could name the URL with its query: it is not passed on.
                let code = if error.is_timeout() {
                    "upstream_timeout"
                } else {
                    "upstream_body_failed"
                };
                self.fail(code, "the upstream's answer broke off")
            }
        }
    }
}

impl Drop for MeteredBody {
    fn drop(&mut self) {
        // Dropped before the end: the browser closed the connection or cancelled the fetch.
        self.finish(Some("client_closed"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::log::MemoryLog;
    use futures_util::StreamExt;
    use std::time::Instant;

    fn chunks(parts: &[&'static str]) -> UpstreamChunks {
        let items: Vec<reqwest::Result<Bytes>> = parts
            .iter()
            .map(|part| Ok(Bytes::from_static(part.as_bytes())))
            .collect();
        Box::pin(futures_util::stream::iter(items))
    }

    fn record() -> RequestRecord {
        let mut record = RequestRecord::new("GET", "/api/v1/export", Instant::now());
        record.host = "api.mindosoftware.com".into();
        record.status = 200;
        record
    }

    #[tokio::test]
    async fn a_whole_body_passes_and_is_logged_once() {
        let log = Arc::new(MemoryLog::default());
        let body = MeteredBody::new(
            chunks(&["{\"a\":1}\n", "{\"b\":2}\n"]),
            100,
            record(),
            log.clone(),
        );
        let parts: Vec<_> = body.collect().await;
        assert_eq!(parts.len(), 2);
        assert!(parts.iter().all(Result::is_ok));
        let lines = log.lines();
        assert_eq!(lines.len(), 1);
        assert!(lines[0].contains("status=200 bytes=16 "), "{}", lines[0]);
        assert!(!lines[0].contains("error="));
    }

    #[tokio::test]
    async fn a_body_past_the_limit_is_cut_with_an_error() {
        let log = Arc::new(MemoryLog::default());
        let body = MeteredBody::new(chunks(&["12345", "67890", "abc"]), 8, record(), log.clone());
        let parts: Vec<_> = body.collect().await;
        assert_eq!(parts.len(), 2, "the first chunk, then the error");
        assert!(parts[0].is_ok() && parts[1].is_err());
        let lines = log.lines();
        assert_eq!(lines.len(), 1);
        assert!(lines[0].contains("bytes=5 ") && lines[0].ends_with("error=response_too_large"));
    }

    #[tokio::test]
    async fn a_body_dropped_early_is_logged_as_closed_by_the_client() {
        let log = Arc::new(MemoryLog::default());
        let mut body = MeteredBody::new(chunks(&["one", "two"]), 100, record(), log.clone());
        assert!(body.next().await.unwrap().is_ok());
        drop(body);
        let lines = log.lines();
        assert_eq!(lines.len(), 1);
        assert!(lines[0].contains("bytes=3 ") && lines[0].ends_with("error=client_closed"));
    }
}
