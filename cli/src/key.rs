//! The API key: from the environment or typed at a prompt, never from a flag (a process list
//! would show it), and never printed, logged or written anywhere.

use std::io::IsTerminal;

use conversation_export::key_check::check_key;
use conversation_export::secret::ApiKey;
use conversation_export::vendors::VendorId;

use crate::exit::Failure;

/// The environment variable the key is read from.
pub const KEY_VARIABLE: &str = "CONVERSATION_EXPORT_KEY";

/// Reads `vendor`'s key from `CONVERSATION_EXPORT_KEY`, or asks for it (without echo) when
/// `may_prompt` and someone is at the terminal. A key in another vendor's shape, or with
/// spaces inside, is refused before anything is sent.
pub fn read_key(vendor: VendorId, may_prompt: bool) -> Result<ApiKey, Failure> {
    let name = vendor.spec().name;
    let key = match std::env::var(KEY_VARIABLE) {
        Ok(key) if !key.trim().is_empty() => key,
        _ if may_prompt && std::io::stdin().is_terminal() => {
            rpassword::prompt_password(format!("{name} API key (not shown): ")).map_err(|error| {
                Failure::bad_input(format!("Could not read the key from the terminal: {error}."))
            })?
        }
        _ => {
            return Err(Failure::bad_input(format!(
                "No {name} API key: set {KEY_VARIABLE} in the environment{}. It is never read from a flag, where the process list would show it.",
                if may_prompt { " (or run this at a terminal to be asked for it)" } else { "" }
            )))
        }
    };
    let key = key.trim().to_string();
    let check = check_key(vendor, &key);
    if check.blocks() {
        let message = check.message(vendor).unwrap_or_default();
        return Err(Failure::bad_input(format!(
            "The API key in {KEY_VARIABLE} was not sent. {message}"
        )));
    }
    Ok(ApiKey::new(key))
}
