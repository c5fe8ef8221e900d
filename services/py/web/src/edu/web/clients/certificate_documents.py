"""certificate-generator's download API: a student's own certificate as PDF (ADR 0024)."""

from __future__ import annotations

from typing import Protocol

from edu.web.clients.transport import ServiceTransport


class CertificateDocumentsClient(Protocol):
    async def pdf(self, token: str, code: str) -> bytes:
        """The PDF of the signed-in student's certificate with ``code``; ProblemError 404 for
        someone else's, an unknown one, or one still being rendered."""
        ...


class HttpCertificateDocumentsClient:
    def __init__(self, transport: ServiceTransport) -> None:
        self._http = transport

    async def pdf(self, token: str, code: str) -> bytes:
        path = f"/certificate-documents/{code}.pdf"
        accept = {"Accept": "application/pdf, application/problem+json"}
        response = await self._http.call("GET", path, token=token, headers=accept)
        return response.content
