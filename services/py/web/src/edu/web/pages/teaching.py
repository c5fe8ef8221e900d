"""The teacher dashboard: the teacher role, a teacher's courses and a new course (each course's
editor is edu.web.pages.course_editor)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from edu.web.clients.errors import ProblemError
from edu.web.clients.models import CourseDraft
from edu.web.forms import FormErrors
from edu.web.pages import course_editor
from edu.web.pages.course_forms import LEVELS, TextField, course_draft, course_problem
from edu.web.pages.deps import SignedInDep, TeacherDep, WebDep, checked_form
from edu.web.pages.rendering import render, see_other
from edu.web.session import REFRESH_COOKIE, remember

router = APIRouter(prefix="/teach", dependencies=[Depends(checked_form)])


@router.get("", response_class=HTMLResponse)
async def dashboard(request: Request, wired: WebDep, who: SignedInDep) -> HTMLResponse:
    """A teacher's courses and the new-course form; others are offered the teacher role."""
    courses = await wired.course.teaching_courses(who.token) if who.is_teacher else []
    return await render(
        request,
        "teach.html",
        courses=courses,
        errors=FormErrors(),
        draft=CourseDraft(title=""),
        levels=LEVELS,
    )


@router.post("/become-teacher")
async def become_teacher(request: Request, wired: WebDep, who: SignedInDep) -> Response:
    """Take the teacher role, then renew the tokens: the old ones carry the old roles."""
    await wired.identity.become_teacher(who.token)
    if refresh_token := request.cookies.get(REFRESH_COOKIE):
        remember(request, await wired.refresh.refresh(refresh_token))
    return see_other("/teach")


@router.post("/courses", response_class=HTMLResponse)
async def create_course(
    request: Request,
    wired: WebDep,
    who: TeacherDep,
    title: TextField = "",
    summary: TextField = "",
    level: TextField = "beginner",
    tags: TextField = "",
) -> Response:
    """Start a draft course and open its editor."""
    draft, errors = course_draft(title, summary, level, tags)
    if not errors:
        try:
            course = await wired.course.create_course(who.token, draft)
        except ProblemError as problem:
            errors = course_problem(problem, draft)
        else:
            return see_other(f"/teach/courses/{course.id}")
    courses = await wired.course.teaching_courses(who.token)
    return await render(
        request,
        "teach.html",
        status_code=422,
        courses=courses,
        errors=errors,
        draft=draft,
        levels=LEVELS,
    )


router.include_router(course_editor.router)
