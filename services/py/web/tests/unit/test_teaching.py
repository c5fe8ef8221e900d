"""The teacher dashboard over fake services: the role, a course, lessons, order, publishing."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any
from uuid import UUID

import httpx

from edu.web.testing import FakeCourseClient

Call = Callable[..., Awaitable[Any]]


async def new_course(submit: Call, title: str = "Intro to Rust") -> str:
    answer = await submit(
        "/teach/courses",
        {"title": title, "summary": "Ownership.", "level": "beginner", "tags": "Rust, systems"},
    )
    assert answer.status_code == 303, answer.text
    location: str = answer.headers["location"]
    return location


class TestBecomeTeacher:
    async def test_a_student_takes_the_role_and_the_session_is_renewed_with_it(
        self, site: httpx.AsyncClient, submit: Call, sign_in: Call
    ) -> None:
        await sign_in()
        assert "Become a teacher" in (await site.get("/teach")).text
        answer = await submit("/teach/become-teacher", {})
        assert answer.headers["location"] == "/teach"
        dashboard = await site.get("/teach")
        assert "Create a course" in dashboard.text

    async def test_a_student_cannot_reach_the_course_forms(
        self, submit: Call, sign_in: Call, course: FakeCourseClient
    ) -> None:
        await sign_in()
        answer = await submit("/teach/courses", {"title": "Sneaky"})
        assert answer.headers["location"] == "/teach"
        assert course.courses == {}


class TestAuthoring:
    async def test_creates_a_course_and_opens_its_editor(
        self, site: httpx.AsyncClient, submit: Call, sign_in: Call, course: FakeCourseClient
    ) -> None:
        await sign_in(teacher=True)
        editor = await new_course(submit)
        (stored,) = course.courses.values()
        assert editor == f"/teach/courses/{stored.course.id}"
        assert stored.course.tags == ("rust", "systems")
        assert "Draft" in (await site.get(editor)).text

    async def test_an_empty_title_is_explained_next_to_the_field(
        self, submit: Call, sign_in: Call
    ) -> None:
        await sign_in(teacher=True)
        page = await submit("/teach/courses", {"title": "  "})
        assert page.status_code == 422
        assert 'id="title-error">Enter a course title.' in page.text

    async def test_adds_lessons_moves_one_up_and_publishes(
        self, site: httpx.AsyncClient, submit: Call, sign_in: Call, course: FakeCourseClient
    ) -> None:
        await sign_in(teacher=True)
        editor = await new_course(submit)
        for title in ("Borrowing", "Ownership"):
            answer = await submit(
                f"{editor}/lessons", {"lesson_title": title, "minutes": "15", "body": "Text"}
            )
            assert answer.status_code == 303
        (stored,) = course.courses.values()
        second = stored.course.lessons[1].id
        await submit(f"{editor}/lessons/{second}/move", {"direction": "up"})
        await submit(f"{editor}/publish", {})

        assert [lesson.title for lesson in stored.course.lessons] == ["Ownership", "Borrowing"]
        assert stored.course.published
        catalogue = await site.get("/", params={"q": "rust"})
        assert "Intro to <mark>Rust</mark>" in catalogue.text  # search's highlight

    async def test_minutes_that_are_not_a_number_are_explained(
        self, submit: Call, sign_in: Call
    ) -> None:
        await sign_in(teacher=True)
        editor = await new_course(submit)
        page = await submit(f"{editor}/lessons", {"lesson_title": "One", "minutes": "ten"})
        assert page.status_code == 422
        assert 'id="minutes-error">Enter a whole number of minutes' in page.text
        assert 'value="One"' in page.text

    async def test_publishing_without_lessons_says_why(self, submit: Call, sign_in: Call) -> None:
        await sign_in(teacher=True)
        editor = await new_course(submit)
        page = await submit(f"{editor}/publish", {})
        assert page.status_code == 422
        assert "at least one lesson" in page.text

    async def test_another_teachers_course_is_a_404_page(
        self, site: httpx.AsyncClient, sign_in: Call
    ) -> None:
        await sign_in(teacher=True)
        page = await site.get(f"/teach/courses/{UUID(int=7)}")
        assert page.status_code == 404
