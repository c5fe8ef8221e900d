"""Learning analytics end to end (issue 21): a student reads lessons in the browser, the page's
script sends lesson.opened (and, on leaving, what it recorded) to web, which forwards it to
event-ingestion through the api-gateway; JetStream, the analytics-aggregator and analytics-api
bring it to the teacher's analytics page, which shows the view within a few seconds."""

from __future__ import annotations

import re
import time
import uuid
from pathlib import Path
from typing import Any

from playwright.sync_api import Browser, Page, expect

from edu.testing import journeys
from edu.testing.harness_client import HarnessClient

PASSWORD = "violet-kettle-orbit-9"
DEADLINE_SECONDS = 20


def test_a_students_visit_shows_on_the_teachers_analytics_page(
    page: Page,
    browser: Browser,
    browser_context_args: dict[str, Any],
    api: HarnessClient,
    new_account: Any,
    log_in: Any,
    screens: Path,
) -> None:
    teacher_email, teacher_token = new_account("teacher", teacher=True)
    draft = {"title": f"Sourdough {uuid.uuid4().hex[:6]}", "summary": "Bread.", "tags": ["e2e"]}
    lessons = [
        {"title": title, "estimated_minutes": 5, "body_markdown": f"# {title}\n\nKnead."}
        for title in ("Starter", "Dough", "Baking")
    ]
    course = api.run(journeys.make_course(teacher_token, draft, lessons)).view
    first = course["lessons"][0]

    # The student opens the first lesson: the script sends lesson.opened at once (202 means
    # event-ingestion had JetStream's ack), then moves on to the next lesson (the first
    # page's pagehide flushes the rest, the second sends its own lesson.opened).
    student_email, _ = new_account("student")
    log_in(page, student_email)
    with page.expect_response(
        lambda r: r.url.endswith("/learning-events") and r.request.method == "POST"
    ) as sent:
        page.goto(f"/courses/{course['id']}/lessons/{first['id']}")
    assert sent.value.status == 202, sent.value.text()
    assert len(sent.value.json()["accepted"]) >= 1
    with page.expect_response(lambda r: r.url.endswith("/learning-events")) as next_sent:
        page.get_by_role("link", name=re.compile("^Next: Dough")).click()
    assert next_sent.value.status == 202

    teacher = browser.new_context(**browser_context_args)
    try:
        board = teacher.new_page()
        log_in(board, teacher_email)
        board.goto(f"/teach/courses/{course['id']}")
        board.get_by_role("link", name="Analytics").click()
        expect(board.get_by_role("heading", level=1)).to_contain_text("Analytics: Sourdough")
        deadline = time.monotonic() + DEADLINE_SECONDS
        row = board.get_by_role("row", name=re.compile("^Starter"))
        while not (row.count() and row.get_by_role("cell").first.inner_text() == "1"):
            assert time.monotonic() < deadline, "the view did not reach the analytics page"
            board.wait_for_timeout(500)
            board.reload()
        cells = row.get_by_role("cell")
        expect(cells.nth(0)).to_have_text("1")  # views
        expect(cells.nth(1)).to_have_text("1")  # students
        expect(
            board.get_by_role("row", name=re.compile("^Dough")).get_by_role("cell").first
        ).to_have_text("1")
        chart = board.get_by_role("img", name=re.compile("Active students per day"))
        expect(chart).to_be_visible()
        assert board.locator("rect.bar").count() == 30
        assert board.locator("rect.bar").last.get_attribute("data-value") == "1"
        # the visit to Starter was left for Dough: its pagehide reported where the student got
        expect(cells.nth(4)).to_have_text("0:00\u20131:00 (1 visit)")
        board.screenshot(path=str(screens / "teacher-analytics.png"), full_page=True)
        board.set_viewport_size({"width": 320, "height": 640})  # the chart and table fit a phone
        assert board.evaluate("document.documentElement.scrollWidth") <= 320
    finally:
        teacher.close()
