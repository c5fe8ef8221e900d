//! Playback URLs signed with HMAC-SHA256 over the path they open and their expiry.
//!
//! A signature covers a *scope*: `<video id>/hls/` (the master playlist, every rendition's
//! playlist and segment and the poster: a player resolves the playlists' relative URLs under
//! the same signed prefix, so one signature opens the ladder) or `<video id>/original` (byte
//! ranges of the upload). The URL is `/play/<expires>/<signature>/<scope><file>`; the signature
//! is base64url (no padding) of HMAC-SHA256(secret, "<scope>\n<expires>"). Another video, a
//! moved expiry, another scope or a changed signature fails the check; so does any URL after its
//! expiry (Unix seconds). Compared in constant time (`hmac`'s `verify_slice`).

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use uuid::Uuid;

type HmacSha256 = Hmac<Sha256>;

/// What a signature opens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Everything under `<video>/hls/`.
    Hls(Uuid),
    /// `<video>/original`.
    Original(Uuid),
    /// Everything under `<video>/captions/` (one `<language>.vtt` per track).
    Captions(Uuid),
}

impl Scope {
    pub fn path(self) -> String {
        match self {
            Self::Hls(video) => format!("{video}/hls/"),
            Self::Original(video) => format!("{video}/original"),
            Self::Captions(video) => format!("{video}/captions/"),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    #[error("the link has expired; ask for a new one")]
    Expired,
    #[error("the link's signature does not match it")]
    Mismatch,
}

fn mac(secret: &[u8], scope: Scope, expires: u64) -> HmacSha256 {
    let mut mac = HmacSha256::new_from_slice(secret)
        .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"));
    mac.update(scope.path().as_bytes());
    mac.update(b"\n");
    mac.update(expires.to_string().as_bytes());
    mac
}

/// The signature of `scope` until `expires` (Unix seconds).
pub fn sign(secret: &[u8], scope: Scope, expires: u64) -> String {
    URL_SAFE_NO_PAD.encode(mac(secret, scope, expires).finalize().into_bytes())
}

/// Whether `signature` opens `scope` at `now` (Unix seconds). The signature is checked first,
/// so a tampered expiry is a mismatch, not "expired".
pub fn verify(
    secret: &[u8],
    scope: Scope,
    expires: u64,
    signature: &str,
    now: u64,
) -> Result<(), SignatureError> {
    let given = URL_SAFE_NO_PAD
        .decode(signature)
        .map_err(|_| SignatureError::Mismatch)?;
    mac(secret, scope, expires)
        .verify_slice(&given)
        .map_err(|_| SignatureError::Mismatch)?;
    if now >= expires {
        return Err(SignatureError::Expired);
    }
    Ok(())
}

/// The URL path of `file` under `scope` (`file` empty for the original).
pub fn url_path(secret: &[u8], scope: Scope, expires: u64, file: &str) -> String {
    format!(
        "/play/{expires}/{}/{}{file}",
        sign(secret, scope, expires),
        scope.path()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &[u8] = b"k3y-for-tests";
    const VIDEO: Uuid = Uuid::from_u128(0x1234);

    #[test]
    fn a_signature_opens_its_scope_until_it_expires() {
        let signature = sign(SECRET, Scope::Hls(VIDEO), 1_000);
        assert_eq!(
            verify(SECRET, Scope::Hls(VIDEO), 1_000, &signature, 999),
            Ok(())
        );
        assert_eq!(
            verify(SECRET, Scope::Hls(VIDEO), 1_000, &signature, 1_000),
            Err(SignatureError::Expired)
        );
    }

    #[test]
    fn any_change_to_the_url_is_a_mismatch() {
        let signature = sign(SECRET, Scope::Hls(VIDEO), 1_000);
        let other = Uuid::from_u128(0x1235);
        let mut flipped = signature.clone().into_bytes();
        flipped[0] = if flipped[0] == b'A' { b'B' } else { b'A' };
        let flipped = String::from_utf8(flipped).unwrap();
        for (scope, expires, signature, secret) in [
            (Scope::Hls(other), 1_000, signature.as_str(), SECRET),
            (Scope::Original(VIDEO), 1_000, signature.as_str(), SECRET),
            (Scope::Hls(VIDEO), 9_999, signature.as_str(), SECRET),
            (Scope::Hls(VIDEO), 1_000, flipped.as_str(), SECRET),
            (Scope::Hls(VIDEO), 1_000, "not base64!", SECRET),
            (Scope::Hls(VIDEO), 1_000, "", SECRET),
            (
                Scope::Hls(VIDEO),
                1_000,
                signature.as_str(),
                b"other-key".as_slice(),
            ),
        ] {
            assert_eq!(
                verify(secret, scope, expires, signature, 0),
                Err(SignatureError::Mismatch),
                "{scope:?} {expires} {signature}"
            );
        }
    }

    #[test]
    fn urls_put_expiry_signature_and_scope_in_the_path() {
        let path = url_path(SECRET, Scope::Hls(VIDEO), 77, "master.m3u8");
        let signature = sign(SECRET, Scope::Hls(VIDEO), 77);
        assert_eq!(
            path,
            format!("/play/77/{signature}/{VIDEO}/hls/master.m3u8")
        );
        assert!(url_path(SECRET, Scope::Original(VIDEO), 77, "").ends_with("/original"));
    }
}
