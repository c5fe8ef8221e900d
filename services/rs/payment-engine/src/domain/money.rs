//! Money as an integer number of minor units with its ISO 4217 currency: never a float.

use std::fmt;

/// The currencies we take, with their minor-unit exponent (ISO 4217).
const CURRENCIES: [(&str, u32); 8] = [
    ("EUR", 2),
    ("USD", 2),
    ("GBP", 2),
    ("CHF", 2),
    ("SEK", 2),
    ("PLN", 2),
    ("UAH", 2),
    ("JPY", 0),
];

/// The largest single payment: 1,000,000.00 in a two-decimal currency.
pub const MAX_AMOUNT_MINOR: i64 = 100_000_000;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    #[error("{0:?} is not a currency we take (one of {list})", list = supported())]
    UnknownCurrency(String),
    #[error("an amount must be at least 1 minor unit, not {0}")]
    NotPositive(i64),
    #[error("an amount may be at most {MAX_AMOUNT_MINOR} minor units, not {0}")]
    TooLarge(i64),
}

fn supported() -> String {
    CURRENCIES
        .iter()
        .map(|(code, _)| *code)
        .collect::<Vec<_>>()
        .join(", ")
}

/// An ISO 4217 code we take.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Currency {
    code: &'static str,
    exponent: u32,
}

impl Currency {
    /// Exactly one of the supported codes, upper case (`"eur"` is refused: codes are data).
    pub fn parse(code: &str) -> Result<Self, MoneyError> {
        CURRENCIES
            .iter()
            .find(|(known, _)| *known == code)
            .map(|&(code, exponent)| Self { code, exponent })
            .ok_or_else(|| MoneyError::UnknownCurrency(code.to_owned()))
    }

    pub fn code(self) -> &'static str {
        self.code
    }

    pub fn exponent(self) -> u32 {
        self.exponent
    }
}

/// A positive amount of one currency.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Money {
    currency: Currency,
    amount_minor: i64,
}

impl Money {
    pub fn new(currency: Currency, amount_minor: i64) -> Result<Self, MoneyError> {
        if amount_minor < 1 {
            return Err(MoneyError::NotPositive(amount_minor));
        }
        if amount_minor > MAX_AMOUNT_MINOR {
            return Err(MoneyError::TooLarge(amount_minor));
        }
        Ok(Self {
            currency,
            amount_minor,
        })
    }

    pub fn currency(self) -> Currency {
        self.currency
    }

    pub fn amount_minor(self) -> i64 {
        self.amount_minor
    }
}

impl fmt::Display for Money {
    /// `19.99 EUR`, `500 JPY`: the amount in major units with the currency's decimals.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let exponent = self.currency.exponent;
        if exponent == 0 {
            return write!(f, "{} {}", self.amount_minor, self.currency.code);
        }
        let unit = 10_i64.pow(exponent);
        write!(
            f,
            "{}.{:0width$} {}",
            self.amount_minor / unit,
            self.amount_minor % unit,
            self.currency.code,
            width = exponent as usize
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn eur() -> Currency {
        Currency::parse("EUR").unwrap()
    }

    #[test]
    fn amounts_are_positive_whole_minor_units_up_to_the_cap() {
        assert_eq!(Money::new(eur(), 0), Err(MoneyError::NotPositive(0)));
        assert_eq!(Money::new(eur(), -5), Err(MoneyError::NotPositive(-5)));
        assert_eq!(
            Money::new(eur(), MAX_AMOUNT_MINOR + 1),
            Err(MoneyError::TooLarge(MAX_AMOUNT_MINOR + 1))
        );
        assert_eq!(Money::new(eur(), 1).unwrap().amount_minor(), 1);
        assert!(Money::new(eur(), MAX_AMOUNT_MINOR).is_ok());
    }

    #[test]
    fn only_known_upper_case_codes_are_currencies() {
        assert!(Currency::parse("eur").is_err());
        assert!(Currency::parse("EURO").is_err());
        let error = Currency::parse("XXX").unwrap_err().to_string();
        assert!(error.contains("EUR, USD"), "{error}");
        assert_eq!(Currency::parse("JPY").unwrap().exponent(), 0);
    }

    #[test]
    fn display_uses_the_currencys_decimals() {
        assert_eq!(Money::new(eur(), 1999).unwrap().to_string(), "19.99 EUR");
        assert_eq!(Money::new(eur(), 5).unwrap().to_string(), "0.05 EUR");
        let yen = Currency::parse("JPY").unwrap();
        assert_eq!(Money::new(yen, 500).unwrap().to_string(), "500 JPY");
    }
}
