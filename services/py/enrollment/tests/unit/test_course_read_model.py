"""Course snapshots feed the read model; the newest wins whatever the arrival order."""

from __future__ import annotations

from uuid import uuid4

from hypothesis import given
from hypothesis import strategies as st

from edu.common.clock import FakeClock
from edu.db.outbox import OutboxEvent
from edu.enrollment.entrypoints.course_events import CourseEventHandler
from edu.enrollment.service_layer.course_information import CourseInformation
from edu.enrollment.testing import FakeCourseDirectory, FakeEnrollmentDatabase
from edu.events import DecodedEvent, decode, encode
from edu.proto_gen.events.v1.course_events_pb2 import CourseUnpublished, CourseUpdated

COURSE = uuid4()


def snapshot(version: int) -> DecodedEvent:
    """Odd versions are updates of the published course, even ones unpublish it."""
    lesson_ids = [str(uuid4()) for _ in range(version)]
    title = f"Title v{version}"
    payload: CourseUpdated | CourseUnpublished
    if version % 2:
        kind, payload = "course.updated", CourseUpdated(course_id=str(COURSE), title=title)
    else:
        kind, payload = "course.unpublished", CourseUnpublished(course_id=str(COURSE), title=title)
    payload.lesson_ids.extend(lesson_ids)
    event = OutboxEvent.new(
        type=kind, aggregate_id=str(COURSE), version=version, payload=payload, clock=FakeClock()
    )
    return decode(encode(event))


# Made once: the property below varies only the order in which they arrive.
SNAPSHOTS = {version: snapshot(version) for version in range(1, 6)}


class TestArrivalOrder:
    @given(st.permutations(range(1, 6)))
    async def test_the_highest_version_wins_in_any_arrival_order(self, order: list[int]) -> None:
        db = FakeEnrollmentDatabase()
        handle = CourseEventHandler(CourseInformation(db.unit_of_work, FakeCourseDirectory()))

        for version in order:
            await handle(SNAPSHOTS[version])

        outline = db.outlines[COURSE]
        assert (outline.version, outline.title, outline.published) == (5, "Title v5", True)
        assert len(outline.lesson_ids) == 5

    async def test_a_redelivered_snapshot_changes_nothing(self) -> None:
        db = FakeEnrollmentDatabase()
        handle = CourseEventHandler(CourseInformation(db.unit_of_work, FakeCourseDirectory()))
        event = snapshot(3)

        assert await handle(event)
        assert not await handle(event)
        assert db.outlines[COURSE].version == 3
