"""Handling one course-event message: ack when applied, terminate junk, retry failures."""

from __future__ import annotations

from uuid import uuid4

from edu.common.clock import FakeClock
from edu.db.outbox import OutboxEvent
from edu.enrollment.adapters.fakes import (
    FakeCourseDirectory,
    FakeEnrollmentDatabase,
    FakeEnrollmentUnitOfWork,
)
from edu.enrollment.entrypoints.course_events import handle_course_message
from edu.enrollment.service_layer.course_information import CourseInformation


class FakeMessage:
    def __init__(self, data: bytes) -> None:
        self.data = data
        self.outcome: str | None = None

    async def ack(self) -> None:
        self.outcome = "ack"

    async def nak(self, delay: float | None = None) -> None:
        self.outcome = "nak"

    async def term(self) -> None:
        self.outcome = "term"


class BrokenDatabase(FakeEnrollmentDatabase):
    def unit_of_work(self) -> FakeEnrollmentUnitOfWork:  # fails like a dead database
        raise ConnectionError("database is down")


def published_event() -> bytes:
    course_id = str(uuid4())
    payload = {"course_id": course_id, "title": "T", "published": True, "lesson_ids": []}
    event = OutboxEvent.new(
        type="course.published",
        aggregate_id=course_id,
        version=1,
        payload=payload,
        clock=FakeClock(),
    )
    return event.to_json().encode()


def courses(db: FakeEnrollmentDatabase) -> CourseInformation:
    return CourseInformation(db.unit_of_work, FakeCourseDirectory())


class TestHandleCourseMessage:
    async def test_an_applied_event_is_acknowledged(self) -> None:
        db, message = FakeEnrollmentDatabase(), FakeMessage(published_event())
        await handle_course_message(message, courses(db))
        assert (message.outcome, len(db.outlines)) == ("ack", 1)

    async def test_an_unreadable_message_is_terminated_not_redelivered(self) -> None:
        message = FakeMessage(b"{not json")
        await handle_course_message(message, courses(FakeEnrollmentDatabase()))
        assert message.outcome == "term"

    async def test_a_database_failure_is_negatively_acknowledged_for_a_retry(self) -> None:
        message = FakeMessage(published_event())
        await handle_course_message(message, courses(BrokenDatabase()))
        assert message.outcome == "nak"
