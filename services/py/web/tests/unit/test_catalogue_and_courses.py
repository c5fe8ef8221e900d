"""The catalogue, a course's page and enrolling, over fake services."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import Any

import httpx

from edu.web.session import ACCESS_COOKIE, REFRESH_COOKIE
from edu.web.testing import (
    FakeCourseClient,
    FakeEnrollmentClient,
    FakeIdentityClient,
    FakeSearchClient,
)

Call = Callable[..., Awaitable[Any]]


class TestCatalogue:
    async def test_lists_published_courses_and_passes_the_search_words_to_search(
        self,
        site: httpx.AsyncClient,
        publish_course: Call,
        course: FakeCourseClient,
        search: FakeSearchClient,
    ) -> None:
        await publish_course("Intro to Rust")
        await publish_course("Baking bread")

        everything = await site.get("/")
        found = await site.get("/", params={"q": "  rust "})

        assert everything.status_code == 200
        assert "Intro to Rust" in everything.text
        assert "Baking bread" in everything.text
        assert "Intro to <mark>Rust</mark>" in found.text  # search's highlight
        assert "Baking bread" not in found.text
        assert "1 course matching “rust”" in found.text
        assert course.searches == [None]  # browsing is course's catalogue
        assert search.searches == [("rust", None, None, 12, 0)]  # words go to search

    async def test_an_unreachable_course_service_is_a_friendly_503_page(
        self, site: httpx.AsyncClient, course: FakeCourseClient
    ) -> None:
        course.down = True
        page = await site.get("/")
        assert page.status_code == 503
        assert page.headers["retry-after"] == "30"
        assert "try again in a minute" in page.text
        assert "Traceback" not in page.text
        assert "ServiceUnavailable" not in page.text

    async def test_a_mangled_course_id_is_a_404_page(self, site: httpx.AsyncClient) -> None:
        page = await site.get("/courses/not-a-uuid")
        assert page.status_code == 404
        assert "Page not found" in page.text


class TestCoursePage:
    async def test_shows_the_outline_and_an_enrol_button_to_a_visitor(
        self, site: httpx.AsyncClient, publish_course: Call
    ) -> None:
        made = await publish_course(lessons=2)
        page = await site.get(f"/courses/{made.id}")
        assert page.status_code == 200
        assert re.search(
            r"<li>\s*<span class=\"position\">1.</span>\s*<a href=\"[^\"]+\">Lesson 1</a>",
            page.text,
        )
        assert ">Enrol</button>" in page.text

    async def test_an_anonymous_enrol_leads_to_log_in_and_back_to_the_course(
        self, site: httpx.AsyncClient, submit: Call, publish_course: Call
    ) -> None:
        made = await publish_course()
        course_url = f"http://web.test/courses/{made.id}"
        site.headers["referer"] = course_url
        answer = await submit(f"/courses/{made.id}/enrol", {})
        assert answer.status_code == 303
        assert answer.headers["location"] == f"/login?next=%2Fcourses%2F{made.id}"


class TestTheCoursesOwnTeacher:
    async def test_is_offered_the_editor_not_enrol_on_the_course_and_its_lessons(
        self, site: httpx.AsyncClient, identity: FakeIdentityClient, publish_course: Call
    ) -> None:
        made = await publish_course()
        teacher = identity.tokens_for("t-0@example.org")
        site.cookies.set(ACCESS_COOKIE, teacher.access_token, domain="web.test")
        site.cookies.set(REFRESH_COOKIE, teacher.refresh_token, domain="web.test")

        course_page = await site.get(f"/courses/{made.id}")
        lesson_page = await site.get(f"/courses/{made.id}/lessons/{made.lessons[0].id}")

        assert "You teach this course." in course_page.text
        assert f'href="/teach/courses/{made.id}">Edit the course</a>' in course_page.text
        assert ">Enrol</button>" not in course_page.text
        assert "You teach this course." in lesson_page.text
        assert f'href="/teach/courses/{made.id}/lessons/{made.lessons[0].id}"' in lesson_page.text
        assert ">Enrol</button>" not in lesson_page.text

    async def test_another_teacher_is_offered_enrol(
        self, site: httpx.AsyncClient, sign_in: Call, publish_course: Call
    ) -> None:
        made = await publish_course()
        await sign_in("grace@example.org", teacher=True)
        page = await site.get(f"/courses/{made.id}")
        assert ">Enrol</button>" in page.text
        assert "You teach this course." not in page.text


class TestEnrol:
    async def test_enrolling_opens_the_first_lesson(
        self, site: httpx.AsyncClient, submit: Call, sign_in: Call, publish_course: Call
    ) -> None:
        made = await publish_course()
        await sign_in()
        answer = await submit(f"/courses/{made.id}/enrol", {})
        assert answer.status_code == 303
        assert answer.headers["location"] == f"/courses/{made.id}/lessons/{made.lessons[0].id}"
        page = await site.get(f"/courses/{made.id}")
        assert "You are enrolled." in page.text
        assert ">Enrol</button>" not in page.text

    async def test_enrolling_twice_keeps_one_enrollment(
        self,
        submit: Call,
        sign_in: Call,
        publish_course: Call,
        enrollment: FakeEnrollmentClient,
    ) -> None:
        made = await publish_course()
        await sign_in()
        first = await submit(f"/courses/{made.id}/enrol", {})
        second = await submit(f"/courses/{made.id}/enrol", {})
        assert first.headers["location"] == second.headers["location"]
        assert len(enrollment.enrollments_by_id) == 1
