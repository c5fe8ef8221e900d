"""Rendering each issued certificate once into the store, and handing it to its owner.

The document's key comes from the certificate's id, and its row is keyed by it too: a
redelivered certificate.issued finds the stored document and does nothing, and one that was
rendered and stored but not recorded (a crash in between) renders the same certificate onto
the same key again. Either way there is one document per certificate.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from enum import StrEnum
from uuid import UUID

from edu.certificate_generator.domain.certificate import (
    CertificateDocument,
    StoredDocument,
    verify_url,
)
from edu.certificate_generator.domain.names import name_from_email, printable
from edu.certificate_generator.service_layer.ports import (
    CertificatesUnitOfWork,
    DocumentRenderer,
    DocumentStore,
    UnitOfWorkFactory,
)
from edu.common.problems import NotFound
from edu.events import DecodedEvent
from edu.proto_gen.events.v1.enrollment_events_pb2 import CertificateIssued

logger = logging.getLogger("edu.certificate_generator.issuing")


class Outcome(StrEnum):
    RENDERED = "rendered"
    DUPLICATE = "duplicate"


class NotYetKnown(LookupError):
    """The certificate names a person or course no event has described yet: retried with
    back-off, dead-lettered with this reason if it never arrives."""


class CertificateDocuments:
    def __init__(
        self,
        uow: UnitOfWorkFactory,
        renderer: DocumentRenderer,
        store: DocumentStore,
        *,
        web_url: str,
    ) -> None:
        self._uow = uow
        self._renderer = renderer
        self._store = store
        self._web_url = web_url

    async def issue(self, event: DecodedEvent) -> Outcome:
        """Render and store the certificate ``event`` issued, unless it already is."""
        payload = event.payload
        if not isinstance(payload, CertificateIssued):
            raise TypeError(f"not a certificate.issued event: {event.type}")
        certificate_id = UUID(payload.certificate_id)
        async with self._uow() as uow:
            stored = await uow.documents.get(certificate_id)
            if stored is not None and await self._store.get(stored.document.key) is not None:
                logger.debug("certificate %s: already rendered", certificate_id)
                return Outcome.DUPLICATE
            document = await self._document(uow, payload, event)
        # ~150 ms of CPU: off the event loop, so the download API stays responsive meanwhile.
        rendered = await asyncio.to_thread(self._renderer.render, document)
        if rendered.unprintable:
            logger.warning(
                "certificate %s: no font has %r; those characters are left out",
                certificate_id,
                rendered.unprintable,
            )
        await self._store.put(document.key, rendered.data)
        record = StoredDocument(
            document,
            hashlib.sha256(rendered.data).hexdigest(),
            len(rendered.data),
            rendered.unprintable,
        )
        async with self._uow() as uow:
            await uow.documents.save(record)
            await uow.commit()
        return Outcome.RENDERED

    async def _document(
        self, uow: CertificatesUnitOfWork, payload: CertificateIssued, event: DecodedEvent
    ) -> CertificateDocument:
        course = await uow.courses.get(UUID(payload.course_id))
        if course is None:
            raise NotYetKnown(f"course {payload.course_id} has not been published to us yet")
        student = await uow.people.get(UUID(payload.student_id))
        if student is None:
            raise NotYetKnown(f"student {payload.student_id} has not registered with us yet")
        teacher = await uow.people.get(course.teacher_id)
        if teacher is None:
            raise NotYetKnown(f"teacher {course.teacher_id} has not registered with us yet")
        return CertificateDocument(
            certificate_id=UUID(payload.certificate_id),
            enrollment_id=UUID(payload.enrollment_id),
            student_id=student.user_id,
            course_id=course.course_id,
            verification_code=payload.verification_code,
            holder_name=name_from_email(student.email),
            course_title=printable(course.title),
            teacher_name=name_from_email(teacher.email),
            issued_on=event.occurred_at.date(),
            verify_url=verify_url(self._web_url, payload.verification_code),
        )

    async def download(self, owner: UUID, code: str) -> bytes:
        """The PDF of the certificate with ``code``, for its owner only: anyone else, and a
        certificate not rendered yet, get the same NotFound."""
        async with self._uow() as uow:
            stored = await uow.documents.by_code(code)
        data = None
        if stored is not None and stored.belongs_to(owner):
            data = await self._store.get(stored.document.key)
        if data is None:
            raise NotFound("You have no certificate document with this code (yet).")
        return data
