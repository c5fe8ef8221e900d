"""Amounts in minor units read as people write them."""

from __future__ import annotations

import pytest

from edu.common.money import format_money


@pytest.mark.parametrize(
    ("currency", "amount", "shown"),
    [
        ("EUR", 1999, "19.99 EUR"),
        ("USD", 5, "0.05 USD"),
        ("JPY", 500, "500 JPY"),
        ("XYZ", 1, "0.01 XYZ"),
    ],
)
def test_an_amount_reads_in_major_units(currency: str, amount: int, shown: str) -> None:
    assert format_money(currency, amount) == shown
