"""A student's certificate as PDF: fetched from certificate-generator with their token and
handed to the browser as a download (ADR 0024)."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response

from edu.web.pages.deps import SignedInDep, WebDep

router = APIRouter()


@router.get("/certificates/{code}/pdf")
async def certificate_pdf(code: str, wired: WebDep, who: SignedInDep) -> Response:
    """The signed-in student's own certificate PDF; the worker's 404 otherwise."""
    data = await wired.certificate_documents.pdf(who.token, code)
    return Response(
        data,
        media_type="application/pdf",
        headers={
            "Content-Disposition": f'attachment; filename="certificate-{code}.pdf"',
            "Cache-Control": "private, no-store",
        },
    )
