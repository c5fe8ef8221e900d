"""A teacher's dashboard: the courses with their counts, and one course in full."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter

from edu.common.http_problems import problem_responses
from edu.common.problems import DomainError
from edu.teacher_tools.entrypoints.deps import CallerDep, TeacherToolsDep
from edu.teacher_tools.entrypoints.schemas import CourseLineOut, CoursesOut, DashboardOut, ReadyOut

router = APIRouter()


@router.get(
    "/teacher/courses",
    summary="My courses with what waits for me",
    response_model=CoursesOut,
    responses=problem_responses(401, 403, 503),
    tags=["dashboard"],
)
async def my_courses(caller: CallerDep, service: TeacherToolsDep) -> CoursesOut:
    """The calling teacher's courses, each with its unanswered questions and held items
    counted and its enrolment figures; a part a source could not give is marked unavailable."""
    lines = await service.dashboards.overview(caller.principal, caller.token)
    return CoursesOut(courses=[CourseLineOut.of(line) for line in lines])


@router.get(
    "/teacher/courses/{course_id}/dashboard",
    summary="One of my courses: unanswered questions, held items, enrolment figures",
    response_model=DashboardOut,
    responses=problem_responses(401, 403, 404, 422, 503),
    tags=["dashboard"],
)
async def course_dashboard(
    course_id: UUID, caller: CallerDep, service: TeacherToolsDep
) -> DashboardOut:
    """The course's questions no answer answers yet, the items moderation holds for the
    teacher's decision, and how many students enrolled and completed; a section a source could
    not give is marked unavailable. Another teacher's course answers 404, as one that does not
    exist."""
    dashboard = await service.dashboards.course_dashboard(caller.principal, caller.token, course_id)
    return DashboardOut.of(dashboard)


class NotReady(DomainError):
    status = 503
    slug = "not-ready"
    title = "Not ready"


@router.get(
    "/ready",
    summary="Readiness",
    response_model=ReadyOut,
    responses=problem_responses(503),
    tags=["health"],
)
async def ready(service: TeacherToolsDep) -> ReadyOut:
    """Answers once course and teacher-tools' database answer: without course no dashboard
    can be shown, without the database no enrolment is kept (the other upstreams only make
    sections unavailable)."""
    try:
        await service.ping()
    except Exception as exc:
        raise NotReady(f"course or the database cannot be reached: {type(exc).__name__}.") from None
    return ReadyOut()
