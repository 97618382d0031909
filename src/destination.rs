//! Where the API key may go: the vendor's documented address, or an address the user confirmed
//! on this device. Never an address that only arrived in a link.
//!
//! A bookmarkable link carries the base URL, so a crafted link could point the app at someone
//! else's server. The rule that stops it lives here, in the core, not in the form: the key is
//! bound to one origin (`ScopedKey`), and a request to any other origin gets no key at all.

use std::collections::BTreeSet;
use std::fmt;

use crate::error::Problem;
use crate::http::Request;
use crate::secret::ApiKey;
use crate::vendors::{Auth, VendorId};

/// Scheme, host and port: what a browser compares to decide whether two addresses are one
/// server.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Origin {
    secure: bool,
    /// Lower case; an IPv6 address keeps its brackets.
    host: String,
    port: u16,
}

impl Origin {
    /// The origin of an absolute http(s) URL; `None` for anything else.
    pub fn of(url: &str) -> Option<Origin> {
        let url = url.trim();
        let (secure, rest) = if let Some(rest) = strip_prefix_ignore_case(url, "https://") {
            (true, rest)
        } else {
            (false, strip_prefix_ignore_case(url, "http://")?)
        };
        let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
        if authority.is_empty() || authority.contains('@') {
            return None;
        }
        let (host, port) = match authority.rfind(':') {
            Some(at) if !authority[at..].contains(']') => {
                (&authority[..at], Some(authority[at + 1..].parse().ok()?))
            }
            _ => (authority, None),
        };
        if host.is_empty() || host.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return None;
        }
        Some(Origin {
            secure,
            host: host.to_ascii_lowercase(),
            port: port.unwrap_or(if secure { 443 } else { 80 }),
        })
    }

    /// The host as people read it: `relay.example.org`, with the port when it is not the
    /// scheme's usual one (`127.0.0.1:8787`).
    pub fn host(&self) -> String {
        if self.port == self.default_port() {
            self.host.clone()
        } else {
            format!("{}:{}", self.host, self.port)
        }
    }

    /// Whether the host is this machine or a private network (an address a relay refuses to
    /// forward to unless told to allow private upstreams).
    pub fn is_private(&self) -> bool {
        let host = self.host.trim_start_matches('[').trim_end_matches(']');
        if host == "localhost" || host.ends_with(".localhost") {
            return true;
        }
        match host.parse::<std::net::IpAddr>() {
            Ok(std::net::IpAddr::V4(ip)) => {
                ip.is_loopback() || ip.is_private() || ip.is_link_local()
            }
            Ok(std::net::IpAddr::V6(ip)) => {
                ip.is_loopback()
                    || (ip.segments()[0] & 0xfe00) == 0xfc00
                    || (ip.segments()[0] & 0xffc0) == 0xfe80
            }
            Err(_) => false,
        }
    }

    fn default_port(&self) -> u16 {
        if self.secure {
            443
        } else {
            80
        }
    }
}

impl fmt::Display for Origin {
    /// `https://relay.example.org`, `http://127.0.0.1:8787`: the form it is stored in.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let scheme = if self.secure { "https" } else { "http" };
        write!(f, "{scheme}://{}", self.host())
    }
}

fn strip_prefix_ignore_case<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    let head = text.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &text[prefix.len()..])
}

/// Where a base URL would send the key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Destination {
    /// The vendor's documented address: always trusted.
    Vendor(Origin),
    /// Another address the user confirmed on this device (a relay, a test server).
    Confirmed(Origin),
    /// Another address nobody confirmed on this device: the key must not go there.
    Unconfirmed(Origin),
}

impl Destination {
    /// Where `base_url` sends `vendor`'s key, given the hosts trusted on this device; `None`
    /// when the address is not an http(s) URL (the form says what is wrong with it).
    pub fn of(vendor: VendorId, base_url: &str, trusted: &TrustedHosts) -> Option<Destination> {
        let origin = Origin::of(base_url)?;
        let documented = vendor.spec().default_base_url.and_then(Origin::of);
        Some(if documented.as_ref() == Some(&origin) {
            Destination::Vendor(origin)
        } else if trusted.contains(&origin) {
            Destination::Confirmed(origin)
        } else {
            Destination::Unconfirmed(origin)
        })
    }

