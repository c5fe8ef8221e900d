"""A lesson page's learning events, as its script records them (services/py/web,
static/learning-events.js): what to send and when, nothing sent here (scenarios.learning sends;
no Locust import, so the harness's unit tests read this module as it is).

A visit records ``lesson.opened`` when the page loads (sent at once), a ``lesson.heartbeat``
every ``HEARTBEAT_S`` page seconds with the position (seconds of the video for a video lesson,
else seconds on the page) and the seconds of attention since the previous one, batches every
``FLUSH_S`` page seconds (at most ``MAX_BATCH`` events), ``lesson.finished`` when the student
reaches the end, and a last heartbeat as the page is left. Every event carries the signed-in
user's id (the token's subject: event-ingestion refuses any other), the course and the visit's
session id, in the protobuf JSON mapping of ``edu.events.v1.LearningEvent``
(contracts/openapi/event-ingestion.json).

The load's pages run ``SPEEDUP`` times faster than a browser's clock (a heartbeat every 3 s, a
batch every 2 s), so a 35-second smoke sees each student open, read and finish several lessons;
each simulated student therefore sends events at 5x a real student's rate.
"""

from __future__ import annotations

import base64
import json
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

SPEEDUP = 5.0
HEARTBEAT_S = 15  # page seconds between heartbeats (learning-events.js HEARTBEAT_MS)
FLUSH_S = 10  # page seconds between batches (FLUSH_MS)
MAX_BATCH = 50


def user_id_of(token: str) -> str:
    """The access token's subject, the signed-in user every event must name (read, not
    verified: identity made the token, event-ingestion verifies it)."""
    claims = token.split(".")[1]
    return str(json.loads(base64.urlsafe_b64decode(claims + "=" * (-len(claims) % 4)))["sub"])


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class LessonPage:
    """One visit of one lesson's page: the events it records and the batch due to be sent."""

    def __init__(
        self,
        user_id: str,
        enrollment_id: str,
        course_id: str,
        lesson: dict[str, Any],
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.user_id, self.enrollment_id, self.course_id = user_id, enrollment_id, course_id
        self.lesson_id = str(lesson["id"])
        # a video lesson's position is the video's; its length here is the lesson's estimate
        video = bool(lesson.get("video_url"))
        self.duration = int(lesson.get("estimated_minutes") or 0) * 60 if video else 0
        self.session_id = str(uuid.uuid4())
        self._clock = clock
        self._opened = clock()
        self._beats = 0
        self._last_beat = 0.0  # page seconds
        self._flushed: float | None = None  # page seconds of the last batch sent
        self.pending: list[dict[str, Any]] = []
        self._record("lesson.opened", {"lesson_id": self.lesson_id})

    def seconds(self) -> float:
        """Page seconds since the page loaded."""
        return (self._clock() - self._opened) * SPEEDUP

    def tick(self) -> None:
        """Record the heartbeats due by now, one per ``HEARTBEAT_S`` page seconds."""
        while (self._beats + 1) * HEARTBEAT_S <= self.seconds():
            self._beats += 1
            self._heartbeat(self._beats * HEARTBEAT_S)

    def due(self) -> bool:
        """A batch is due: something to send, and the first batch (the page just loaded) or
        ``FLUSH_S`` page seconds since the last."""
        self.tick()
        if not self.pending:
            return False
        return self._flushed is None or self.seconds() - self._flushed >= FLUSH_S

    def leave(self) -> None:
        """The end reached (``lesson.finished``), then the page left: where the student got to,
        as the last heartbeat; the caller sends what is pending at once."""
        self.tick()
        self._record(
            "lesson.finished",
            {"lesson_id": self.lesson_id, "active_seconds": round(self.seconds())},
        )
        self._heartbeat(self.seconds())

    def batch(self) -> list[dict[str, Any]]:
        """The next batch; its events stay pending until ``settle`` says they were stored."""
        self._flushed = self.seconds()
        return self.pending[:MAX_BATCH]

    def settle(self, sent: list[dict[str, Any]]) -> None:
        """``sent`` is done with (stored, or refused for good): not sent again."""
        done = {event["id"] for event in sent}
        self.pending = [event for event in self.pending if event["id"] not in done]

    def _heartbeat(self, at: float) -> None:
        position = min(round(at), self.duration) if self.duration else round(at)
        active = round(at - self._last_beat)
        self._last_beat = at
        self._record(
            "lesson.heartbeat",
            {
                "lesson_id": self.lesson_id,
                "position_seconds": position,
                "duration_seconds": self.duration,
                "active_seconds": max(0, active),
            },
        )

    def _record(self, kind: str, payload: dict[str, Any]) -> None:
        self.pending.append(
            {
                "id": str(uuid.uuid4()),
                "type": kind,
                "user_id": self.user_id,
                "course_id": self.course_id,
                "session_id": self.session_id,
                "occurred_at": _now(),
                kind.replace(".", "_"): payload,
            }
        )
