//! Idempotency keys with Stripe's semantics: the same key with the same request gives the
//! first result; the same key with a different request is refused (422); concurrent
//! duplicates make one payment (the store's unique key decides the race, then this replays).

use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::money::Money;

/// The longest key accepted (Stripe's limit).
pub const MAX_KEY_LENGTH: usize = 255;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    #[error("the idempotency key is empty")]
    Empty,
    #[error("the idempotency key is {0} characters long; at most {MAX_KEY_LENGTH} are accepted")]
    TooLong(usize),
    #[error("the idempotency key may hold only visible ASCII characters")]
    NotVisibleAscii,
}

/// A caller's idempotency key: 1 to 255 visible ASCII characters.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct IdempotencyKey(String);

impl IdempotencyKey {
    pub fn parse(key: &str) -> Result<Self, KeyError> {
        if key.is_empty() {
            return Err(KeyError::Empty);
        }
        if key.len() > MAX_KEY_LENGTH {
            return Err(KeyError::TooLong(key.chars().count()));
        }
        if !key.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(KeyError::NotVisibleAscii);
        }
        Ok(Self(key.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// What a create-payment request asks for; its fingerprint tells "the same request" apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PaymentRequest {
    pub student_id: Uuid,
    pub course_id: Uuid,
    pub amount: Money,
}

impl PaymentRequest {
    /// SHA-256 of the request's fields in a fixed order and form: equal requests, equal prints.
    pub fn fingerprint(&self) -> [u8; 32] {
        let canonical = format!(
            "v1|{}|{}|{}|{}",
            self.student_id.hyphenated(),
            self.course_id.hyphenated(),
            self.amount.currency().code(),
            self.amount.amount_minor()
        );
        Sha256::digest(canonical.as_bytes()).into()
    }
}

/// A key already used: the request it came with and the payment it made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Used {
    pub fingerprint: [u8; 32],
    pub payment_id: Uuid,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Replay {
    /// A key never used: make the payment.
    Fresh,
    /// The same request again: answer with the payment it made, charge nothing.
    Same(Uuid),
    /// The key was used for a different request: refuse (422).
    Mismatch,
}

pub fn replay(used: Option<Used>, request: &PaymentRequest) -> Replay {
    match used {
        None => Replay::Fresh,
        Some(used) if used.fingerprint == request.fingerprint() => Replay::Same(used.payment_id),
        Some(_) => Replay::Mismatch,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::money::Currency;

    fn request(minor: i64) -> PaymentRequest {
        PaymentRequest {
            student_id: Uuid::from_u128(1),
            course_id: Uuid::from_u128(2),
            amount: Money::new(Currency::parse("EUR").unwrap(), minor).unwrap(),
        }
    }

    #[test]
    fn the_same_key_and_request_replays_a_different_request_is_a_mismatch() {
        let first = request(4900);
        assert_eq!(replay(None, &first), Replay::Fresh);
        let used = Used {
            fingerprint: first.fingerprint(),
            payment_id: Uuid::from_u128(9),
        };
        assert_eq!(
            replay(Some(used), &request(4900)),
            Replay::Same(Uuid::from_u128(9))
        );
        assert_eq!(replay(Some(used), &request(4901)), Replay::Mismatch);
        let other_course = PaymentRequest {
            course_id: Uuid::from_u128(3),
            ..first
        };
        assert_eq!(replay(Some(used), &other_course), Replay::Mismatch);
    }

    #[test]
    fn keys_are_short_visible_ascii() {
        assert_eq!(IdempotencyKey::parse(""), Err(KeyError::Empty));
        assert_eq!(
            IdempotencyKey::parse(&"k".repeat(256)),
            Err(KeyError::TooLong(256))
        );
        assert_eq!(
            IdempotencyKey::parse("has space"),
            Err(KeyError::NotVisibleAscii)
        );
        assert_eq!(IdempotencyKey::parse("clé"), Err(KeyError::NotVisibleAscii));
        assert_eq!(
            IdempotencyKey::parse("checkout-7f3a").unwrap().as_str(),
            "checkout-7f3a"
        );
        assert!(IdempotencyKey::parse(&"k".repeat(255)).is_ok());
    }
}
