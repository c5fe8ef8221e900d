"""Download PDF on a student's certificate page: the PDF from certificate-generator for its
owner only, over fake services."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from edu.web.bootstrap import bootstrap
from edu.web.session import ACCESS_COOKIE
from edu.web.settings import WebSettings
from edu.web.testing import (
    FakeAnalyticsClient,
    FakeCourseClient,
    FakeEnrollmentClient,
    FakeIdentityClient,
    FakeLearningEventsClient,
    FakeNotificationsClient,
    FakePaymentsClient,
)
from edu.web.testing.certificate_documents import FakeCertificateDocumentsClient

Call = Callable[..., Awaitable[Any]]
PDF = b"%PDF-1.7 a certificate"


@pytest.fixture
def documents(identity: FakeIdentityClient) -> FakeCertificateDocumentsClient:
    return FakeCertificateDocumentsClient(verifier=identity.verifier)


@pytest.fixture
def app(
    session_app: FastAPI,
    settings: WebSettings,
    identity: FakeIdentityClient,
    course: FakeCourseClient,
    enrollment: FakeEnrollmentClient,
    notifications: FakeNotificationsClient,
    analytics: FakeAnalyticsClient,
    learning_events: FakeLearningEventsClient,
    payments: FakePaymentsClient,
    documents: FakeCertificateDocumentsClient,
) -> FastAPI:
    """The session's app wired to this test's fakes, the certificate documents' one too."""
    session_app.state.web = bootstrap(
        settings,
        identity=identity,
        course=course,
        enrollment=enrollment,
        notifications=notifications,
        analytics=analytics,
        learning_events=learning_events,
        payments=payments,
        certificate_documents=documents,
    )
    return session_app


@pytest.fixture
async def code(
    site: httpx.AsyncClient,
    submit: Call,
    sign_in: Call,
    publish_course: Call,
    enrollment: FakeEnrollmentClient,
    identity: FakeIdentityClient,
    documents: FakeCertificateDocumentsClient,
) -> str:
    """A signed-in student's certificate, completed and rendered."""
    made = await publish_course(lessons=1)
    await sign_in("olympia@example.org")
    await submit(f"/courses/{made.id}/enrol", {})
    await submit(f"/courses/{made.id}/lessons/{made.lessons[0].id}/complete", {})
    found = next(iter(enrollment.certificates))
    owner = identity.verifier.verify(site.cookies[ACCESS_COOKIE]).user_id
    documents.rendered(found, owner, PDF)
    return found


class TestDownloadPdf:
    async def test_the_certificate_page_offers_the_pdf(
        self, site: httpx.AsyncClient, code: str
    ) -> None:
        page = await site.get(f"/certificates/{code}")

        assert f'href="/certificates/{code}/pdf" download>Download PDF</a>' in page.text

    async def test_the_owner_downloads_it_as_an_attachment(
        self, site: httpx.AsyncClient, code: str
    ) -> None:
        response = await site.get(f"/certificates/{code}/pdf")

        assert response.status_code == 200
        assert response.headers["content-type"] == "application/pdf"
        assert response.headers["content-disposition"] == (
            f'attachment; filename="certificate-{code}.pdf"'
        )
        assert response.headers["cache-control"] == "private, no-store"
        assert response.content == PDF

    async def test_another_student_gets_a_404_page(
        self, site: httpx.AsyncClient, code: str, sign_in: Call
    ) -> None:
        await sign_in("someone.else@example.org")

        response = await site.get(f"/certificates/{code}/pdf")

        assert response.status_code == 404
        assert "no certificate document with this code" in response.text

    async def test_a_visitor_who_is_not_signed_in_is_sent_to_log_in_and_back(
        self, site: httpx.AsyncClient, code: str
    ) -> None:
        site.cookies.clear()

        response = await site.get(f"/certificates/{code}/pdf")

        assert response.status_code == 303
        assert response.headers["location"].startswith("/login")

    async def test_the_worker_being_down_is_a_503_page(
        self, site: httpx.AsyncClient, code: str, documents: FakeCertificateDocumentsClient
    ) -> None:
        documents.down = True

        response = await site.get(f"/certificates/{code}/pdf")

        assert response.status_code == 503
