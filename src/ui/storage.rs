//! Keys the user asked to remember on this device, in the browser's local storage.

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
