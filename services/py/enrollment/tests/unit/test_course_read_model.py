"""Course events feed the read model; the newest snapshot wins whatever the arrival order."""

from __future__ import annotations

from uuid import uuid4

import pytest
from hypothesis import given
from hypothesis import strategies as st

from edu.common.clock import FakeClock
from edu.db.outbox import OutboxEvent
from edu.enrollment.adapters.fakes import FakeCourseDirectory, FakeEnrollmentDatabase
from edu.enrollment.service_layer.course_information import CourseInformation

COURSE = uuid4()


def course_event(kind: str, version: int, *, published: bool = True) -> OutboxEvent:
    lesson_ids = [str(uuid4()) for _ in range(version)]
    payload = {
        "course_id": str(COURSE),
        "teacher_id": str(uuid4()),
        "title": f"Title v{version}",
        "published": published,
        "lesson_ids": lesson_ids,
        "lesson_count": len(lesson_ids),
    }
    return OutboxEvent.new(
        type=kind, aggregate_id=str(COURSE), version=version, payload=payload, clock=FakeClock()
    )


def information(db: FakeEnrollmentDatabase) -> CourseInformation:
    return CourseInformation(db.unit_of_work, FakeCourseDirectory())


class TestApplyCourseEvent:
    async def test_a_published_course_becomes_known_with_its_lessons(self) -> None:
        db = FakeEnrollmentDatabase()
        event = course_event("course.published", 3)
        assert await information(db).apply_course_event(event)
        outline = db.outlines[COURSE]
        assert outline.published
        assert {str(i) for i in outline.lesson_ids} == set(event.payload["lesson_ids"])

    async def test_events_of_other_types_are_ignored(self) -> None:
        db = FakeEnrollmentDatabase()
        assert not await information(db).apply_course_event(course_event("course.completed", 1))
        assert db.outlines == {}

    async def test_a_malformed_payload_is_an_error_not_a_silent_skip(self) -> None:
        event = OutboxEvent.new(
            type="course.published", aggregate_id="x", version=1, payload={}, clock=FakeClock()
        )
        with pytest.raises(KeyError):
            await information(FakeEnrollmentDatabase()).apply_course_event(event)

    @given(st.permutations(range(1, 6)))
    async def test_the_highest_version_wins_in_any_arrival_order(self, order: list[int]) -> None:
        db = FakeEnrollmentDatabase()
        info = information(db)
        events = {v: course_event("course.updated", v, published=v % 2 == 1) for v in order}
        for version in order:
            await info.apply_course_event(events[version])
        assert db.outlines[COURSE].version == 5
        assert db.outlines[COURSE].title == "Title v5"
        assert db.outlines[COURSE].published
