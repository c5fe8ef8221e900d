"""What a course costs: an amount in integer minor units of a currency the payment-engine takes.

A course without a price is free, and stays free until its teacher sets one. The currencies and
the cap are the payment-engine's (services/rs/payment-engine/src/domain/money.rs), so every price
a teacher can set is one a student can pay.
"""

from __future__ import annotations

from dataclasses import dataclass

from edu.common.problems import FieldProblem, InvalidInput

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


@dataclass(frozen=True)
class Price:
    """``amount_minor`` minor units of ``currency_code`` (1999 EUR is 19.99 EUR); never 0."""

    currency_code: str
    amount_minor: int

    def __post_init__(self) -> None:
        problems = []
        if self.currency_code not in CURRENCIES:
            problems.append(
                FieldProblem(
                    "currency_code",
                    f"{self.currency_code!r} is not a currency we take; use one of "
                    f"{', '.join(CURRENCIES)}.",
                )
            )
        if self.amount_minor <= 0:
            problems.append(
                FieldProblem(
                    "amount_minor",
                    "A price is more than 0; to make the course free, remove its price.",
                )
            )
        elif self.amount_minor > AMOUNT_MINOR_MAX:
            problems.append(
                FieldProblem(
                    "amount_minor",
                    f"A price is at most {AMOUNT_MINOR_MAX} minor units "
                    "(1,000,000.00 in a currency with cents).",
                )
            )
        if problems:
            raise InvalidInput("This price is not acceptable; see `errors`.", errors=problems)

    def __str__(self) -> str:
        """``19.99 EUR``, ``500 JPY``."""
        digits = CURRENCIES[self.currency_code]
        if not digits:
            return f"{self.amount_minor} {self.currency_code}"
        major, minor = divmod(self.amount_minor, 10**digits)
        return f"{major}.{minor:0{digits}d} {self.currency_code}"
