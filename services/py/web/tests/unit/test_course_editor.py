"""The course editor changes what the course API lets a teacher change: the course's details,
a lesson's content, and removing a lesson."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import httpx

from edu.web.testing import FakeCourseClient

Call = Callable[..., Awaitable[Any]]


async def course_with_lessons(submit: Call, sign_in: Call, *titles: str) -> str:
    await sign_in(teacher=True)
    created = await submit("/teach/courses", {"title": "Knots", "summary": "Ties.", "tags": "rope"})
    editor: str = created.headers["location"]
    for title in titles:
        await submit(f"{editor}/lessons", {"lesson_title": title, "minutes": "5", "body": "Tie."})
    return editor


class TestCourseDetails:
    async def test_title_summary_level_and_tags_are_saved(
        self, site: httpx.AsyncClient, submit: Call, sign_in: Call, course: FakeCourseClient
    ) -> None:
        editor = await course_with_lessons(submit, sign_in)
        page = (await site.get(editor)).text
        assert 'value="Knots"' in page
        answer = await submit(
            editor,
            {"title": "Knots at sea", "summary": "Sailing.", "level": "advanced", "tags": "Sea"},
        )
        assert answer.status_code == 303
        (stored,) = course.courses.values()
        assert (stored.course.title, stored.course.level, stored.course.tags) == (
            "Knots at sea",
            "advanced",
            ("sea",),
        )
        assert "Course details saved." in (await site.get(answer.headers["location"])).text

    async def test_a_bad_title_is_explained_and_nothing_changes(
        self, submit: Call, sign_in: Call, course: FakeCourseClient
    ) -> None:
        editor = await course_with_lessons(submit, sign_in)
        page = await submit(editor, {"title": " ", "level": "beginner"})
        assert page.status_code == 422
        assert 'id="title-error">Enter a course title.' in page.text
        (stored,) = course.courses.values()
        assert stored.course.title == "Knots"


class TestLessons:
    async def test_a_lesson_is_edited(
        self, site: httpx.AsyncClient, submit: Call, sign_in: Call, course: FakeCourseClient
    ) -> None:
        editor = await course_with_lessons(submit, sign_in, "Bowline")
        (stored,) = course.courses.values()
        lesson = stored.course.lessons[0]
        form = (await site.get(f"{editor}/lessons/{lesson.id}")).text
        assert 'value="Bowline"' in form
        answer = await submit(
            f"{editor}/lessons/{lesson.id}",
            {"lesson_title": "The bowline", "minutes": "12", "body": "Loop.", "video_url": ""},
        )
        assert answer.status_code == 303
        edited = stored.course.lessons[0]
        assert (edited.title, edited.estimated_minutes, edited.body_markdown) == (
            "The bowline",
            12,
            "Loop.",
        )
        assert "Lesson saved." in (await site.get(answer.headers["location"])).text

    async def test_a_lesson_is_deleted(
        self, site: httpx.AsyncClient, submit: Call, sign_in: Call, course: FakeCourseClient
    ) -> None:
        editor = await course_with_lessons(submit, sign_in, "Bowline", "Hitch")
        (stored,) = course.courses.values()
        answer = await submit(f"{editor}/lessons/{stored.course.lessons[0].id}/delete", {})
        assert answer.status_code == 303
        assert [x.title for x in stored.course.lessons] == ["Hitch"]
        assert "Lesson deleted." in (await site.get(answer.headers["location"])).text

    async def test_the_last_lesson_of_a_published_course_stays_and_says_why(
        self, submit: Call, sign_in: Call, course: FakeCourseClient
    ) -> None:
        editor = await course_with_lessons(submit, sign_in, "Bowline")
        await submit(f"{editor}/publish", {})
        (stored,) = course.courses.values()
        page = await submit(f"{editor}/lessons/{stored.course.lessons[0].id}/delete", {})
        assert page.status_code == 422
        assert "unpublish it first" in page.text
        assert len(stored.course.lessons) == 1