    pub fn origin(&self) -> &Origin {
        match self {
            Destination::Vendor(origin)
            | Destination::Confirmed(origin)
            | Destination::Unconfirmed(origin) => origin,
        }
    }

    pub fn is_trusted(&self) -> bool {
        !matches!(self, Destination::Unconfirmed(_))
    }

    /// The key, bound to this destination; `None` while it is unconfirmed.
    pub fn scope(&self, key: ApiKey) -> Option<ScopedKey> {
        self.is_trusted().then(|| ScopedKey {
            key,
            origin: self.origin().clone(),
        })
    }
}

/// The hosts the user confirmed for one vendor on this device.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustedHosts(BTreeSet<Origin>);

impl TrustedHosts {
    /// Reads the stored list, one origin per line; lines that are not origins are dropped.
    pub fn parse(stored: &str) -> Self {
        TrustedHosts(stored.lines().filter_map(Origin::of).collect())
    }

    /// The list as stored: one origin per line.
    pub fn to_stored(&self) -> String {
        self.0
            .iter()
            .map(Origin::to_string)
            .collect::<Vec<_>>()
            .join("\n")
    }

    pub fn contains(&self, origin: &Origin) -> bool {
        self.0.contains(origin)
    }

    pub fn insert(&mut self, origin: Origin) {
        self.0.insert(origin);
    }

    pub fn remove(&mut self, origin: &Origin) {
        self.0.remove(origin);
    }

