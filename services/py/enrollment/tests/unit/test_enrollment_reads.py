"""A student's own enrolment, read and progressed: ownership, the course's outline when the read
model lacks it, the row lock, the time a lesson was completed and the certificate's id.

Written from the survivors of the first mutation run (ADR 0020): `enrollment_of` had no unit
test at all, and `for_update=False`, `now=None` or a missing outline's fetch all passed.
"""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import UUID, uuid4

import pytest

from edu.common.clock import FakeClock
from edu.common.problems import NotFound
from edu.enrollment.domain.course_outline import CourseOutline
from edu.enrollment.service_layer.course_information import CourseInformation
from edu.enrollment.service_layer.enrollments import Enrollments
from edu.enrollment.testing import FakeCourseDirectory, FakeEnrollmentDatabase
from edu.events import decode, encode
from edu.proto_gen.events.v1.enrollment_events_pb2 import CertificateIssued

STUDENT = uuid4()
START = datetime(2026, 5, 4, 8, 0, tzinfo=UTC)


def published(lessons: int = 2) -> CourseOutline:
    lesson_ids = frozenset(uuid4() for _ in range(lessons))
    return CourseOutline(uuid4(), "Bread baking", True, lesson_ids, version=2)


@pytest.fixture
def db() -> FakeEnrollmentDatabase:
    return FakeEnrollmentDatabase()


@pytest.fixture
def directory() -> FakeCourseDirectory:
    return FakeCourseDirectory()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(START)


@pytest.fixture
def enrollments(
    db: FakeEnrollmentDatabase, directory: FakeCourseDirectory, clock: FakeClock
) -> Enrollments:
    courses = CourseInformation(db.unit_of_work, directory)
    return Enrollments(db.unit_of_work, courses, clock, new_code=lambda: "verify-me")


async def enrolled(
    db: FakeEnrollmentDatabase, enrollments: Enrollments, lessons: int = 2
) -> tuple[UUID, CourseOutline]:
    course = published(lessons)
    db.outlines[course.course_id] = course
    standing, _ = await enrollments.enrol(STUDENT, course.course_id)
    return standing.enrollment.id, course


class TestEnrollmentOf:
    async def test_a_student_reads_their_enrolment_with_its_progress(
        self, db: FakeEnrollmentDatabase, enrollments: Enrollments
    ) -> None:
        enrollment_id, course = await enrolled(db, enrollments, lessons=4)
        await enrollments.complete_lesson(STUDENT, enrollment_id, min(course.lesson_ids))
        standing = await enrollments.enrollment_of(STUDENT, enrollment_id)
        assert (standing.enrollment.id, standing.enrollment.student_id) == (
            enrollment_id,
            STUDENT,
        )
        assert (standing.progress.completed_lessons, standing.progress.percent) == (1, 25)

    async def test_another_students_enrolment_does_not_exist_for_them(
        self, db: FakeEnrollmentDatabase, enrollments: Enrollments
    ) -> None:
        enrollment_id, _ = await enrolled(db, enrollments)
        with pytest.raises(NotFound, match="no enrolment"):
            await enrollments.enrollment_of(uuid4(), enrollment_id)

    async def test_an_unknown_enrolment_is_not_found(self, enrollments: Enrollments) -> None:
        with pytest.raises(NotFound, match="no enrolment"):
            await enrollments.enrollment_of(STUDENT, uuid4())

    async def test_an_outline_missing_from_the_read_model_is_asked_of_the_course_service(
        self,
        db: FakeEnrollmentDatabase,
        directory: FakeCourseDirectory,
        enrollments: Enrollments,
    ) -> None:
        enrollment_id, course = await enrolled(db, enrollments)
        del db.outlines[course.course_id]
        directory.outlines[course.course_id] = course
        standing = await enrollments.enrollment_of(STUDENT, enrollment_id)
        assert standing.progress.total_lessons == 2
        assert directory.asked == [course.course_id]


class TestCompletingALesson:
    async def test_the_enrolment_is_read_with_a_row_lock(
        self, db: FakeEnrollmentDatabase, enrollments: Enrollments
    ) -> None:
        enrollment_id, course = await enrolled(db, enrollments)
        await enrollments.complete_lesson(STUDENT, enrollment_id, min(course.lesson_ids))
        assert db.locked == [enrollment_id]

    async def test_the_lesson_and_the_course_are_completed_at_the_clocks_time(
        self, db: FakeEnrollmentDatabase, enrollments: Enrollments
    ) -> None:
        enrollment_id, course = await enrolled(db, enrollments, lessons=1)
        [lesson_id] = course.lesson_ids
        standing = await enrollments.complete_lesson(STUDENT, enrollment_id, lesson_id)
        assert standing.enrollment.completed_lessons == {lesson_id: START}
        assert standing.enrollment.completed_at == START

    async def test_an_outline_missing_from_the_read_model_is_fetched_to_judge_the_lesson(
        self,
        db: FakeEnrollmentDatabase,
        directory: FakeCourseDirectory,
        enrollments: Enrollments,
    ) -> None:
        enrollment_id, course = await enrolled(db, enrollments)
        del db.outlines[course.course_id]
        directory.outlines[course.course_id] = course
        standing = await enrollments.complete_lesson(STUDENT, enrollment_id, min(course.lesson_ids))
        assert standing.progress.percent == 50
        assert directory.asked == [course.course_id]

    async def test_the_certificate_event_names_the_certificate_issued(
        self, db: FakeEnrollmentDatabase, enrollments: Enrollments
    ) -> None:
        enrollment_id, course = await enrolled(db, enrollments, lessons=1)
        [lesson_id] = course.lesson_ids
        standing = await enrollments.complete_lesson(STUDENT, enrollment_id, lesson_id)
        certificate = decode(encode(db.outbox[-1])).payload
        assert isinstance(certificate, CertificateIssued)
        assert standing.enrollment.certificate is not None
        assert certificate.certificate_id == str(standing.enrollment.certificate.id)
        assert (db.outbox[-1].aggregate, db.outbox[-1].aggregate_id) == (
            "enrollment",
            str(enrollment_id),
        )
