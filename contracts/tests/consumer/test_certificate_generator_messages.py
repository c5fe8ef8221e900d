"""certificate-generator <- enrollment, identity and course: the events it renders certificates
from, as it decodes them (edu.events.decode) and handles them (its real EventHandling over its
unit-test fakes: directory, renderer, store), ADR 0024. Only the fields it reads are in the
pacts: certificate.issued's four ids, verification code and time (the printed date);
user.registered's user id and email (the printed name); course.published's id, title, teacher
and the envelope's version (the newest wins)."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

import pytest
from pact import Pact, match

from edu.certificate_generator.service_layer.directory import Directory
from edu.certificate_generator.service_layer.events import EventHandling, Noted
from edu.certificate_generator.service_layer.issuing import CertificateDocuments, Outcome
from edu.certificate_generator.service_layer.ports import CertificatesUnitOfWork
from edu.certificate_generator.testing import (
    FakeCertificatesDatabase,
    FakeCertificatesUnitOfWork,
    FakeDocumentStore,
    FakeRenderer,
    course_published,
    user_registered,
)
from edu.events import decode

JSON = "application/json"
TIMESTAMP = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$"
CODE = r"^[A-Za-z0-9_-]{16,64}$"
STUDENT_ID = "3f1c2a9e-7b1d-4c55-9a0e-2b8f4e6d1a10"
TEACHER_ID = "6c5d4e3f-2a1b-4c0d-9e8f-7a6b5c4d3e2f"
COURSE_ID = "0b7e8f3a-2c4d-4e5f-8a9b-1c2d3e4f5a6b"
CERTIFICATE_ID = "1b2c3d4e-5f60-4718-89a0-b1c2d3e4f506"
EXAMPLE_CODE = "Zx9-Q1w2E3r4T5y6U7i8"
WEB_URL = "https://learn.example.org"


def envelope(event_type: str, aggregate: str, aggregate_id: str, payload: dict[str, Any]) -> Any:
    """The protobuf JSON of edu.events.v1.EventEnvelope, as edu.events.encode writes it."""
    return {
        "id": match.uuid("9e8d7c6b-5a4f-4e3d-9c2b-1a0f9e8d7c6b"),
        "type": event_type,
        "occurred_at": match.regex("2026-12-05T09:30:00.123456Z", regex=TIMESTAMP),
        "aggregate": aggregate,
        "aggregate_id": match.uuid(aggregate_id),
        "version": match.int(1),
        event_type.replace(".", "_"): payload,
    }


def message(pact: Pact, description: str, state: str, event_type: str, body: Any) -> Pact:
    (
        pact.upon_receiving(description, "Async")
        .given(state)
        .with_body(body, JSON)
        .with_metadata({"subject": f"events.{event_type}"})
    )
    return pact


def enrollment_pact() -> Pact:
    issued = {
        "certificate_id": match.uuid(CERTIFICATE_ID),
        "enrollment_id": match.uuid("7a8b9c0d-1e2f-4a3b-8c4d-5e6f7a8b9c0d"),
        "student_id": match.uuid(STUDENT_ID),
        "course_id": match.uuid(COURSE_ID),
        "verification_code": match.regex(EXAMPLE_CODE, regex=CODE),
    }
    return message(
        Pact("certificate-generator", "enrollment").with_specification("V4"),
        "a certificate.issued event",
        "a student has completed every lesson of a course",
        "certificate.issued",
        envelope("certificate.issued", "enrollment", CERTIFICATE_ID, issued),
    )


def identity_pact() -> Pact:
    registered = {"user_id": match.uuid(STUDENT_ID), "email": match.str("ada.lovelace@example.com")}
    return message(
        Pact("certificate-generator", "identity").with_specification("V4"),
        "a user.registered event",
        "a student has signed up",
        "user.registered",
        envelope("user.registered", "user", STUDENT_ID, registered),
    )


def course_pact() -> Pact:
    published = {
        "course_id": match.uuid(COURSE_ID),
        "teacher_id": match.uuid(TEACHER_ID),
        "title": match.str("Python from scratch"),
    }
    return message(
        Pact("certificate-generator", "course").with_specification("V4"),
        "a course.published event",
        "a teacher has published a course with one lesson",
        "course.published",
        envelope("course.published", "course", COURSE_ID, published),
    )


class Worker:
    """The worker's real handling over its fakes."""

    def __init__(self) -> None:
        self.db = FakeCertificatesDatabase()
        self.renderer = FakeRenderer()
        self.store = FakeDocumentStore()

        def uow() -> CertificatesUnitOfWork:
            return FakeCertificatesUnitOfWork(self.db)

        documents = CertificateDocuments(uow, self.renderer, self.store, web_url=WEB_URL)
        self.handling = EventHandling(Directory(uow), documents)

    async def handle(self, body: bytes) -> Outcome | Noted:
        return await self.handling.handle(decode(body))


def received(pact: Pact) -> list[bytes]:
    bodies: list[bytes] = []

    def receive(body: str | bytes | None, metadata: dict[str, object]) -> None:
        assert isinstance(body, bytes | str), "an event always has a body"
        assert str(metadata["subject"]).startswith("events.")
        bodies.append(body.encode() if isinstance(body, str) else body)

    pact.verify(receive, "Async")
    return bodies


class TestCertificateGeneratorMessageContracts:
    @pytest.mark.pact_pair("certificate-generator", "enrollment")
    async def test_renders_the_certificate_enrollment_issued(self, pact_check: Any) -> None:
        pact = enrollment_pact()
        worker = Worker()
        # The student and the course, as their own events described them before.
        await worker.handling.handle(user_registered(UUID(STUDENT_ID), "grace.hopper@example.org"))
        await worker.handling.handle(user_registered(UUID(TEACHER_ID), "ada@example.org"))
        await worker.handling.handle(course_published(UUID(COURSE_ID), UUID(TEACHER_ID), "COBOL"))

        (body,) = received(pact)
        assert await worker.handle(body) is Outcome.RENDERED
        (document,) = worker.renderer.rendered
        assert document.certificate_id == UUID(CERTIFICATE_ID)
        assert (document.holder_name, document.course_title) == ("Grace Hopper", "COBOL")
        assert document.verification_code == EXAMPLE_CODE
        assert document.issued_on == date(2026, 12, 5)
        pact_check(pact)

    @pytest.mark.pact_pair("certificate-generator", "identity")
    async def test_keeps_the_email_identity_registered_for_the_printed_name(
        self, pact_check: Any
    ) -> None:
        pact = identity_pact()
        worker = Worker()
        (body,) = received(pact)
        assert await worker.handle(body) is Noted.RECORDED
        assert worker.db.people[UUID(STUDENT_ID)].email == "ada.lovelace@example.com"
        pact_check(pact)

    @pytest.mark.pact_pair("certificate-generator", "course")
    async def test_keeps_the_title_and_teacher_of_a_published_course(self, pact_check: Any) -> None:
        pact = course_pact()
        worker = Worker()
        (body,) = received(pact)
        assert await worker.handle(body) is Noted.RECORDED
        card = worker.db.courses[UUID(COURSE_ID)]
        assert (card.title, card.teacher_id) == ("Python from scratch", UUID(TEACHER_ID))
        pact_check(pact)
