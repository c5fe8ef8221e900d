"""The teacher's "Needs attention" page for one course over a fake teacher-tools: unanswered
questions, held items and enrolment figures; a section teacher-tools could not read says so;
another teacher's course, a student and teacher-tools down."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any
from uuid import UUID, uuid4

import httpx

from edu.web.clients.teacher_tools import (
    CourseDashboard,
    DashboardCourse,
    Enrolment,
    Figures,
    Held,
    HeldItem,
    HttpTeacherToolsClient,
    Unanswered,
    WaitingQuestion,
)
from edu.web.clients.transport import ServiceTransport
from edu.web.testing import FakeIdentityClient, FakeTeacherToolsClient

Call = Callable[..., Awaitable[Any]]
NOON = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)


def dashboard(course_id: UUID, **sections: Any) -> CourseDashboard:
    defaults: dict[str, Any] = {
        "unanswered_questions": Unanswered(
            status="available",
            count=1,
            complete=True,
            questions=(
                WaitingQuestion(
                    id=uuid4(), author_id=uuid4(), body="Why <does> the loop run?", asked_at=NOON
                ),
            ),
        ),
        "held_items": Held(
            status="available",
            count=1,
            items=(
                HeldItem(
                    id=uuid4(),
                    kind="question",
                    text="BUY CHEAP FOLLOWERS",
                    submitted_at=NOON,
                    reasons=("spam",),
                ),
            ),
        ),
        "enrolment": Enrolment(
            status="available",
            figures=Figures(enrolled=8, completed=2, active=6, completion_rate=0.25),
        ),
    }
    course = DashboardCourse(id=course_id, title="Intro to Rust", status="published")
    return CourseDashboard(course=course, **{**defaults, **sections})


async def teacher_with(
    sign_in: Call,
    identity: FakeIdentityClient,
    teacher_tools: FakeTeacherToolsClient,
    **sections: Any,
) -> UUID:
    email = await sign_in("teacher@example.org", teacher=True)
    teacher = identity.verifier.verify(identity.tokens_for(email).access_token).user_id
    course_id = uuid4()
    teacher_tools.record(teacher, dashboard(course_id, **sections))
    return course_id


class TestNeedsAttention:
    async def test_shows_the_figures_the_waiting_questions_and_the_held_items(
        self,
        site: httpx.AsyncClient,
        sign_in: Call,
        identity: FakeIdentityClient,
        teacher_tools: FakeTeacherToolsClient,
    ) -> None:
        course_id = await teacher_with(sign_in, identity, teacher_tools)

        page = await site.get(f"/teach/courses/{course_id}/attention")

        assert page.status_code == 200
        assert '<dd data-figure="enrolled">8</dd>' in page.text
        assert '<dd data-figure="completed">2</dd>' in page.text
        assert '<dd data-figure="completion-rate">25 %</dd>' in page.text
        assert "Unanswered questions (1)" in page.text
        assert "Why &lt;does&gt; the loop run?" in page.text  # escaped, never markup
        assert "BUY CHEAP FOLLOWERS" in page.text
        assert "spam" in page.text
        assert f'href="/courses/{course_id}/qa"' in page.text

    async def test_a_section_teacher_tools_could_not_read_says_so_and_the_rest_shows(
        self,
        site: httpx.AsyncClient,
        sign_in: Call,
        identity: FakeIdentityClient,
        teacher_tools: FakeTeacherToolsClient,
    ) -> None:
        course_id = await teacher_with(
            sign_in,
            identity,
            teacher_tools,
            unanswered_questions=Unanswered(status="unavailable", reason="messaging: 503"),
        )

        page = await site.get(f"/teach/courses/{course_id}/attention")

        assert page.status_code == 200
        assert "The questions cannot be read right now" in page.text
        assert "BUY CHEAP FOLLOWERS" in page.text
        assert '<dd data-figure="enrolled">8</dd>' in page.text

    async def test_nobody_enrolled_yet_has_no_rate(
        self,
        site: httpx.AsyncClient,
        sign_in: Call,
        identity: FakeIdentityClient,
        teacher_tools: FakeTeacherToolsClient,
    ) -> None:
        empty = Enrolment(status="available", figures=Figures(enrolled=0, completed=0, active=0))
        course_id = await teacher_with(sign_in, identity, teacher_tools, enrolment=empty)
        page = await site.get(f"/teach/courses/{course_id}/attention")
        assert '<dd data-figure="completion-rate">no students yet</dd>' in page.text

    async def test_another_teachers_course_is_not_found(
        self,
        site: httpx.AsyncClient,
        sign_in: Call,
        identity: FakeIdentityClient,
        teacher_tools: FakeTeacherToolsClient,
    ) -> None:
        teacher_tools.record(uuid4(), dashboard(theirs := uuid4()))
        await sign_in("teacher@example.org", teacher=True)
        page = await site.get(f"/teach/courses/{theirs}/attention")
        assert page.status_code == 404

    async def test_teacher_tools_down_is_the_try_again_page(
        self,
        site: httpx.AsyncClient,
        sign_in: Call,
        identity: FakeIdentityClient,
        teacher_tools: FakeTeacherToolsClient,
    ) -> None:
        course_id = await teacher_with(sign_in, identity, teacher_tools)
        teacher_tools.down = True
        page = await site.get(f"/teach/courses/{course_id}/attention")
        assert page.status_code == 503

    async def test_a_student_is_sent_to_become_a_teacher_first(
        self, site: httpx.AsyncClient, sign_in: Call, teacher_tools: FakeTeacherToolsClient
    ) -> None:
        await sign_in("student@example.org")
        page = await site.get(f"/teach/courses/{uuid4()}/attention")
        assert (page.status_code, page.headers["location"]) == (303, "/teach")


class TestTeacherToolsClient:
    async def test_reads_the_dashboard_teacher_tools_serves_with_the_teachers_token(self) -> None:
        course_id = uuid4()
        served = dashboard(course_id).model_dump(mode="json")
        seen: list[httpx.Request] = []

        def teacher_tools(request: httpx.Request) -> httpx.Response:
            seen.append(request)
            return httpx.Response(200, json=served)

        transport = ServiceTransport(
            "teacher-tools",
            "http://tt.test",
            timeout=1,
            transport=httpx.MockTransport(teacher_tools),
        )
        read = await HttpTeacherToolsClient(transport).course_dashboard("tok", course_id)

        assert seen[0].url.path == f"/teacher/courses/{course_id}/dashboard"
        assert seen[0].headers["authorization"] == "Bearer tok"
        assert read.course.id == course_id
        assert read.held_items.items[0].reasons == ("spam",)
        assert read.enrolment.figures == Figures(
            enrolled=8, completed=2, active=6, completion_rate=0.25
        )
