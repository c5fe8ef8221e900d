"""The owner's download API and readiness over fakes: who gets the PDF and what others hear."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import httpx
import pytest

from edu.auth.testing import TokenMinter
from edu.auth.tokens import TokenVerifier
from edu.certificate_generator.bootstrap import bootstrap
from edu.certificate_generator.entrypoints.app import make_app
from edu.certificate_generator.service_layer.events import EventHandling
from edu.certificate_generator.settings import CertificateGeneratorSettings
from edu.certificate_generator.testing import (
    FakeCertificatesDatabase,
    FakeCertificatesUnitOfWork,
    FakeDocumentStore,
    FakeRenderer,
    certificate_issued,
    course_published,
    user_registered,
)

STUDENT, TEACHER, COURSE = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
CODE = "owner-0123456789abcdef"
PATH = f"/certificate-documents/{CODE}.pdf"


@pytest.fixture(scope="module")
def minter() -> TokenMinter:
    return TokenMinter()


@pytest.fixture
async def http(
    minter: TokenMinter, db: FakeCertificatesDatabase, store: FakeDocumentStore
) -> AsyncIterator[httpx.AsyncClient]:
    container = bootstrap(
        CertificateGeneratorSettings(database_url="postgresql+asyncpg://unused/certificates"),
        unit_of_work=lambda: FakeCertificatesUnitOfWork(db),
        renderer=FakeRenderer(),
        store=store,
        verifier=TokenVerifier.from_keys(minter.jwks()),
    )
    handling: EventHandling = container.handling
    for event in (
        user_registered(STUDENT, "s@example.org"),
        user_registered(TEACHER, "t@example.org"),
        course_published(COURSE, TEACHER, "SQL"),
        certificate_issued(STUDENT, COURSE, code=CODE),
    ):
        await handling.handle(event)
    app = make_app(container, max_body_bytes=1 << 20)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        yield client


class TestDownload:
    async def test_the_owner_gets_the_pdf_as_an_attachment_never_cached_by_others(
        self, http: httpx.AsyncClient, minter: TokenMinter, store: FakeDocumentStore
    ) -> None:
        response = await http.get(PATH, headers=minter.headers(user_id=STUDENT))

        assert response.status_code == 200
        assert response.headers["content-type"] == "application/pdf"
        assert response.headers["content-disposition"] == (
            f'attachment; filename="certificate-{CODE}.pdf"'
        )
        assert response.headers["cache-control"] == "private, no-store"
        assert response.content == next(iter(store.objects.values()))

    async def test_another_user_gets_404_problem_json(
        self, http: httpx.AsyncClient, minter: TokenMinter
    ) -> None:
        response = await http.get(PATH, headers=minter.headers(user_id=TEACHER))

        assert response.status_code == 404
        assert response.headers["content-type"] == "application/problem+json"

    async def test_without_a_token_it_is_401(self, http: httpx.AsyncClient) -> None:
        assert (await http.get(PATH)).status_code == 401

    @pytest.mark.parametrize("code", ["short", "has space 0123456789", "x" * 65])
    async def test_what_cannot_be_a_code_is_422(
        self, http: httpx.AsyncClient, minter: TokenMinter, code: str
    ) -> None:
        response = await http.get(f"/certificate-documents/{code}.pdf", headers=minter.headers())

        assert response.status_code == 422


class TestHealth:
    async def test_health_and_ready_answer_while_the_store_works(
        self, http: httpx.AsyncClient
    ) -> None:
        assert (await http.get("/health")).status_code == 200
        assert (await http.get("/ready")).status_code == 200

    async def test_ready_is_503_when_the_store_cannot_be_written(
        self, http: httpx.AsyncClient, store: FakeDocumentStore
    ) -> None:
        store.broken = OSError("read-only file system")

        response = await http.get("/ready")

        assert response.status_code == 503
        assert "OSError" in response.json()["detail"]
