"""The course-service client: bounded retries on outages, no retries on definite answers."""

from __future__ import annotations

from uuid import uuid4

import httpx
import pytest

from edu.enrollment.adapters.course_service_client import HttpCourseDirectory
from edu.enrollment.service_layer.ports import CourseServiceUnavailable

COURSE = uuid4()
LESSON = uuid4()
DETAIL = {
    "id": str(COURSE),
    "title": "Glass blowing",
    "status": "published",
    "version": 4,
    "lessons": [{"id": str(LESSON), "title": "Heat"}],
}


class FakeCourseService:
    """Answers each request with the next scripted outcome; keeps the paths it was asked."""

    def __init__(self, *outcomes: int | Exception) -> None:
        self.outcomes = list(outcomes)
        self.paths: list[str] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.paths.append(request.url.path)
        outcome = self.outcomes.pop(0)
        if isinstance(outcome, Exception):
            raise outcome
        return httpx.Response(outcome, json=DETAIL if outcome == 200 else {"status": outcome})


class FakeSleep:
    def __init__(self) -> None:
        self.pauses: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.pauses.append(seconds)


def client(service: FakeCourseService, sleep: FakeSleep) -> HttpCourseDirectory:
    return HttpCourseDirectory(
        "http://course.test", transport=httpx.MockTransport(service), sleep=sleep, backoff=0.1
    )


class TestFetchOutline:
    async def test_a_published_course_becomes_an_outline(self) -> None:
        service = FakeCourseService(200)
        outline = await client(service, FakeSleep()).fetch_outline(COURSE)
        assert outline is not None
        assert (outline.published, outline.version, outline.lesson_ids) == (
            True,
            4,
            frozenset({LESSON}),
        )
        assert service.paths == [f"/courses/{COURSE}"]

    async def test_not_found_is_an_answer_and_is_not_retried(self) -> None:
        service = FakeCourseService(404)
        assert await client(service, FakeSleep()).fetch_outline(COURSE) is None
        assert len(service.paths) == 1

    async def test_outages_are_retried_with_growing_pauses(self) -> None:
        service = FakeCourseService(httpx.ConnectError("refused"), 503, 200)
        sleep = FakeSleep()
        assert await client(service, sleep).fetch_outline(COURSE) is not None
        assert sleep.pauses == [0.1, 0.2]

    async def test_a_service_that_stays_down_is_reported_unavailable_after_three_tries(
        self,
    ) -> None:
        service = FakeCourseService(*[httpx.ReadTimeout("slow")] * 3)
        with pytest.raises(CourseServiceUnavailable):
            await client(service, FakeSleep()).fetch_outline(COURSE)
        assert len(service.paths) == 3

    async def test_an_unexpected_client_error_is_not_retried(self) -> None:
        service = FakeCourseService(400)
        with pytest.raises(CourseServiceUnavailable):
            await client(service, FakeSleep()).fetch_outline(COURSE)
        assert len(service.paths) == 1
