"""Enrolments in PostgreSQL: a row each, plus completed lessons and the certificate."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from uuid import UUID

from sqlalchemy import ColumnElement, RowMapping, Select, func, select, true, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from edu.enrollment.adapters.orm import certificates, enrollments, lesson_completions
from edu.enrollment.domain.certificate import Certificate
from edu.enrollment.domain.enrollment import Enrollment, EnrollmentStatus


class EnrollmentVanished(RuntimeError):
    """An insert lost the race to an enrolment that then could not be read (never expected)."""


class SqlAlchemyEnrollmentRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add_if_absent(self, enrollment: Enrollment) -> tuple[Enrollment, bool]:
        # ON CONFLICT DO NOTHING waits for a concurrent insert of the same pair to commit and
        # then inserts nothing, so exactly one of any number of racing requests creates.
        inserted = await self._session.execute(
            pg_insert(enrollments)
            .values(**_enrollment_values(enrollment))
            .on_conflict_do_nothing(index_elements=["student_id", "course_id"])
            .returning(enrollments.c.id)
        )
        if inserted.scalar_one_or_none() is not None:
            return enrollment, True
        existing = await self.find(enrollment.student_id, enrollment.course_id)
        if existing is None:
            raise EnrollmentVanished(f"enrolment of {enrollment.student_id} disappeared")
        return existing, False

    async def find(
        self, student_id: UUID, course_id: UUID, *, for_update: bool = False
    ) -> Enrollment | None:
        return await self._one(
            (enrollments.c.student_id == student_id) & (enrollments.c.course_id == course_id),
            for_update=for_update,
        )

    async def get(self, enrollment_id: UUID, *, for_update: bool = False) -> Enrollment | None:
        return await self._one(enrollments.c.id == enrollment_id, for_update=for_update)

    async def save(self, enrollment: Enrollment) -> None:
        await self._session.execute(
            update(enrollments)
            .where(enrollments.c.id == enrollment.id)
            .values(
                status=enrollment.status.value,
                completed_at=enrollment.completed_at,
                version=enrollment.version,
                payment_id=enrollment.payment_id,
                revoked_at=enrollment.revoked_at,
            )
        )
        if enrollment.completed_lessons:
            await self._session.execute(
                pg_insert(lesson_completions)
                .values(
                    [
                        {"enrollment_id": enrollment.id, "lesson_id": lesson, "completed_at": at}
                        for lesson, at in enrollment.completed_lessons.items()
                    ]
                )
                .on_conflict_do_nothing()
            )
        if enrollment.certificate is not None:
            await self._session.execute(
                pg_insert(certificates)
                .values(**_certificate_values(enrollment.certificate))
                .on_conflict_do_nothing(index_elements=["enrollment_id"])
            )

    async def list_for_student(self, student_id: UUID) -> Sequence[Enrollment]:
        rows = await self._session.execute(
            _loading(enrollments.c.student_id == student_id).order_by(
                enrollments.c.enrolled_at.desc(), enrollments.c.id
            )
        )
        return [_enrollment(row) for row in rows.mappings()]

    async def certificate_by_code(self, code: str) -> Certificate | None:
        row = (
            (await self._session.execute(select(certificates).where(certificates.c.code == code)))
            .mappings()
            .one_or_none()
        )
        return _certificate(row) if row else None

    async def _one(
        self, condition: ColumnElement[bool], *, for_update: bool = False
    ) -> Enrollment | None:
        if for_update:
            # Lock first, read after, in two statements: a statement that waited for the lock
            # re-reads the locked row but not what it joined, so one statement would miss the
            # lessons a concurrent completion just committed (the last-two-lessons test shows it).
            await self._session.execute(select(enrollments.c.id).where(condition).with_for_update())
        statement = _loading(condition)
        row = (await self._session.execute(statement)).mappings().one_or_none()
        return _enrollment(row) if row is not None else None


def _loading(condition: ColumnElement[bool]) -> Select[Any]:
    """Enrolments with their completed lessons and certificate in one statement (one round trip
    instead of three: the load tests' hottest writes load an enrolment first, ADR 0009)."""
    completions = (
        select(
            func.array_agg(lesson_completions.c.lesson_id).label("lesson_ids"),
            func.array_agg(lesson_completions.c.completed_at).label("completed_ats"),
        )
        .where(lesson_completions.c.enrollment_id == enrollments.c.id)
        .lateral("completions")
    )
    return (
        select(
            enrollments,
            completions.c.lesson_ids,
            completions.c.completed_ats,
            *[column.label(f"certificate_{column.name}") for column in certificates.c],
        )
        .select_from(
            enrollments.outerjoin(completions, true()).outerjoin(
                certificates, certificates.c.enrollment_id == enrollments.c.id
            )
        )
        .where(condition)
    )


def _enrollment(row: RowMapping) -> Enrollment:
    lessons, times = row["lesson_ids"] or [], row["completed_ats"] or []
    certificate = None
    if row["certificate_id"] is not None:
        certificate = Certificate(**{key: row[f"certificate_{key}"] for key in _CERTIFICATE_FIELDS})
    return Enrollment(
        id=row["id"],
        student_id=row["student_id"],
        course_id=row["course_id"],
        enrolled_at=row["enrolled_at"],
        status=EnrollmentStatus(row["status"]),
        completed_lessons=dict(zip(lessons, times, strict=True)),
        completed_at=row["completed_at"],
        certificate=certificate,
        version=row["version"],
        payment_id=row["payment_id"],
        revoked_at=row["revoked_at"],
    )


def _enrollment_values(enrollment: Enrollment) -> dict[str, Any]:
    return {
        "id": enrollment.id,
        "student_id": enrollment.student_id,
        "course_id": enrollment.course_id,
        "status": enrollment.status.value,
        "enrolled_at": enrollment.enrolled_at,
        "completed_at": enrollment.completed_at,
        "version": enrollment.version,
        "payment_id": enrollment.payment_id,
        "revoked_at": enrollment.revoked_at,
    }


def _certificate_values(certificate: Certificate) -> dict[str, Any]:
    return {
        "id": certificate.id,
        "enrollment_id": certificate.enrollment_id,
        "student_id": certificate.student_id,
        "course_id": certificate.course_id,
        "course_title": certificate.course_title,
        "code": certificate.code,
        "issued_at": certificate.issued_at,
    }


def _certificate(row: RowMapping) -> Certificate:
    return Certificate(**{key: row[key] for key in _CERTIFICATE_FIELDS})


_CERTIFICATE_FIELDS = (
    "id",
    "enrollment_id",
    "student_id",
    "course_id",
    "course_title",
    "code",
    "issued_at",
)
