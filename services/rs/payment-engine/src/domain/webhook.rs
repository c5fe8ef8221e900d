//! The payment provider's webhooks: signed like Stripe's. The `Edu-Provider-Signature` header
//! reads `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">` (several `v1` while a secret
//! is rotated); a signature older or newer than the tolerance is refused (a replayed capture),
//! and comparison is constant-time.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use hmac::{Hmac, Mac};
use sha2::Sha256;

pub const SIGNATURE_HEADER: &str = "edu-provider-signature";
/// How far a signature's time may be from ours (Stripe's default: 5 minutes).
pub const TOLERANCE: Duration = Duration::from_mins(5);

type HmacSha256 = Hmac<Sha256>;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    #[error("the signature header must read t=<unix seconds>,v1=<hex>")]
    Malformed,
    #[error("the signature was made {0} s away from now; at most {max} s are accepted", max = TOLERANCE.as_secs())]
    OutsideTolerance(u64),
    #[error("no signature matches the body with any of our secrets")]
    Mismatch,
}

fn unix(time: SystemTime) -> u64 {
    time.duration_since(UNIX_EPOCH)
        .unwrap_or_default()
        .as_secs()
}

fn mac(secret: &[u8], timestamp: u64, body: &[u8]) -> HmacSha256 {
    // HMAC accepts keys of any length: new_from_slice cannot fail for it.
    let mut mac = HmacSha256::new_from_slice(secret).unwrap_or_else(|_| unreachable!());
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    mac
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}

fn unhex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok())
        .collect()
}

/// The header value the provider sends with `body` at `at`.
pub fn sign(secret: &[u8], at: SystemTime, body: &[u8]) -> String {
    let timestamp = unix(at);
    let signature = mac(secret, timestamp, body).finalize().into_bytes();
    format!("t={timestamp},v1={}", hex(&signature))
}

/// Checks `header` against `body` with any of `secrets` at `now`; the signature's time on success.
pub fn verify(
    secrets: &[&[u8]],
    header: &str,
    body: &[u8],
    now: SystemTime,
) -> Result<u64, SignatureError> {
    let mut timestamp = None;
    let mut signatures = Vec::new();
    for part in header.split(',') {
        match part.trim().split_once('=') {
            Some(("t", value)) => {
                timestamp = Some(
                    value
                        .parse::<u64>()
                        .map_err(|_| SignatureError::Malformed)?,
                );
            }
            Some(("v1", value)) => signatures.push(unhex(value).ok_or(SignatureError::Malformed)?),
            Some(_) => {} // other schemes (v0...) are ignored, as Stripe's clients do
            None => return Err(SignatureError::Malformed),
        }
    }
    let timestamp = timestamp.ok_or(SignatureError::Malformed)?;
    if signatures.is_empty() {
        return Err(SignatureError::Malformed);
    }
    let distance = unix(now).abs_diff(timestamp);
    if distance > TOLERANCE.as_secs() {
        return Err(SignatureError::OutsideTolerance(distance));
    }
    let matches = secrets.iter().any(|secret| {
        signatures
            .iter()
            .any(|signature| mac(secret, timestamp, body).verify_slice(signature).is_ok())
    });
    if matches {
        Ok(timestamp)
    } else {
        Err(SignatureError::Mismatch)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BODY: &[u8] = br#"{"id":"evt_1","type":"payment.succeeded"}"#;

    fn at(seconds: u64) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(seconds)
    }

    #[test]
    fn a_signature_made_with_our_secret_verifies_within_the_tolerance() {
        let header = sign(b"whsec_1", at(1_000_000), BODY);
        assert!(header.starts_with("t=1000000,v1="));
        assert_eq!(
            verify(&[b"whsec_1"], &header, BODY, at(1_000_299)),
            Ok(1_000_000)
        );
        assert_eq!(
            verify(&[b"whsec_1"], &header, BODY, at(999_800)),
            Ok(1_000_000)
        );
    }

    #[test]
    fn another_body_secret_or_an_old_capture_is_refused() {
        let header = sign(b"whsec_1", at(1_000_000), BODY);
        let now = at(1_000_001);
        assert_eq!(
            verify(&[b"whsec_1"], &header, b"{}", now),
            Err(SignatureError::Mismatch)
        );
        assert_eq!(
            verify(&[b"whsec_2"], &header, BODY, now),
            Err(SignatureError::Mismatch)
        );
        assert_eq!(
            verify(&[b"whsec_1"], &header, BODY, at(1_000_301)),
            Err(SignatureError::OutsideTolerance(301))
        );
        // The time is signed too: moving it forward breaks the signature.
        let moved = header.replace("t=1000000", "t=1000001");
        assert_eq!(
            verify(&[b"whsec_1"], &moved, BODY, now),
            Err(SignatureError::Mismatch)
        );
    }

    #[test]
    fn during_a_rotation_either_secret_verifies() {
        let old = sign(b"old", at(50), BODY);
        let new = sign(b"new", at(50), BODY);
        let both = format!("{old},{}", new.split_once(',').unwrap().1);
        for header in [&old, &new, &both] {
            assert!(
                verify(&[b"new", b"old"], header, BODY, at(60)).is_ok(),
                "{header}"
            );
        }
    }

    #[test]
    fn malformed_headers_are_told_apart_from_wrong_signatures() {
        for header in [
            "",
            "v1=abcd",
            "t=12",
            "t=x,v1=ab",
            "t=12,v1=xyz",
            "t=12,v1=abc",
            "garbage",
        ] {
            assert_eq!(
                verify(&[b"s"], header, BODY, at(12)),
                Err(SignatureError::Malformed),
                "{header:?}"
            );
        }
    }
}
