"""The home page's feed (issue 23): students' enrolments and progress travel as events to the
feed-builder worker, which keeps each student's feed in Redis; a signed-in student's home page
shows "Continue learning" (with the next lesson) and "Recommended for you" with its reason."""

from __future__ import annotations

import time
import uuid
from typing import Any

from playwright.sync_api import Page, expect

from edu.testing import journeys
from edu.testing.harness_client import HarnessClient

FEED_WAIT_S = 20.0  # events -> JetStream -> feed-builder -> Redis, on a busy 2-core machine


def course(api: HarnessClient, new_account: Any, title: str) -> journeys.Course:
    _, token = new_account("teacher", teacher=True)
    draft = {"title": title, "summary": f"All about {title}.", "tags": ["e2e"]}
    parts = [
        {"title": f"Lesson {n} of {title}", "estimated_minutes": 5, "body_markdown": "Read."}
        for n in (1, 2, 3)
    ]
    return api.run(journeys.make_course(token, draft, parts))


def reload_until(page: Page, text: str) -> None:
    """The feed is built asynchronously: reload the home page until it shows ``text``."""
    deadline = time.monotonic() + FEED_WAIT_S
    while True:
        page.goto("/")
        if page.get_by_text(text).count() > 0 or time.monotonic() > deadline:
            return
        time.sleep(0.5)


class TestHomeFeed:
    def test_a_student_continues_where_they_left_off_and_sees_what_others_also_took(
        self, page: Page, api: HarnessClient, new_account: Any, log_in: Any
    ) -> None:
        word = uuid.uuid4().hex[:6]
        birds = course(api, new_account, f"Birdsong {word} basics")
        owls = course(api, new_account, f"Owl {word} watching")
        for _ in range(2):  # two students took both
            _, other = new_account("student")
            api.run(journeys.enrol(other, birds.id))
            api.run(journeys.enrol(other, owls.id))
        email, token = new_account("student")
        enrolment = api.run(journeys.enrol(token, birds.id))
        api.run(journeys.complete_lesson(token, enrolment.id, birds.lesson_ids[0]))

        log_in(page, email)
        reason = f"2 students who took {birds.view['title']} also took this"
        reload_until(page, reason)

        expect(page.get_by_role("heading", name="Course catalogue", level=1)).to_be_visible()
        going = page.get_by_role("region", name="Continue learning")
        expect(going.get_by_role("link", name=birds.view["title"])).to_be_visible()
        expect(going.get_by_role("progressbar")).to_have_attribute("value", "33")
        going.get_by_role("link", name="Continue with the next lesson").click()
        expect(page.get_by_role("heading", level=1)).to_have_text(
            f"Lesson 2 of {birds.view['title']}"
        )

        page.goto("/")
        recommended = page.get_by_role("region", name="Recommended for you")
        expect(recommended.get_by_role("link", name=owls.view["title"])).to_be_visible()
        expect(recommended).to_contain_text(reason)

    def test_a_new_student_gets_the_empty_state(
        self, page: Page, new_account: Any, log_in: Any
    ) -> None:
        email, _ = new_account("student")
        log_in(page, email)
        page.goto("/")
        expect(page.get_by_role("heading", name="Start learning")).to_be_visible()
        expect(page.get_by_role("region", name="Continue learning")).to_have_count(0)
