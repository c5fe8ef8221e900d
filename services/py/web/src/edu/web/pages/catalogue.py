"""The catalogue with search, a course's page with its outline, and enrolling."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from edu.web.pages.deps import SignedInDep, VisitorDep, WebDep, checked_form
from edu.web.pages.progress import enrollment_in, resume_at
from edu.web.pages.rendering import render, see_other

router = APIRouter(dependencies=[Depends(checked_form)])
PAGE_SIZE = 12


@router.get("/", response_class=HTMLResponse)
async def catalogue(
    request: Request,
    wired: WebDep,
    q: Annotated[str, Query(max_length=200)] = "",
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
) -> HTMLResponse:
    """Published courses; with ``q``, those matching the words, best match first."""
    text = q.strip()
    found = await wired.course.browse(text or None, page=page, page_size=PAGE_SIZE)
    return await render(request, "catalogue.html", q=text, found=found)


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
        return see_other(f"/courses/{course_id}")
    return see_other(f"/courses/{course_id}/lessons/{start.id}")
