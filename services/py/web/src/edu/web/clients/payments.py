"""The payment-engine's API (Rust, ADR 0022): paying for a course, and a payment's state."""

from __future__ import annotations

from typing import Protocol
from uuid import UUID

from edu.web.clients.errors import ProblemError
from edu.web.clients.models import Payment, Price
from edu.web.clients.transport import ServiceTransport


class PaymentsClient(Protocol):
    async def pay(
        self, token: str, idempotency_key: str, course_id: UUID, price: Price, card_token: str
    ) -> Payment: ...
    async def payment(self, token: str, payment_id: UUID) -> Payment | None: ...


class HttpPaymentsClient:
    def __init__(self, transport: ServiceTransport) -> None:
        self._http = transport

    async def pay(
        self, token: str, idempotency_key: str, course_id: UUID, price: Price, card_token: str
    ) -> Payment:
        """Start (or, with the same key, find again) the student's payment for the course."""
        body = {
            "course_id": str(course_id),
            "amount": {"currency_code": price.currency_code, "amount_minor": price.amount_minor},
            "card_token": card_token,
        }
        response = await self._http.call(
            "POST",
            "/payments",
            token=token,
            json=body,
            headers={"Idempotency-Key": idempotency_key},
        )
        return Payment.model_validate(response.json())

    async def payment(self, token: str, payment_id: UUID) -> Payment | None:
        """The student's payment, or None when it is not theirs or does not exist."""
        try:
            response = await self._http.call("GET", f"/payments/{payment_id}", token=token)
        except ProblemError as problem:
            if problem.status == 404:
                return None
            raise
        return Payment.model_validate(response.json())
