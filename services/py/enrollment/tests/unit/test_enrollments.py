"""Students' use cases over fakes: enrol, progress, completion, certificates."""

from __future__ import annotations

from dataclasses import replace
from uuid import UUID, uuid4

import pytest

from edu.common.clock import FakeClock
from edu.common.problems import Conflict, NotFound
from edu.enrollment.domain.course_outline import CourseOutline
from edu.enrollment.service_layer.certificates import CertificateVerification
from edu.enrollment.service_layer.course_information import CourseInformation
from edu.enrollment.service_layer.enrollments import Enrollments
from edu.enrollment.service_layer.ports import CourseServiceUnavailable
from edu.enrollment.testing import FakeCourseDirectory, FakeEnrollmentDatabase
from edu.events import decode, encode
from edu.proto_gen.events.v1.enrollment_events_pb2 import (
    CertificateIssued,
    CourseCompleted,
    EnrollmentCreated,
    LessonCompleted,
)

STUDENT = uuid4()


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
def enrollments(db: FakeEnrollmentDatabase, directory: FakeCourseDirectory) -> Enrollments:
    courses = CourseInformation(db.unit_of_work, directory)
    return Enrollments(db.unit_of_work, courses, FakeClock(), new_code=lambda: "verify-me")


class TestEnrol:
    async def test_enrolling_creates_one_enrollment_and_one_event(
        self, db: FakeEnrollmentDatabase, enrollments: Enrollments
    ) -> None:
        course = published()
        db.outlines[course.course_id] = course
        standing, created = await enrollments.enrol(STUDENT, course.course_id)
        assert created
        assert standing.progress.percent == 0
        [event] = db.outbox
        assert (event.type, event.aggregate, event.version) == (
            "enrollment.created",
            "enrollment",
            1,
        )

    async def test_enrolling_again_returns_the_same_enrollment_without_a_new_event(
        self, db: FakeEnrollmentDatabase, enrollments: Enrollments
    ) -> None:
        course = published()
        db.outlines[course.course_id] = course
        first, _ = await enrollments.enrol(STUDENT, course.course_id)
        again, created = await enrollments.enrol(STUDENT, course.course_id)
        assert not created
        assert again.enrollment.id == first.enrollment.id
        assert len(db.enrollments) == len(db.outbox) == 1

    async def test_enrolling_again_after_the_course_closed_still_returns_the_enrollment(
        self, db: FakeEnrollmentDatabase, enrollments: Enrollments
    ) -> None:
        course = published()
        db.outlines[course.course_id] = course
        first, _ = await enrollments.enrol(STUDENT, course.course_id)
        db.outlines[course.course_id] = replace(course, published=False, version=3)
        again, created = await enrollments.enrol(STUDENT, course.course_id)
        assert (again.enrollment.id, created) == (first.enrollment.id, False)

    async def test_an_unpublished_course_refuses_new_students(
        self, db: FakeEnrollmentDatabase, enrollments: Enrollments
    ) -> None:
        course = replace(published(), published=False)
        db.outlines[course.course_id] = course
        with pytest.raises(Conflict):
            await enrollments.enrol(STUDENT, course.course_id)
        assert db.enrollments == {}

    async def test_a_course_missing_from_the_read_model_is_fetched_and_remembered(
        self, db: FakeEnrollmentDatabase, directory: FakeCourseDirectory, enrollments: Enrollments
    ) -> None:
        course = published()
        directory.outlines[course.course_id] = course
        await enrollments.enrol(STUDENT, course.course_id)
        await enrollments.enrol(uuid4(), course.course_id)
        assert directory.asked == [course.course_id]
        assert db.outlines[course.course_id] == course

    async def test_a_draft_fetched_from_the_course_service_is_remembered_and_refuses_students(
        self, db: FakeEnrollmentDatabase, directory: FakeCourseDirectory, enrollments: Enrollments
    ) -> None:
        draft = replace(published(), published=False)
        directory.outlines[draft.course_id] = draft
        with pytest.raises(Conflict, match="not open"):
            await enrollments.enrol(STUDENT, draft.course_id)
        assert db.outlines[draft.course_id] == draft
        assert db.enrollments == {}

    async def test_a_course_unknown_everywhere_is_not_found(self, enrollments: Enrollments) -> None:
        with pytest.raises(NotFound):
            await enrollments.enrol(STUDENT, uuid4())

    async def test_an_unreachable_course_service_is_reported_as_unavailable(
        self, directory: FakeCourseDirectory, enrollments: Enrollments
    ) -> None:
        directory.down = True
        with pytest.raises(CourseServiceUnavailable):
            await enrollments.enrol(STUDENT, uuid4())


