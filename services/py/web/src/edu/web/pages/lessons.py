"""A lesson's page (Markdown rendered safely, previous / next) and Mark complete."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from edu.web.pages import lesson_videos, qa
from edu.web.pages.deps import SignedInDep, VisitorDep, WebDep, checked_form
from edu.web.pages.flash import redirect_with
from edu.web.pages.progress import enrollment_in, neighbours
from edu.web.pages.rendering import render, see_other

router = APIRouter(dependencies=[Depends(checked_form)])


@router.get("/courses/{course_id}/lessons/{lesson_id}", response_class=HTMLResponse)
async def lesson_page(
    request: Request, course_id: UUID, lesson_id: UUID, wired: WebDep, who: VisitorDep
) -> HTMLResponse:
    """The lesson's body and its uploaded video; enrolled students can mark it complete; the
    course's Q&A."""
    course = await wired.course.course(course_id)
    lesson = await wired.course.lesson(course_id, lesson_id)
    enrollment = await enrollment_in(wired, who, course_id)
    done = enrollment is not None and lesson_id in enrollment.completed_lesson_ids
    return await render(
        request,
        "lesson.html",
        course=course,
        lesson=lesson,
        enrollment=enrollment,
        teaching=who.teaches(course.teacher_id),
        done=done,
        player=await lesson_videos.player_for(wired, who, lesson),
        around=neighbours(course, lesson_id),
        qa=await qa.panel(
            wired,
            who,
            course,
            back=f"/courses/{course_id}/lessons/{lesson_id}",
            enrolled=enrollment is not None,
        ),
    )


@router.post("/courses/{course_id}/lessons/{lesson_id}/complete")
async def mark_complete(
    course_id: UUID, lesson_id: UUID, wired: WebDep, who: SignedInDep
) -> RedirectResponse:
    """Record the lesson as done and go on to the next one (the course page after the last)."""
    enrollment = await enrollment_in(wired, who, course_id)
    if enrollment is None:  # not enrolled (yet): the course page offers Enrol
        return see_other(f"/courses/{course_id}")
    updated = await wired.enrollment.complete_lesson(who.token, enrollment.id, lesson_id)
    course = await wired.course.course(course_id)
    following = neighbours(course, lesson_id).next
    if updated.status == "completed":
        return redirect_with(wired, f"/courses/{course_id}", "course-completed")
    if following is None:
        return redirect_with(wired, f"/courses/{course_id}", "lesson-completed")
    return redirect_with(wired, f"/courses/{course_id}/lessons/{following.id}", "lesson-completed")
