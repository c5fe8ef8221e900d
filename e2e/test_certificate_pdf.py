"""Flow: a student completes a course in the browser and downloads the certificate as PDF
(ADR 0024): enrollment issues the certificate, certificate-generator renders it from the
events, web's "Download PDF" fetches it through the api-gateway with the student's token.
The PDF's text is read back (pypdf, installed with certificate-generator's test group): the
holder's name made from the address, the course's Greek title, the verification code. The
certificate email links the same download. Another student's session gets web's 404 page for
the same code."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from io import BytesIO
from pathlib import Path
from typing import Any

import pypdfium2  # type: ignore[import-untyped]  # ships no py.typed; render + to_pil only
from playwright.sync_api import BrowserContext, Page, expect
from pypdf import PdfReader

from edu.infra.isolated_stack import IsolatedStack
from edu.mailsink.store import MailStore, ReceivedMail
from edu.testing import journeys
from edu.testing.harness_client import HarnessClient

PASSWORD = "violet-kettle-orbit-9"
RENDERED_WITHIN_S = 30.0


def pdf_text(data: bytes) -> str:
    """Every page's text, whitespace collapsed (the layout breaks lines where it likes)."""
    pages = PdfReader(BytesIO(data)).pages
    return " ".join(" ".join(page.extract_text() or "" for page in pages).split())


def wait_until_rendered(page: Page, code: str) -> None:
    """The worker renders from the event stream, so the PDF may come a moment after the page:
    ask with the student's own session until web stops answering 404."""
    deadline = time.monotonic() + RENDERED_WITHIN_S
    while True:
        status = page.request.get(f"/certificates/{code}/pdf").status
        if status == 200:
            return
        assert status == 404, f"web answered {status} for the certificate's PDF"
        assert time.monotonic() < deadline, f"no PDF for {code} within {RENDERED_WITHIN_S} s"
        page.wait_for_timeout(250)


class TestCertificatePdf:
    def test_a_student_completes_a_course_and_downloads_the_certificate_pdf(
        self,
        page: Page,
        new_context: Callable[..., BrowserContext],
        api: HarnessClient,
        published_course: Callable[..., dict[str, Any]],
        log_in: Callable[..., None],
        mail_to: Callable[..., list[ReceivedMail]],
        stack: IsolatedStack,
        screens: Path,
    ) -> None:
        tag = uuid.uuid4().hex[:8]
        course = published_course(f"Ευκλείδεια γεωμετρία {tag}", lessons=2)
        email = f"grace.hopper+{tag}@example.org"
        api.run(journeys.new_account(email, PASSWORD))
        log_in(page, email)

        page.goto(f"/courses/{course['id']}")
        page.get_by_role("button", name="Enrol").click()
        for _ in range(2):
            page.get_by_role("button", name="Mark complete").click()
        panel = page.get_by_role("region", name="Your place in this course")
        expect(panel.get_by_role("progressbar")).to_have_attribute("value", "100")
        page.get_by_role("link", name="My learning").click()
        page.get_by_role("link", name="View certificate").click()
        expect(page.get_by_role("heading", level=1)).to_have_text(course["title"])
        code = page.locator("p.meta code").inner_text().strip()

        wait_until_rendered(page, code)
        with page.expect_download() as started:
            page.get_by_role("link", name="Download PDF").click()
        download = started.value
        assert download.suggested_filename == f"certificate-{code}.pdf"
        saved = screens / f"certificate-{tag}.pdf"
        download.save_as(saved)
        data = saved.read_bytes()
        assert data.startswith(b"%PDF-")

        text = pdf_text(data)
        assert "Grace Hopper" in text, text
        assert course["title"] in text, text
        assert code in text, text
        # Page 1 as a person sees it, kept beside the run's other screenshots.
        bitmap = pypdfium2.PdfDocument(data)[0].render(scale=1.2)
        bitmap.to_pil().save(screens / "certificate-pdf-page-1.png")

        # The certificate email offers the same download (notifications' template).
        mails = [m for m in mail_to(email, count=3) if "certificate" in m.subject.lower()]
        assert mails, f"no certificate email reached {email}"
        assert f"/certificates/{code}/pdf" in MailStore(stack.mail_dir).text_of(mails[0].id)

        # Someone else's session: the same 404 as for an unknown code, never the PDF.
        stranger_email = f"stranger-{tag}@example.org"
        api.run(journeys.new_account(stranger_email, PASSWORD))
        stranger = new_context().new_page()
        log_in(stranger, stranger_email)
        assert stranger.request.get(f"/certificates/{code}/pdf").status == 404
