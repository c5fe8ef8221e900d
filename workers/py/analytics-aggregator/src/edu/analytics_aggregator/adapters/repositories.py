"""The rollups in PostgreSQL. Each write is one upsert whose conflict clause is the domain's
join (``edu.analytics_aggregator.domain``), so concurrent aggregators cannot lose an update
and no row is read before it is written."""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

from sqlalchemy import and_, case, func, or_, tuple_
from sqlalchemy.dialects.postgresql import insert as upsert
from sqlalchemy.ext.asyncio import AsyncSession

from edu.analytics_aggregator.adapters.orm import (
    course_active_users,
    course_owners,
    lesson_viewers,
    lesson_views,
    processed_learning_events,
    session_progress,
)
from edu.analytics_aggregator.domain.ownership import CourseOwner
from edu.analytics_aggregator.domain.progress import SessionProgress, ViewerStages


class SqlAlchemyProcessedEvents:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def claim(self, event_id: UUID, event_type: str, now: datetime) -> bool:
        statement = (
            upsert(processed_learning_events)
            .values(event_id=event_id, event_type=event_type, processed_at=now)
            .on_conflict_do_nothing(index_elements=["event_id"])
            .returning(processed_learning_events.c.event_id)
        )
        return (await self._session.execute(statement)).first() is not None


class SqlAlchemyLessonRollups:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def count_view(self, course_id: str, lesson_id: str) -> None:
        statement = upsert(lesson_views).values(course_id=course_id, lesson_id=lesson_id, views=1)
        await self._session.execute(
            statement.on_conflict_do_update(
                index_elements=["course_id", "lesson_id"],
                set_={"views": lesson_views.c.views + 1},
            )
        )

    async def merge_viewer(self, stages: ViewerStages) -> None:
        stored, new = lesson_viewers.c, upsert(lesson_viewers).excluded
        statement = upsert(lesson_viewers).values(
            course_id=stages.course_id,
            lesson_id=stages.lesson_id,
            user_id=stages.user_id,
            opened=stages.opened,
            halfway=stages.halfway,
            finished=stages.finished,
        )
        await self._session.execute(
            statement.on_conflict_do_update(
                index_elements=["course_id", "lesson_id", "user_id"],
                set_={
                    "opened": or_(stored.opened, new.opened),
                    "halfway": or_(stored.halfway, new.halfway),
                    "finished": or_(stored.finished, new.finished),
                },
            )
        )

    async def merge_session(self, progress: SessionProgress) -> None:
        stored = session_progress.c
        statement = upsert(session_progress).values(
            session_id=progress.session_id,
            lesson_id=progress.lesson_id,
            course_id=progress.course_id,
            user_id=progress.user_id,
            last_position=progress.last_position,
            last_seen_at=progress.last_seen_at,
            furthest_position=progress.furthest_position,
            duration=progress.duration,
            finished=progress.finished,
        )
        new = statement.excluded
        # SessionProgress.join: the later (occurred_at, position) is the last position.
        newer = and_(
            new.last_seen_at.is_not(None),
            or_(
                stored.last_seen_at.is_(None),
                tuple_(new.last_seen_at, new.last_position)
                > tuple_(stored.last_seen_at, stored.last_position),
            ),
        )
        await self._session.execute(
            statement.on_conflict_do_update(
                index_elements=["session_id", "lesson_id"],
                set_={
                    "last_position": case((newer, new.last_position), else_=stored.last_position),
                    "last_seen_at": case((newer, new.last_seen_at), else_=stored.last_seen_at),
                    "furthest_position": func.greatest(
                        stored.furthest_position, new.furthest_position
                    ),
                    "duration": func.greatest(stored.duration, new.duration),
                    "finished": or_(stored.finished, new.finished),
                },
            )
        )


class SqlAlchemyCourseDays:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def mark_active(self, course_id: str, day: date, user_id: str) -> None:
        statement = upsert(course_active_users).values(
            course_id=course_id, day=day, user_id=user_id
        )
        await self._session.execute(statement.on_conflict_do_nothing())


class SqlAlchemyCourseOwners:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def merge(self, owner: CourseOwner) -> None:
        statement = upsert(course_owners).values(
            course_id=owner.course_id,
            teacher_id=owner.teacher_id,
            title=owner.title,
            lesson_ids=list(owner.lesson_ids),
            version=owner.version,
        )
        new = statement.excluded
        await self._session.execute(
            statement.on_conflict_do_update(
                index_elements=["course_id"],
                set_={
                    "teacher_id": new.teacher_id,
                    "title": new.title,
                    "lesson_ids": new.lesson_ids,
                    "version": new.version,
                },
                where=new.version > course_owners.c.version,  # CourseOwner.join
            )
        )
