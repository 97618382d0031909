//! Opaque pagination cursors.
//!
//! Real vendors hand out cursors that clients must not parse. The simulator's cursors carry a
//! position and a checksum, so a cursor that was edited, truncated or made up is refused with a
//! 400, exactly as a vendor refuses an invalid cursor.

const SALT: u64 = 0xC0FF_EE00_1234_5678;

pub fn encode(position: usize) -> String {
    let position = position as u64;
    format!("c1{:016x}{:08x}", position ^ SALT, checksum(position))
}

pub fn decode(cursor: &str) -> Option<usize> {
    let body = cursor.strip_prefix("c1")?;
    if body.len() != 24 || !body.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let position = u64::from_str_radix(&body[..16], 16).ok()? ^ SALT;
    let check = u32::from_str_radix(&body[16..], 16).ok()?;
    (check == checksum(position)).then_some(position as usize)
}

fn checksum(position: u64) -> u32 {
    let mixed = position.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ SALT;
    (mixed >> 32) as u32 ^ mixed as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_refuses_tampering() {
        for position in [0, 1, 99, 100, 123_456] {
            assert_eq!(decode(&encode(position)), Some(position));
        }
        let mut tampered = encode(100);
        tampered.replace_range(5..6, if &tampered[5..6] == "0" { "1" } else { "0" });
        assert_eq!(decode(&tampered), None);
        assert_eq!(decode("garbage"), None);
        assert_eq!(decode(""), None);
    }
}
