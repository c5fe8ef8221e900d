"""What waits for a teacher in one course (teacher-tools, issue 24): the questions nobody has
answered yet, the posts and titles moderation holds for the teacher's decision, and how many
students enrolled and completed. A part teacher-tools could not read says so on the page; the
rest is shown."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from edu.web.pages.deps import TeacherDep, WebDep
from edu.web.pages.rendering import render

# Included by the course editor's router (/teach/courses/{course_id}).
router = APIRouter()


@router.get("/attention", response_class=HTMLResponse)
async def course_attention(
    request: Request, course_id: UUID, wired: WebDep, who: TeacherDep
) -> HTMLResponse:
    """Unanswered questions, held items and enrolment figures of one of the teacher's courses."""
    dashboard = await wired.teacher_tools.course_dashboard(who.token, course_id)
    return await render(request, "course_attention.html", dashboard=dashboard)
