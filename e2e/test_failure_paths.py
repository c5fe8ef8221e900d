"""Flow 3: what goes wrong is explained: a wrong password, bad sign-up input, enrolling twice,
an anonymous visit to My learning, and a service that stops answering."""

from __future__ import annotations

import os
import re
import signal
import uuid
from collections.abc import Callable
from typing import Any

from playwright.sync_api import Page, expect

from edu.infra.isolated_stack import IsolatedStack

PASSWORD = "violet-kettle-orbit-9"


class TestLogInFailures:
    def test_a_wrong_password_shows_a_clear_message(
        self, page: Page, new_account: Callable[..., tuple[str, str]]
    ) -> None:
        email, _ = new_account()
        page.goto("/login")
        page.get_by_label("Email address").fill(email)
        page.get_by_label("Password").fill("this-is-not-my-password")
        page.get_by_role("button", name="Log in").click()
        expect(page.get_by_role("alert")).to_have_text(
            "The email address or password is not correct."
        )
        expect(page.get_by_role("link", name="Log in")).to_be_visible()  # still signed out

    def test_my_learning_leads_an_anonymous_visitor_to_log_in_and_back(
        self, page: Page, new_account: Callable[..., tuple[str, str]]
    ) -> None:
        email, _ = new_account()
        page.goto("/learning")
        expect(page.get_by_role("heading", name="Log in")).to_be_visible()
        page.get_by_label("Email address").fill(email)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Log in").click()
        expect(page.get_by_role("heading", name="My learning")).to_be_visible()
        assert page.url.endswith("/learning")


class TestSignUpFailures:
    def test_a_weak_password_is_explained_next_to_the_password_field(self, page: Page) -> None:
        page.goto("/signup")
        page.get_by_label("Email address").fill(f"weak-{uuid.uuid4().hex[:8]}@example.org")
        page.get_by_label("Password").fill("password")
        page.get_by_role("button", name="Sign up").click()
        password = page.get_by_label("Password")
        expect(password).to_have_attribute("aria-invalid", "true")
        error = page.locator("#password-error")
        expect(error).to_contain_text("12 characters")
        # The message is the field's description: next to it, and read out with it.
        expect(password).to_have_accessible_description(re.compile(re.escape(error.inner_text())))


class TestEnrolTwice:
    def test_enrolling_again_from_a_stale_page_is_harmless(
        self,
        page: Page,
        new_account: Callable[..., tuple[str, str]],
        published_course: Callable[..., dict[str, Any]],
    ) -> None:
        course = published_course(f"Knots {uuid.uuid4().hex[:6]}", lessons=2)
        page.goto("/signup")
        page.get_by_label("Email address").fill(f"twice-{uuid.uuid4().hex[:8]}@example.org")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign up").click()
        # Each click navigates; wait for where it lands before the next step, or the next
        # step races that navigation (go_back on a page still navigating has no history).
        expect(page.get_by_role("heading", name="Course catalogue")).to_be_visible()
        page.goto(f"/courses/{course['id']}")
        page.get_by_role("button", name="Enrol").click()
        lesson_one = f"Lesson 1 of {course['title']}"
        expect(page.get_by_role("heading", level=1)).to_have_text(lesson_one)
        page.go_back()  # the course page as it was, Enrol button and all
        page.get_by_role("button", name="Enrol").click()
        expect(page.get_by_role("heading", level=1)).to_have_text(lesson_one)
        page.goto("/learning")
        expect(page.get_by_role("article")).to_have_count(1)


class TestOutage:
    def test_a_service_that_stops_answering_gets_the_friendly_page(
        self, page: Page, stack: IsolatedStack
    ) -> None:
        course = stack.processes.processes["course"]
        os.killpg(course.pid, signal.SIGSTOP)  # hung: connections open, nothing answers
        try:
            response = page.goto("/")
            assert response is not None
            assert response.status == 503
            expect(page.get_by_role("heading", level=1)).to_have_text("We'll be right back")
            expect(page.get_by_role("main")).not_to_contain_text("Traceback")
        finally:
            os.killpg(course.pid, signal.SIGCONT)
        page.reload()
        expect(page.get_by_role("heading", name="Course catalogue")).to_be_visible()
