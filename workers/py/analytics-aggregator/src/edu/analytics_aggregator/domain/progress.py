"""The folding rules: what one learning event says about a lesson, a viewer and a session.

Every rollup is a *join* (a merge that is commutative, associative and idempotent), so the
order in which JetStream delivers events never changes the result:

* a viewer's funnel stages only ever switch on (opened, past halfway, finished);
* a session's furthest position and the lesson's duration only grow;
* a session's last position is the one with the latest ``occurred_at`` (the student's clock,
  not arrival order: a heartbeat delayed by a retried batch must not move the student back);
  on a tie, the larger position wins, so two orders of the same events agree.

Counting (views, active students) is made exactly-once by the processed-event record the use
case claims first, not here.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from enum import StrEnum


class Kind(StrEnum):
    OPENED = "opened"
    HEARTBEAT = "heartbeat"
    FINISHED = "finished"
    POSITION = "position"  # a video played, paused or seeked: where the student is, not watching
    ACTIVITY = "activity"  # in a course, but about no lesson


@dataclass(frozen=True)
class Observation:
    """One learning event, reduced to what the rollups need."""

    kind: Kind
    user_id: str
    course_id: str
    session_id: str
    lesson_id: str
    occurred_at: datetime
    position: int | None = None  # seconds into the lesson
    duration: int = 0  # the video's length; 0 when unknown or not a video

    @property
    def day(self) -> date:
        """The UTC day the student was active (by when it happened, not when it arrived)."""
        return self.occurred_at.astimezone(UTC).date()


def past_halfway(position: int, duration: int) -> bool:
    """A heartbeat at or beyond half the video. Without a duration (a text lesson) there is
    no halfway: such a lesson's funnel goes from opened straight to finished."""
    return duration > 0 and 2 * position >= duration


@dataclass(frozen=True)
class ViewerStages:
    """How far one user got in one lesson's funnel."""

    course_id: str
    lesson_id: str
    user_id: str
    opened: bool = False
    halfway: bool = False
    finished: bool = False

    @classmethod
    def of(cls, seen: Observation) -> ViewerStages:
        return cls(
            seen.course_id,
            seen.lesson_id,
            seen.user_id,
            opened=seen.kind is Kind.OPENED,
            halfway=seen.kind is Kind.HEARTBEAT and past_halfway(seen.position or 0, seen.duration),
            finished=seen.kind is Kind.FINISHED,
        )

    def join(self, other: ViewerStages) -> ViewerStages:
        return replace(
            self,
            opened=self.opened or other.opened,
            halfway=self.halfway or other.halfway,
            finished=self.finished or other.finished,
        )


@dataclass(frozen=True)
class SessionProgress:
    """One browser visit's progress in one lesson."""

    session_id: str
    lesson_id: str
    course_id: str
    user_id: str
    last_position: int | None = None
    last_seen_at: datetime | None = None
    furthest_position: int = 0
    duration: int = 0
    finished: bool = False

    @classmethod
    def of(cls, seen: Observation) -> SessionProgress:
        positioned = seen.position is not None
        return cls(
            seen.session_id,
            seen.lesson_id,
            seen.course_id,
            seen.user_id,
            last_position=seen.position,
            last_seen_at=seen.occurred_at if positioned else None,
            furthest_position=(seen.position or 0) if seen.kind is Kind.HEARTBEAT else 0,
            duration=seen.duration,
            finished=seen.kind is Kind.FINISHED,
        )

    def join(self, other: SessionProgress) -> SessionProgress:
        last = max(self, other, key=_last_key)
        return replace(
            self,
            last_position=last.last_position,
            last_seen_at=last.last_seen_at,
            furthest_position=max(self.furthest_position, other.furthest_position),
            duration=max(self.duration, other.duration),
            finished=self.finished or other.finished,
        )


_NEVER = datetime.min.replace(tzinfo=UTC)


def _last_key(progress: SessionProgress) -> tuple[datetime, int]:
    return (progress.last_seen_at or _NEVER, progress.last_position or 0)
