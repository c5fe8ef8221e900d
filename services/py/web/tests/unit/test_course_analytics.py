"""The teacher's analytics page over fake course and analytics clients: the daily chart (one
bar per day, heights in proportion), the per-lesson figures, the empty state, who may see it."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import Any
from uuid import UUID

import httpx

from edu.web.clients.models import CourseDraft, CourseFigures, DropOffBucket, Funnel, LessonDraft
from edu.web.testing import FakeAnalyticsClient, FakeCourseClient, FakeIdentityClient
from edu.web.testing.analytics import last_30_days, lesson_figures

Call = Callable[..., Awaitable[Any]]
BAR = re.compile(r'<rect class="bar"[^>]*height="([\d.]+)"[^>]*data-value="(\d+)"')


async def teachers_course(
    sign_in: Call, identity: FakeIdentityClient, course: FakeCourseClient, lessons: int = 2
) -> tuple[UUID, UUID, tuple[UUID, ...]]:
    """A signed-in teacher's course with lessons: (teacher id, course id, lesson ids)."""
    email = await sign_in("teacher@example.org", teacher=True)
    token = identity.tokens_for(email).access_token
    made = await course.create_course(token, CourseDraft(title="Intro to Rust"))
    for n in range(1, lessons + 1):
        await course.add_lesson(token, made.id, LessonDraft(title=f"Lesson {n}"))
    stored = await course.teaching_course(token, made.id)
    teacher = identity.verifier.verify(token).user_id
    return teacher, made.id, tuple(lesson.id for lesson in stored.lessons)


