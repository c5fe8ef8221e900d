"""Buying a paid course: the checkout form, and the payment's page until it settles.

The price is always the course's own (read from course when the form is sent, never from the
form). Each checkout form carries a fresh idempotency key, so sending it twice (a double click,
a retry after a timeout, the back button) finds the same payment instead of charging twice
(the payment-engine's Stripe semantics, ADR 0022). The payment settles asynchronously (the
provider confirms it by webhook) and enrollment enrols the student on ``payment.succeeded``:
the payment's page refreshes itself every two seconds (a meta refresh: no script needed) until
both have happened, or shows why the payment failed.
"""

from __future__ import annotations

import re
import uuid
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from edu.web.clients.errors import ProblemError
from edu.web.clients.models import Money, PublishedCourse
from edu.web.forms import FormErrors
from edu.web.pages.deps import SignedInDep, WebDep, checked_form
from edu.web.pages.flash import redirect_with
from edu.web.pages.progress import enrollment_in
from edu.web.pages.rendering import render

router = APIRouter(dependencies=[Depends(checked_form)])

# The provider sandbox's test cards (services/rs/payment-engine/README.md). A real provider
# would hand the browser a token from its own card field instead; the form sends only tokens.
TEST_CARDS = {
    "tok_visa": "Visa ending in 4242 (pays)",
    "tok_decline": "Card ending in 0002 (declined)",
    "tok_insufficient_funds": "Card ending in 9995 (insufficient funds)",
}
KEY = re.compile(r"^[0-9a-f]{32}$")
REFRESH_SECONDS = 2
# Currencies without minor units (ISO 4217 exponent 0) among those the engine takes.
NO_MINOR_UNITS = {"JPY"}


def money(amount: Money) -> str:
    """``4900 EUR`` -> ``49.00 EUR`` (as course displays prices)."""
    if amount.currency_code in NO_MINOR_UNITS:
        return f"{amount.amount_minor} {amount.currency_code}"
    whole, cents = divmod(amount.amount_minor, 100)
    return f"{whole}.{cents:02d} {amount.currency_code}"


async def _checkout(
    request: Request,
    course: PublishedCourse,
    errors: FormErrors,
    *,
    card: str = "tok_visa",
    status_code: int = 200,
) -> HTMLResponse:
    return await render(
        request,
        "checkout.html",
        status_code=status_code,
        course=course,
        cards=TEST_CARDS,
        card=card,
        idempotency_key=uuid.uuid4().hex,
        errors=errors,
    )


@router.get("/courses/{course_id}/checkout", response_class=HTMLResponse)
async def checkout(request: Request, course_id: UUID, wired: WebDep, who: SignedInDep) -> Response:
    """The price and a card to pay with; a free course, or one already bought, has none."""
    course = await wired.course.course(course_id)
    if course.price is None or await enrollment_in(wired, who, course_id):
        return RedirectResponse(f"/courses/{course_id}", status_code=303)
    return await _checkout(request, course, FormErrors())


@router.post("/courses/{course_id}/checkout")
async def pay(
    request: Request,
    course_id: UUID,
    wired: WebDep,
    who: SignedInDep,
    idempotency_key: Annotated[str, Form()] = "",
    card: Annotated[str, Form()] = "",
) -> Response:
    """Pay the course's current price with the chosen card, then follow the payment."""
    course = await wired.course.course(course_id)
    if course.price is None:
        return RedirectResponse(f"/courses/{course_id}", status_code=303)
    errors = FormErrors()
    if card not in TEST_CARDS:
        errors.add("card", "Choose one of the cards listed.")
    if not KEY.match(idempotency_key):
        errors.add("card", "This form is out of date: please choose the card and pay again.")
    if errors:
        return await _checkout(request, course, errors, status_code=422)
    try:
        payment = await wired.payments.pay(
            who.token, idempotency_key, course_id, course.price, card
        )
    except ProblemError as problem:
        if problem.status not in (400, 409, 422):
            raise
        # e.g. the price changed after the form was shown: the key belongs to the old request
        errors.add("card", problem.detail or "The payment was refused: please try again.")
        return await _checkout(request, course, errors, card=card, status_code=422)
    return RedirectResponse(f"/payments/{payment.id}", status_code=303)


@router.get("/payments/{payment_id}", response_class=HTMLResponse)
async def payment_page(
    request: Request, payment_id: UUID, wired: WebDep, who: SignedInDep
) -> Response:
    """Where a payment stands: waiting (refreshing), paid and enrolled, or why it failed."""
    payment = await wired.payments.payment(who.token, payment_id)
    if payment is None:
        raise ProblemError(404, "Not found", "There is no payment of yours with this id.")
    course = await wired.course.course(payment.course_id)
    enrollment = await enrollment_in(wired, who, payment.course_id)
    if payment.status == "succeeded" and enrollment is not None:
        return redirect_with(wired, f"/courses/{payment.course_id}", "paid")
    waiting = payment.status == "pending" or (payment.status == "succeeded" and not enrollment)
    return await render(
        request,
        "payment.html",
        payment=payment,
        course=course,
        amount=money(payment.amount),
        refresh=REFRESH_SECONDS if waiting else None,
    )
