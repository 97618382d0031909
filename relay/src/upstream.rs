//! The allow-list of upstreams, and how a relay path maps onto one.
//!
//! `/<name>/<rest>?<query>` goes to `<base of name>/<rest>?<query>`; `/<name>` alone goes to the
//! base itself. The mapped URL must stay under the base: `.` and `..` segments (also written as
//! `%2e`) and backslashes, which URL parsers turn into path steps, are refused rather than
//! normalised, so no path can climb out of `/public/v1` to another part of the vendor's host.

use std::collections::BTreeMap;

use conversation_export::vendors::VendorId;
use reqwest::Url;

use crate::error::RelayError;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Upstream {
    pub name: String,
    pub base: Url,
}

/// Upstreams by name; the names are what the relay's paths start with.
#[derive(Debug, Clone, Default)]
pub struct Upstreams {
    by_name: BTreeMap<String, Upstream>,
}

/// A request's destination: which upstream, and the full URL to ask.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub host: String,
    pub url: Url,
}

impl Upstreams {
    /// The documented base URLs from the app's vendor table, under each vendor's slug. A vendor
    /// whose docs name no host (the voice widget) is added with `--upstream`.
    pub fn vendor_defaults() -> Upstreams {
        let mut upstreams = Upstreams::default();
        for vendor in VendorId::ALL {
            let spec = vendor.spec();
            if let Some(base) = spec.default_base_url {
                upstreams
                    .set(spec.slug, base)
                    .expect("the vendor table's base URLs are valid upstreams");
            }
        }
        upstreams
    }

    /// Adds an upstream, or replaces the one of that name.
    pub fn set(&mut self, name: &str, base: &str) -> Result<(), String> {
        let valid_name = !name.is_empty()
            && name.len() <= 64
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        if !valid_name {
            return Err(format!(
                "upstream name '{name}' must be 1 to 64 letters, digits, '-' or '_'"
            ));
        }
        let url = Url::parse(base)
            .map_err(|e| format!("upstream {name}: '{base}' is not a URL ({e})"))?;
        if url.scheme() != "http" && url.scheme() != "https" {
            return Err(format!(
                "upstream {name}: only http and https upstreams are relayed, not {}",
                url.scheme()
            ));
        }
        if url.host_str().is_none() {
            return Err(format!("upstream {name}: '{base}' names no host"));
        }
        // Credentials in the URL would end up in argv and in process listings.
        if !url.username().is_empty() || url.password().is_some() {
            return Err(format!(
                "upstream {name}: the URL may not hold a user name or password"
            ));
        }
        if url.query().is_some() || url.fragment().is_some() {
            return Err(format!(
                "upstream {name}: the base URL may not have a query or fragment"
            ));
        }
        self.by_name.insert(
            name.to_string(),
            Upstream {
                name: name.to_string(),
                base: url,
            },
        );
        Ok(())
    }

    pub fn get(&self, name: &str) -> Option<&Upstream> {
        self.by_name.get(name)
    }

    pub fn iter(&self) -> impl Iterator<Item = &Upstream> {
        self.by_name.values()
    }

    /// The names, for messages: "huechat, humind, mindo, talktohumans".
    pub fn names(&self) -> String {
        self.by_name.keys().cloned().collect::<Vec<_>>().join(", ")
    }

    /// Maps a relay request's path and query onto its upstream URL.
    pub fn map(&self, path: &str, query: Option<&str>) -> Result<Target, RelayError> {
        let malformed = |reason| RelayError::MalformedPath {
            reason,
            known: self.names(),
        };
        let path = path.strip_prefix('/').unwrap_or(path);
        let (name, rest) = match path.split_once('/') {
            Some((name, rest)) => (name, Some(rest)),
            None => (path, None),
        };
        if name.is_empty() {
            return Err(malformed("The path names no upstream."));
        }
        let upstream = self.get(name).ok_or_else(|| RelayError::UnknownUpstream {
            name: name.chars().take(64).collect(),
            known: self.names(),
        })?;
        let rest = rest.unwrap_or("");
        if rest.contains('\\') {
            return Err(malformed("The path may not contain a backslash."));
        }
        if rest.split('/').any(is_dot_segment) {
            return Err(malformed("The path may not contain '.' or '..' segments."));
        }

        let base = upstream.base.as_str().trim_end_matches('/');
        let mut url = String::with_capacity(base.len() + path.len() + 64);
        url.push_str(base);
        if !rest.is_empty() || path.ends_with('/') {
            url.push('/');
            url.push_str(rest);
        }
        if let Some(query) = query.filter(|query| !query.is_empty()) {
            url.push('?');
            url.push_str(query);
        }
        let url = Url::parse(&url).map_err(|_| malformed("The path is not valid in a URL."))?;
        // Whatever the parser made of the path, it must still be under the upstream's base.
        let base_path = upstream.base.path().trim_end_matches('/');
        let stays_under_base = url.scheme() == upstream.base.scheme()
            && url.host() == upstream.base.host()
            && url.port_or_known_default() == upstream.base.port_or_known_default()
            && url.path().starts_with(base_path);
        if !stays_under_base {
            return Err(malformed("The path leaves the upstream's base URL."));
        }
        Ok(Target {
            host: upstream.base.host_str().unwrap_or("-").to_string(),
            url,
        })
    }
}

