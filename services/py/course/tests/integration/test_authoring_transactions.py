"""Authoring through the real unit of work: a change and its outbox events commit together."""

from __future__ import annotations

from uuid import uuid4

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession, async_sessionmaker

from edu.common.clock import FakeClock
from edu.common.problems import Conflict
from edu.course.adapters.orm import courses, outbox
from edu.course.adapters.unit_of_work import SqlAlchemyCourseUnitOfWork
from edu.course.domain.values import CourseDetails, LessonContent
from edu.course.service_layer.authoring import CourseAuthoring

TEACHER = uuid4()


@pytest.fixture
def authoring(sessions: async_sessionmaker[AsyncSession]) -> CourseAuthoring:
    return CourseAuthoring(lambda: SqlAlchemyCourseUnitOfWork(sessions), FakeClock())


class TestPublishWritesTheOutbox:
    async def test_publishing_stores_course_published_with_the_lesson_ids(
        self, authoring: CourseAuthoring, db_connection: AsyncConnection
    ) -> None:
        course = await authoring.create_course(TEACHER, CourseDetails("Weaving"))
        lesson = (await authoring.add_lesson(TEACHER, course.id, LessonContent("Warp"))).lesson
        published = await authoring.publish(TEACHER, course.id)
        rows = (await db_connection.execute(select(outbox))).mappings().all()
        [row] = [r for r in rows if r["aggregate_id"] == str(course.id)]
        assert (row["type"], row["aggregate"], row["version"]) == (
            "course.published",
            "course",
            published.version,
        )
        assert row["payload"]["lesson_ids"] == [str(lesson.id)]
        assert row["published_at"] is None  # waiting for the relay

    async def test_a_refused_change_stores_neither_state_nor_events(
        self, authoring: CourseAuthoring, db_connection: AsyncConnection
    ) -> None:
        course = await authoring.create_course(TEACHER, CourseDetails("Weaving"))
        with pytest.raises(Conflict):
            await authoring.publish(TEACHER, course.id)  # no lessons yet
        status = await db_connection.scalar(
            select(courses.c.status).where(courses.c.id == course.id)
        )
        events = await db_connection.scalar(
            select(outbox.c.id).where(outbox.c.aggregate_id == str(course.id))
        )
        assert (status, events) == ("draft", None)