class TestAnalyticsPage:
    async def test_draws_one_bar_per_day_each_as_high_as_its_count(
        self,
        site: httpx.AsyncClient,
        sign_in: Call,
        identity: FakeIdentityClient,
        course: FakeCourseClient,
        analytics: FakeAnalyticsClient,
    ) -> None:
        teacher, course_id, lessons = await teachers_course(sign_in, identity, course)
        counts = [0] * 26 + [2, 4, 1, 3]
        figures = CourseFigures(
            course_id=course_id,
            title="Intro to Rust",
            lessons=(lesson_figures(lessons[0], views=5), lesson_figures(lessons[1])),
        )
        analytics.record(teacher, figures, last_30_days(course_id, counts))

        page = await site.get(f"/teach/courses/{course_id}/analytics")

        assert page.status_code == 200
        bars = [(float(height), int(value)) for height, value in BAR.findall(page.text)]
        assert [value for _, value in bars] == counts
        tallest = max(height for height, _ in bars)
        for height, value in bars:
            assert abs(height - tallest * value / 4) < 0.05, (height, value)
        assert 'role="img"' in page.text
        assert (
            '<title id="daily-title">Active students per day, 6 November 2026 to 5 December 2026'
            in page.text
        )
        assert "at most 4 students on one day; 10 student-days in all" in page.text
        # the table fallback lists every day with its number
        assert page.text.count("<tr><td>") == 30
        assert "<tr><td>4 December 2026</td><td>1</td></tr>" in page.text

    async def test_lists_each_lesson_with_its_funnel_median_and_where_students_stopped(
        self,
        site: httpx.AsyncClient,
        sign_in: Call,
        identity: FakeIdentityClient,
        course: FakeCourseClient,
        analytics: FakeAnalyticsClient,
    ) -> None:
        teacher, course_id, lessons = await teachers_course(sign_in, identity, course)
        watched = lesson_figures(
            lessons[0],
            views=7,
            viewers=4,
            funnel=Funnel(opened=4, past_halfway=3, finished=2),
            median_position_seconds=95.0,
            duration_seconds=600,
            drop_off=(
                DropOffBucket(from_seconds=0, to_seconds=60, sessions=1),
                DropOffBucket(from_seconds=120, to_seconds=180, sessions=3),
            ),
        )
        figures = CourseFigures(course_id=course_id, title="Intro to Rust", lessons=(watched,))
        analytics.record(teacher, figures, last_30_days(course_id, [1] * 30))

        text = (await site.get(f"/teach/courses/{course_id}/analytics")).text

        row = text[text.index('<th scope="row">Lesson 1</th>') :].split("</tr>")[0]
        cells = re.findall(r"<td>(.*?)</td>", row, re.S)
        assert cells[0:2] == ["7", "4"]
        assert "4 → 3 → 2" in cells[2]
        assert 'value="50"' in cells[2]  # half of its students finished
        assert cells[3:] == ["1:35", "2:00\u20133:00 (3 visits)"]

    async def test_shows_an_empty_state_before_any_student_came(
        self,
        site: httpx.AsyncClient,
        sign_in: Call,
        identity: FakeIdentityClient,
        course: FakeCourseClient,
        analytics: FakeAnalyticsClient,
    ) -> None:
        teacher, course_id, lessons = await teachers_course(sign_in, identity, course)
        figures = CourseFigures(
            course_id=course_id, title="Intro to Rust", lessons=(lesson_figures(lessons[0]),)
        )
        analytics.record(teacher, figures)

        page = await site.get(f"/teach/courses/{course_id}/analytics")

        assert page.status_code == 200
        assert "No learning activity yet" in page.text
        assert "<svg" not in page.text

    async def test_a_course_analytics_does_not_know_yet_is_the_empty_state_not_an_error(
        self,
        site: httpx.AsyncClient,
        sign_in: Call,
        identity: FakeIdentityClient,
        course: FakeCourseClient,
    ) -> None:
        _, course_id, _ = await teachers_course(sign_in, identity, course)
        page = await site.get(f"/teach/courses/{course_id}/analytics")
        assert page.status_code == 200
        assert "No learning activity yet" in page.text
        assert "once it is published" in page.text

    async def test_the_course_editor_links_to_it(
        self,
        site: httpx.AsyncClient,
        sign_in: Call,
        identity: FakeIdentityClient,
        course: FakeCourseClient,
    ) -> None:
        _, course_id, _ = await teachers_course(sign_in, identity, course)
        editor = await site.get(f"/teach/courses/{course_id}")
        assert f'href="/teach/courses/{course_id}/analytics"' in editor.text

    async def test_a_student_is_sent_to_the_dashboard_and_sees_no_figures(
        self,
        site: httpx.AsyncClient,
        sign_in: Call,
        identity: FakeIdentityClient,
        course: FakeCourseClient,
        analytics: FakeAnalyticsClient,
    ) -> None:
        teacher, course_id, lessons = await teachers_course(sign_in, identity, course)
        figures = CourseFigures(
            course_id=course_id, title="Intro", lessons=(lesson_figures(lessons[0], views=3),)
        )
        analytics.record(teacher, figures)
        site.cookies.clear()
        await sign_in("student@example.org")

        answer = await site.get(f"/teach/courses/{course_id}/analytics")

        assert answer.status_code == 303
        assert answer.headers["location"] == "/teach"

    async def test_a_signed_out_visitor_is_sent_to_log_in_and_back(
        self, site: httpx.AsyncClient
    ) -> None:
        path = "/teach/courses/9c8b7a6f-5e4d-4c3b-8a29-180706f5e4d3/analytics"
        answer = await site.get(path)
        assert answer.status_code == 303
        assert answer.headers["location"].startswith("/login?next=")

    async def test_an_analytics_outage_is_the_try_again_page(
        self,
        site: httpx.AsyncClient,
        sign_in: Call,
        identity: FakeIdentityClient,
        course: FakeCourseClient,
        analytics: FakeAnalyticsClient,
    ) -> None:
        _, course_id, _ = await teachers_course(sign_in, identity, course)
        analytics.down = True
        answer = await site.get(f"/teach/courses/{course_id}/analytics")
        assert answer.status_code == 503
        assert answer.headers["retry-after"] == "30"
