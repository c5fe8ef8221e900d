//! The double-entry ledger: every movement of money is entries that sum to zero per currency;
//! balances are derived from the entries, never stored on their own.
//!
//! Two accounts are enough for course sales: the money the provider holds for us
//! (`ProviderReceivable`, an asset: debits raise it) and what the courses earned
//! (`CourseRevenue`, income: credits raise it). A charge debits the receivable and credits the
//! revenue; a refund reverses it. Entries are signed: positive is a debit, negative a credit.

use std::collections::BTreeMap;

use uuid::Uuid;

use super::money::{Currency, Money};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Account {
    ProviderReceivable,
    CourseRevenue,
}

impl Account {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ProviderReceivable => "provider_receivable",
            Self::CourseRevenue => "course_revenue",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MovementKind {
    Charge,
    Refund,
}

impl MovementKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Charge => "charge",
            Self::Refund => "refund",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Entry {
    pub account: Account,
    pub currency: Currency,
    /// Minor units; a debit is positive, a credit negative.
    pub amount_minor: i64,
}

/// One movement of money for one payment: its entries sum to zero by construction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Movement {
    pub payment_id: Uuid,
    pub kind: MovementKind,
    entries: [Entry; 2],
}

impl Movement {
    /// The provider took `amount` for the payment: receivable up, revenue up.
    pub fn charge(payment_id: Uuid, amount: Money) -> Self {
        Self::between(
            payment_id,
            MovementKind::Charge,
            amount,
            Account::ProviderReceivable,
            Account::CourseRevenue,
        )
    }

    /// The provider gave `amount` back: the charge reversed.
    pub fn refund(payment_id: Uuid, amount: Money) -> Self {
        Self::between(
            payment_id,
            MovementKind::Refund,
            amount,
            Account::CourseRevenue,
            Account::ProviderReceivable,
        )
    }

    fn between(
        payment_id: Uuid,
        kind: MovementKind,
        amount: Money,
        debit: Account,
        credit: Account,
    ) -> Self {
        let currency = amount.currency();
        let minor = amount.amount_minor();
        Self {
            payment_id,
            kind,
            entries: [
                Entry {
                    account: debit,
                    currency,
                    amount_minor: minor,
                },
                Entry {
                    account: credit,
                    currency,
                    amount_minor: -minor,
                },
            ],
        }
    }

    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }
}

/// Balances per account and currency, derived from entries.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Balances(BTreeMap<(Account, Currency), i64>);

impl Balances {
    pub fn of<'a>(entries: impl IntoIterator<Item = &'a Entry>) -> Self {
        let mut balances = BTreeMap::new();
        for entry in entries {
            *balances.entry((entry.account, entry.currency)).or_insert(0) += entry.amount_minor;
        }
        Self(balances)
    }

    pub fn get(&self, account: Account, currency: Currency) -> i64 {
        self.0.get(&(account, currency)).copied().unwrap_or(0)
    }

    /// Every currency's entries sum to zero: the books balance.
    pub fn is_balanced(&self) -> bool {
        let mut per_currency: BTreeMap<Currency, i64> = BTreeMap::new();
        for ((_, currency), amount) in &self.0 {
            *per_currency.entry(*currency).or_insert(0) += amount;
        }
        per_currency.values().all(|sum| *sum == 0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn eur(minor: i64) -> Money {
        Money::new(Currency::parse("EUR").unwrap(), minor).unwrap()
    }

    #[test]
    fn a_charge_and_its_refund_each_sum_to_zero_and_together_leave_nothing() {
        let id = Uuid::nil();
        let charge = Movement::charge(id, eur(4900));
        let refund = Movement::refund(id, eur(4900));
        for movement in [&charge, &refund] {
            assert_eq!(
                movement
                    .entries()
                    .iter()
                    .map(|e| e.amount_minor)
                    .sum::<i64>(),
                0
            );
        }
        let eur_ = Currency::parse("EUR").unwrap();
        let after_charge = Balances::of(charge.entries());
        assert_eq!(after_charge.get(Account::ProviderReceivable, eur_), 4900);
        assert_eq!(after_charge.get(Account::CourseRevenue, eur_), -4900);
        let after_refund = Balances::of(charge.entries().iter().chain(refund.entries()));
        assert_eq!(after_refund.get(Account::ProviderReceivable, eur_), 0);
        assert!(after_refund.is_balanced());
    }

    #[test]
    fn a_one_sided_entry_unbalances_the_books() {
        let eur_ = Currency::parse("EUR").unwrap();
        let lonely = Entry {
            account: Account::CourseRevenue,
            currency: eur_,
            amount_minor: -100,
        };
        assert!(!Balances::of([&lonely]).is_balanced());
    }

    #[test]
    fn currencies_balance_separately() {
        let usd = Currency::parse("USD").unwrap();
        let eur_ = Currency::parse("EUR").unwrap();
        let entries = [
            Entry {
                account: Account::ProviderReceivable,
                currency: eur_,
                amount_minor: 100,
            },
            Entry {
                account: Account::CourseRevenue,
                currency: usd,
                amount_minor: -100,
            },
        ];
        assert!(
            !Balances::of(&entries).is_balanced(),
            "100 EUR against 100 USD is not balanced"
        );
    }
}
