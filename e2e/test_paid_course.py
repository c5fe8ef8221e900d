"""Flow: a student buys a paid course in the browser (checkout -> the provider sandbox's signed
webhook -> payment-engine -> payment.succeeded -> enrollment enrols), completes it and gets the
certificate; a declined card is explained and charges nothing (issue 22, ADR 0022)."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from typing import Any

from playwright.sync_api import Page, expect

PASSWORD = "violet-kettle-orbit-9"


def _sign_up(page: Page) -> str:
    email = f"buyer-{uuid.uuid4().hex[:10]}@example.org"
    page.goto("/signup")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign up").click()
    expect(page.get_by_role("heading", name="Course catalogue")).to_be_visible()
    return email


class TestPaidCourse:
    def test_buy_complete_and_get_the_certificate(
        self, page: Page, priced_course: Callable[..., dict[str, Any]]
    ) -> None:
        course = priced_course(4900)
        _sign_up(page)
        page.goto(f"/courses/{course['id']}")
        panel = page.get_by_role("region", name="Your place in this course")
        expect(panel).to_contain_text("This course costs 49.00 EUR.")
        panel.get_by_role("link", name="Buy for 49.00 EUR").click()

        expect(page.get_by_role("heading", level=1)).to_contain_text(course["title"])
        page.get_by_label("Visa ending in 4242 (pays)").check()
        page.get_by_role("button", name="Pay 49.00 EUR").click()

        # the payment page refreshes itself until the webhook and the event have been handled
        page.wait_for_url(f"**/courses/{course['id']}", timeout=30_000)
        expect(
            page.get_by_text("Payment received: you are enrolled in this course.")
        ).to_be_visible()
        expect(panel).to_contain_text("You are enrolled.")

        panel.get_by_role("link", name=re.compile(r"^Continue: ")).click()
        for _ in range(2):
            page.get_by_role("button", name="Mark complete").click()
        expect(panel.get_by_role("progressbar")).to_have_attribute("value", "100")
        page.get_by_role("link", name="My learning").click()
        page.get_by_role("link", name="View certificate").click()
        expect(page.get_by_role("heading", level=1)).to_have_text(course["title"])

    def test_a_declined_card_is_explained_and_charges_nothing(
        self, page: Page, priced_course: Callable[..., dict[str, Any]]
    ) -> None:
        course = priced_course(1999)
        _sign_up(page)
        page.goto(f"/courses/{course['id']}/checkout")
        page.get_by_label("Card ending in 0002 (declined)").check()
        page.get_by_role("button", name="Pay 19.99 EUR").click()

        alert = page.get_by_role("alert")
        expect(alert).to_contain_text("The payment did not go through.", timeout=30_000)
        expect(alert).to_contain_text("The card was declined.")
        expect(alert).to_contain_text("Nothing was charged.")
        page.get_by_role("link", name="Try another card").click()
        expect(page.get_by_role("button", name="Pay 19.99 EUR")).to_be_visible()
        page.goto(f"/courses/{course['id']}")
        expect(page.get_by_role("region", name="Your place in this course")).to_contain_text(
            "Buy for 19.99 EUR"
        )
