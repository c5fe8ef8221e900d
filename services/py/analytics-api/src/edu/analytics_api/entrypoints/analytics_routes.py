"""A teacher's figures for one of their courses, and readiness."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Path, Query

from edu.analytics_api.entrypoints.deps import AnalyticsDep, CurrentPrincipal
from edu.analytics_api.entrypoints.schemas import CourseSummaryOut, DailyActivityOut, ReadyOut
from edu.common.http_problems import problem_responses
from edu.common.problems import DomainError

router = APIRouter()

CourseId = Annotated[
    str, Path(min_length=1, max_length=200, description="The course's id (from course).")
]


@router.get(
    "/analytics/courses/{course_id}",
    summary="A course's figures per lesson",
    response_model=CourseSummaryOut,
    responses=problem_responses(401, 403, 404, 422),
    tags=["analytics"],
)
async def course_summary(
    course_id: CourseId, principal: CurrentPrincipal, service: AnalyticsDep
) -> CourseSummaryOut:
    """Views, the opened -> past halfway -> finished funnel, the median position and where
    unfinished visits stopped, per lesson in the course's order. Teachers only, their own
    courses only: any other course id answers 404."""
    return CourseSummaryOut.of(await service.analytics.summary(principal, course_id))


@router.get(
    "/analytics/courses/{course_id}/daily",
    summary="A course's active students per day",
    response_model=DailyActivityOut,
    response_model_by_alias=True,
    responses=problem_responses(401, 403, 404, 422),
    tags=["analytics"],
)
async def course_daily(
    course_id: CourseId,
    principal: CurrentPrincipal,
    service: AnalyticsDep,
    from_: Annotated[
        date | None,
        Query(
            alias="from", description="First day (UTC, YYYY-MM-DD); default: 29 days before `to`."
        ),
    ] = None,
    to: Annotated[
        date | None, Query(description="Last day (UTC, YYYY-MM-DD), inclusive; default: today.")
    ] = None,
) -> DailyActivityOut:
    """Distinct students with any learning event in the course, per UTC day, every day of the
    range (at most 366) listed, zero included."""
    return DailyActivityOut.of(await service.analytics.daily(principal, course_id, from_, to))


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
async def ready(service: AnalyticsDep) -> ReadyOut:
    """Answers once the analytics database can be read; 503 otherwise."""
    try:
        await service.reader.ping()
    except Exception as exc:
        raise NotReady(f"The analytics database cannot be reached: {type(exc).__name__}.") from None
    return ReadyOut()
