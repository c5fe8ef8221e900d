"""What a course costs: an amount in integer minor units of a currency the payment-engine takes.

A course without a price is free, and stays free until its teacher sets one. The currencies and
the cap are the payment-engine's (edu.common.money), so every price a teacher can set is one a
student can pay.
"""

from __future__ import annotations

from dataclasses import dataclass

from edu.common.money import AMOUNT_MINOR_MAX, CURRENCIES, format_money
from edu.common.problems import FieldProblem, InvalidInput

__all__ = ["AMOUNT_MINOR_MAX", "CURRENCIES", "Price"]


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
        return format_money(self.currency_code, self.amount_minor)