class TestCompleteLesson:
    async def enrolled(
        self, db: FakeEnrollmentDatabase, enrollments: Enrollments
    ) -> tuple[UUID, CourseOutline]:
        course = published(lessons=2)
        db.outlines[course.course_id] = course
        standing, _ = await enrollments.enrol(STUDENT, course.course_id)
        return standing.enrollment.id, course

    async def test_completing_every_lesson_issues_a_verifiable_certificate(
        self, db: FakeEnrollmentDatabase, enrollments: Enrollments
    ) -> None:
        enrollment_id, course = await self.enrolled(db, enrollments)
        for lesson_id in sorted(course.lesson_ids):
            standing = await enrollments.complete_lesson(STUDENT, enrollment_id, lesson_id)
        assert standing.progress.percent == 100
        assert [e.type for e in db.outbox] == [
            "enrollment.created",
            "lesson.completed",
            "lesson.completed",
            "course.completed",
            "certificate.issued",
        ]
        assert [e.version for e in db.outbox] == [1, 2, 3, 4, 5]
        certificate = await CertificateVerification(db.unit_of_work).verify("verify-me")
        assert certificate.enrollment_id == enrollment_id

    async def test_the_events_are_the_contracts_messages_progress_and_code_included(
        self, db: FakeEnrollmentDatabase, enrollments: Enrollments
    ) -> None:
        enrollment_id, course = await self.enrolled(db, enrollments)
        first, second = sorted(course.lesson_ids)
        await enrollments.complete_lesson(STUDENT, enrollment_id, first)
        await enrollments.complete_lesson(STUDENT, enrollment_id, second)

        payloads = [decode(encode(event)).payload for event in db.outbox]

        ids = {
            "enrollment_id": str(enrollment_id),
            "student_id": str(STUDENT),
            "course_id": str(course.course_id),
        }
        certificate = payloads[4]
        assert isinstance(certificate, CertificateIssued)
        assert payloads == [
            EnrollmentCreated(**ids),
            LessonCompleted(**ids, lesson_id=str(first), progress_percent=50),
            LessonCompleted(**ids, lesson_id=str(second), progress_percent=100),
            CourseCompleted(**ids),
            CertificateIssued(
                **ids,
                certificate_id=certificate.certificate_id,
                verification_code="verify-me",
            ),
        ]

    async def test_completing_a_lesson_twice_writes_nothing_the_second_time(
        self, db: FakeEnrollmentDatabase, enrollments: Enrollments
    ) -> None:
        enrollment_id, course = await self.enrolled(db, enrollments)
        lesson_id = min(course.lesson_ids)
        await enrollments.complete_lesson(STUDENT, enrollment_id, lesson_id)
        commits, events = db.commits, len(db.outbox)
        standing = await enrollments.complete_lesson(STUDENT, enrollment_id, lesson_id)
        assert (db.commits, len(db.outbox)) == (commits, events)
        assert standing.progress.percent == 50

    async def test_another_students_enrollment_is_not_found(
        self, db: FakeEnrollmentDatabase, enrollments: Enrollments
    ) -> None:
        enrollment_id, course = await self.enrolled(db, enrollments)
        with pytest.raises(NotFound):
            await enrollments.complete_lesson(uuid4(), enrollment_id, min(course.lesson_ids))

    async def test_a_lesson_of_another_course_is_not_found(
        self, db: FakeEnrollmentDatabase, enrollments: Enrollments
    ) -> None:
        enrollment_id, _ = await self.enrolled(db, enrollments)
        with pytest.raises(NotFound, match="not part"):
            await enrollments.complete_lesson(STUDENT, enrollment_id, uuid4())


class TestListEnrollments:
    async def test_a_student_sees_their_enrollments_with_progress(
        self, db: FakeEnrollmentDatabase, enrollments: Enrollments
    ) -> None:
        course = published(lessons=4)
        db.outlines[course.course_id] = course
        standing, _ = await enrollments.enrol(STUDENT, course.course_id)
        await enrollments.complete_lesson(STUDENT, standing.enrollment.id, min(course.lesson_ids))
        await enrollments.enrol(uuid4(), course.course_id)
        [mine] = await enrollments.enrollments_of(STUDENT)
        assert (mine.progress.completed_lessons, mine.progress.percent) == (1, 25)


class TestVerifyCertificate:
    async def test_an_unknown_code_is_not_found(self, db: FakeEnrollmentDatabase) -> None:
        with pytest.raises(NotFound):
            await CertificateVerification(db.unit_of_work).verify("nope")
