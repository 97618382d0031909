//! What can be said about a pasted API key before anything is sent.

use crate::vendors::VendorId;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyCheck {
    Empty,
    /// Spaces or line breaks inside: a copy that went wrong.
    HasWhitespace,
    /// A documented prefix of another vendor: sending it would hand that vendor's key to this one.
    OtherVendor(VendorId),
    /// The vendor documents prefixes and this key has none of them: likely incomplete.
    UnexpectedShape,
    /// In the vendor's documented shape.
    Recognised,
    /// The vendor documents no shape: nothing to say.
    Unknown,
}

impl KeyCheck {
    /// Whether the form refuses to send this key.
    pub fn blocks(&self) -> bool {
        matches!(
            self,
            KeyCheck::Empty | KeyCheck::HasWhitespace | KeyCheck::OtherVendor(_)
        )
    }

    /// A sentence for the user, if there is anything to say.
    pub fn message(&self, vendor: VendorId) -> Option<String> {
        let name = vendor.spec().name;
        let prefixes = vendor.spec().key_prefixes.join(" or ");
        match self {
            KeyCheck::Empty => Some(format!("Paste your {name} API key, or choose \"Demo data\" to try the app without one.")),
            KeyCheck::HasWhitespace => Some("The key contains spaces or line breaks. Copy it again, without them.".into()),
            KeyCheck::OtherVendor(other) => Some(format!(
                "This looks like a {} key, not a {name} key. Choose {} above, or paste your {name} key.",
                other.spec().name,
                other.spec().name
            )),
            KeyCheck::UnexpectedShape => Some(format!("{name} keys usually start with {prefixes}. Check that you copied the whole key.")),
            KeyCheck::Recognised => Some(format!("This looks like a {name} key.")),
            KeyCheck::Unknown => None,
        }
    }
}

/// Checks `key` (leading and trailing spaces are ignored: they are trimmed before sending).
pub fn check_key(vendor: VendorId, key: &str) -> KeyCheck {
    let key = key.trim();
    if key.is_empty() {
        return KeyCheck::Empty;
    }
    if key.chars().any(char::is_whitespace) {
        return KeyCheck::HasWhitespace;
    }
    let matches = |candidate: VendorId| {
        candidate
            .spec()
            .key_prefixes
            .iter()
            .any(|prefix| key.starts_with(prefix))
    };
    if matches(vendor) {
        return KeyCheck::Recognised;
    }
    if let Some(other) = VendorId::ALL
        .iter()
        .copied()
        .find(|other| *other != vendor && matches(*other))
    {
        return KeyCheck::OtherVendor(other);
    }
    if vendor.spec().key_prefixes.is_empty() {
        KeyCheck::Unknown
    } else {
        KeyCheck::UnexpectedShape
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_documented_shapes_and_points_out_mistakes() {
        assert_eq!(
            check_key(VendorId::Humind, "hmd_live_abc123"),
            KeyCheck::Recognised
        );
        assert_eq!(
            check_key(VendorId::Mindo, "mindo_global_abc"),
            KeyCheck::Recognised
        );
        assert_eq!(
            check_key(VendorId::Mindo, "  mindo_abc  "),
            KeyCheck::Recognised
        );
        assert_eq!(
            check_key(VendorId::HueChat, "sk_live_abc"),
            KeyCheck::Recognised
        );
        assert_eq!(check_key(VendorId::Humind, ""), KeyCheck::Empty);
        assert_eq!(
            check_key(VendorId::Humind, "hmd_live_abc 123"),
            KeyCheck::HasWhitespace
        );
        assert_eq!(
            check_key(VendorId::Humind, "mindo_abc"),
            KeyCheck::OtherVendor(VendorId::Mindo)
        );
        assert_eq!(
            check_key(VendorId::Mindo, "hmd_live_abc"),
            KeyCheck::OtherVendor(VendorId::Humind)
        );
        assert_eq!(
            check_key(VendorId::Humind, "live_abc"),
            KeyCheck::UnexpectedShape
        );
        assert_eq!(
            check_key(VendorId::TalkToHumans, "whatever-123"),
            KeyCheck::Unknown
        );
        assert_eq!(
            check_key(VendorId::TalkToHumans, "sk_live_abc"),
            KeyCheck::OtherVendor(VendorId::HueChat)
        );
    }

    #[test]
    fn only_real_mistakes_block_sending() {
        assert!(
            check_key(VendorId::Humind, "mindo_abc").blocks(),
            "never hand one vendor's key to another"
        );
        assert!(
            !check_key(VendorId::Humind, "live_abc").blocks(),
            "an odd shape is pointed out, not refused"
        );
        let message = check_key(VendorId::Humind, "mindo_abc")
            .message(VendorId::Humind)
            .unwrap();
        assert!(
            message.contains("Mindo") && !message.contains("mindo_abc"),
            "{message}"
        );
    }
}
