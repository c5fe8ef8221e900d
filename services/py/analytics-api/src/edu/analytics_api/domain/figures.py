"""A course's figures from its rollups: the funnel, the median position and the drop-off.

The median is exact: it is taken over one row per session (the aggregator folds every
heartbeat of a visit into that row), so no histogram approximation is involved; the drop-off
is a histogram of where unfinished sessions last were, in tenths of the lesson's video (or
minutes for a lesson without one).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

DROP_OFF_BUCKETS = 10
TEXT_BUCKET_SECONDS = 60
MAX_TEXT_BUCKETS = 30


@dataclass(frozen=True)
class SessionRow:
    """One visit of one lesson, as the aggregator keeps it."""

    lesson_id: str
    last_position: int | None
    furthest_position: int
    duration: int
    finished: bool


@dataclass(frozen=True)
class LessonCounts:
    lesson_id: str
    views: int
    viewers: int  # distinct users who opened it
    halfway: int  # distinct users with a heartbeat past half the video
    finished: int  # distinct users who finished it


@dataclass(frozen=True)
class Bucket:
    from_seconds: int
    to_seconds: int
    sessions: int


@dataclass(frozen=True)
class LessonFigures:
    counts: LessonCounts
    sessions: int
    median_position_seconds: float | None
    duration_seconds: int
    drop_off: tuple[Bucket, ...]


def median(values: Sequence[int]) -> float | None:
    """The exact median (the mean of the middle two for an even count); None when empty."""
    if not values:
        return None
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return float(ordered[middle])
    return (ordered[middle - 1] + ordered[middle]) / 2


def drop_off(sessions: Sequence[SessionRow], duration: int) -> tuple[Bucket, ...]:
    """Where sessions that never finished the lesson were last, by bucket."""
    left = [s.last_position for s in sessions if not s.finished and s.last_position is not None]
    if duration > 0:
        width = max(1, math.ceil(duration / DROP_OFF_BUCKETS))
        count = DROP_OFF_BUCKETS
    else:
        width = TEXT_BUCKET_SECONDS
        count = min(MAX_TEXT_BUCKETS, max(1, max(left, default=0) // width + 1))
    tally = [0] * count
    for position in left:
        tally[min(position // width, count - 1)] += 1
    return tuple(Bucket(i * width, (i + 1) * width, n) for i, n in enumerate(tally))


def lesson_figures(counts: LessonCounts, sessions: Sequence[SessionRow]) -> LessonFigures:
    duration = max((s.duration for s in sessions), default=0)
    return LessonFigures(
        counts=counts,
        sessions=len(sessions),
        median_position_seconds=median([s.furthest_position for s in sessions]),
        duration_seconds=duration,
        drop_off=drop_off(sessions, duration),
    )
