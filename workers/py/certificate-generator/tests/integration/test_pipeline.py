"""From JetStream to a stored PDF, all real: the PDF's text (a Greek holder, a Cyrillic
teacher) read back with pypdf, its QR code rendered to pixels by PDFium and decoded by
zxing-cpp, a redelivery and a duplicate leaving one document, and the owner's download."""

from __future__ import annotations

import asyncio
import io
import uuid
from pathlib import Path

import httpx
import pypdf
import pypdfium2  # type: ignore[import-untyped]  # ships no py.typed; render + to_pil only
import pytest
import zxingcpp
from nats.js import JetStreamContext
from nats.js.errors import NotFoundError
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from edu.auth.testing import TokenMinter
from edu.certificate_generator.adapters.orm import certificate_documents
from edu.certificate_generator.bootstrap import CertificateGeneratorContainer
from edu.certificate_generator.entrypoints.app import make_app
from edu.certificate_generator.testing import (
    certificate_issued,
    course_published,
    user_registered,
)
from edu.common.clock import SystemClock
from edu.db.outbox import OutboxEvent
from edu.events import DecodedEvent, encode
from edu.events.jetstream_consumer import ConsumerSettings, DurableEventConsumer
from edu.testing.loops import eventually, running

Sessions = async_sessionmaker[AsyncSession]
STUDENT, TEACHER, COURSE = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
CODE = "Qx7_vErIfY-c0de_0123456789abcdefg"
HOLDER = "Ολυμπία Παπαδοπούλου"
TEACHER_NAME = "Дмитрий Шостакович"
TITLE = "Counterpoint for beginners: Bach to Шостакович"


class SimulatedCrash(BaseException):
    """The process dying after the document was stored, before the ack."""


async def publish(js: JetStreamContext, settings: ConsumerSettings, event: DecodedEvent) -> None:
    """``event`` on the test's stream as an outbox relay publishes it (no Nats-Msg-Id, so a
    second publish is a duplicate JetStream does not catch)."""
    stored = OutboxEvent.new(
        type=event.type,
        aggregate_id=event.aggregate_id,
        version=event.version,
        payload=event.payload,  # type: ignore[arg-type]  # a generated message of the type
        clock=SystemClock(),
    )
    await js.publish(f"{settings.subject_prefix}.{event.type}", encode(stored), timeout=5)


async def drained(js: JetStreamContext, settings: ConsumerSettings) -> bool:
    try:
        info = await js.consumer_info(settings.stream, settings.durable)
    except NotFoundError:
        return False
    return bool(info.num_pending == 0 and info.num_ack_pending == 0)


async def documents_recorded(sessions: Sessions) -> int:
    async with sessions() as session:
        count = select(func.count()).select_from(certificate_documents)
        return int(await session.scalar(count) or 0)


def pdf_files(store: Path) -> list[Path]:
    return sorted(p for p in store.rglob("*") if p.is_file() and p.suffix == ".pdf")


def text_of(pdf: bytes) -> str:
    return " ".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages)


def qr_codes_in(pdf: bytes) -> list[str]:
    """The QR codes a reader finds on the first page rendered at 144 dpi."""
    image = pypdfium2.PdfDocument(pdf)[0].render(scale=2).to_pil()
    return [found.text for found in zxingcpp.read_barcodes(image)]


@pytest.fixture
async def introduced(jetstream: JetStreamContext, events_settings: ConsumerSettings) -> None:
    """The student, the teacher and the course, as identity and course published them."""
    for event in (
        user_registered(STUDENT, "ολυμπία.παπαδοπούλου@example.org"),
        user_registered(TEACHER, "дмитрий.шостакович+teach@example.org"),
        course_published(COURSE, TEACHER, TITLE),
    ):
        await publish(jetstream, events_settings, event)


