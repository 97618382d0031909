//! What the user asked this device to remember, in the browser's local storage: keys, and the
//! addresses trusted to receive them.

use crate::destination::TrustedHosts;
use crate::vendors::VendorId;

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

fn slot(vendor: VendorId) -> String {
    format!("conversation-export:key:{}", vendor.spec().slug)
}

pub fn remembered_key(vendor: VendorId) -> Option<String> {
    storage()?.get_item(&slot(vendor)).ok()?
}

pub fn remember_key(vendor: VendorId, key: &str) {
    if let Some(storage) = storage() {
        let _ = storage.set_item(&slot(vendor), key);
    }
}

pub fn forget_key(vendor: VendorId) {
    if let Some(storage) = storage() {
        let _ = storage.remove_item(&slot(vendor));
    }
}

fn trusted_slot(vendor: VendorId) -> String {
    format!("conversation-export:trusted-hosts:{}", vendor.spec().slug)
}

/// The hosts the user confirmed for `vendor` on this device.
pub fn trusted_hosts(vendor: VendorId) -> TrustedHosts {
    storage()
        .and_then(|storage| storage.get_item(&trusted_slot(vendor)).ok().flatten())
        .map(|stored| TrustedHosts::parse(&stored))
        .unwrap_or_default()
}

pub fn save_trusted_hosts(vendor: VendorId, hosts: &TrustedHosts) {
    if let Some(storage) = storage() {
        let _ = if hosts.is_empty() {
            storage.remove_item(&trusted_slot(vendor))
        } else {
            storage.set_item(&trusted_slot(vendor), &hosts.to_stored())
        };
    }
}
