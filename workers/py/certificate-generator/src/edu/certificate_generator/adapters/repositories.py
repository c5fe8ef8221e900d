"""The worker's tables in PostgreSQL: every write is one upsert, so a redelivered event and two
workers handling the same certificate at once leave one row."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as upsert
from sqlalchemy.ext.asyncio import AsyncSession

from edu.certificate_generator.adapters.orm import certificate_documents, courses, people
from edu.certificate_generator.domain.certificate import CertificateDocument, StoredDocument
from edu.certificate_generator.domain.directory import CourseCard, Person


class SqlAlchemyPeople:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, person: Person) -> None:
        statement = upsert(people).values(user_id=person.user_id, email=person.email)
        await self._session.execute(statement.on_conflict_do_nothing(index_elements=["user_id"]))

    async def get(self, user_id: UUID) -> Person | None:
        row = (
            await self._session.execute(select(people).where(people.c.user_id == user_id))
        ).first()
        return None if row is None else Person(row.user_id, row.email)


class SqlAlchemyCourses:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def merge(self, card: CourseCard) -> None:
        statement = upsert(courses).values(
            course_id=card.course_id,
            title=card.title,
            teacher_id=card.teacher_id,
            version=card.version,
        )
        new = statement.excluded
        await self._session.execute(
            statement.on_conflict_do_update(
                index_elements=["course_id"],
                set_={"title": new.title, "teacher_id": new.teacher_id, "version": new.version},
                where=new.version > courses.c.version,  # CourseCard.join
            )
        )

    async def get(self, course_id: UUID) -> CourseCard | None:
        query = select(courses).where(courses.c.course_id == course_id)
        row = (await self._session.execute(query)).first()
        return (
            None
            if row is None
            else CourseCard(row.course_id, row.title, row.teacher_id, row.version)
        )


class SqlAlchemyDocuments:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, certificate_id: UUID) -> StoredDocument | None:
        return await self._one(certificate_documents.c.certificate_id == certificate_id)

    async def by_code(self, code: str) -> StoredDocument | None:
        return await self._one(certificate_documents.c.verification_code == code)

    async def save(self, stored: StoredDocument) -> None:
        values = _row(stored)
        statement = upsert(certificate_documents).values(**values)
        replaced = {k: statement.excluded[k] for k in values if k != "certificate_id"}
        await self._session.execute(
            statement.on_conflict_do_update(index_elements=["certificate_id"], set_=replaced)
        )

    async def _one(self, condition: Any) -> StoredDocument | None:
        row = (await self._session.execute(select(certificate_documents).where(condition))).first()
        if row is None:
            return None
        document = CertificateDocument(
            certificate_id=row.certificate_id,
            enrollment_id=row.enrollment_id,
            student_id=row.student_id,
            course_id=row.course_id,
            verification_code=row.verification_code,
            holder_name=row.holder_name,
            course_title=row.course_title,
            teacher_name=row.teacher_name,
            issued_on=row.issued_on,
            verify_url=row.verify_url,
        )
        return StoredDocument(document, row.sha256, row.size_bytes, row.unprintable)


def _row(stored: StoredDocument) -> dict[str, Any]:
    d = stored.document
    return {
        "certificate_id": d.certificate_id,
        "verification_code": d.verification_code,
        "enrollment_id": d.enrollment_id,
        "student_id": d.student_id,
        "course_id": d.course_id,
        "holder_name": d.holder_name,
        "course_title": d.course_title,
        "teacher_name": d.teacher_name,
        "issued_on": d.issued_on,
        "verify_url": d.verify_url,
        "document_key": d.key,
        "sha256": stored.sha256,
        "size_bytes": stored.size_bytes,
        "unprintable": stored.unprintable,
    }
