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


class TestPrice:
    async def test_a_teacher_puts_a_price_on_the_course_and_takes_it_off(
        self, site: httpx.AsyncClient, submit: Call, sign_in: Call, course: FakeCourseClient
    ) -> None:
        editor = await course_with_lessons(submit, sign_in, "Bowline")
        assert "This course is free." in (await site.get(editor)).text
        saved = await submit(f"{editor}/price", {"currency": "EUR", "amount": "49,90"})
        assert saved.status_code == 303
        (course_id,) = course.courses
        assert course.prices[course_id].amount_minor == 4990
        page = (await site.get(saved.headers["location"])).text
        assert "Price saved" in page
        assert 'Students buy this course for <strong class="price">49.90 EUR</strong>' in page
        assert 'value="49.90"' in page
        freed = await submit(f"{editor}/price/free", {})
        assert freed.status_code == 303
        assert course_id not in course.prices
        assert "The course is free again." in (await site.get(freed.headers["location"])).text

    async def test_yen_are_whole_and_other_currencies_have_cents(
        self, submit: Call, sign_in: Call, course: FakeCourseClient
    ) -> None:
        editor = await course_with_lessons(submit, sign_in)
        await submit(f"{editor}/price", {"currency": "JPY", "amount": "4900"})
        (course_id,) = course.courses
        assert course.prices[course_id].amount_minor == 4900
        cents = await submit(f"{editor}/price", {"currency": "JPY", "amount": "49.50"})
        assert cents.status_code == 422
        assert "JPY has no cents" in cents.text

    async def test_a_price_that_is_no_amount_is_explained_and_nothing_changes(
        self, submit: Call, sign_in: Call, course: FakeCourseClient
    ) -> None:
        editor = await course_with_lessons(submit, sign_in)
        for entered, message in [
            ("", "Enter the price"),
            ("forty", "Write the price as a number"),
            ("0", "more than 0"),
            ("1000000.01", "at most 1,000,000.00"),
        ]:
            page = await submit(f"{editor}/price", {"currency": "EUR", "amount": entered})
            assert page.status_code == 422, entered
            assert message in page.text, entered
            assert 'id="amount-error"' in page.text
        strange = await submit(f"{editor}/price", {"currency": "XYZ", "amount": "10"})
        assert "Choose one of the currencies listed." in strange.text
        assert course.prices == {}
