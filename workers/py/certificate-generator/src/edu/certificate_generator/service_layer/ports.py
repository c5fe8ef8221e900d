"""What the use cases need: a renderer, an object store, and one unit of work over the
worker's own tables."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol
from uuid import UUID

from edu.certificate_generator.domain.certificate import CertificateDocument, StoredDocument
from edu.certificate_generator.domain.directory import CourseCard, Person
from edu.db.ports import UnitOfWork


@dataclass(frozen=True)
class RenderedDocument:
    data: bytes
    unprintable: str  # characters the fonts could not draw (left out of the PDF)


class DocumentRenderer(Protocol):
    def render(self, document: CertificateDocument) -> RenderedDocument: ...


class DocumentStore(Protocol):
    """Objects by key (the object-store port: a folder by default, ADR 0024)."""

    async def put(self, key: str, data: bytes) -> None:
        """Store ``data`` under ``key``, replacing what was there in one step."""
        ...

    async def get(self, key: str) -> bytes | None: ...

    async def ping(self) -> None:
        """Raise unless the store can be written."""
        ...


class People(Protocol):
    async def add(self, person: Person) -> None: ...
    async def get(self, user_id: UUID) -> Person | None: ...


class Courses(Protocol):
    async def merge(self, card: CourseCard) -> None:
        """Keep ``card`` unless a newer version is stored (``CourseCard.join``)."""
        ...

    async def get(self, course_id: UUID) -> CourseCard | None: ...


class Documents(Protocol):
    async def get(self, certificate_id: UUID) -> StoredDocument | None: ...
    async def by_code(self, code: str) -> StoredDocument | None: ...
    async def save(self, stored: StoredDocument) -> None:
        """Insert, or replace the one row of the same certificate."""
        ...


class CertificatesUnitOfWork(UnitOfWork, Protocol):
    @property
    def people(self) -> People: ...
    @property
    def courses(self) -> Courses: ...
    @property
    def documents(self) -> Documents: ...


UnitOfWorkFactory = Callable[[], CertificatesUnitOfWork]
