"""Lessons, Mark complete, My learning and certificates, over fake services."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import httpx

from edu.web.clients.models import TeacherCourse
from edu.web.testing import FakeEnrollmentClient, FakeNotificationsClient

Call = Callable[..., Awaitable[Any]]


async def enrolled(
    submit: Call, sign_in: Call, publish_course: Call, lessons: int = 2
) -> TeacherCourse:
    made: TeacherCourse = await publish_course(lessons=lessons)
    await sign_in()
    await submit(f"/courses/{made.id}/enrol", {})
    return made


class TestLessonPage:
    async def test_renders_markdown_without_raw_html_and_links_to_the_next_lesson(
        self,
        site: httpx.AsyncClient,
        submit: Call,
        sign_in: Call,
        publish_course: Call,
        enrollment: FakeEnrollmentClient,
    ) -> None:
        made = await enrolled(submit, sign_in, publish_course)
        first, second = made.lessons
        stored = enrollment.courses.courses[made.id]
        evil = first.model_copy(
            update={"body_markdown": "<script>alert(1)</script> [x](javascript:alert(1))"}
        )
        stored.course = stored.course.model_copy(update={"lessons": (evil, second)})

        page = await site.get(f"/courses/{made.id}/lessons/{first.id}")

        assert page.status_code == 200
        assert "<script>" not in page.text
        assert "&lt;script&gt;" in page.text
        assert 'href="javascript:' not in page.text
        assert f'href="/courses/{made.id}/lessons/{second.id}" rel="next"' in page.text
        assert ">Mark complete</button>" in page.text


class TestMarkComplete:
    async def test_records_the_lesson_and_opens_the_next_one(
        self,
        submit: Call,
        sign_in: Call,
        publish_course: Call,
        enrollment: FakeEnrollmentClient,
    ) -> None:
        made = await enrolled(submit, sign_in, publish_course)
        first, second = made.lessons
        answer = await submit(f"/courses/{made.id}/lessons/{first.id}/complete", {})
        assert answer.headers["location"] == f"/courses/{made.id}/lessons/{second.id}"
        assert [lesson for _, lesson in enrollment.completions] == [first.id]

    async def test_the_last_lesson_completes_the_course_with_a_certificate(
        self,
        site: httpx.AsyncClient,
        submit: Call,
        sign_in: Call,
        publish_course: Call,
    ) -> None:
        made = await enrolled(submit, sign_in, publish_course)
        for lesson in made.lessons:
            answer = await submit(f"/courses/{made.id}/lessons/{lesson.id}/complete", {})
        assert answer.headers["location"] == f"/courses/{made.id}"
        course_page = await site.get(f"/courses/{made.id}")
        assert 'value="100"' in course_page.text
        assert "100 % · 2 of 2 lessons" in course_page.text
        assert "View your certificate" in course_page.text

    async def test_a_visitor_not_enrolled_is_sent_to_the_course_page(
        self,
        submit: Call,
        sign_in: Call,
        publish_course: Call,
        enrollment: FakeEnrollmentClient,
    ) -> None:
        made = await publish_course()
        await sign_in()
        answer = await submit(f"/courses/{made.id}/lessons/{made.lessons[0].id}/complete", {})
        assert answer.headers["location"] == f"/courses/{made.id}"
        assert enrollment.completions == []


class TestMyLearning:
    async def test_lists_enrollments_with_their_progress(
        self, site: httpx.AsyncClient, submit: Call, sign_in: Call, publish_course: Call
    ) -> None:
        made = await enrolled(submit, sign_in, publish_course, lessons=4)
        await submit(f"/courses/{made.id}/lessons/{made.lessons[0].id}/complete", {})
        page = await site.get("/learning")
        assert page.status_code == 200
        assert f'aria-label="Progress in {made.title}"' in page.text
        assert "25 % · 1 of 4 lessons" in page.text

    async def test_the_header_shows_the_unread_count_and_hides_it_in_an_outage(
        self,
        site: httpx.AsyncClient,
        sign_in: Call,
        notifications: FakeNotificationsClient,
        identity: Any,
    ) -> None:
        email = await sign_in()
        user, _ = identity.users[email]
        notifications.unread[user.id] = 2
        assert "2 unread notifications" in (await site.get("/learning")).text
        notifications.down = True
        page = await site.get("/learning")
        assert page.status_code == 200
        assert "unread" not in page.text


class TestCertificates:
    async def completed(
        self, submit: Call, sign_in: Call, publish_course: Call, enrollment: FakeEnrollmentClient
    ) -> str:
        made = await enrolled(submit, sign_in, publish_course, lessons=1)
        await submit(f"/courses/{made.id}/lessons/{made.lessons[0].id}/complete", {})
        return next(iter(enrollment.certificates))

    async def test_the_owner_sees_it_with_its_public_verification_link(
        self,
        site: httpx.AsyncClient,
        submit: Call,
        sign_in: Call,
        publish_course: Call,
        enrollment: FakeEnrollmentClient,
    ) -> None:
        code = await self.completed(submit, sign_in, publish_course, enrollment)
        page = await site.get(f"/certificates/{code}")
        assert page.status_code == 200
        assert f'<a href="http://127.0.0.1:8000/verify/{code}">' in page.text, page.text

    async def test_anyone_can_verify_it_and_an_unknown_code_is_a_404(
        self,
        site: httpx.AsyncClient,
        submit: Call,
        sign_in: Call,
        publish_course: Call,
        enrollment: FakeEnrollmentClient,
    ) -> None:
        code = await self.completed(submit, sign_in, publish_course, enrollment)
        site.cookies.clear()
        assert (await site.get(f"/certificates/{code}")).headers["location"] == f"/verify/{code}"
        valid = await site.get(f"/verify/{code}")
        assert valid.status_code == 200
        assert "Valid certificate." in valid.text
        unknown = await site.get("/verify/AAAAAAAAAAAAAAAAAAAA")
        assert unknown.status_code == 404
        assert "No certificate has this code." in unknown.text
