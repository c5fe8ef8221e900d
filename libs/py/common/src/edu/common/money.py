"""The currencies the platform takes and how an amount in minor units reads for people.

The payment-engine's list (services/rs/payment-engine/src/domain/money.rs), so a course's price
(course) and the message refusing a free enrolment in a paid course (enrollment) agree with it.
"""

from __future__ import annotations

# ISO 4217 code → digits after the decimal point.
CURRENCIES: dict[str, int] = {
    "EUR": 2,
    "USD": 2,
    "GBP": 2,
    "CHF": 2,
    "SEK": 2,
    "PLN": 2,
    "UAH": 2,
    "JPY": 0,
}
# The largest payment the payment-engine takes: 1,000,000.00 in a two-decimal currency.
AMOUNT_MINOR_MAX = 100_000_000


def format_money(currency_code: str, amount_minor: int) -> str:
    """``19.99 EUR`` for (EUR, 1999), ``500 JPY`` for (JPY, 500); an unknown currency as cents."""
    digits = CURRENCIES.get(currency_code, 2)
    if not digits:
        return f"{amount_minor} {currency_code}"
    major, minor = divmod(amount_minor, 10**digits)
    return f"{major}.{minor:0{digits}d} {currency_code}"
