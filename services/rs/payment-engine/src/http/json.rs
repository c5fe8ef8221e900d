//! The JSON bodies of the HTTP API (the proto's `Payment` and `Money`, in `snake_case` JSON).

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::app::ports::BalanceLine;
use crate::domain::payment::Payment;

/// An amount in the smallest unit of its currency, never a float.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MoneyJson {
    /// ISO 4217 code, upper case: EUR, USD, GBP, CHF, SEK, PLN, UAH or JPY.
    #[schema(example = "EUR")]
    pub currency_code: String,
    /// Minor units (1999 with EUR is 19.99 EUR), 1 to 100,000,000.
    #[schema(example = 4900, minimum = 1, maximum = 100_000_000)]
    pub amount_minor: i64,
}

/// Asks to pay for a course; the student is the signed-in user.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreatePaymentBody {
    /// The course paid for.
    #[schema(format = "uuid")]
    pub course_id: String,
    /// How much.
    pub amount: MoneyJson,
    /// The card to charge: a token of the provider's (the sandbox's test cards: `tok_visa`
    /// succeeds, `tok_decline` is declined, `tok_insufficient_funds` too, `tok_timeout` is never
    /// answered). Without one the payment waits for the provider's webhook (a checkout the
    /// provider hosts) or fails at its deadline.
    #[serde(default)]
    #[schema(example = "tok_visa", min_length = 1, max_length = 255)]
    pub card_token: Option<String>,
}

/// One payment by a student for a course.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PaymentJson {
    #[schema(format = "uuid")]
    pub id: String,
    /// The paying student (identity's user id).
    #[schema(format = "uuid")]
    pub student_id: String,
    #[schema(format = "uuid")]
    pub course_id: String,
    pub amount: MoneyJson,
    /// pending, succeeded, failed or refunded.
    #[schema(example = "pending")]
    pub status: String,
    /// When the payment was made (RFC 3339, UTC).
    #[schema(format = DateTime)]
    pub created_at: String,
    /// Why a failed payment failed, in words for the student (e.g. "The card was declined.");
    /// null unless the status is failed.
    #[schema(example = json!(null))]
    pub failure_reason: Option<String>,
}

impl From<&Payment> for PaymentJson {
    fn from(payment: &Payment) -> Self {
        Self {
            id: payment.id.to_string(),
            student_id: payment.student_id.to_string(),
            course_id: payment.course_id.to_string(),
            amount: MoneyJson {
                currency_code: payment.amount.currency().code().to_owned(),
                amount_minor: payment.amount.amount_minor(),
            },
            status: payment.status.as_str().to_owned(),
            created_at: prost_types::Timestamp::from(payment.created_at).to_string(),
            failure_reason: payment.failure_reason.clone(),
        }
    }
}

/// What a webhook delivery did (200): `applied`, `unchanged` (nothing to move) or `duplicate`
/// (this event id was handled before).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct WebhookReceipt {
    #[schema(example = "applied")]
    pub result: String,
}

/// One account's balance in one currency; debits positive, credits negative.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct BalanceJson {
    /// `provider_receivable` or `course_revenue`.
    pub account: String,
    pub currency_code: String,
    pub balance_minor: i64,
}

/// The ledger's balances, derived from its entries.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct LedgerBalances {
    /// Whether every currency's entries sum to zero.
    pub balanced: bool,
    pub balances: Vec<BalanceJson>,
}

impl LedgerBalances {
    pub fn of(lines: &[BalanceLine]) -> Self {
        let mut sums: std::collections::BTreeMap<&str, i64> = std::collections::BTreeMap::new();
        for line in lines {
            *sums.entry(line.currency.as_str()).or_default() += line.balance_minor;
        }
        Self {
            balanced: sums.values().all(|sum| *sum == 0),
            balances: lines
                .iter()
                .map(|line| BalanceJson {
                    account: line.account.as_str().to_owned(),
                    currency_code: line.currency.clone(),
                    balance_minor: line.balance_minor,
                })
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::ledger::Account;

    #[test]
    fn balances_are_balanced_only_when_each_currency_sums_to_zero() {
        let line = |account, currency: &str, minor| BalanceLine {
            account,
            currency: currency.into(),
            balance_minor: minor,
        };
        let even = [
            line(Account::CourseRevenue, "EUR", -4900),
            line(Account::ProviderReceivable, "EUR", 4900),
        ];
        assert!(LedgerBalances::of(&even).balanced);
        let crossed = [
            line(Account::CourseRevenue, "EUR", -4900),
            line(Account::ProviderReceivable, "USD", 4900),
        ];
        assert!(!LedgerBalances::of(&crossed).balanced);
        assert!(LedgerBalances::of(&[]).balanced);
    }
}
