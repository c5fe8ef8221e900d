//! The payment provider sandbox (`payment-provider-sandbox`): a provider we run ourselves that
//! behaves like a real one. It takes a charge or a refund under the caller's idempotency key
//! (asked again: the first answer, nothing new), answers at once, and confirms later by a signed
//! webhook (the engine's `t=…,v1=…` HMAC scheme) that it redelivers until it is acknowledged —
//! with the chaos a real provider shows when asked to: every event delivered several times
//! (`EDU_SANDBOX_DUPLICATES`), out of order (`EDU_SANDBOX_REORDER`), late
//! (`EDU_SANDBOX_DELAY_MS`), or never (test card `tok_timeout`).
//!
//! Test cards: `tok_visa` (and `tok_mastercard`) succeed; `tok_decline` fails "The card was
//! declined."; `tok_insufficient_funds` fails "Your card has insufficient funds."; `tok_timeout`
//! is taken and never answered; anything else is refused 400.

mod delivery;
mod routes;
mod settings;

pub use delivery::Stats;
pub use routes::router;
pub use settings::SandboxSettings;

/// What a test card does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Card {
    Succeeds,
    Declined(&'static str),
    NeverAnswers,
}

pub fn card(token: &str) -> Option<Card> {
    match token {
        "tok_visa" | "tok_mastercard" => Some(Card::Succeeds),
        "tok_decline" => Some(Card::Declined("The card was declined.")),
        "tok_insufficient_funds" => Some(Card::Declined("Your card has insufficient funds.")),
        "tok_timeout" => Some(Card::NeverAnswers),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_cards_say_what_happens() {
        assert_eq!(card("tok_visa"), Some(Card::Succeeds));
        assert_eq!(
            card("tok_decline"),
            Some(Card::Declined("The card was declined."))
        );
        assert_eq!(card("tok_timeout"), Some(Card::NeverAnswers));
        assert_eq!(card("4242424242424242"), None);
    }
}