/// `.` or `..`, also percent-encoded (`%2e`, `.%2E`...), which URL parsers treat alike.
fn is_dot_segment(segment: &str) -> bool {
    let decoded = segment.to_ascii_lowercase().replace("%2e", ".");
    decoded == "." || decoded == ".."
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> Upstreams {
        let mut upstreams = Upstreams::vendor_defaults();
        upstreams
            .set("voice-widget", "https://voice.example.com")
            .unwrap();
        upstreams
    }

    fn url(path: &str, query: Option<&str>) -> String {
        table().map(path, query).unwrap().url.to_string()
    }

    #[test]
    fn the_defaults_come_from_the_vendor_table() {
        let upstreams = Upstreams::vendor_defaults();
        assert_eq!(upstreams.names(), "huechat, humind, mindo, talktohumans");
        assert_eq!(
            upstreams.get("humind").unwrap().base.as_str(),
            "https://api.thehumind.com/public/v1"
        );
        assert_eq!(
            upstreams.get("mindo").unwrap().base.as_str(),
            "https://api.mindosoftware.com/api/v1"
        );
        assert!(upstreams.get("voice-widget").is_none());
    }

    #[test]
    fn a_path_maps_under_the_upstream_base_with_its_query() {
        assert_eq!(
            url("/humind/conversations", Some("limit=100&cursor=a%2Fb")),
            "https://api.thehumind.com/public/v1/conversations?limit=100&cursor=a%2Fb"
        );
        assert_eq!(
            url("/huechat/chats/42/messages", None),
            "https://api.huechat.ai/v2/chats/42/messages"
        );
        assert_eq!(
            url("/voice-widget/calls", None),
            "https://voice.example.com/calls"
        );
        let target = table().map("/talktohumans/x", None).unwrap();
        assert_eq!(target.host, "api.talktohumans.app");
    }

    #[test]
    fn the_name_alone_maps_to_the_base_itself() {
        assert_eq!(url("/humind", None), "https://api.thehumind.com/public/v1");
        assert_eq!(
            url("/humind/", None),
            "https://api.thehumind.com/public/v1/"
        );
    }

    #[test]
    fn an_override_replaces_a_default() {
        let mut upstreams = Upstreams::vendor_defaults();
        upstreams
            .set("humind", "http://127.0.0.1:8787/humind/public/v1")
            .unwrap();
        assert_eq!(
            upstreams
                .map("/humind/conversations", None)
                .unwrap()
                .url
                .as_str(),
            "http://127.0.0.1:8787/humind/public/v1/conversations"
        );
    }

    #[test]
    fn unknown_and_missing_names_are_refused() {
        let unknown = table().map("/evil.example.com/x", None).unwrap_err();
        assert_eq!(unknown.code(), "unknown_upstream");
        for path in ["/", "", "//humind/x"] {
            assert_eq!(
                table().map(path, None).unwrap_err().code(),
                "malformed_path",
                "{path}"
            );
        }
    }

    #[test]
    fn a_path_cannot_climb_out_of_the_base() {
        for path in [
            "/humind/../admin",
            "/humind/a/../../admin",
            "/humind/%2e%2e/admin",
            "/humind/.%2E/admin",
            "/humind/./x",
            "/humind/..",
            "/humind/..\\admin",
            "/humind/a\\..\\..\\x",
        ] {
            assert_eq!(
                table().map(path, None).unwrap_err().code(),
                "malformed_path",
                "{path}"
            );
        }
    }

    #[test]
    fn bad_upstream_urls_are_refused() {
        let mut upstreams = Upstreams::default();
        for (name, url) in [
            ("x", "ftp://example.com"),
            ("x", "file:///etc/passwd"),
            ("x", "not a url"),
            ("x", "https://user:pw@example.com"),
            ("x", "https://example.com/?a=b"),
            ("bad name", "https://example.com"),
            ("", "https://example.com"),
        ] {
            assert!(upstreams.set(name, url).is_err(), "{name}={url}");
        }
    }
}
