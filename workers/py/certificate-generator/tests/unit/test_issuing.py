"""certificate.issued → one rendered, stored document per certificate, for its owner only."""

from __future__ import annotations

import uuid
from datetime import date

import pytest

from edu.certificate_generator.domain.certificate import document_key
from edu.certificate_generator.service_layer.events import EventHandling, Noted
from edu.certificate_generator.service_layer.issuing import (
    CertificateDocuments,
    NotYetKnown,
    Outcome,
)
from edu.certificate_generator.testing import (
    FakeCertificatesDatabase,
    FakeCertificatesUnitOfWork,
    FakeDocumentStore,
    FakeRenderer,
    certificate_issued,
    course_published,
    user_registered,
)
from edu.common.problems import NotFound

STUDENT, TEACHER, COURSE = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()


@pytest.fixture
async def known(handling: EventHandling) -> None:
    """The student, the teacher and the course, as their events described them."""
    await handling.handle(user_registered(STUDENT, "дмитрий.шостакович@example.org"))
    await handling.handle(user_registered(TEACHER, "ada.lovelace+teach@example.org"))
    await handling.handle(course_published(COURSE, TEACHER, "Counterpoint"))


@pytest.mark.usefixtures("known")
class TestIssue:
    async def test_renders_the_holder_course_teacher_date_code_and_verify_url(
        self, handling: EventHandling, renderer: FakeRenderer, store: FakeDocumentStore
    ) -> None:
        event = certificate_issued(STUDENT, COURSE, code="Abc_123-xyz_456-QRS")

        assert await handling.handle(event) is Outcome.RENDERED

        (document,) = renderer.rendered
        assert document.holder_name == "Дмитрий Шостакович"
        assert document.teacher_name == "Ada Lovelace"
        assert document.course_title == "Counterpoint"
        assert document.issued_on == date(2026, 12, 5)
        assert document.verification_code == "Abc_123-xyz_456-QRS"
        assert document.verify_url == "https://learn.example.org/verify/Abc_123-xyz_456-QRS"
        assert list(store.objects) == [document_key(document.certificate_id)]

    async def test_a_redelivered_certificate_is_not_rendered_or_stored_again(
        self,
        handling: EventHandling,
        renderer: FakeRenderer,
        store: FakeDocumentStore,
        db: FakeCertificatesDatabase,
    ) -> None:
        event = certificate_issued(STUDENT, COURSE)

        assert await handling.handle(event) is Outcome.RENDERED
        assert await handling.handle(event) is Outcome.DUPLICATE

        assert (len(renderer.rendered), store.puts, len(store.objects), len(db.documents)) == (
            1,
            1,
            1,
            1,
        )

    async def test_a_document_stored_but_not_recorded_is_rendered_onto_the_same_key(
        self,
        documents: CertificateDocuments,
        store: FakeDocumentStore,
        db: FakeCertificatesDatabase,
    ) -> None:
        event = certificate_issued(STUDENT, COURSE)
        await documents.issue(event)
        db.documents.clear()  # as if the process died between the store's write and the commit

        assert await documents.issue(event) is Outcome.RENDERED

        assert (store.puts, len(store.objects), len(db.documents)) == (2, 1, 1)

    async def test_a_store_failure_records_nothing_so_the_redelivery_renders_it(
        self,
        documents: CertificateDocuments,
        store: FakeDocumentStore,
        db: FakeCertificatesDatabase,
    ) -> None:
        event = certificate_issued(STUDENT, COURSE)
        store.broken = OSError("disk full")
        with pytest.raises(OSError, match="disk full"):
            await documents.issue(event)
        assert db.documents == {}

        store.broken = None
        assert await documents.issue(event) is Outcome.RENDERED
        assert len(store.objects) == 1

    async def test_characters_no_font_has_are_recorded_with_the_document(
        self, db: FakeCertificatesDatabase, store: FakeDocumentStore
    ) -> None:
        renderer = FakeRenderer(unprintable="漢字")
        documents = CertificateDocuments(
            lambda: FakeCertificatesUnitOfWork(db),
            renderer,
            store,
            web_url="https://x.example",
        )
        event = certificate_issued(STUDENT, COURSE)
        await documents.issue(event)
        (stored,) = db.documents.values()
        assert stored.unprintable == "漢字"


class TestNotYetKnown:
    async def test_a_certificate_for_a_course_not_seen_yet_raises_and_stores_nothing(
        self, handling: EventHandling, store: FakeDocumentStore, db: FakeCertificatesDatabase
    ) -> None:
        await handling.handle(user_registered(STUDENT, "s@example.org"))

        with pytest.raises(NotYetKnown, match=f"course {COURSE}"):
            await handling.handle(certificate_issued(STUDENT, COURSE))

        assert (store.objects, db.documents) == ({}, {})

    async def test_a_certificate_for_a_student_not_seen_yet_raises(
        self, handling: EventHandling
    ) -> None:
        await handling.handle(user_registered(TEACHER, "t@example.org"))
        await handling.handle(course_published(COURSE, TEACHER, "SQL"))

        with pytest.raises(NotYetKnown, match=f"student {STUDENT}"):
            await handling.handle(certificate_issued(STUDENT, COURSE))

    async def test_a_certificate_whose_teacher_is_not_seen_yet_raises(
        self, handling: EventHandling
    ) -> None:
        await handling.handle(user_registered(STUDENT, "s@example.org"))
        await handling.handle(course_published(COURSE, TEACHER, "SQL"))

        with pytest.raises(NotYetKnown, match=f"teacher {TEACHER}"):
            await handling.handle(certificate_issued(STUDENT, COURSE))


@pytest.mark.usefixtures("known")
class TestDownload:
    async def test_the_owner_gets_the_stored_document(
        self, handling: EventHandling, documents: CertificateDocuments, store: FakeDocumentStore
    ) -> None:
        await handling.handle(certificate_issued(STUDENT, COURSE, code="mine-0123456789abcdef"))

        data = await documents.download(STUDENT, "mine-0123456789abcdef")

        assert data == next(iter(store.objects.values()))

    async def test_someone_else_gets_the_same_not_found_as_for_an_unknown_code(
        self, handling: EventHandling, documents: CertificateDocuments
    ) -> None:
        await handling.handle(certificate_issued(STUDENT, COURSE, code="mine-0123456789abcdef"))

        with pytest.raises(NotFound) as other:
            await documents.download(uuid.uuid4(), "mine-0123456789abcdef")
        with pytest.raises(NotFound) as unknown:
            await documents.download(STUDENT, "nobody-0123456789abcdef")

        assert str(other.value) == str(unknown.value)


class TestDirectory:
    async def test_the_newest_course_version_wins_whatever_the_arrival_order(
        self, handling: EventHandling, db: FakeCertificatesDatabase
    ) -> None:
        newer = course_published(
            COURSE, TEACHER, "SQL, revised", version=3, event_type="course.updated"
        )
        older = course_published(COURSE, TEACHER, "SQL", version=2)

        assert await handling.handle(newer) is Noted.RECORDED
        assert await handling.handle(older) is Noted.RECORDED

        assert db.courses[COURSE].title == "SQL, revised"

    async def test_events_of_other_types_are_ignored(
        self, handling: EventHandling, db: FakeCertificatesDatabase
    ) -> None:
        other = course_published(COURSE, TEACHER, "SQL", event_type="course.unpublished")

        assert await handling.handle(other) is Noted.IGNORED
        assert db.courses == {}
