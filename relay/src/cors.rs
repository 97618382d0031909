//! CORS for the app's origins only.
//!
//! An allowed origin is echoed back (never `*`: a wildcard would let any web page use the relay
//! and whatever key its visitor typed). A request from any other origin is refused outright; a
//! request with no `Origin` (curl, a server) is served without CORS headers, since no browser
//! page can read that answer anyway.

use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::Response;

/// Request headers the app may send through the relay; also the only ones forwarded upstream.
pub const ALLOWED_REQUEST_HEADERS: &str = "Authorization, X-API-Key, Accept";

/// How long a browser may reuse a preflight answer. Chromium caps this at two hours; ten
/// minutes keeps a changed allow-list from lingering long.
pub const PREFLIGHT_MAX_AGE_SECS: u32 = 600;

/// The origins given with `--allow-origin`, in the form a browser sends them.
#[derive(Debug, Clone, Default)]
pub struct AllowedOrigins {
    origins: Vec<String>,
}

/// What the request's `Origin` header means for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OriginCheck {
    /// No `Origin`: not a cross-origin browser request.
    Absent,
    /// One of the app's origins: echoed back.
    Allowed(HeaderValue),
    Refused,
}

impl AllowedOrigins {
    /// Checks and normalises an origin given at startup: `scheme://host[:port]`, nothing more.
    pub fn add(&mut self, origin: &str) -> Result<(), String> {
        if origin == "*" || origin == "null" {
            return Err(format!(
                "--allow-origin {origin}: name the app's origin, e.g. https://tools.example.com"
            ));
        }
        let trimmed = origin.trim_end_matches('/');
        let (scheme, host) = trimmed.split_once("://").ok_or_else(|| {
            format!("--allow-origin {origin}: an origin looks like https://tools.example.com")
        })?;
        let valid = (scheme == "https" || scheme == "http")
            && !host.is_empty()
            && !host.contains(['/', '?', '#', '@', ' '])
            && HeaderValue::from_str(trimmed).is_ok();
        if !valid {
            return Err(format!(
                "--allow-origin {origin}: an origin is a scheme, a host and maybe a port, \
                 with no path, e.g. https://tools.example.com"
            ));
        }
        // Browsers send scheme and host in lower case.
        self.origins.push(trimmed.to_ascii_lowercase());
        Ok(())
    }

    pub fn is_empty(&self) -> bool {
        self.origins.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = &str> {
        self.origins.iter().map(String::as_str)
    }

    pub fn check(&self, headers: &HeaderMap) -> OriginCheck {
        let Some(origin) = headers.get(header::ORIGIN) else {
            return OriginCheck::Absent;
        };
        match origin.to_str() {
            Ok(text) if self.origins.iter().any(|allowed| allowed == text) => {
                OriginCheck::Allowed(origin.clone())
            }
            _ => OriginCheck::Refused,
        }
    }
}

/// The answer to an allowed origin's preflight: GET, with the app's headers.
pub fn preflight_response(origin: &HeaderValue) -> Response {
    let mut response = Response::new(Default::default());
    *response.status_mut() = StatusCode::NO_CONTENT;
    let headers = response.headers_mut();
    headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin.clone());
    headers.insert(
        header::ACCESS_CONTROL_ALLOW_METHODS,
        HeaderValue::from_static("GET"),
    );
    headers.insert(
        header::ACCESS_CONTROL_ALLOW_HEADERS,
        HeaderValue::from_static(ALLOWED_REQUEST_HEADERS),
    );
    headers.insert(
        header::ACCESS_CONTROL_MAX_AGE,
        HeaderValue::from(PREFLIGHT_MAX_AGE_SECS),
    );
    response
}

/// Marks an answer readable by the allowed origin, with `Retry-After` visible to its script.
pub fn allow_reading(response: &mut Response, origin: &HeaderValue) {
    let headers = response.headers_mut();
    headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin.clone());
    headers.insert(
        header::ACCESS_CONTROL_EXPOSE_HEADERS,
        HeaderValue::from_static("Retry-After"),
    );
}

/// Every answer depends on the request's origin, so no cache may hand one origin's answer to
/// another.
pub fn vary_on_origin(response: &mut Response) {
    response
        .headers_mut()
        .append(header::VARY, HeaderValue::from_static("Origin"));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn origins(list: &[&str]) -> AllowedOrigins {
        let mut allowed = AllowedOrigins::default();
        for origin in list {
            allowed.add(origin).unwrap();
        }
        allowed
    }

    fn with_origin(origin: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(header::ORIGIN, HeaderValue::from_str(origin).unwrap());
        headers
    }

    #[test]
    fn only_listed_origins_are_allowed() {
        let allowed = origins(&["https://Tools.Example.com/", "http://127.0.0.1:8080"]);
        assert_eq!(
            allowed.check(&with_origin("https://tools.example.com")),
            OriginCheck::Allowed(HeaderValue::from_static("https://tools.example.com"))
        );
        assert!(matches!(
            allowed.check(&with_origin("http://127.0.0.1:8080")),
            OriginCheck::Allowed(_)
        ));
        for refused in [
            "https://evil.example.com",
            "https://tools.example.com.evil.com",
            "http://tools.example.com",
            "http://127.0.0.1:8081",
            "null",
        ] {
            assert_eq!(
                allowed.check(&with_origin(refused)),
                OriginCheck::Refused,
                "{refused}"
            );
        }
        assert_eq!(allowed.check(&HeaderMap::new()), OriginCheck::Absent);
    }

    #[test]
    fn wildcards_and_non_origins_are_refused_at_startup() {
        let mut allowed = AllowedOrigins::default();
        for bad in [
            "*",
            "null",
            "tools.example.com",
            "https://tools.example.com/app",
            "ftp://x",
            "https://",
        ] {
            assert!(allowed.add(bad).is_err(), "{bad}");
        }
        assert!(allowed.is_empty());
    }

    #[test]
    fn a_preflight_allows_get_and_the_apps_headers() {
        let response = preflight_response(&HeaderValue::from_static("https://tools.example.com"));
        let headers = response.headers();
        assert_eq!(response.status(), StatusCode::NO_CONTENT);
        assert_eq!(
            headers[header::ACCESS_CONTROL_ALLOW_ORIGIN],
            "https://tools.example.com"
        );
        assert_eq!(headers[header::ACCESS_CONTROL_ALLOW_METHODS], "GET");
        assert_eq!(
            headers[header::ACCESS_CONTROL_ALLOW_HEADERS],
            "Authorization, X-API-Key, Accept"
        );
        assert_eq!(headers[header::ACCESS_CONTROL_MAX_AGE], "600");
    }
}