    pub fn iter(&self) -> impl Iterator<Item = &Origin> {
        self.0.iter()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// The API key with the one origin it may be sent to. The engine adds the key to a request
/// only through `authorize`, so whatever builds a request (a page's next link, a resumed task,
/// a transcript reload), the key cannot reach another server.
#[derive(Debug, Clone)]
pub struct ScopedKey {
    key: ApiKey,
    origin: Origin,
}

impl ScopedKey {
    /// A key for `origin`. The app gets one only from a trusted `Destination` (`scope`); tests
    /// and the built-in demo, which never leave the process, name their origin themselves.
    pub fn for_origin(key: ApiKey, origin: Origin) -> Self {
        ScopedKey { key, origin }
    }

    /// A key for the origin of `base_url`; `None` when it is not an http(s) URL.
    pub fn for_base_url(key: ApiKey, base_url: &str) -> Option<Self> {
        Some(ScopedKey::for_origin(key, Origin::of(base_url)?))
    }

    pub fn origin(&self) -> &Origin {
        &self.origin
    }

    /// The key itself, to remove it from any text shown (an error that echoes it).
    pub fn expose(&self) -> &str {
        self.key.expose()
    }

    /// Adds the key to `request`, or refuses when the request is for another origin.
    pub fn authorize(&self, auth: Auth, request: &mut Request) -> Result<(), Problem> {
        match Origin::of(&request.url) {
            Some(origin) if origin == self.origin => {
                request.headers.push(auth.header(self.key.expose()));
                Ok(())
            }
            other => Err(Problem::UntrustedAddress {
                requested: other.map(|origin| origin.host()),
                allowed: self.origin.host(),
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn trusted(origins: &[&str]) -> TrustedHosts {
        TrustedHosts::parse(&origins.join("\n"))
    }

    #[test]
    fn origins_compare_scheme_host_and_port() {
        let origin = Origin::of("https://API.theHumind.com/public/v1").unwrap();
        assert_eq!(
            origin,
            Origin::of("https://api.thehumind.com:443/x").unwrap()
        );
        assert_eq!(origin.host(), "api.thehumind.com");
        assert_eq!(origin.to_string(), "https://api.thehumind.com");
        assert_ne!(
            origin,
            Origin::of("http://api.thehumind.com/public/v1").unwrap()
        );
        assert_ne!(
            origin,
            Origin::of("https://api.thehumind.com:8443/").unwrap()
        );
        let local = Origin::of("http://127.0.0.1:8787/humind/public/v1").unwrap();
        assert_eq!(local.host(), "127.0.0.1:8787");
        assert_eq!(
            Origin::of("http://[::1]:9000/v1").unwrap().host(),
            "[::1]:9000"
        );
        assert_eq!(Origin::of("http://[::1]/v1").unwrap().host(), "[::1]");
        for bad in [
            "",
            "api.thehumind.com",
            "ftp://x",
            "https://",
            "https://user@evil.example/",
            "https://host:port/",
        ] {
            assert_eq!(Origin::of(bad), None, "{bad}");
        }
    }

    #[test]
    fn the_documented_address_is_trusted_and_others_only_once_confirmed() {
        let none = TrustedHosts::default();
        let humind =
            |url: &str, hosts: &TrustedHosts| Destination::of(VendorId::Humind, url, hosts);
        assert!(matches!(
            humind("https://api.thehumind.com/public/v1", &none),
            Some(Destination::Vendor(_))
        ));
        let relay = "https://relay.example.org/humind";
        assert!(matches!(
            humind(relay, &none),
            Some(Destination::Unconfirmed(_))
        ));
        let mine = trusted(&["https://relay.example.org"]);
        assert!(matches!(
            humind(relay, &mine),
            Some(Destination::Confirmed(_))
        ));
        // Same name, other port or scheme: another server, not confirmed.
        assert!(matches!(
            humind("https://relay.example.org:8443/humind", &mine),
            Some(Destination::Unconfirmed(_))
        ));
        assert!(matches!(
            humind("http://relay.example.org/humind", &mine),
            Some(Destination::Unconfirmed(_))
        ));
        // A host trusted for Humind is not the documented address of another vendor.
        assert_eq!(humind("not a url", &mine), None);
        assert!(matches!(
            Destination::of(VendorId::VoiceWidget, "https://voice.example.com", &none),
            Some(Destination::Unconfirmed(_))
        ));
    }

    #[test]
    fn an_unconfirmed_destination_gets_no_key() {
        let origin = Origin::of("https://evil.example").unwrap();
        let key = ApiKey::new("hmd_live_secret");
        assert!(Destination::Unconfirmed(origin.clone())
            .scope(key.clone())
            .is_none());
        assert!(Destination::Confirmed(origin).scope(key).is_some());
    }

    #[test]
    fn the_key_is_added_only_to_requests_for_its_origin() {
        let key = ScopedKey::for_base_url(
            ApiKey::new("hmd_live_secret"),
            "https://api.thehumind.com/public/v1",
        )
        .unwrap();
        let mut own = Request::get("https://api.thehumind.com/public/v1", "/conversations", &[]);
        key.authorize(Auth::Bearer, &mut own).unwrap();
        assert!(own
            .headers
            .contains(&("Authorization".into(), "Bearer hmd_live_secret".into())));
        for elsewhere in [
            "https://evil.example/public/v1",
            "https://api.thehumind.com.evil.example/public/v1",
            "http://api.thehumind.com/public/v1",
        ] {
            let mut request = Request::get(elsewhere, "/conversations", &[]);
            let problem = key
                .authorize(Auth::Header("X-API-Key"), &mut request)
                .unwrap_err();
            assert!(matches!(problem, Problem::UntrustedAddress { .. }));
            assert!(!format!("{problem:?}").contains("secret"));
            assert!(request.headers.iter().all(|(name, _)| name != "X-API-Key"));
        }
    }

    #[test]
    fn trusted_hosts_are_stored_one_origin_a_line() {
        let mut hosts = trusted(&[
            "http://127.0.0.1:8787",
            "garbage",
            "https://relay.example.org/x",
        ]);
        assert_eq!(
            hosts.to_stored(),
            "http://127.0.0.1:8787\nhttps://relay.example.org"
        );
        hosts.remove(&Origin::of("http://127.0.0.1:8787").unwrap());
        assert_eq!(TrustedHosts::parse(&hosts.to_stored()), hosts);
        assert_eq!(hosts.iter().count(), 1);
    }
}
