"""SqlAlchemyEnrollmentRepository and the course read model against PostgreSQL."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from uuid import uuid4

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from edu.enrollment.adapters.unit_of_work import SqlAlchemyEnrollmentUnitOfWork
from edu.enrollment.domain.course_outline import CourseOutline
from edu.enrollment.domain.enrollment import Enrollment, EnrollmentStatus

NOW = datetime(2026, 6, 1, 7, 30, tzinfo=UTC)


def outline(lessons: int = 2, version: int = 1) -> CourseOutline:
    return CourseOutline(
        uuid4(), "Sailing", True, frozenset(uuid4() for _ in range(lessons)), version
    )


class TestAddIfAbsent:
    async def test_the_second_add_returns_the_first_enrollment(
        self, uow: SqlAlchemyEnrollmentUnitOfWork
    ) -> None:
        course, student = outline(), uuid4()
        first = Enrollment.enrol(student_id=student, outline=course, now=NOW)
        second = Enrollment.enrol(student_id=student, outline=course, now=NOW)
        async with uow:
            stored, created = await uow.enrollments.add_if_absent(first)
            again, created_again = await uow.enrollments.add_if_absent(second)
        assert (created, created_again) == (True, False)
        assert again.id == stored.id == first.id


class TestSave:
    async def test_completions_status_and_certificate_survive_a_round_trip(
        self, sessions: async_sessionmaker[AsyncSession]
    ) -> None:
        course = outline(lessons=2)
        enrollment = Enrollment.enrol(student_id=uuid4(), outline=course, now=NOW)
        async with SqlAlchemyEnrollmentUnitOfWork(sessions) as uow:
            await uow.enrollments.add_if_absent(enrollment)
            await uow.commit()
        async with SqlAlchemyEnrollmentUnitOfWork(sessions) as uow:
            loaded = await uow.enrollments.get(enrollment.id, for_update=True)
            assert loaded is not None
            for lesson_id in course.lesson_ids:
                loaded.complete_lesson(lesson_id, course, NOW)
            await uow.enrollments.save(loaded)
            await uow.commit()
        async with SqlAlchemyEnrollmentUnitOfWork(sessions) as uow:
            stored = await uow.enrollments.get(enrollment.id)
            assert stored is not None
            assert stored.certificate is not None
            by_code = await uow.enrollments.certificate_by_code(stored.certificate.code)
        assert stored.status is EnrollmentStatus.COMPLETED
        assert set(stored.completed_lessons) == course.lesson_ids
        assert stored.version == loaded.version
        assert by_code == stored.certificate

    async def test_a_student_lists_their_enrollments_newest_first(
        self, uow: SqlAlchemyEnrollmentUnitOfWork
    ) -> None:
        student = uuid4()
        older = Enrollment.enrol(student_id=student, outline=outline(), now=NOW)
        newer = Enrollment.enrol(student_id=student, outline=outline(), now=NOW.replace(hour=9))
        async with uow:
            for enrollment in (older, newer):
                await uow.enrollments.add_if_absent(enrollment)
            await uow.enrollments.add_if_absent(
                Enrollment.enrol(student_id=uuid4(), outline=outline(), now=NOW)
            )
            listed = await uow.enrollments.list_for_student(student)
        assert [e.id for e in listed] == [newer.id, older.id]


class TestCourseOutlines:
    async def test_an_older_snapshot_never_replaces_a_newer_one(
        self, uow: SqlAlchemyEnrollmentUnitOfWork
    ) -> None:
        current = outline(version=5)
        async with uow:
            assert await uow.outlines.store(current)
            assert not await uow.outlines.store(replace(current, published=False, version=4))
            assert not await uow.outlines.store(replace(current, title="Same", version=5))
            assert await uow.outlines.store(replace(current, title="Newer", version=6))
            stored = await uow.outlines.get(current.course_id)
        assert stored == replace(current, title="Newer", version=6)

    async def test_many_outlines_are_read_at_once(
        self, uow: SqlAlchemyEnrollmentUnitOfWork
    ) -> None:
        first, second = outline(), outline()
        async with uow:
            await uow.outlines.store(first)
            await uow.outlines.store(second)
            found = await uow.outlines.get_many([first.course_id, second.course_id, uuid4()])
        assert found == {first.course_id: first, second.course_id: second}