@pytest.mark.usefixtures("introduced")
class TestTheRenderedCertificate:
    async def test_the_pdf_says_who_what_when_and_by_whom_and_its_qr_code_opens_the_check(
        self,
        worker: CertificateGeneratorContainer,
        jetstream: JetStreamContext,
        events_settings: ConsumerSettings,
        tmp_path: Path,
    ) -> None:
        issued = certificate_issued(STUDENT, COURSE, code=CODE)
        await publish(jetstream, events_settings, issued)

        async with running(worker.consumer):
            await eventually(lambda: drained(jetstream, events_settings), "all acknowledged")

        (path,) = pdf_files(tmp_path / "store")
        pdf = path.read_bytes()
        assert pdf.startswith(b"%PDF-")
        text = " ".join(text_of(pdf).split())
        today = SystemClock().now().date().isoformat()  # the publish's occurred_at
        for expected in (
            "CERTIFICATE OF COMPLETION",
            HOLDER,
            TITLE,
            f"taught by {TEACHER_NAME}",
            f"Issued on {today}",
            f"Verification code: {CODE}",
            f"https://learn.example.org/verify/{CODE}",
        ):
            assert expected in text
        assert qr_codes_in(pdf) == [f"https://learn.example.org/verify/{CODE}"]


@pytest.mark.usefixtures("introduced")
class TestOneDocumentPerCertificate:
    async def test_a_duplicate_and_a_redelivery_after_a_crash_leave_one_document(
        self,
        worker: CertificateGeneratorContainer,
        jetstream: JetStreamContext,
        events_settings: ConsumerSettings,
        committed_sessions: Sessions,
        nats_url: str,
        tmp_path: Path,
    ) -> None:
        issued = certificate_issued(STUDENT, COURSE, code=CODE)
        await publish(jetstream, events_settings, issued)
        await publish(jetstream, events_settings, issued)  # the same event published twice

        # Each event is handled, the certificate rendered and stored, then the process "dies"
        # before its first ack: JetStream redelivers everything after ack_wait.
        async def handle_then_die(event: DecodedEvent) -> object:
            outcome = await worker.handling.handle(event)
            if event.type == "certificate.issued":
                raise SimulatedCrash
            return outcome

        crashing = DurableEventConsumer(nats_url, handle_then_die, events_settings)
        with pytest.raises(SimulatedCrash):
            await asyncio.wait_for(crashing.run(asyncio.Event()), timeout=10)
        first = pdf_files(tmp_path / "store")

        async with running(worker.consumer):
            await eventually(lambda: drained(jetstream, events_settings), "all acknowledged")

        assert pdf_files(tmp_path / "store") == first
        assert len(first) == 1
        assert await documents_recorded(committed_sessions) == 1


class TestNotYetKnown:
    async def test_a_certificate_naming_an_unknown_course_is_dead_lettered_with_the_reason(
        self,
        worker: CertificateGeneratorContainer,
        jetstream: JetStreamContext,
        events_settings: ConsumerSettings,
        tmp_path: Path,
    ) -> None:
        s = events_settings
        dlq = await jetstream.pull_subscribe(
            f"{s.dead_letter_prefix}.>", stream=s.dead_letter_stream
        )
        await publish(jetstream, s, certificate_issued(STUDENT, COURSE))

        async with running(worker.consumer):
            (dead,) = await dlq.fetch(1, timeout=15)

        assert dead.headers is not None
        assert f"course {COURSE} has not been published to us yet" in dead.headers["Edu-Reason"]
        assert pdf_files(tmp_path / "store") == []


@pytest.mark.usefixtures("introduced")
class TestDownload:
    async def test_only_the_owner_downloads_the_stored_pdf(
        self,
        worker: CertificateGeneratorContainer,
        jetstream: JetStreamContext,
        events_settings: ConsumerSettings,
        minter: TokenMinter,
        tmp_path: Path,
    ) -> None:
        await publish(jetstream, events_settings, certificate_issued(STUDENT, COURSE, code=CODE))
        async with running(worker.consumer):
            await eventually(lambda: drained(jetstream, events_settings), "all acknowledged")
        app = make_app(worker, max_body_bytes=1 << 20)
        path = f"/certificate-documents/{CODE}.pdf"

        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://test"
        ) as http:
            mine = await http.get(path, headers=minter.headers(user_id=STUDENT))
            theirs = await http.get(path, headers=minter.headers(user_id=TEACHER))
            anonymous = await http.get(path)
            malformed = await http.get("/certificate-documents/no!.pdf", headers=minter.headers())
            ready = await http.get("/ready")

        assert mine.status_code == 200
        assert mine.headers["content-type"] == "application/pdf"
        assert mine.content == pdf_files(tmp_path / "store")[0].read_bytes()
        assert (theirs.status_code, anonymous.status_code, malformed.status_code) == (404, 401, 422)
        assert theirs.headers["content-type"] == "application/problem+json"
        assert ready.status_code == 200
