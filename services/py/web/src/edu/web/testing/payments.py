"""FakePaymentsClient: payments in memory, answered like the payment-engine and its sandbox."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from uuid import UUID

from edu.auth.tokens import TokenVerifier
from edu.web.clients.errors import ProblemError
from edu.web.clients.models import Money, Payment, Price
from edu.web.testing.switch import Switchable, caller_of

NOW = datetime(2026, 12, 5, 12, 0, tzinfo=UTC)
# The sandbox's test cards and what each ends as (services/rs/payment-engine/README.md).
DECLINES = {
    "tok_decline": "The card was declined.",
    "tok_insufficient_funds": "Your card has insufficient funds.",
}


@dataclass
class FakePaymentsClient(Switchable):
    verifier: TokenVerifier
    name: str = "payment-engine"
    # Settle a payment at creation (as if the provider's webhook came at once); False keeps it
    # pending until ``settle``.
    settle_at_once: bool = True
    payments_by_id: dict[UUID, tuple[UUID, Payment]] = field(default_factory=dict)
    by_key: dict[tuple[UUID, str], tuple[UUID, tuple[UUID, str, int, str]]] = field(
        default_factory=dict
    )
    charges: int = 0  # payments made, replays not counted

    async def pay(
        self, token: str, idempotency_key: str, course_id: UUID, price: Price, card_token: str
    ) -> Payment:
        self.answer()
        student = caller_of(self.verifier, token)
        request = (course_id, price.currency_code, price.amount_minor, card_token)
        known = self.by_key.get((student, idempotency_key))
        if known is not None:
            payment_id, first = known
            if first != request:
                raise ProblemError(
                    422,
                    "Idempotency key reused",
                    "This Idempotency-Key was used for a different payment.",
                )
            return self.payments_by_id[payment_id][1]
        self.charges += 1
        payment = Payment(
            id=uuid.uuid4(),
            course_id=course_id,
            amount=Money(currency_code=price.currency_code, amount_minor=price.amount_minor),
            status="pending",
            created_at=NOW,
        )
        self.payments_by_id[payment.id] = (student, payment)
        self.by_key[(student, idempotency_key)] = (payment.id, request)
        if self.settle_at_once:
            reason = DECLINES.get(card_token)
            self.settle(payment.id, "failed" if reason else "succeeded", reason)
        return self.payments_by_id[payment.id][1]

    async def payment(self, token: str, payment_id: UUID) -> Payment | None:
        self.answer()
        student = caller_of(self.verifier, token)
        owner, payment = self.payments_by_id.get(payment_id, (None, None))
        return payment if owner == student else None

    def settle(self, payment_id: UUID, status: str, reason: str | None = None) -> None:
        owner, payment = self.payments_by_id[payment_id]
        settled = payment.model_copy(update={"status": status, "failure_reason": reason})
        self.payments_by_id[payment_id] = (owner, settled)
