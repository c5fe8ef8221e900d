"""The public certificate check by code: the form a certificate email points to (the result
for one code is /verify/{code})."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from edu.web.clients.enrollment import CERTIFICATE_CODE
from edu.web.forms import FormErrors
from edu.web.pages.rendering import render

router = APIRouter()


@router.get("/verify", response_class=HTMLResponse)
async def verify_form(request: Request, code: str | None = None) -> Response:
    """Type or paste a code; a well-formed one goes to its result page."""
    if code is None:
        return await render(request, "verify_form.html", errors=FormErrors(), code="")
    entered = code.strip()
    if CERTIFICATE_CODE.match(entered):
        return RedirectResponse(f"/verify/{entered}", status_code=303)
    errors = FormErrors()
    errors.add(
        "code",
        "Enter the certificate code from the certificate or its email."
        if not entered
        else "A certificate code has 16 to 64 letters, digits, hyphens or underscores; check "
        "that it was copied completely.",
    )
    return await render(
        request, "verify_form.html", status_code=422, errors=errors, code=entered[:100]
    )
