"""My learning (enrolments with progress), a student's certificate, and the public check of
any certificate by its code."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from edu.web.clients.errors import ProblemError
from edu.web.pages.deps import SignedInDep, VisitorDep, WebDep, checked_form
from edu.web.pages.rendering import render, see_other

router = APIRouter(dependencies=[Depends(checked_form)])


@router.get("/learning", response_class=HTMLResponse)
async def my_learning(request: Request, wired: WebDep, who: SignedInDep) -> HTMLResponse:
    """The signed-in student's enrolments, newest first, each with its progress."""
    enrollments = await wired.enrollment.enrollments(who.token)
    return await render(request, "learning.html", enrollments=enrollments)


@router.get("/certificates/{code}", response_class=HTMLResponse)
async def certificate(request: Request, code: str, wired: WebDep, who: VisitorDep) -> Response:
    """The owner's certificate with its public verification link; anyone else gets the check."""
    found = await wired.enrollment.certificate(code)
    if found is None:
        raise ProblemError(404, "Not found", "No certificate has this code.")
    # The public check names no student: the owner is whoever has it among their enrollments.
    mine = who.token is not None and any(
        e.certificate_code == found.code for e in await wired.enrollment.enrollments(who.token)
    )
    if not mine:
        return see_other(f"/verify/{code}")
    # From configuration, never from the request's Host header (which the sender chooses).
    verify_url = wired.settings.public_url(f"/verify/{code}")
    return await render(request, "certificate.html", certificate=found, verify_url=verify_url)


@router.get("/verify/{code}", response_class=HTMLResponse, name="verify_certificate")
async def verify_certificate(request: Request, code: str, wired: WebDep) -> HTMLResponse:
    """Public: whether a certificate with this code was issued, for which course and when."""
    found = await wired.enrollment.certificate(code)
    return await render(
        request, "verify.html", status_code=200 if found else 404, certificate=found, code=code
    )
