"""Courses in PostgreSQL: one row per course, one per lesson, optimistic locking on ``version``."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any
from uuid import UUID

from sqlalchemy import RowMapping, delete, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from edu.common.problems import Conflict
from edu.course.adapters.orm import courses, lessons
from edu.course.domain.course import Course, CourseStatus, Lesson
from edu.course.domain.price import Price
from edu.course.domain.values import CourseDetails, LessonContent, Level

# Everything but the search vector, which only the catalogue query reads.
COURSE_COLUMNS = [column for column in courses.c if column.name != "search_vector"]


class SqlAlchemyCourseRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session
        # The version each course had when loaded: saving checks nobody saved in between.
        self._loaded_versions: dict[UUID, int] = {}

    async def add(self, course: Course) -> None:
        await self._session.execute(insert(courses).values(**_course_values(course)))
        await self._write_lessons(course)
        self._loaded_versions[course.id] = course.version

    async def get(self, course_id: UUID) -> Course | None:
        row = (
            (await self._session.execute(select(*COURSE_COLUMNS).where(courses.c.id == course_id)))
            .mappings()
            .one_or_none()
        )
        if row is None:
            return None
        [course] = await self._with_lessons([row])
        return course

    async def save(self, course: Course) -> None:
        expected = self._loaded_versions.get(course.id)
        saved = await self._session.execute(
            update(courses)
            .where(courses.c.id == course.id, courses.c.version == expected)
            .values(**_course_values(course))
            .returning(courses.c.id)
        )
        if saved.scalar_one_or_none() is None:
            raise Conflict("The course was changed by someone else; reload it and try again.")
        await self._session.execute(
            delete(lessons).where(
                lessons.c.course_id == course.id, lessons.c.id.not_in(course.lesson_ids)
            )
        )
        await self._write_lessons(course)
        self._loaded_versions[course.id] = course.version

    async def list_by_teacher(self, teacher_id: UUID) -> Sequence[Course]:
        rows = await self._session.execute(
            select(*COURSE_COLUMNS)
            .where(courses.c.teacher_id == teacher_id)
            .order_by(courses.c.created_at.desc(), courses.c.id)
        )
        return await self._with_lessons(rows.mappings().all())

    async def _write_lessons(self, course: Course) -> None:
        if not course.lessons:
            return
        statement = pg_insert(lessons).values(
            [
                _lesson_values(course.id, position, lesson)
                for position, lesson in enumerate(course.lessons)
            ]
        )
        changeable = ("position", "title", "body_markdown", "video_url", "estimated_minutes")
        await self._session.execute(
            statement.on_conflict_do_update(
                index_elements=[lessons.c.id],
                set_={name: statement.excluded[name] for name in changeable},
                where=lessons.c.course_id == statement.excluded.course_id,
            )
        )

    async def _with_lessons(self, rows: Iterable[RowMapping]) -> list[Course]:
        rows = list(rows)
        by_course: dict[UUID, list[Lesson]] = {row["id"]: [] for row in rows}
        if by_course:
            found = await self._session.execute(
                select(lessons)
                .where(lessons.c.course_id.in_(by_course))
                .order_by(lessons.c.course_id, lessons.c.position)
            )
            for lesson in found.mappings():
                by_course[lesson["course_id"]].append(_lesson(lesson))
        loaded = [_course(row, by_course[row["id"]]) for row in rows]
        self._loaded_versions.update((course.id, course.version) for course in loaded)
        return loaded


def _course_values(course: Course) -> dict[str, Any]:
    details = course.details
    return {
        "id": course.id,
        "teacher_id": course.teacher_id,
        "title": details.title,
        "summary": details.summary,
        "level": details.level.value,
        "tags": list(details.tags),
        "status": course.status.value,
        "version": course.version,
        "created_at": course.created_at,
        "updated_at": course.updated_at,
        "published_at": course.published_at,
        "price_currency_code": course.price.currency_code if course.price else None,
        "price_amount_minor": course.price.amount_minor if course.price else None,
    }


def _lesson_values(course_id: UUID, position: int, lesson: Lesson) -> dict[str, Any]:
    content = lesson.content
    return {
        "id": lesson.id,
        "course_id": course_id,
        "position": position,
        "title": content.title,
        "body_markdown": content.body_markdown,
        "video_url": content.video_url,
        "estimated_minutes": content.estimated_minutes,
    }


def _course(row: RowMapping, course_lessons: list[Lesson]) -> Course:
    return Course(
        id=row["id"],
        teacher_id=row["teacher_id"],
        details=CourseDetails(
            title=row["title"],
            summary=row["summary"],
            level=Level(row["level"]),
            tags=tuple(row["tags"]),
        ),
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        status=CourseStatus(row["status"]),
        lessons=course_lessons,
        published_at=row["published_at"],
        version=row["version"],
        price=price_of(row),
    )


def price_of(row: Mapping[Any, Any]) -> Price | None:
    """The price stored in a ``courses`` row; None (free) when it has none."""
    if row["price_currency_code"] is None:
        return None
    return Price(row["price_currency_code"], row["price_amount_minor"])


def _lesson(row: RowMapping) -> Lesson:
    return Lesson(
        id=row["id"],
        content=LessonContent(
            title=row["title"],
            body_markdown=row["body_markdown"],
            video_url=row["video_url"],
            estimated_minutes=row["estimated_minutes"],
        ),
    )
