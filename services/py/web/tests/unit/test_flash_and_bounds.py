"""What a person is told after a form did its work (once), and a catalogue that never turns a
page number or a long search into "Page not found"."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest

from edu.web.pages.catalogue import PAGE_SIZE
from edu.web.pages.flash import FLASH_COOKIE

Call = Callable[..., Awaitable[Any]]
PASSWORD = "violet-kettle-orbit-9"


async def follow(site: httpx.AsyncClient, answer: httpx.Response) -> httpx.Response:
    assert answer.status_code == 303, answer.text
    return await site.get(answer.headers["location"])


class TestConfirmations:
    async def test_sign_up_is_confirmed_once(self, site: httpx.AsyncClient, submit: Call) -> None:
        answer = await submit("/signup", {"email": "ada@example.org", "password": PASSWORD})
        assert "httponly" in answer.headers["set-cookie"].lower()
        page = await follow(site, answer)
        assert '<p class="flash" role="status">Welcome! Your account is ready' in page.text
        assert FLASH_COOKIE not in site.cookies
        assert 'class="flash"' not in (await site.get("/")).text

    async def test_enrolling_and_completing_lessons_are_confirmed(
        self, site: httpx.AsyncClient, submit: Call, sign_in: Call, publish_course: Call
    ) -> None:
        course = await publish_course("Knots", lessons=2)
        await sign_in()
        enrolled = await follow(site, await submit(f"/courses/{course.id}/enrol", {}))
        assert "You are enrolled in this course." in enrolled.text
        first, second = course.lessons
        done = await submit(f"/courses/{course.id}/lessons/{first.id}/complete", {})
        assert "Lesson marked complete." in (await follow(site, done)).text
        last = await submit(f"/courses/{course.id}/lessons/{second.id}/complete", {})
        assert "You completed the course." in (await follow(site, last)).text

    async def test_an_unknown_key_shows_nothing(self, site: httpx.AsyncClient) -> None:
        site.cookies.set(FLASH_COOKIE, "<script>alert(1)</script>", domain="web.test")
        page = await site.get("/")
        assert 'class="flash"' not in page.text
        assert "<script>" not in page.text


class TestCataloguePages:
    @pytest.fixture
    async def courses(self, publish_course: Call) -> None:
        for n in range(PAGE_SIZE + 1):  # two pages
            await publish_course(f"Course {n}", lessons=1)

    @pytest.mark.usefixtures("courses")
    async def test_a_page_past_the_end_goes_to_the_last_page(self, site: httpx.AsyncClient) -> None:
        answer = await site.get("/", params={"page": "999"})
        assert answer.status_code == 302
        assert answer.headers["location"] == "/?page=2"
        assert "Page 2 of 2" in (await site.get("/?page=2")).text

    @pytest.mark.usefixtures("courses")
    @pytest.mark.parametrize("asked", ["0", "-3", "abc", "99999999999999999999"])
    async def test_a_page_below_one_or_not_a_number_is_the_first(
        self, site: httpx.AsyncClient, asked: str
    ) -> None:
        answer = await site.get("/", params={"page": asked})
        if answer.status_code == 302:  # a huge number is past the end
            answer = await site.get(answer.headers["location"])
        assert answer.status_code == 200
        assert "Page " in answer.text
        assert "Page not found" not in answer.text

    async def test_a_search_over_200_characters_is_explained_at_the_field(
        self, site: httpx.AsyncClient
    ) -> None:
        page = await site.get("/", params={"q": "a" * 250})
        assert page.status_code == 422
        assert 'id="q-error">The search can have at most 200 characters (this one has 250).' in (
            page.text
        )
        assert 'aria-describedby="q-error"' in page.text
        assert "Page not found" not in page.text
