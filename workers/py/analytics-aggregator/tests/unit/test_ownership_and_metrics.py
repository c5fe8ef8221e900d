"""Course ownership from course events, and what /metrics says."""

from __future__ import annotations

from edu.analytics_aggregator.metrics import AggregatorMetrics
from edu.analytics_aggregator.service_layer.ownership import CourseOwnership
from edu.analytics_aggregator.testing import FakeRollupStore
from edu.common.clock import FakeClock
from edu.db.outbox import OutboxEvent
from edu.events import decode, encode
from edu.events.jetstream_consumer import ConsumerLag


def course_event(event_type: str, version: int, teacher: str, title: str = "SQL") -> OutboxEvent:
    return OutboxEvent.new(
        type=event_type,
        aggregate_id="c-1",
        version=version,
        payload={"course_id": "c-1", "teacher_id": teacher, "title": title, "lesson_ids": ["a"]},
        clock=FakeClock(),
    )


class TestCourseOwnership:
    async def test_the_newest_snapshot_wins_whatever_the_arrival_order(
        self, ownership: CourseOwnership, store: FakeRollupStore
    ) -> None:
        newer = course_event("course.updated", 3, "t-1", title="SQL, revised")
        older = course_event("course.published", 2, "t-1")

        assert await ownership.record(decode(encode(newer)))
        assert await ownership.record(decode(encode(older)))

        owner = store.owners["c-1"]
        assert (owner.teacher_id, owner.title, owner.version) == ("t-1", "SQL, revised", 3)

    async def test_other_events_are_not_ownership(
        self, ownership: CourseOwnership, store: FakeRollupStore
    ) -> None:
        enrolled = OutboxEvent.new(
            type="enrollment.created",
            aggregate_id="e",
            version=1,
            payload={"enrollment_id": "e", "student_id": "s", "course_id": "c-1"},
            clock=FakeClock(),
        )

        assert not await ownership.record(decode(encode(enrolled)))
        assert store.owners == {}


class TestMetrics:
    def test_lag_and_outcomes_are_rendered_for_prometheus(self) -> None:
        metrics = AggregatorMetrics()
        metrics.record_lag(ConsumerLag("analytics-aggregator", pending=7, ack_pending=2))
        metrics.count("folded")
        metrics.count("folded")

        text = metrics.render()

        assert 'edu_consumer_pending{durable="analytics-aggregator"} 7' in text
        assert 'edu_consumer_ack_pending{durable="analytics-aggregator"} 2' in text
        assert 'edu_learning_events_total{outcome="folded"} 2' in text
