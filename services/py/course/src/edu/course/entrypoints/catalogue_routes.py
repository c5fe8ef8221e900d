"""Public routes: the catalogue of published courses. No token needed."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query

from edu.common.http_problems import problem_responses
from edu.common.json_fields import NO_NUL
from edu.course.domain.values import TAG_MAX, TAG_PATTERN, Level, normalise_tag
from edu.course.entrypoints.deps import ServicesDep
from edu.course.entrypoints.schemas import CataloguePageOut, LessonOut, PublishedCourseOut
from edu.course.service_layer.ports import CatalogueQuery

router = APIRouter(tags=["catalogue"])


@router.get("/courses", summary="Browse the catalogue", responses=problem_responses(422))
async def browse_catalogue(
    wired: ServicesDep,
    q: Annotated[
        str | None,
        Query(
            max_length=200,
            pattern=NO_NUL,
            description="Words to search for: ranked by the search service (titles, tags, "
            "lesson titles and summaries, typos forgiven) when course is given its URL, else "
            "course's full-text search of titles and summaries.",
        ),
    ] = None,
    teacher_id: Annotated[UUID | None, Query(description="Only this teacher's courses.")] = None,
    level: Annotated[Level | None, Query()] = None,
    tag: Annotated[
        str | None, Query(max_length=TAG_MAX, pattern=TAG_PATTERN.pattern, description="A tag.")
    ] = None,
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
    page_size: Annotated[int, Query(ge=1, le=100)] = 20,
) -> CataloguePageOut:
    """Published courses, best match first when searching (the search service's ranking, or
    course's own full-text search while search cannot answer), else newest first."""
    query = CatalogueQuery(
        text=q.strip() or None if q else None,
        teacher_id=teacher_id,
        level=level,
        tag=normalise_tag(tag) if tag else None,
        page=page,
        page_size=page_size,
    )
    return CataloguePageOut.of(await wired.catalogue.browse(query))


@router.get(
    "/courses/{course_id}",
    summary="Read a published course",
    responses=problem_responses(404, 422),
)
async def read_course(course_id: UUID, wired: ServicesDep) -> PublishedCourseOut:
    """A published course with its lesson outline (titles and estimates, no bodies)."""
    return PublishedCourseOut.of(await wired.catalogue.published_course(course_id))


@router.get(
    "/courses/{course_id}/lessons/{lesson_id}",
    summary="Read a lesson of a published course",
    responses=problem_responses(404, 422),
)
async def read_lesson(course_id: UUID, lesson_id: UUID, wired: ServicesDep) -> LessonOut:
    """One lesson of a published course, with its Markdown body and video URL."""
    course = await wired.catalogue.published_course(course_id)
    lesson = course.lesson(lesson_id)
    return LessonOut.of(lesson, course.lesson_ids.index(lesson_id))
