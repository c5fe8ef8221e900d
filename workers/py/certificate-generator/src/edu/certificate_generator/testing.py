"""In-memory stand-ins for the worker's ports (``Fake<Port>``) and the events it consumes, for
tests. Not shipped: the wheel leaves this module out.

:class:`FakeCertificatesDatabase` holds committed state; each
:class:`FakeCertificatesUnitOfWork` works on a copy and replaces the state only on commit.
"""

from __future__ import annotations

import copy
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from uuid import UUID

from edu.certificate_generator.domain.certificate import CertificateDocument, StoredDocument
from edu.certificate_generator.domain.directory import CourseCard, Person
from edu.certificate_generator.service_layer.ports import RenderedDocument
from edu.common.clock import FakeClock
from edu.db.outbox import OutboxEvent
from edu.db.testing import FakeUnitOfWork
from edu.events import DecodedEvent, decode, encode

ISSUED_AT = datetime(2026, 12, 5, 9, 30, tzinfo=UTC)


@dataclass
class FakeCertificatesDatabase:
    people: dict[UUID, Person] = field(default_factory=dict)
    courses: dict[UUID, CourseCard] = field(default_factory=dict)
    documents: dict[UUID, StoredDocument] = field(default_factory=dict)
    commits: int = 0


class FakePeople:
    def __init__(self, db: FakeCertificatesDatabase) -> None:
        self.db = db

    async def add(self, person: Person) -> None:
        self.db.people.setdefault(person.user_id, person)

    async def get(self, user_id: UUID) -> Person | None:
        return self.db.people.get(user_id)


class FakeCourses:
    def __init__(self, db: FakeCertificatesDatabase) -> None:
        self.db = db

    async def merge(self, card: CourseCard) -> None:
        stored = self.db.courses.get(card.course_id)
        self.db.courses[card.course_id] = card if stored is None else stored.join(card)

    async def get(self, course_id: UUID) -> CourseCard | None:
        return self.db.courses.get(course_id)


class FakeDocuments:
    def __init__(self, db: FakeCertificatesDatabase) -> None:
        self.db = db

    async def get(self, certificate_id: UUID) -> StoredDocument | None:
        return self.db.documents.get(certificate_id)

    async def by_code(self, code: str) -> StoredDocument | None:
        found = [d for d in self.db.documents.values() if d.document.verification_code == code]
        return found[0] if found else None

    async def save(self, stored: StoredDocument) -> None:
        self.db.documents[stored.document.certificate_id] = stored


class FakeCertificatesUnitOfWork(FakeUnitOfWork):
    def __init__(self, db: FakeCertificatesDatabase) -> None:
        self.db = db
        self._work = FakeCertificatesDatabase()

    def _begin(self) -> None:
        self._work = copy.deepcopy(self.db)
        self.people = FakePeople(self._work)
        self.courses = FakeCourses(self._work)
        self.documents = FakeDocuments(self._work)

    def _discard(self) -> None:
        self._work = FakeCertificatesDatabase()

    def _keep(self) -> None:
        commits = self.db.commits
        self.db.__dict__.update(copy.deepcopy(self._work).__dict__)
        self.db.commits = commits + 1


class FakeDocumentStore:
    """Objects in a dict; ``puts`` counts every write (a re-render writes the same key again)."""

    def __init__(self) -> None:
        self.objects: dict[str, bytes] = {}
        self.puts = 0
        self.broken: Exception | None = None

    async def put(self, key: str, data: bytes) -> None:
        if self.broken is not None:
            raise self.broken
        self.objects[key] = data
        self.puts += 1

    async def get(self, key: str) -> bytes | None:
        return self.objects.get(key)

    async def ping(self) -> None:
        if self.broken is not None:
            raise self.broken


class FakeRenderer:
    """Renders a document to its repr (the facts are what unit tests check); keeps each one."""

    def __init__(self, unprintable: str = "") -> None:
        self.rendered: list[CertificateDocument] = []
        self.unprintable = unprintable

    def render(self, document: CertificateDocument) -> RenderedDocument:
        self.rendered.append(document)
        return RenderedDocument(repr(document).encode(), self.unprintable)


def delivered(
    event_type: str,
    payload: dict[str, object],
    *,
    aggregate_id: str,
    version: int = 1,
    at: datetime = ISSUED_AT,
) -> DecodedEvent:
    """An event as the consumer hands it over: made as its producer makes it, encoded, decoded."""
    event = OutboxEvent.new(
        type=event_type,
        aggregate_id=aggregate_id,
        version=version,
        payload=payload,
        clock=FakeClock(at),
    )
    return decode(encode(event))


def user_registered(user_id: UUID, email: str) -> DecodedEvent:
    return delivered(
        "user.registered",
        {"user_id": str(user_id), "email": email, "role": "ROLE_STUDENT"},
        aggregate_id=str(user_id),
    )


def course_published(
    course_id: UUID,
    teacher_id: UUID,
    title: str,
    *,
    version: int = 1,
    event_type: str = "course.published",
) -> DecodedEvent:
    return delivered(
        event_type,
        {
            "course_id": str(course_id),
            "teacher_id": str(teacher_id),
            "title": title,
            "lesson_ids": ["l-1"],
        },
        aggregate_id=str(course_id),
        version=version,
    )


def certificate_issued(
    student_id: UUID,
    course_id: UUID,
    *,
    certificate_id: UUID | None = None,
    code: str | None = None,
    at: datetime = ISSUED_AT,
) -> DecodedEvent:
    certificate_id = certificate_id or uuid.uuid4()
    return delivered(
        "certificate.issued",
        {
            "certificate_id": str(certificate_id),
            "enrollment_id": str(uuid.uuid4()),
            "student_id": str(student_id),
            "course_id": str(course_id),
            "verification_code": code or uuid.uuid4().hex,
        },
        aggregate_id=str(certificate_id),
        at=at,
    )
