//! What to tell a user whose vendor refuses calls from web pages: the command that starts a relay
//! for this page and vendor, and the API address to type once it runs.

use crate::destination::Origin;
use crate::vendors::VendorId;

/// Where the relay listens by default (`relay --listen`).
const RELAY_ADDRESS: &str = "http://127.0.0.1:8788";

/// The command that starts a relay for `vendor` at `base_url`, for a page served from `origin`.
pub fn relay_command(vendor: VendorId, base_url: &str, origin: &str) -> String {
    let spec = vendor.spec();
    let mut command = format!("./scripts/relay.sh --allow-origin {origin}");
    let base_url = base_url.trim().trim_end_matches('/');
    let documented = spec
        .default_base_url
        .is_some_and(|default| default.trim_end_matches('/') == base_url);
    if !documented && !base_url.is_empty() {
        command.push_str(&format!(" --upstream {}={base_url}", spec.slug));
        if Origin::of(base_url).is_some_and(|o| o.is_private()) {
            command.push_str(" --allow-private-upstreams");
        }
    }
    command
}

/// The API address to type once the relay runs.
pub fn relay_base_url(vendor: VendorId) -> String {
    format!("{RELAY_ADDRESS}/{}", vendor.spec().slug)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_command_names_an_upstream_only_where_the_vendor_has_none_documented() {
        assert_eq!(
            relay_command(
                VendorId::Humind,
                "https://api.thehumind.com/public/v1",
                "https://tools.example.com"
            ),
            "./scripts/relay.sh --allow-origin https://tools.example.com"
        );
        assert_eq!(
            relay_command(VendorId::VoiceWidget, "https://voice.example.com", "https://tools.example.com"),
            "./scripts/relay.sh --allow-origin https://tools.example.com --upstream voice-widget=https://voice.example.com"
        );
        assert_eq!(
            relay_command(VendorId::Humind, "http://127.0.0.1:8787/humind/public/v1/", "http://127.0.0.1:8080"),
            "./scripts/relay.sh --allow-origin http://127.0.0.1:8080 --upstream humind=http://127.0.0.1:8787/humind/public/v1 --allow-private-upstreams"
        );
        assert_eq!(
            relay_base_url(VendorId::Mindo),
            "http://127.0.0.1:8788/mindo"
        );
    }
}
