"""Issue 18's rough edges, as a person meets them: messages next to the fields that caused
them, the notifications page behind the unread badge, checking a certificate by its code,
confirmations after sign-up, enrolling and completing, the course editor's details and
lessons, and a catalogue that never answers a page number with "Page not found"."""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from playwright.sync_api import Page, expect

from edu.testing import journeys
from edu.testing.harness_client import HarnessClient

PASSWORD = "violet-kettle-orbit-9"


class TestValidationMessages:
    def test_an_invalid_email_and_a_short_password_are_both_explained_at_their_fields(
        self, page: Page, screens: Path
    ) -> None:
        page.goto("/signup")
        page.get_by_label("Email address").fill("not-an-email")
        page.get_by_label("Password").fill("short")
        page.get_by_role("button", name="Sign up").click()
        email, password = page.get_by_label("Email address"), page.get_by_label("Password")
        expect(email).to_have_accessible_description(re.compile("like ada@example.org"))
        expect(password).to_have_accessible_description(re.compile("at least 12 characters"))
        expect(page.get_by_role("alert")).to_have_count(0)  # nothing in a banner
        page.screenshot(path=screens / "inline-validation-error.png", full_page=True)

        email.fill(f"fixed-{uuid.uuid4().hex[:8]}@example.org")
        password.fill(PASSWORD)
        page.get_by_role("button", name="Sign up").click()
        expect(page.get_by_role("status")).to_contain_text("Your account is ready")

    def test_a_bad_tag_is_named_next_to_the_tags_field(
        self, page: Page, new_account: Callable[..., tuple[str, str]], log_in: Callable[..., None]
    ) -> None:
        email, _ = new_account("teacher", teacher=True)
        log_in(page, email)
        page.goto("/teach")
        page.get_by_label("Course title").fill("Knots")
        page.get_by_label("Tags").fill("rope, sailing knots")
        page.get_by_role("button", name="Create course").click()
        expect(page.get_by_label("Tags")).to_have_accessible_description(
            re.compile("The tag “sailing knots” is not valid")
        )
        expect(page.get_by_role("main")).not_to_contain_text("String should")


class TestNotificationsAndCertificates:
    def test_the_badge_leads_to_notifications_and_a_code_can_be_checked_by_anyone(
        self,
        page: Page,
        api: HarnessClient,
        new_account: Callable[..., tuple[str, str]],
        published_course: Callable[..., dict[str, Any]],
        log_in: Callable[..., None],
        screens: Path,
    ) -> None:
        course = published_course(f"Semaphore {uuid.uuid4().hex[:6]}", lessons=1)
        email, token = new_account()
        enrolment = api.run(journeys.enrol(token, course["id"]))
        done = api.run(journeys.complete_lesson(token, enrolment.id, course["lessons"][0]["id"]))
        code = done.view["certificate_code"]
        log_in(page, email)

        # Welcome, enrolled, certificate: made from events, so they may come after the page.
        badge = page.get_by_role("link", name=re.compile(r"[2-9] unread notifications"))
        deadline = time.monotonic() + 20
        while not badge.is_visible() and time.monotonic() < deadline:
            page.wait_for_timeout(250)
            page.reload()
        badge.click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Notifications")
        unread = page.get_by_role("button", name=re.compile("as read"))
        before = unread.count()
        assert before >= 2
        page.screenshot(path=screens / "notifications-page.png", full_page=True)
        unread.first.click()
        expect(page.get_by_role("status")).to_have_text("Marked as read.")
        expect(unread).to_have_count(before - 1)
        page.get_by_role("link", name="Email preferences").click()
        expect(page.get_by_label("Email me when I enrol in a course")).to_be_checked()

        page.context.clear_cookies()  # anyone, not signed in
        page.goto("/")
        page.get_by_role("link", name="Check a certificate").click()
        page.get_by_label("Certificate code").fill("not a code")
        page.get_by_role("button", name="Check").click()
        expect(page.get_by_label("Certificate code")).to_have_accessible_description(
            re.compile("16 to 64 letters")
        )
        page.get_by_label("Certificate code").fill(code)
        page.screenshot(path=screens / "verify-form.png", full_page=True)
        page.get_by_role("button", name="Check").click()
        result = page.get_by_role("status")
        expect(result).to_contain_text("Valid certificate.")
        expect(result).to_contain_text(course["title"])
        expect(page.get_by_role("main")).not_to_contain_text(email)


class TestConfirmationsAndEditing:
    def test_enrolling_completing_and_editing_a_course_are_confirmed(
        self,
        page: Page,
        new_account: Callable[..., tuple[str, str]],
        published_course: Callable[..., dict[str, Any]],
        log_in: Callable[..., None],
    ) -> None:
        course = published_course(f"Origami {uuid.uuid4().hex[:6]}", lessons=2)
        email, _ = new_account("teacher", teacher=True)
        log_in(page, email)
        page.goto(f"/courses/{course['id']}")
        page.get_by_role("button", name="Enrol").click()
        expect(page.get_by_role("status")).to_have_text("You are enrolled in this course.")
        page.get_by_role("button", name="Mark complete").click()
        expect(page.get_by_role("status")).to_have_text("Lesson marked complete.")

        page.goto("/teach")
        page.get_by_label("Course title").fill("Paper planes")
        page.get_by_role("button", name="Create course").click()
        for lesson in ("Folding", "Throwing"):
            page.get_by_label("Lesson title").fill(lesson)
            page.get_by_role("button", name="Add lesson").click()
            expect(page.get_by_role("status")).to_have_text("Lesson added.")
        page.get_by_role("link", name="Edit “Folding”").click()
        page.get_by_label("Lesson title").fill("Folding well")
        page.get_by_role("button", name="Save lesson").click()
        expect(page.get_by_role("status")).to_have_text("Lesson saved.")
        page.get_by_role("link", name="Edit “Throwing”").click()
        page.get_by_role("button", name="Delete lesson").click()
        expect(page.get_by_role("status")).to_have_text("Lesson deleted.")
        lessons = page.get_by_role("region", name="Lessons").get_by_role("listitem")
        expect(lessons).to_have_count(1)
        expect(lessons).to_contain_text(["Folding well"])
        page.get_by_label("Course title").fill("Paper planes that fly")
        page.get_by_role("button", name="Save details").click()
        expect(page.get_by_role("status")).to_have_text("Course details saved.")
        expect(page.get_by_role("heading", level=1)).to_have_text("Paper planes that fly")


class TestCatalogueBounds:
    def test_out_of_range_pages_and_a_long_search_get_an_answer(self, page: Page) -> None:
        page.goto("/?page=0")
        expect(page.get_by_role("heading", level=1)).to_have_text("Course catalogue")
        page.goto("/?page=999")
        expect(page.get_by_role("heading", level=1)).to_have_text("Course catalogue")
        assert "page=999" not in page.url
        page.goto("/?q=" + "a" * 201)
        expect(page.get_by_label("Search courses")).to_have_accessible_description(
            "The search can have at most 200 characters (this one has 201)."
        )
