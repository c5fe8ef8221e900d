"""The teacher's "Needs attention" page (issue 24) through the whole stack: a student enrols
and asks a question; the teacher's page for the course (web -> gateway -> teacher-tools ->
course, messaging, moderation, and teacher-tools' read model of enrollment's events) shows
the enrolment and the question waiting, then no longer waiting once the teacher answered."""

from __future__ import annotations

import time
import uuid
from typing import Any

from playwright.sync_api import Browser, Page, expect

from edu.testing import api_calls, journeys
from edu.testing.harness_client import HarnessClient, UnexpectedStatus

SETTLE_S = 20.0  # events: enrolment -> teacher-tools, question -> moderation -> messaging


def until(what: str, attempt: Any) -> Any:
    deadline = time.monotonic() + SETTLE_S
    while True:
        try:
            found = attempt()
        except UnexpectedStatus:
            found = None
        if found:
            return found
        assert time.monotonic() < deadline, f"{what}: not within {SETTLE_S:g} s"
        time.sleep(0.3)


def attention_showing(page: Page, path: str, text: str) -> None:
    """``path`` loaded again until it shows ``text`` (what it reads arrives by events)."""
    deadline = time.monotonic() + SETTLE_S
    while True:
        page.goto(path)
        if page.get_by_text(text, exact=True).count() or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    expect(page.get_by_text(text, exact=True)).to_be_visible()


class TestNeedsAttention:
    def test_the_teacher_sees_the_enrolment_and_the_question_waiting_until_answered(
        self,
        browser: Browser,
        browser_context_args: dict[str, Any],
        api: HarnessClient,
        new_account: Any,
        log_in: Any,
        screens: Any,
    ) -> None:
        word = uuid.uuid4().hex[:6]
        teacher_email, teacher_token = new_account("teacher", teacher=True)
        draft = {"title": f"Attention {word} pottery", "summary": "Clay.", "tags": ["e2e"]}
        parts = [{"title": "Wedging", "estimated_minutes": 5, "body_markdown": "Knead."}]
        course = api.run(journeys.make_course(teacher_token, draft, parts))
        _, student_token = new_account("student")
        api.run(journeys.enrol(student_token, course.id))
        question = f"How long should clay {word} dry?"
        asked = until(
            "the student's question",
            lambda: api.send(api_calls.ask_question(student_token, course.id, question)).json(),
        )

        teacher = browser.new_context(**browser_context_args).new_page()
        log_in(teacher, teacher_email)
        teacher.goto(f"/teach/courses/{course.id}")
        teacher.get_by_role("link", name="Needs attention").click()
        path = f"/teach/courses/{course.id}/attention"
        attention_showing(teacher, path, question)
        waiting = teacher.locator("#unanswered-questions")
        expect(waiting).to_contain_text(question)
        expect(teacher.locator('[data-figure="enrolled"]')).to_have_text("1")
        expect(teacher.locator('[data-figure="completed"]')).to_have_text("0")
        expect(teacher.get_by_text("Moderation holds nothing from this course.")).to_be_visible()
        teacher.screenshot(path=str(screens / "teacher-needs-attention.png"), full_page=True)

        until(
            "the teacher's answer",
            lambda: api.send(
                api_calls.answer_question(teacher_token, course.id, asked["id"], "A week.")
            ).json(),
        )
        attention_showing(teacher, path, "Every question has an answer.")
