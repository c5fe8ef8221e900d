"""The owner's download of a certificate's PDF, and readiness."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Path
from fastapi.responses import Response
from pydantic import BaseModel

from edu.certificate_generator.entrypoints.deps import CurrentPrincipal, WiredDep
from edu.common.http_problems import problem_responses
from edu.common.problems import DomainError

router = APIRouter()

# The alphabet and length of enrollment's codes (token_urlsafe of 24 bytes is 32 characters);
# anything else cannot be a code, and is answered 422 before a lookup.
CODE_PATTERN = r"^[A-Za-z0-9_-]{16,64}$"


class ReadyOut(BaseModel):
    status: Literal["ready"] = "ready"


class NotReady(DomainError):
    status = 503
    slug = "not-ready"
    title = "Not ready"


@router.get(
    "/certificate-documents/{code}.pdf",
    summary="Download my certificate as PDF",
    response_class=Response,
    responses={
        200: {"content": {"application/pdf": {}}, "description": "The certificate's PDF."},
        **problem_responses(401, 404, 422),
    },
    tags=["certificates"],
)
async def download_certificate(
    service: WiredDep,
    principal: CurrentPrincipal,
    code: str = Path(pattern=CODE_PATTERN, description="The certificate's verification code."),
) -> Response:
    """The PDF of the signed-in student's certificate with this code; 404 for a certificate
    of someone else, an unknown code, or one still being rendered."""
    data = await service.documents.download(principal.user_id, code)
    return Response(
        data,
        media_type="application/pdf",
        headers={
            "Content-Disposition": f'attachment; filename="certificate-{code}.pdf"',
            "Cache-Control": "private, no-store",
        },
    )


@router.get(
    "/ready",
    summary="Readiness",
    response_model=ReadyOut,
    responses=problem_responses(503),
    tags=["health"],
)
async def ready(service: WiredDep) -> ReadyOut:
    """Answers once the certificates database can be read and the store written; 503 otherwise."""
    try:
        await service.ping()
    except Exception as exc:
        raise NotReady(
            f"The database or the document store is unavailable: {type(exc).__name__}."
        ) from None
    return ReadyOut()
