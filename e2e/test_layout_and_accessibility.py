"""Every page fits a 320 px phone and a 1280 px laptop without sideways scrolling (the header
on one row at 1280 px, even with a plural unread badge), and axe-core finds no serious or
critical accessibility violation on any page.

axe-core comes inside the axe-playwright-python wheel (PyPI; nothing from npm): its
``axe.min.js`` is evaluated in the page through Playwright's protocol, which the pages'
Content-Security-Policy (``script-src 'self'``: only our own files) does not govern."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page

from edu.testing import journeys
from edu.testing.harness_client import HarnessClient

AXE = files("axe_playwright_python").joinpath("axe.min.js").read_text(encoding="utf-8")
BLOCKING = {"serious", "critical"}
WIDTHS = (320, 1280)


def overflow(page: Page) -> int:
    """How many CSS pixels the page is wider than the window (0: no sideways scrolling)."""
    width: int = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    return width


def header_rows(page: Page) -> int:
    """On how many rows the header's parts (brand, each link, the account's parts) sit."""
    rows: int = page.evaluate(
        """() => {
            const parts = document.querySelectorAll(
                '.site-header .brand, .site-header nav li, .site-header .account > *');
            const tops = [...parts].map(p => Math.round(p.getBoundingClientRect().top / 12));
            return new Set(tops).size;
        }"""
    )
    return rows


def violations(page: Page) -> list[dict[str, Any]]:
    page.evaluate(AXE)
    found: list[dict[str, Any]] = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
    )
    return found


def described(found: list[dict[str, Any]]) -> str:
    return "; ".join(
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in found
    )


@dataclass(frozen=True)
class Tour:
    """Every page: those anyone sees, then those ``email`` (a student and teacher) sees."""

    email: str
    public: list[str]
    members: list[str]

    def halves(self) -> list[tuple[list[str], str | None]]:
        return [(self.public, None), (self.members, self.email)]


@pytest.fixture
def tour(
    api: HarnessClient,
    new_account: Callable[..., tuple[str, str]],
    published_course: Callable[..., dict[str, Any]],
) -> Tour:
    """The pages, with data on each: a course, a completed enrolment with its certificate,
    three notifications (a plural badge), a draft course with a lesson."""
    course = published_course(f"Cartography {uuid.uuid4().hex[:6]}", lessons=2)
    lessons = [lesson["id"] for lesson in course["lessons"]]
    email, token = new_account("teacher", teacher=True)
    enrolment = api.run(journeys.enrol(token, course["id"]))
    for lesson in lessons:
        done = api.run(journeys.complete_lesson(token, enrolment.id, lesson))
    code = done.view["certificate_code"]
    draft = api.run(
        journeys.make_course(token, {"title": "Maps at sea"}, [{"title": "Charts"}], publish=False)
    )
    public = [
        "/",
        "/?q=cartography",
        "/?q=" + "a" * 201,
        "/signup",
        "/login",
        "/verify",
        f"/verify/{code}",
        "/verify/no-such-certificate-code",
        f"/courses/{course['id']}",
        f"/courses/{course['id']}/lessons/{lessons[0]}",
        "/nothing-here",
    ]
    members = [
        "/",
        "/learning",
        "/notifications",
        "/preferences",
        "/teach",
        f"/teach/courses/{draft.id}",
        f"/teach/courses/{draft.id}/lessons/{draft.lesson_ids[0]}",
        f"/teach/courses/{draft.id}/analytics",
        f"/courses/{course['id']}",
        f"/courses/{course['id']}/lessons/{lessons[1]}",
        f"/certificates/{code}",
    ]
    return Tour(email, public, members)


class TestLayout:
    def test_no_page_scrolls_sideways_at_320_or_1280_px(
        self,
        page: Page,
        tour: Tour,
        log_in: Callable[..., None],
        screens: Path,
    ) -> None:
        wide: dict[str, int] = {}
        for paths, signed_in in tour.halves():
            if signed_in:
                log_in(page, signed_in)
            for width in WIDTHS:
                page.set_viewport_size({"width": width, "height": 800})
                for path in paths:
                    page.goto(path)
                    if (extra := overflow(page)) > 0:
                        wide[f"{path} at {width} px"] = extra
                    if width == 1280 and signed_in:
                        assert header_rows(page) == 1, f"the header wraps on {path}"
        page.set_viewport_size({"width": 320, "height": 800})
        page.goto("/")
        page.screenshot(path=screens / "home-320px.png", full_page=True)
        assert not wide, f"wider than the window (px): {wide}"


class TestAccessibility:
    def test_axe_finds_no_serious_violation_on_any_page(
        self, page: Page, tour: Tour, log_in: Callable[..., None]
    ) -> None:
        serious: dict[str, str] = {}
        for paths, signed_in in tour.halves():
            if signed_in:
                log_in(page, signed_in)
            for path in paths:
                page.goto(path)
                found = [v for v in violations(page) if v["impact"] in BLOCKING]
                if found:
                    serious[path] = described(found)
        page.goto("/signup")  # a form showing its errors, too
        page.get_by_role("button", name="Sign up").click()
        if found := [v for v in violations(page) if v["impact"] in BLOCKING]:
            serious["/signup with errors"] = described(found)
        assert not serious, serious
