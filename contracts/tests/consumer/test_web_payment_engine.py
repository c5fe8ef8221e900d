"""web -> payment-engine (a Python consumer of a Rust provider): paying for a paid course and
reading the payment back, through web's real payments client (ADR 0022).

The engine replays a key's first payment and refuses a key reused for another request, and a
payment belongs to the student who made it: so the token, the course, a fresh idempotency key
and the payment to read come from the provider states (``${token}``, ``${course_id}``,
``${idempotency_key}``, ``${payment_id}``), and the verifier replays the pact against the real
binary (contracts/tests/provider/test_verify_rust_consumers.py)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import pytest
from pact import Pact, generate, match
from pact.match import AbstractMatcher
from pact.match.matcher import GenericMatcher

from edu.web.clients.models import Price
from edu.web.clients.payments import HttpPaymentsClient
from edu.web.clients.transport import ServiceTransport

JSON = "application/json"
TOKEN = "eyJhbGciOiJFUzI1NiJ9.e30.c2ln"
COURSE_ID = "3f2a1b0c-9d8e-4f7a-8b6c-5d4e3f2a1b0c"
PAYMENT_ID = "5b4a3c2d-1e0f-4a9b-8c7d-6e5f4a3b2c1d"
STUDENT_ID = "1e2d3c4b-5a69-4788-9a6b-5c4d3e2f1a0b"
KEY = "0123456789abcdef0123456789abcdef"
NOBODYS = "9e8d7c6b-5a49-4382-b1a0-f9e8d7c6b5a4"  # a payment id no student has
AN_ID = r"^[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}$"
RFC3339 = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$"
PRICE = Price(currency_code="EUR", amount_minor=4900, display="49.00 EUR")
PAYING = "a signed-in student and a paid course"
PAID = "a signed-in student with a payment"


def from_state(example: str, expression: str, regex: str) -> AbstractMatcher[str]:
    """``example`` in the consumer test, matched by ``regex``; the verifier sends
    ``expression`` with the provider state's values."""
    generator = generate.provider_state(expression)
    return GenericMatcher("regex", example, generator=generator, extra_fields={"regex": regex})


def bearer() -> AbstractMatcher[str]:
    return from_state(f"Bearer {TOKEN}", "Bearer ${token}", r"^Bearer \S+$")


def payment_body(status: str) -> dict[str, Any]:
    """What web reads of a payment (a tolerant reader: the engine may say more)."""
    return {
        "id": match.uuid(PAYMENT_ID),
        "course_id": match.uuid(COURSE_ID),
        "student_id": match.uuid(STUDENT_ID),
        "amount": {"currency_code": match.str("EUR"), "amount_minor": match.int(4900)},
        "status": match.regex(status, regex=r"^(pending|succeeded|failed|refunded)$"),
        "created_at": match.regex("2026-12-05T10:00:00Z", regex=RFC3339),
    }


def payments_pact() -> Pact:
    pact = Pact("web", "payment-engine").with_specification("V4")
    (
        pact.upon_receiving("a student pays for a paid course with a test card")
        .given(PAYING)
        .with_request("POST", "/payments")
        .with_header("Authorization", bearer())
        .with_header("Idempotency-Key", from_state(KEY, "${idempotency_key}", r"^[0-9a-f]{32}$"))
        .with_body(
            {
                "course_id": from_state(COURSE_ID, "${course_id}", AN_ID),
                "amount": {"currency_code": "EUR", "amount_minor": 4900},
                "card_token": "tok_visa",
            },
            JSON,
        )
        .will_respond_with(201)
        .with_body(payment_body("pending"), JSON)
    )
    (
        pact.upon_receiving("a student reads their payment")
        .given(PAID)
        .with_request(
            "GET",
            # equality, not a regex: the mock server tells this path from NOBODYS' below
            GenericMatcher(
                "equality",
                f"/payments/{PAYMENT_ID}",
                generator=generate.provider_state("/payments/${payment_id}"),
            ),
        )
        .with_header("Authorization", bearer())
        .will_respond_with(200)
        .with_body(payment_body("succeeded"), JSON)
    )
    (
        pact.upon_receiving("a student reads a payment that is not theirs")
        .given(PAYING)
        .with_request("GET", f"/payments/{NOBODYS}")
        .with_header("Authorization", bearer())
        .will_respond_with(404)
        .with_body({"status": 404, "title": match.str("Not Found")}, "application/problem+json")
    )
    return pact


@pytest.mark.pact_pair("web", "payment-engine")
class TestWebPaymentEngineContract:
    async def test_web_pays_and_reads_payments_as_the_engine_answers(self, pact_check: Any) -> None:
        pact = payments_pact()
        with pact.serve() as server:
            client = HttpPaymentsClient(
                ServiceTransport("payment-engine", str(server.url), timeout=5)
            )
            made = await client.pay(TOKEN, KEY, UUID(COURSE_ID), PRICE, "tok_visa")
            assert made.id == UUID(PAYMENT_ID)
            assert made.amount.amount_minor == 4900
            read = await client.payment(TOKEN, UUID(PAYMENT_ID))
            assert read is not None
            assert read.status == "succeeded"
            assert await client.payment(TOKEN, UUID(NOBODYS)) is None
        pact_check(pact)
