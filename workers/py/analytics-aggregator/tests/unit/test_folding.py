"""Folding learning events into rollups: funnel, views, sessions, days, once per event."""

from __future__ import annotations

import itertools
import uuid
from datetime import UTC, date, datetime, timedelta
from functools import partial

import pytest

from edu.analytics_aggregator.domain.progress import SessionProgress, ViewerStages
from edu.analytics_aggregator.service_layer.folding import LearningRollups, Outcome
from edu.analytics_aggregator.testing import (
    FakeAnalyticsUnitOfWork,
    FakeCourseDays,
    FakeRollupStore,
    delivered,
    learning_event,
)
from edu.common.clock import FakeClock
from edu.proto_gen.events.v1.learning_events_pb2 import LearningEvent

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def at(seconds: int) -> datetime:
    return T0 + timedelta(seconds=seconds)


def heartbeat(seconds: int, position: int, duration: int = 600) -> LearningEvent:
    return learning_event(
        "lesson.heartbeat",
        at(seconds),
        lesson_id="l-1",
        position_seconds=position,
        duration_seconds=duration,
        active_seconds=10,
    )


class TestIdempotency:
    async def test_a_duplicated_event_counts_once(
        self, rollups: LearningRollups, store: FakeRollupStore
    ) -> None:
        opened = delivered(learning_event("lesson.opened", at(0), lesson_id="l-1"))

        assert await rollups.fold(opened) == Outcome.FOLDED
        assert await rollups.fold(opened) == Outcome.DUPLICATE

        assert store.views == {("c-1", "l-1"): 1}
        assert store.commits == 1

    async def test_the_same_lesson_opened_twice_by_distinct_events_counts_two_views(
        self, rollups: LearningRollups, store: FakeRollupStore
    ) -> None:
        for _ in range(2):
            await rollups.fold(delivered(learning_event("lesson.opened", at(0), lesson_id="l-1")))

        assert store.views == {("c-1", "l-1"): 2}
        assert len(store.viewers) == 1, "one distinct viewer"

    async def test_an_event_whose_fold_fails_leaves_no_processed_record(
        self, store: FakeRollupStore
    ) -> None:
        rollups = LearningRollups(lambda: FailingUnitOfWork(store), FakeClock())
        event = delivered(learning_event("lesson.opened", at(0), lesson_id="l-1"))

        with pytest.raises(Exploding):
            await rollups.fold(event)
        assert store.processed == {}, "the redelivery will do the work"


class Exploding(Exception):
    pass


class ExplodingDays(FakeCourseDays):
    async def mark_active(self, course_id: str, day: date, user_id: str) -> None:
        raise Exploding


class FailingUnitOfWork(FakeAnalyticsUnitOfWork):
    def _begin(self) -> None:
        super()._begin()
        self.days = ExplodingDays(self._work)


class TestFunnel:
    async def test_a_viewer_moves_through_opened_halfway_and_finished(
        self, rollups: LearningRollups, store: FakeRollupStore
    ) -> None:
        await rollups.fold(delivered(learning_event("lesson.opened", at(0), lesson_id="l-1")))
        await rollups.fold(delivered(heartbeat(10, position=299)))
        assert store.viewers[("c-1", "l-1", "u-1")].halfway is False
        await rollups.fold(delivered(heartbeat(20, position=300)))
        await rollups.fold(delivered(learning_event("lesson.finished", at(30), lesson_id="l-1")))

        assert store.viewers[("c-1", "l-1", "u-1")] == ViewerStages(
            "c-1", "l-1", "u-1", opened=True, halfway=True, finished=True
        )

    async def test_a_lesson_without_a_video_has_no_halfway(
        self, rollups: LearningRollups, store: FakeRollupStore
    ) -> None:
        await rollups.fold(delivered(heartbeat(10, position=500, duration=0)))

        assert store.viewers[("c-1", "l-1", "u-1")].halfway is False

    async def test_a_video_seek_moves_the_position_but_not_the_funnel(
        self, rollups: LearningRollups, store: FakeRollupStore
    ) -> None:
        seek = learning_event(
            "video.seeked", at(5), lesson_id="l-1", from_seconds=10, to_seconds=590
        )
        await rollups.fold(delivered(seek))

        assert ("c-1", "l-1", "u-1") not in store.viewers
        session = store.sessions[("s-1", "l-1")]
        assert (session.last_position, session.furthest_position) == (590, 0)


class TestOrdering:
    async def test_the_last_position_is_the_latest_by_occurred_at_in_any_arrival_order(
        self, store: FakeRollupStore
    ) -> None:
        beats = [heartbeat(10, 100), heartbeat(20, 250), heartbeat(30, 180)]  # went back
        results = set()
        for order in itertools.permutations(beats):
            fresh = FakeRollupStore()
            rollups = LearningRollups(partial(FakeAnalyticsUnitOfWork, fresh), FakeClock())
            for beat in order:
                await rollups.fold(delivered(beat))
            session = fresh.sessions[("s-1", "l-1")]
            results.add((session.last_position, session.furthest_position))

        assert results == {(180, 250)}

    def test_on_equal_times_the_larger_position_is_last_whichever_came_first(self) -> None:
        base = SessionProgress("s", "l", "c", "u")
        a = SessionProgress("s", "l", "c", "u", last_position=40, last_seen_at=T0)
        b = SessionProgress("s", "l", "c", "u", last_position=70, last_seen_at=T0)

        assert base.join(a).join(b).last_position == base.join(b).join(a).last_position == 70


class TestActiveDays:
    async def test_a_student_is_active_on_the_day_the_event_happened_not_when_it_arrived(
        self, rollups: LearningRollups, store: FakeRollupStore
    ) -> None:
        late = datetime(2026, 3, 1, 23, 59, 50, tzinfo=UTC)
        await rollups.fold(delivered(learning_event("lesson.opened", late, lesson_id="l-1")))
        await rollups.fold(delivered(learning_event("lesson.opened", late, lesson_id="l-2")))

        assert store.active == {("c-1", date(2026, 3, 1), "u-1")}

    async def test_a_search_outside_a_course_is_recorded_and_ignored(
        self, rollups: LearningRollups, store: FakeRollupStore
    ) -> None:
        search = learning_event("search.performed", at(0), course_id="", query="sql", results=3)

        assert await rollups.fold(delivered(search)) == Outcome.IGNORED
        assert store.active == set()
        assert len(store.processed) == 1


def test_learning_event_ids_are_uuids() -> None:
    assert uuid.UUID(learning_event("lesson.opened", T0, lesson_id="l").id)
