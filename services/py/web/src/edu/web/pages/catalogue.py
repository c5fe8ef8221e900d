"""The catalogue with search, a course's page with its outline, and enrolling."""

from __future__ import annotations

from urllib.parse import urlencode
from uuid import UUID

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from edu.web.forms import FormErrors
from edu.web.pages import verify
from edu.web.pages.deps import SignedInDep, VisitorDep, WebDep, checked_form
from edu.web.pages.flash import redirect_with
from edu.web.pages.progress import enrollment_in, resume_at
from edu.web.pages.rendering import render
from edu.web.validation import SEARCH

router = APIRouter(dependencies=[Depends(checked_form)])
PAGE_SIZE = 12
MAX_PAGE = 10_000  # course's own bound on page


@router.get("/", response_class=HTMLResponse)
async def catalogue(request: Request, wired: WebDep, q: str = "", page: int | str = 1) -> Response:
    """Published courses; with ``q``, those matching the words, best match first. A page out
    of range goes to the nearest one; a search course would refuse is explained at the field."""
    text = q.replace("\x00", "").strip()
    if problem := SEARCH.check(text):
        errors = FormErrors()
        errors.add("q", problem)
        return await render(
            request, "catalogue.html", status_code=422, q=text, found=None, errors=errors
        )
    asked = page_number(str(page))
    found = await wired.course.browse(text or None, page=asked, page_size=PAGE_SIZE)
    if asked > found.pages:
        return RedirectResponse(catalogue_url(text, found.pages), status_code=302)
    return await render(request, "catalogue.html", q=text, found=found, errors=FormErrors())


def page_number(asked: str) -> int:
    """The page asked for, within what course serves (anything not a number is page 1)."""
    text = asked.strip()
    return min(max(int(text), 1), MAX_PAGE) if text.isdigit() and len(text) < 7 else 1


def catalogue_url(text: str, page: int) -> str:
    query = {"q": text, "page": str(page)} if text else {"page": str(page)}
    return "/?" + urlencode(query)


@router.get("/courses/{course_id}", response_class=HTMLResponse)
async def course_page(
    request: Request, course_id: UUID, wired: WebDep, who: VisitorDep
) -> HTMLResponse:
    """A course's summary and lesson outline; Enrol, or the visitor's progress in it."""
    course = await wired.course.course(course_id)
    enrollment = await enrollment_in(wired, who, course_id)
    return await render(
        request,
        "course.html",
        course=course,
        enrollment=enrollment,
        resume=resume_at(course, enrollment),
    )


@router.post("/courses/{course_id}/enrol")
async def enrol(course_id: UUID, wired: WebDep, who: SignedInDep) -> RedirectResponse:
    """Enrol and start at the first lesson not done yet (enrolling again changes nothing)."""
    enrollment = await wired.enrollment.enrol(who.token, course_id)
    course = await wired.course.course(course_id)
    start = resume_at(course, enrollment)
    if start is None:
        return redirect_with(wired, f"/courses/{course_id}", "enrolled")
    return redirect_with(wired, f"/courses/{course_id}/lessons/{start.id}", "enrolled")


# Checking a certificate by its code: public, like the catalogue.
router.include_router(verify.router)
