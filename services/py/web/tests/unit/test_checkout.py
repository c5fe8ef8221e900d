"""Buying a paid course over fake services: the price shown, the checkout form, one charge per
form however often it is sent, the payment's page until enrolled, a declined card explained."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import Any
from uuid import UUID

import httpx

from edu.web.testing import FakeCourseClient, FakeEnrollmentClient, FakePaymentsClient

Call = Callable[..., Awaitable[Any]]
SubmitForm = Callable[[str, dict[str, str]], Awaitable[httpx.Response]]


async def _paid_course(publish_course: Call, course: FakeCourseClient, amount: int = 4900) -> Any:
    made = await publish_course("Rust for money")
    course.set_price(made.id, "EUR", amount)
    return made


def _key(page: httpx.Response) -> str:
    found = re.search(r'name="idempotency_key" value="([0-9a-f]{32})"', page.text)
    assert found, "the checkout form carries an idempotency key"
    return found.group(1)


class TestPrices:
    async def test_the_catalogue_and_the_course_page_show_the_price_or_free(
        self, site: httpx.AsyncClient, publish_course: Call, course: FakeCourseClient
    ) -> None:
        paid = await _paid_course(publish_course, course)
        await publish_course("Free for all")
        catalogue = await site.get("/")
        assert "49.00 EUR" in catalogue.text
        assert "Free" in catalogue.text
        page = await site.get(f"/courses/{paid.id}")
        assert f'href="/courses/{paid.id}/checkout">Buy for 49.00 EUR' in page.text
        assert "/enrol" not in page.text  # a paid course is bought, not enrolled in

    async def test_a_free_course_still_has_its_enrol_button(
        self, site: httpx.AsyncClient, publish_course: Call
    ) -> None:
        made = await publish_course("Free for all")
        page = await site.get(f"/courses/{made.id}")
        assert f'action="/courses/{made.id}/enrol"' in page.text
        assert "checkout" not in page.text


class TestCheckout:
    async def test_asks_a_visitor_to_sign_in_first(
        self, site: httpx.AsyncClient, publish_course: Call, course: FakeCourseClient
    ) -> None:
        paid = await _paid_course(publish_course, course)
        page = await site.get(f"/courses/{paid.id}/checkout")
        assert page.status_code == 303
        assert page.headers["location"].startswith("/login")

    async def test_paying_enrols_once_the_payment_settles(
        self,
        site: httpx.AsyncClient,
        sign_in: Call,
        submit: SubmitForm,
        publish_course: Call,
        course: FakeCourseClient,
        enrollment: FakeEnrollmentClient,
        payments: FakePaymentsClient,
        identity: Any,
    ) -> None:
        paid = await _paid_course(publish_course, course)
        await sign_in("ada@example.org")
        payments.settle_at_once = False
        form = await site.get(f"/courses/{paid.id}/checkout")
        assert form.status_code == 200
        assert "Pay 49.00 EUR" in form.text

        sent = await submit(
            f"/courses/{paid.id}/checkout", {"idempotency_key": _key(form), "card": "tok_visa"}
        )
        assert sent.status_code == 303
        payment_id = UUID(sent.headers["location"].removeprefix("/payments/"))

        waiting = await site.get(f"/payments/{payment_id}")
        assert waiting.status_code == 200
        assert '<meta http-equiv="refresh" content="2">' in waiting.text
        assert "Waiting for the payment to be confirmed" in waiting.text

        payments.settle(payment_id, "succeeded")
        enrolling = await site.get(f"/payments/{payment_id}")
        assert "Payment received: 49.00 EUR." in enrolling.text
        assert 'http-equiv="refresh"' in enrolling.text  # until enrollment has enrolled

        student = identity.verifier.verify(identity.tokens_for("ada@example.org").access_token)
        await enrollment.payment_succeeded(student.user_id, paid.id)
        done = await site.get(f"/payments/{payment_id}")
        assert done.status_code == 303
        assert done.headers["location"] == f"/courses/{paid.id}"
        course_page = await site.get(f"/courses/{paid.id}")
        assert "Payment received: you are enrolled in this course." in course_page.text
        assert "You are enrolled." in course_page.text

    async def test_sending_the_same_form_twice_charges_once(
        self,
        site: httpx.AsyncClient,
        sign_in: Call,
        submit: SubmitForm,
        publish_course: Call,
        course: FakeCourseClient,
        payments: FakePaymentsClient,
    ) -> None:
        paid = await _paid_course(publish_course, course)
        await sign_in()
        form = await site.get(f"/courses/{paid.id}/checkout")
        fields = {"idempotency_key": _key(form), "card": "tok_visa"}
        first = await submit(f"/courses/{paid.id}/checkout", fields)
        again = await submit(f"/courses/{paid.id}/checkout", fields)
        assert first.headers["location"] == again.headers["location"]
        assert payments.charges == 1

    async def test_a_declined_card_says_why_and_offers_another_try(
        self,
        site: httpx.AsyncClient,
        sign_in: Call,
        submit: SubmitForm,
        publish_course: Call,
        course: FakeCourseClient,
    ) -> None:
        paid = await _paid_course(publish_course, course)
        await sign_in()
        form = await site.get(f"/courses/{paid.id}/checkout")
        sent = await submit(
            f"/courses/{paid.id}/checkout", {"idempotency_key": _key(form), "card": "tok_decline"}
        )
        page = await site.get(sent.headers["location"])
        assert page.status_code == 200
        assert "The payment did not go through." in page.text
        assert "The card was declined." in page.text
        assert "Nothing was charged." in page.text
        assert f'href="/courses/{paid.id}/checkout">Try another card' in page.text
        assert 'http-equiv="refresh"' not in page.text

    async def test_the_price_charged_is_the_courses_not_the_forms(
        self,
        site: httpx.AsyncClient,
        sign_in: Call,
        submit: SubmitForm,
        publish_course: Call,
        course: FakeCourseClient,
        payments: FakePaymentsClient,
    ) -> None:
        paid = await _paid_course(publish_course, course, amount=4900)
        await sign_in()
        form = await site.get(f"/courses/{paid.id}/checkout")
        await submit(
            f"/courses/{paid.id}/checkout",
            {"idempotency_key": _key(form), "card": "tok_visa", "amount_minor": "1"},
        )
        [(_, payment)] = payments.payments_by_id.values()
        assert payment.amount.amount_minor == 4900

    async def test_an_unknown_card_or_a_mangled_key_is_explained_at_the_field(
        self,
        site: httpx.AsyncClient,
        sign_in: Call,
        submit: SubmitForm,
        publish_course: Call,
        course: FakeCourseClient,
        payments: FakePaymentsClient,
    ) -> None:
        paid = await _paid_course(publish_course, course)
        await sign_in()
        form = await site.get(f"/courses/{paid.id}/checkout")
        wrong_card = await submit(
            f"/courses/{paid.id}/checkout", {"idempotency_key": _key(form), "card": "4242"}
        )
        assert wrong_card.status_code == 422
        assert "Choose one of the cards listed." in wrong_card.text
        stale = await submit(
            f"/courses/{paid.id}/checkout", {"idempotency_key": "x", "card": "tok_visa"}
        )
        assert stale.status_code == 422
        assert "This form is out of date" in stale.text
        assert payments.charges == 0

    async def test_a_refusal_from_the_engine_is_shown_on_the_form(
        self,
        site: httpx.AsyncClient,
        sign_in: Call,
        submit: SubmitForm,
        publish_course: Call,
        course: FakeCourseClient,
        payments: FakePaymentsClient,
    ) -> None:
        paid = await _paid_course(publish_course, course)
        await sign_in()
        form = await site.get(f"/courses/{paid.id}/checkout")
        fields = {"idempotency_key": _key(form), "card": "tok_visa"}
        await submit(f"/courses/{paid.id}/checkout", fields)
        course.set_price(paid.id, "EUR", 5900)  # the teacher changed the price meanwhile
        again = await submit(f"/courses/{paid.id}/checkout", fields)
        assert again.status_code == 422
        assert "used for a different payment" in again.text
        assert _key(again) != fields["idempotency_key"]  # a fresh form to pay the new price

    async def test_a_free_or_bought_course_has_no_checkout(
        self,
        site: httpx.AsyncClient,
        sign_in: Call,
        publish_course: Call,
        course: FakeCourseClient,
        enrollment: FakeEnrollmentClient,
        identity: Any,
    ) -> None:
        free = await publish_course("Free for all")
        paid = await _paid_course(publish_course, course)
        await sign_in("ada@example.org")
        student = identity.verifier.verify(identity.tokens_for("ada@example.org").access_token)
        await enrollment.payment_succeeded(student.user_id, paid.id)
        for made in (free, paid):
            page = await site.get(f"/courses/{made.id}/checkout")
            assert page.status_code == 303
            assert page.headers["location"] == f"/courses/{made.id}"

    async def test_someone_elses_payment_is_not_found(
        self,
        site: httpx.AsyncClient,
        sign_in: Call,
        submit: SubmitForm,
        publish_course: Call,
        course: FakeCourseClient,
    ) -> None:
        paid = await _paid_course(publish_course, course)
        await sign_in("ada@example.org")
        form = await site.get(f"/courses/{paid.id}/checkout")
        sent = await submit(
            f"/courses/{paid.id}/checkout", {"idempotency_key": _key(form), "card": "tok_visa"}
        )
        await sign_in("eve@example.org")
        page = await site.get(sent.headers["location"])
        assert page.status_code == 404

    async def test_enrolling_in_a_paid_course_directly_is_refused_clearly(
        self,
        sign_in: Call,
        submit: SubmitForm,
        publish_course: Call,
        course: FakeCourseClient,
    ) -> None:
        paid = await _paid_course(publish_course, course)
        await sign_in()
        page = await submit(f"/courses/{paid.id}/enrol", {})
        assert page.status_code == 402
        assert "buy it before enrolling" in page.text

    async def test_an_unreachable_payment_engine_is_a_friendly_503(
        self,
        site: httpx.AsyncClient,
        sign_in: Call,
        submit: SubmitForm,
        publish_course: Call,
        course: FakeCourseClient,
        payments: FakePaymentsClient,
    ) -> None:
        paid = await _paid_course(publish_course, course)
        await sign_in()
        form = await site.get(f"/courses/{paid.id}/checkout")
        payments.down = True
        page = await submit(
            f"/courses/{paid.id}/checkout", {"idempotency_key": _key(form), "card": "tok_visa"}
        )
        assert page.status_code == 503
        assert "Traceback" not in page.text
