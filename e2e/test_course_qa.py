"""Course Q&A in real time (issue 24), two browsers: a student asks on a lesson page, the
teacher sees it live on the course page (no reload) and answers, the student sees the answer
without reloading; a question moderation rejects never reaches the teacher. The way: web's form
-> the gateway -> messaging (outbox) -> moderation (rules) -> messaging (a place in the feed)
-> NATS -> messaging's WebSocket -> the gateway (upgrade passed through) -> qa-live.js."""

from __future__ import annotations

import time
import uuid
from typing import Any

from playwright.sync_api import Browser, Page, expect

from edu.testing import journeys
from edu.testing.harness_client import HarnessClient

LIVE_MS = (
    15_000  # post -> outbox relay -> moderation -> messaging -> socket, on a busy 2-core machine
)
MEMBERSHIP_WAIT_S = 15.0  # messaging learns the teacher and the student from events


def open_panel(page: Page, path: str) -> None:
    """``path`` until its Q&A panel takes the visitor part (messaging heard of them)."""
    deadline = time.monotonic() + MEMBERSHIP_WAIT_S
    while True:
        page.goto(path)
        if page.get_by_label("Ask a question").count() > 0 or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    expect(page.get_by_label("Ask a question")).to_be_visible()


def ask(page: Page, text: str) -> None:
    page.get_by_label("Ask a question").fill(text)
    page.get_by_role("button", name="Ask").click()
    expect(page.get_by_text("Your question is sent.")).to_be_visible()


def not_reloaded(page: Page) -> None:
    """The mark :func:`mark` left is still there: the page was never loaded again."""
    assert page.evaluate("window.__qaMark") == "kept", "the page was reloaded"


def mark(page: Page) -> None:
    page.evaluate("window.__qaMark = 'kept'")


class TestCourseQa:
    def test_a_question_reaches_the_teacher_live_and_the_answer_reaches_the_student_live(
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
        draft = {"title": f"Q&A {word} gardening", "summary": "Soil.", "tags": ["e2e"]}
        parts = [{"title": "Compost", "estimated_minutes": 5, "body_markdown": "Read."}]
        course = api.run(journeys.make_course(teacher_token, draft, parts))
        student_email, student_token = new_account("student")
        api.run(journeys.enrol(student_token, course.id))

        teacher = browser.new_context(**browser_context_args).new_page()
        student = browser.new_context(**browser_context_args).new_page()
        log_in(teacher, teacher_email)
        log_in(student, student_email)
        open_panel(teacher, f"/courses/{course.id}")
        mark(teacher)
        lesson = f"/courses/{course.id}/lessons/{course.lesson_ids[0]}"
        open_panel(student, lesson)

        rude = f"You are an idiot {word}, explain compost"
        ask(student, rude)
        question = f"How warm should compost {word} get?"
        ask(student, question)
        mark(student)

        # The teacher's page, never reloaded, shows the allowed question...
        teacher_panel = teacher.get_by_role("region", name="Questions and answers")
        expect(teacher_panel.get_by_text(question, exact=True)).to_be_visible(timeout=LIVE_MS)
        expect(teacher_panel.locator("[data-qa-announcer]")).to_contain_text(question)
        not_reloaded(teacher)
        # ...and never the rejected one, not even after loading the page again.
        assert teacher_panel.get_by_text(rude).count() == 0
        teacher.screenshot(path=str(screens / "qa-teacher-live.png"), full_page=True)

        thread = teacher_panel.locator("li.qa-thread", has_text=question)
        answer = f"Around 60 degrees {word}, then let it cool."
        thread.get_by_label("Your answer").fill(answer)
        thread.get_by_role("button", name="Answer").click()
        expect(teacher.get_by_text("Your answer is sent.")).to_be_visible()

        student_panel = student.get_by_role("region", name="Questions and answers")
        expect(student_panel.get_by_text(answer, exact=True)).to_be_visible(timeout=LIVE_MS)
        expect(
            student_panel.locator("li.qa-thread", has_text=question).get_by_text(
                "Teacher", exact=True
            )
        ).to_be_visible()
        not_reloaded(student)
        student.screenshot(path=str(screens / "qa-student-answer-live.png"), full_page=True)

        # Loaded again: the teacher still never sees the rejected question; its author is told.
        teacher.reload()
        expect(teacher_panel.get_by_text(answer, exact=True)).to_be_visible()
        assert teacher_panel.get_by_text(rude).count() == 0
        student.reload()
        rejected = student_panel.locator("article", has_text=rude)
        expect(rejected).to_contain_text("Not published")
