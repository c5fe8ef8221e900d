"""A student's home feed (issue 23): built by the feed-builder worker (workers/rs/feed-builder)
and read here straight from Redis, one JSON document per student at
``<prefix>feed:v1:<student id>`` — the one thing web reads from a store instead of a public API
(ADR 0008 decision 2; the worker's README says why). The document is the contract:
``contracts/feeds/feed-v1.json`` is an example the worker must write exactly and this reader
must read. Tolerant like the other clients: unknown fields are ignored, an item whose ids are not
UUIDs is left out (its links could not be built).

Only ever asked for the signed-in visitor's own id (the key comes from web's verified session).
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any, Protocol
from uuid import UUID

from pydantic import BaseModel, ConfigDict, ValidationError
from redis.exceptions import RedisError

from edu.common.redis_client import connect_redis

SCHEMA = "edu.feed.v1"


class FeedUnavailable(Exception):
    """The feed could not be read now (Redis down or slow, a document this reader cannot read):
    the page says so and shows the rest."""


class _Read(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class ContinueItem(_Read):
    """An enrolled course not completed yet; ``title`` and ``next_lesson_id`` are None while
    the worker does not know the course's snapshot."""

    course_id: UUID
    title: str | None = None
    progress_percent: int = 0
    last_activity_at: datetime | None = None
    next_lesson_id: UUID | None = None


class Recommendation(_Read):
    """A course students of one of the student's courses also took, and why (``reason``:
    "3 students who took Rust for beginners also took this")."""

    course_id: UUID
    title: str
    students: int
    because_course_id: UUID
    because_title: str | None = None
    reason: str


class HomeFeed(_Read):
    student_id: UUID
    built_at: datetime | None = None
    continue_learning: tuple[ContinueItem, ...] = ()
    recommended: tuple[Recommendation, ...] = ()

    @property
    def is_empty(self) -> bool:
        return not self.continue_learning and not self.recommended


def _items(raw: Any, model: type[_Read]) -> list[_Read]:
    """The readable items of a list (an item with ids that are not UUIDs is left out)."""
    if not isinstance(raw, list):
        return []
    readable = []
    for item in raw:
        try:
            readable.append(model.model_validate(item))
        except ValidationError:
            continue
    return readable


def parse_feed(raw: bytes | str) -> HomeFeed:
    """The document as the worker writes it; FeedUnavailable for anything else."""
    try:
        document = json.loads(raw)
    except ValueError as exc:
        raise FeedUnavailable(f"the feed document is not JSON: {exc}") from None
    if not isinstance(document, dict) or document.get("schema") != SCHEMA:
        raise FeedUnavailable("the feed document is not an edu.feed.v1 document")
    try:
        return HomeFeed.model_validate(
            {
                **document,
                "continue_learning": _items(document.get("continue_learning"), ContinueItem),
                "recommended": _items(document.get("recommended"), Recommendation),
            }
        )
    except ValidationError as exc:
        raise FeedUnavailable(f"the feed document cannot be read: {exc}") from None


class FeedReader(Protocol):
    async def feed(self, student_id: UUID) -> HomeFeed | None:
        """The student's feed; None when the worker has none for them (nothing learnt yet);
        FeedUnavailable when it cannot be read now."""
        ...

    async def aclose(self) -> None: ...


class RedisFeedReader:
    """One GET per home page, with a short timeout: a slow Redis costs the page at most
    ``timeout`` seconds and a notice, never the page."""

    def __init__(self, url: str, *, prefix: str, timeout: float) -> None:
        self._prefix = prefix
        self._redis = connect_redis(url, timeout=timeout)

    def key(self, student_id: UUID) -> str:
        return f"{self._prefix}feed:v1:{student_id}"

    async def feed(self, student_id: UUID) -> HomeFeed | None:
        try:
            raw = await self._redis.get(self.key(student_id))
        except (RedisError, OSError) as exc:
            raise FeedUnavailable(f"Redis: {exc}") from None
        if raw is None:
            return None
        return parse_feed(raw)

    async def aclose(self) -> None:
        await self._redis.aclose()
