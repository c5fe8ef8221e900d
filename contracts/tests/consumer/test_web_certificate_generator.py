"""web -> certificate-generator: a student's certificate as PDF, through web's real client
(HttpCertificateDocumentsClient, ADR 0024).

The worker renders a certificate from the event stream, so the code and the token of a student
whose certificate has been rendered come from the provider state (``${code}``, ``${token}``);
the verifier replays the pact against the real worker on an isolated stack
(contracts/tests/provider/test_verify_providers.py). The PDF itself is matched by its content
type (the verifier sniffs the bytes it gets), not byte for byte."""

from __future__ import annotations

from typing import Any

import pytest
from pact import Pact, generate, match
from pact.match import AbstractMatcher
from pact.match.matcher import GenericMatcher

from edu.web.clients.certificate_documents import HttpCertificateDocumentsClient
from edu.web.clients.errors import ProblemError
from edu.web.clients.transport import ServiceTransport

TOKEN = "eyJhbGciOiJFUzI1NiJ9.e30.c2ln"
CODE = "Zx9-Q1w2E3r4T5y6U7i8aB"
NOBODYS = "no-such-certificate-code-0000"
RENDERED = "a signed-in student whose certificate has been rendered"
SIGNED_IN = "a signed-in student"
# A PDF's first bytes: enough for the verifier's content-type sniffing to say application/pdf.
SAMPLE_PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n%%EOF\n"


def from_state(example: str, expression: str, regex: str) -> AbstractMatcher[str]:
    """``example`` in the consumer test, matched by ``regex``; the verifier sends
    ``expression`` with the provider state's values."""
    generator = generate.provider_state(expression)
    return GenericMatcher("regex", example, generator=generator, extra_fields={"regex": regex})


def bearer() -> AbstractMatcher[str]:
    return from_state(f"Bearer {TOKEN}", "Bearer ${token}", r"^Bearer \S+$")


def documents_pact() -> Pact:
    pact = Pact("web", "certificate-generator").with_specification("V4")
    (
        pact.upon_receiving("a student downloads their certificate as PDF")
        .given(RENDERED)
        .with_request(
            "GET",
            # equality, not a regex: the mock server tells this path from NOBODYS' below
            GenericMatcher(
                "equality",
                f"/certificate-documents/{CODE}.pdf",
                generator=generate.provider_state("/certificate-documents/${code}.pdf"),
            ),
        )
        .with_header("Authorization", bearer())
        .will_respond_with(200)
        .with_header("Content-Type", match.regex("application/pdf", regex=r"^application/pdf"))
        .with_binary_body(SAMPLE_PDF, "application/pdf", part="Response")
        .with_matching_rules(
            {"body": {"$": {"matchers": [{"match": "contentType", "value": "application/pdf"}]}}},
            part="Response",
        )
    )
    (
        pact.upon_receiving("a student asks for a certificate PDF they have none of")
        .given(SIGNED_IN)
        .with_request("GET", f"/certificate-documents/{NOBODYS}.pdf")
        .with_header("Authorization", bearer())
        .will_respond_with(404)
        .with_body({"status": 404, "title": match.str("Not Found")}, "application/problem+json")
    )
    return pact


@pytest.mark.pact_pair("web", "certificate-generator")
class TestWebCertificateGeneratorContract:
    async def test_web_downloads_a_students_pdf_as_the_worker_serves_it(
        self, pact_check: Any
    ) -> None:
        pact = documents_pact()
        with pact.serve() as server:
            client = HttpCertificateDocumentsClient(
                ServiceTransport("certificate-generator", str(server.url), timeout=5)
            )
            assert await client.pdf(TOKEN, CODE) == SAMPLE_PDF
            with pytest.raises(ProblemError) as refused:
                await client.pdf(TOKEN, NOBODYS)
            assert refused.value.status == 404
        pact_check(pact)
