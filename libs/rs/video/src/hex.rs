//! Lower-case hex, the form SHA-256 digests take on the wire and in the database.

use std::fmt::Write;

pub fn encode(bytes: &[u8]) -> String {
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut text, b| {
            let _ = write!(text, "{b:02x}");
            text
        })
}

/// Whether `text` is a SHA-256 digest in lower- or upper-case hex (64 digits).
pub fn is_sha256(text: &str) -> bool {
    text.len() == 64 && text.bytes().all(|b| b.is_ascii_hexdigit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_become_two_lower_case_digits_each() {
        assert_eq!(encode(&[0, 0xab, 0x7f]), "00ab7f");
        assert!(is_sha256(&"aB".repeat(32)));
        assert!(!is_sha256(&"g0".repeat(32)));
        assert!(!is_sha256("00"));
    }
}
