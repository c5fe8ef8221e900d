"""The course service over HTTP: its public course detail, with timeouts and retries.

Only asked when the read model has no answer (ADR 0004), on the request path of a student, so
the whole exchange is bounded: ``attempts`` tries of at most ``timeout`` seconds each, with a
short exponential pause between them. Retried: connection errors, timeouts, 429 and 5xx (the GET
is safe to repeat). Not retried: 404 (no such published course) and any other answer.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any
from uuid import UUID

import httpx

from edu.enrollment.domain.course_outline import CourseOutline
from edu.enrollment.service_layer.ports import CourseServiceUnavailable

logger = logging.getLogger("edu.enrollment.course_client")


class HttpCourseDirectory:
    def __init__(
        self,
        base_url: str,
        *,
        timeout: float = 1.0,
        attempts: int = 3,
        backoff: float = 0.1,
        transport: httpx.AsyncBaseTransport | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self._client = httpx.AsyncClient(
            base_url=base_url, timeout=httpx.Timeout(timeout), transport=transport
        )
        self._attempts = max(1, attempts)
        self._backoff = backoff
        self._sleep = sleep

    async def fetch_outline(self, course_id: UUID) -> CourseOutline | None:
        problem = "no attempt made"
        for attempt in range(self._attempts):
            if attempt:
                await self._sleep(self._backoff * 2 ** (attempt - 1))
            try:
                response = await self._client.get(f"/courses/{course_id}")
            except httpx.TransportError as exc:  # connect errors and timeouts
                problem = f"{type(exc).__name__}: {exc}"
                continue
            if response.status_code == 404:
                return None
            if response.status_code == 200:
                try:
                    return _outline(response.json())
                except (KeyError, TypeError, ValueError) as exc:
                    problem = f"unreadable course detail ({exc!r})"
                    break
            problem = f"HTTP {response.status_code}"
            if response.status_code != 429 and response.status_code < 500:
                break
        logger.warning("course service: fetching course %s failed: %s", course_id, problem)
        raise CourseServiceUnavailable(
            "Course information is temporarily unavailable; please try again shortly."
        )

    async def aclose(self) -> None:
        await self._client.aclose()


def _outline(body: dict[str, Any]) -> CourseOutline:
    return CourseOutline(
        course_id=UUID(body["id"]),
        title=str(body["title"]),
        published=body["status"] == "published",
        lesson_ids=frozenset(UUID(lesson["id"]) for lesson in body["lessons"]),
        version=int(body["version"]),
    )
