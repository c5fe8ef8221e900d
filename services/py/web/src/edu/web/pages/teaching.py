"""The teacher dashboard: create a course, add and reorder lessons, publish."""

from __future__ import annotations

from typing import Annotated, Literal
from uuid import UUID

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, Response

from edu.web.clients.errors import ProblemError
from edu.web.clients.models import CourseDraft, LessonDraft
from edu.web.forms import FormErrors
from edu.web.pages.deps import SignedInDep, TeacherDep, WebDep, checked_form
from edu.web.pages.rendering import render, see_other
from edu.web.session import REFRESH_COOKIE, remember

router = APIRouter(prefix="/teach", dependencies=[Depends(checked_form)])
TextField = Annotated[str, Form(max_length=100_000)]
COURSE_FIELDS = {"title": "title", "summary": "summary", "level": "level", "tags": "tags"}
LESSON_FIELDS = {
    "title": "lesson_title",
    "body_markdown": "body",
    "estimated_minutes": "minutes",
    "video_url": "video_url",
}
LEVELS = ("beginner", "intermediate", "advanced")


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
    draft = CourseDraft(
        title=title.strip(),
        summary=summary.strip(),
        level=level,
        tags=tuple(t.strip().lower() for t in tags.split(",") if t.strip()),
    )
    try:
        course = await wired.course.create_course(who.token, draft)
    except ProblemError as problem:
        errors = FormErrors.from_problem(problem, COURSE_FIELDS)
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
    return see_other(f"/teach/courses/{course.id}")


async def _editor(
    request: Request,
    wired: WebDep,
    who: TeacherDep,
    course_id: UUID,
    *,
    errors: FormErrors | None = None,
    lesson: dict[str, str] | None = None,
) -> HTMLResponse:
    course = await wired.course.teaching_course(who.token, course_id)
    return await render(
        request,
        "course_editor.html",
        status_code=422 if errors else 200,
        course=course,
        errors=errors or FormErrors(),
        lesson=lesson or {},
    )


@router.get("/courses/{course_id}", response_class=HTMLResponse)
async def course_editor(
    request: Request, course_id: UUID, wired: WebDep, who: TeacherDep
) -> HTMLResponse:
    """One course: its lessons in order (move up / down), a new lesson, publish."""
    return await _editor(request, wired, who, course_id)


@router.post("/courses/{course_id}/lessons", response_class=HTMLResponse)
async def add_lesson(
    request: Request,
    course_id: UUID,
    wired: WebDep,
    who: TeacherDep,
    lesson_title: TextField = "",
    body: TextField = "",
    minutes: TextField = "10",
    video_url: TextField = "",
) -> Response:
    """Append a lesson at the end of the course."""
    entered = {
        "lesson_title": lesson_title,
        "body": body,
        "minutes": minutes,
        "video_url": video_url,
    }
    if not minutes.strip().isdigit():
        errors = FormErrors()
        errors.add("minutes", "Enter a whole number of minutes, such as 10.")
        return await _editor(request, wired, who, course_id, errors=errors, lesson=entered)
    draft = LessonDraft(
        title=lesson_title.strip(),
        body_markdown=body,
        estimated_minutes=int(minutes),
        video_url=video_url.strip() or None,
    )
    try:
        await wired.course.add_lesson(who.token, course_id, draft)
    except ProblemError as problem:
        errors = FormErrors.from_problem(problem, LESSON_FIELDS)
        return await _editor(request, wired, who, course_id, errors=errors, lesson=entered)
    return see_other(f"/teach/courses/{course_id}#lessons")


@router.post("/courses/{course_id}/lessons/{lesson_id}/move")
async def move_lesson(
    course_id: UUID,
    lesson_id: UUID,
    wired: WebDep,
    who: TeacherDep,
    direction: Annotated[Literal["up", "down"], Form()] = "up",
) -> Response:
    """Swap the lesson with its neighbour above or below."""
    course = await wired.course.teaching_course(who.token, course_id)
    order = [lesson.id for lesson in course.lessons]
    if lesson_id in order:
        at = order.index(lesson_id)
        other = at - 1 if direction == "up" else at + 1
        if 0 <= other < len(order):
            order[at], order[other] = order[other], order[at]
            await wired.course.reorder_lessons(who.token, course_id, order)
    return see_other(f"/teach/courses/{course_id}#lessons")


@router.post("/courses/{course_id}/publish", response_class=HTMLResponse)
async def publish(request: Request, course_id: UUID, wired: WebDep, who: TeacherDep) -> Response:
    """Open the course to the catalogue (it needs a lesson first)."""
    try:
        await wired.course.publish(who.token, course_id)
    except ProblemError as problem:
        if problem.status != 409:
            raise
        return await _editor(
            request, wired, who, course_id, errors=FormErrors(general=[problem.message])
        )
    return see_other(f"/teach/courses/{course_id}")


@router.post("/courses/{course_id}/unpublish")
async def unpublish(course_id: UUID, wired: WebDep, who: TeacherDep) -> Response:
    """Take the course out of the catalogue; enrolled students keep their place."""
    await wired.course.unpublish(who.token, course_id)
    return see_other(f"/teach/courses/{course_id}")
