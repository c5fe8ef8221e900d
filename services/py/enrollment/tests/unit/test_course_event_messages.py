"""Course events as they arrive: the typed snapshot reaches the read model, and the consumer's
dispositions (ADR 0007) acknowledge, redeliver or dead-letter as the read model needs."""

from __future__ import annotations

from uuid import uuid4

import pytest
from google.protobuf.message import Message

from edu.common.clock import FakeClock
from edu.db.outbox import OutboxEvent
from edu.enrollment.domain.course_outline import CoursePrice
from edu.enrollment.entrypoints.course_events import TRANSIENT_ERRORS, CourseEventHandler
from edu.enrollment.service_layer.course_information import CourseInformation
from edu.enrollment.testing import (
    FakeCourseDirectory,
    FakeEnrollmentDatabase,
    FakeEnrollmentUnitOfWork,
)
from edu.events import encode
from edu.events.dispositions import Acknowledge, DeadLetter, Redeliver, RedeliveryPolicy, dispose
from edu.proto_gen.events.v1.course_events_pb2 import CoursePrice as CoursePriceMessage
from edu.proto_gen.events.v1.course_events_pb2 import (
    CoursePublished,
    CourseUnpublished,
    CourseUpdated,
)
from edu.proto_gen.events.v1.enrollment_events_pb2 import CourseCompleted

COURSE = uuid4()
LESSONS = [uuid4(), uuid4()]
POLICY = RedeliveryPolicy(max_deliveries=3)


class BrokenDatabase(FakeEnrollmentDatabase):
    def unit_of_work(self) -> FakeEnrollmentUnitOfWork:  # fails like a dead database
        raise ConnectionError("database is down")


def on_the_wire(event_type: str, payload: Message, version: int = 2) -> bytes:
    event = OutboxEvent.new(
        type=event_type,
        aggregate_id=str(COURSE),
        version=version,
        payload=payload,
        clock=FakeClock(),
    )
    return encode(event)


def published(title: str = "Pottery") -> bytes:
    return on_the_wire(
        "course.published",
        CoursePublished(
            course_id=str(COURSE), title=title, lesson_ids=[str(lesson) for lesson in LESSONS]
        ),
    )


def handler(db: FakeEnrollmentDatabase) -> CourseEventHandler:
    return CourseEventHandler(CourseInformation(db.unit_of_work, FakeCourseDirectory()))


async def settle(data: bytes, db: FakeEnrollmentDatabase, deliveries: int = 1) -> object:
    return await dispose(data, deliveries, handler(db), POLICY, TRANSIENT_ERRORS)


class TestSnapshotsReachTheReadModel:
    async def test_a_published_course_is_stored_open_with_its_lessons_and_acknowledged(
        self,
    ) -> None:
        db = FakeEnrollmentDatabase()

        assert await settle(published(), db) == Acknowledge(True)

        outline = db.outlines[COURSE]
        assert (outline.title, outline.published, outline.version) == ("Pottery", True, 2)
        assert outline.lesson_ids == frozenset(LESSONS)

    async def test_an_unpublished_course_is_stored_closed_keeping_its_lessons(self) -> None:
        db = FakeEnrollmentDatabase()
        unpublished = CourseUnpublished(
            course_id=str(COURSE), title="Pottery", lesson_ids=[str(LESSONS[0])]
        )

        await settle(on_the_wire("course.unpublished", unpublished, version=3), db)

        outline = db.outlines[COURSE]
        assert (outline.published, outline.lesson_ids) == (False, frozenset(LESSONS[:1]))

    async def test_a_priced_course_is_stored_with_its_price_and_a_free_one_without(
        self,
    ) -> None:
        db = FakeEnrollmentDatabase()
        priced = CoursePublished(
            course_id=str(COURSE),
            title="Pottery",
            lesson_ids=[str(lesson) for lesson in LESSONS],
            price=CoursePriceMessage(currency_code="EUR", amount_minor=4900),
        )
        await settle(on_the_wire("course.published", priced), db)
        assert db.outlines[COURSE].price == CoursePrice("EUR", 4900)

        await settle(published(), db)  # same version: the stored snapshot stays
        freed = CourseUpdated(course_id=str(COURSE), title="Pottery", lesson_ids=[])
        await settle(on_the_wire("course.updated", freed, version=3), db)
        assert db.outlines[COURSE].price is None

    async def test_other_events_on_the_bus_are_acknowledged_and_ignored(self) -> None:
        db = FakeEnrollmentDatabase()
        completed = CourseCompleted(enrollment_id="e", student_id="s", course_id=str(COURSE))

        assert await settle(on_the_wire("course.completed", completed), db) == Acknowledge(False)
        assert db.outlines == {}


class TestWhatCannotBeStored:
    async def test_bytes_that_are_no_envelope_are_dead_lettered_at_once(self) -> None:
        assert isinstance(await settle(b"{not json", FakeEnrollmentDatabase()), DeadLetter)

    @pytest.mark.parametrize(("deliveries", "expected"), [(1, Redeliver), (3, DeadLetter)])
    async def test_a_snapshot_with_an_id_that_is_no_uuid_is_retried_then_dead_lettered(
        self, deliveries: int, expected: type
    ) -> None:
        broken = on_the_wire("course.published", CoursePublished(course_id="c-1", title="T"))

        outcome = await settle(broken, FakeEnrollmentDatabase(), deliveries)

        assert isinstance(outcome, expected)

    async def test_a_database_outage_is_redelivered_however_often_it_happened(self) -> None:
        outcome = await settle(published(), BrokenDatabase(), deliveries=50)

        assert isinstance(outcome, Redeliver)
