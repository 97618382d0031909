//! One log line per request, to an injectable sink (standard error in the binary, memory in
//! tests).
//!
//! A line holds only what an admin needs to see traffic and failures: method, upstream host,
//! path without its query string (a query may carry anything), status, bytes sent, milliseconds,
//! and the relay's error code when it refused or failed. No header is ever written: the record
//! has no field that could hold a key.

use std::fmt::Write as _;
use std::io::Write as _;
use std::sync::Mutex;
use std::time::Instant;

/// Where request lines go.
pub trait LogSink: Send + Sync + 'static {
    fn write_line(&self, line: &str);
}

/// The binary's sink: one line per request on standard error.
#[derive(Debug, Default)]
pub struct StderrLog;

impl LogSink for StderrLog {
    fn write_line(&self, line: &str) {
        // A full or closed stderr must not take the relay down with it.
        let _ = writeln!(std::io::stderr().lock(), "{line}");
    }
}

/// Keeps lines in memory, for tests.
#[derive(Debug, Default)]
pub struct MemoryLog {
    lines: Mutex<Vec<String>>,
}

impl MemoryLog {
    pub fn lines(&self) -> Vec<String> {
        self.lines.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }
}

impl LogSink for MemoryLog {
    fn write_line(&self, line: &str) {
        self.lines
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(line.to_string());
    }
}

/// What one request's line says, filled in as the request goes.
#[derive(Debug, Clone)]
pub struct RequestRecord {
    pub method: String,
    /// The upstream's host, `-` when the request never got as far as choosing one.
    pub host: String,
    /// The upstream path when there is one, else the relay's own path; never a query string.
    pub path: String,
    pub status: u16,
    pub bytes: u64,
    pub started: Instant,
    /// The relay's error code, when it refused the request or the upstream failed.
    pub error: Option<&'static str>,
}

/// Paths longer than this are cut in the log: a line stays a line.
const PATH_SHOWN: usize = 300;

impl RequestRecord {
    pub fn new(method: &str, path: &str, started: Instant) -> RequestRecord {
        RequestRecord {
            method: method.to_string(),
            host: "-".to_string(),
            path: path.to_string(),
            status: 0,
            bytes: 0,
            started,
            error: None,
        }
    }

    pub fn line(&self) -> String {
        let mut path: String = self.path.chars().take(PATH_SHOWN).collect();
        if path.len() < self.path.len() {
            path.push_str("...");
        }
        let mut line = format!(
            "method={} host={} path={} status={} bytes={} ms={}",
            self.method,
            self.host,
            path,
            self.status,
            self.bytes,
            self.started.elapsed().as_millis()
        );
        if let Some(code) = self.error {
            let _ = write!(line, " error={code}");
        }
        line
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_names_every_field() {
        let mut record = RequestRecord::new("GET", "/public/v1/conversations", Instant::now());
        record.host = "api.thehumind.com".into();
        record.status = 200;
        record.bytes = 1234;
        let line = record.line();
        assert!(line.starts_with(
            "method=GET host=api.thehumind.com path=/public/v1/conversations status=200 bytes=1234 ms="
        ));
        assert!(!line.contains("error="));
        record.error = Some("upstream_timeout");
        assert!(record.line().ends_with(" error=upstream_timeout"));
    }

    #[test]
    fn a_long_path_is_cut() {
        let long = format!("/{}", "a".repeat(1000));
        let line = RequestRecord::new("GET", &long, Instant::now()).line();
        assert!(line.len() < 400);
        assert!(line.contains("..."));
    }
}
