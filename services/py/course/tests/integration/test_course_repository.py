"""SqlAlchemyCourseRepository against PostgreSQL: round trips, lesson order, optimistic locking."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import uuid4

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from edu.common.problems import Conflict
from edu.course.adapters.unit_of_work import SqlAlchemyCourseUnitOfWork
from edu.course.domain.course import Course, CourseStatus
from edu.course.domain.values import CourseDetails, LessonContent, Level

NOW = datetime(2026, 5, 1, 10, 0, tzinfo=UTC)


def course_with_lessons(*titles: str) -> Course:
    course = Course.create(
        teacher_id=uuid4(),
        details=CourseDetails("Film editing", "Cuts", Level.ADVANCED, ("film", "video")),
        now=NOW,
    )
    for title in titles:
        course.add_lesson(LessonContent(title, "# Body", "https://v.example/1", 12), NOW)
    return course


class TestRoundTrip:
    async def test_a_stored_course_comes_back_equal_with_lessons_in_order(
        self, uow: SqlAlchemyCourseUnitOfWork, sessions: async_sessionmaker[AsyncSession]
    ) -> None:
        course = course_with_lessons("Cut", "Splice", "Grade")
        async with uow:
            await uow.courses.add(course)
            await uow.commit()
        async with SqlAlchemyCourseUnitOfWork(sessions) as again:
            loaded = await again.courses.get(course.id)
        assert loaded is not None
        assert loaded.details == course.details
        assert loaded.lesson_ids == course.lesson_ids
        assert [lesson.content for lesson in loaded.lessons] == [
            lesson.content for lesson in course.lessons
        ]
        assert (loaded.version, loaded.status) == (course.version, CourseStatus.DRAFT)

    async def test_an_unknown_course_is_none(self, uow: SqlAlchemyCourseUnitOfWork) -> None:
        async with uow:
            assert await uow.courses.get(uuid4()) is None


class TestSave:
    async def test_reordering_and_removing_lessons_is_stored(
        self, sessions: async_sessionmaker[AsyncSession]
    ) -> None:
        course = course_with_lessons("A", "B", "C")
        async with SqlAlchemyCourseUnitOfWork(sessions) as uow:
            await uow.courses.add(course)
            await uow.commit()
        a, b, c = course.lesson_ids
        async with SqlAlchemyCourseUnitOfWork(sessions) as uow:
            loaded = await uow.courses.get(course.id)
            assert loaded is not None
            loaded.reorder_lessons([c, a, b], NOW)  # positions swap: the deferred unique check
            loaded.remove_lesson(a, NOW)
            await uow.courses.save(loaded)
            await uow.commit()
        async with SqlAlchemyCourseUnitOfWork(sessions) as uow:
            stored = await uow.courses.get(course.id)
        assert stored is not None
        assert stored.lesson_ids == (c, b)

    async def test_saving_over_a_newer_version_is_a_conflict(
        self, sessions: async_sessionmaker[AsyncSession]
    ) -> None:
        course = course_with_lessons("A")
        async with SqlAlchemyCourseUnitOfWork(sessions) as uow:
            await uow.courses.add(course)
            await uow.commit()
        async with SqlAlchemyCourseUnitOfWork(sessions) as slow:
            stale = await slow.courses.get(course.id)
            assert stale is not None
            async with SqlAlchemyCourseUnitOfWork(sessions) as fast:
                fresh = await fast.courses.get(course.id)
                assert fresh is not None
                fresh.edit(CourseDetails("Fast"), NOW)
                await fast.courses.save(fresh)
                await fast.commit()
            stale.edit(CourseDetails("Slow"), NOW)
            with pytest.raises(Conflict, match="changed by someone else"):
                await slow.courses.save(stale)


class TestListByTeacher:
    async def test_lists_only_that_teachers_courses_newest_first(
        self, uow: SqlAlchemyCourseUnitOfWork
    ) -> None:
        older = course_with_lessons("A")
        newer = Course.create(
            teacher_id=older.teacher_id,
            details=CourseDetails("Newer"),
            now=NOW.replace(hour=11),
        )
        async with uow:
            for course in (older, newer, course_with_lessons("Other")):
                await uow.courses.add(course)
            listed = await uow.courses.list_by_teacher(older.teacher_id)
        assert [c.id for c in listed] == [newer.id, older.id]
        assert listed[1].lesson_ids == older.lesson_ids
