"""Teachers' routes: their courses, lessons, order and publication. Every route needs the
teacher role; changing a course needs to own it (403 otherwise)."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter, Response, status

from edu.common.http_problems import problem_responses
from edu.common.openapi_links import link, links_on
from edu.course.entrypoints.deps import ServicesDep, TeacherDep
from edu.course.entrypoints.schemas import (
    CourseIn,
    CourseOut,
    LessonIn,
    LessonOrderIn,
    LessonOut,
    PriceIn,
)

router = APIRouter(tags=["authoring"])
CHANGE_ERRORS = problem_responses(401, 403, 404, 409, 422)

# The authoring workflow as OpenAPI links: what a teacher does next with what an answer returns.
_COURSE = "$response.body#/id"
_SAME_COURSE = "$request.path.course_id"
_COURSE_LINKS = {
    "read": link("GET", "/teaching/courses/{course_id}", course_id=_COURSE),
    "edit": link("PUT", "/courses/{course_id}", course_id=_COURSE),
    "add_lesson": link("POST", "/courses/{course_id}/lessons", course_id=_COURSE),
    "publish": link("POST", "/courses/{course_id}/publish", course_id=_COURSE),
}
_LESSON_LINKS = links_on(
    201,
    edit=link(
        "PUT",
        "/courses/{course_id}/lessons/{lesson_id}",
        course_id=_SAME_COURSE,
        lesson_id="$response.body#/id",
    ),
    remove=link(
        "DELETE",
        "/courses/{course_id}/lessons/{lesson_id}",
        course_id=_SAME_COURSE,
        lesson_id="$response.body#/id",
    ),
    publish=link("POST", "/courses/{course_id}/publish", course_id=_SAME_COURSE),
    read_course=link("GET", "/teaching/courses/{course_id}", course_id=_SAME_COURSE),
)
# Once published, the course and its first lesson are in the public catalogue.
_PUBLISHED_LINKS = links_on(
    200,
    catalogue=link("GET", "/courses/{course_id}", course_id=_COURSE),
    first_lesson=link(
        "GET",
        "/courses/{course_id}/lessons/{lesson_id}",
        course_id=_COURSE,
        lesson_id="$response.body#/lessons/0/id",
    ),
    unpublish=link("POST", "/courses/{course_id}/unpublish", course_id=_COURSE),
)


@router.post(
    "/courses",
    status_code=status.HTTP_201_CREATED,
    summary="Create a draft course",
    responses={**problem_responses(401, 403, 422), **links_on(201, **_COURSE_LINKS)},
)
async def create_course(body: CourseIn, teacher: TeacherDep, wired: ServicesDep) -> CourseOut:
    """Start a new draft course owned by the calling teacher."""
    course = await wired.authoring.create_course(teacher.user_id, body.to_domain())
    return CourseOut.of(course)


@router.get(
    "/teaching/courses",
    summary="List my courses",
    responses=problem_responses(401, 403),
)
async def list_my_courses(teacher: TeacherDep, wired: ServicesDep) -> list[CourseOut]:
    """The calling teacher's courses, drafts included, newest first."""
    return [CourseOut.of(c) for c in await wired.authoring.own_courses(teacher.user_id)]


@router.get(
    "/teaching/courses/{course_id}",
    summary="Read one of my courses",
    responses=problem_responses(401, 403, 404, 422),
)
async def read_my_course(course_id: UUID, teacher: TeacherDep, wired: ServicesDep) -> CourseOut:
    """One of the calling teacher's courses with every lesson in full, draft or published."""
    return CourseOut.of(await wired.authoring.own_course(teacher.user_id, course_id))


@router.put("/courses/{course_id}", summary="Edit a course", responses=CHANGE_ERRORS)
async def edit_course(
    course_id: UUID, body: CourseIn, teacher: TeacherDep, wired: ServicesDep
) -> CourseOut:
    """Replace the title, summary, level and tags of a course."""
    course = await wired.authoring.edit_course(teacher.user_id, course_id, body.to_domain())
    return CourseOut.of(course)


@router.put("/courses/{course_id}/price", summary="Set the price", responses=CHANGE_ERRORS)
async def set_price(
    course_id: UUID, body: PriceIn, teacher: TeacherDep, wired: ServicesDep
) -> CourseOut:
    """Make enrolling cost this price (students buy the course first); students already
    enrolled keep their enrolment."""
    course = await wired.authoring.set_price(teacher.user_id, course_id, body.to_domain())
    return CourseOut.of(course)


@router.delete(
    "/courses/{course_id}/price", summary="Make the course free", responses=CHANGE_ERRORS
)
async def remove_price(course_id: UUID, teacher: TeacherDep, wired: ServicesDep) -> CourseOut:
    """Remove the price: anyone may enrol for free again. Removing it twice changes nothing."""
    return CourseOut.of(await wired.authoring.set_price(teacher.user_id, course_id, None))


@router.post(
    "/courses/{course_id}/lessons",
    status_code=status.HTTP_201_CREATED,
    summary="Add a lesson",
    responses={**CHANGE_ERRORS, **_LESSON_LINKS},
)
async def add_lesson(
    course_id: UUID, body: LessonIn, teacher: TeacherDep, wired: ServicesDep
) -> LessonOut:
    """Append a lesson at the end of the course."""
    placed = await wired.authoring.add_lesson(teacher.user_id, course_id, body.to_domain())
    return LessonOut.of(placed.lesson, placed.position)


@router.put(
    "/courses/{course_id}/lessons/{lesson_id}", summary="Edit a lesson", responses=CHANGE_ERRORS
)
async def edit_lesson(
    course_id: UUID, lesson_id: UUID, body: LessonIn, teacher: TeacherDep, wired: ServicesDep
) -> LessonOut:
    """Replace a lesson's title, body, video URL and estimated minutes."""
    placed = await wired.authoring.edit_lesson(
        teacher.user_id, course_id, lesson_id, body.to_domain()
    )
    return LessonOut.of(placed.lesson, placed.position)


@router.delete(
    "/courses/{course_id}/lessons/{lesson_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Remove a lesson",
    responses={
        **CHANGE_ERRORS,
        **links_on(
            204,
            read_removed=link(
                "GET",
                "/courses/{course_id}/lessons/{lesson_id}",
                course_id=_SAME_COURSE,
                lesson_id="$request.path.lesson_id",
                description="The catalogue no longer shows a removed lesson (404).",
            ),
        ),
    },
)
async def remove_lesson(
    course_id: UUID, lesson_id: UUID, teacher: TeacherDep, wired: ServicesDep
) -> Response:
    """Delete a lesson; a published course keeps at least one (409)."""
    await wired.authoring.remove_lesson(teacher.user_id, course_id, lesson_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.put("/courses/{course_id}/lesson-order", summary="Reorder lessons", responses=CHANGE_ERRORS)
async def reorder_lessons(
    course_id: UUID, body: LessonOrderIn, teacher: TeacherDep, wired: ServicesDep
) -> CourseOut:
    """Put the lessons in the given order; the list must name every lesson exactly once."""
    course = await wired.authoring.reorder_lessons(teacher.user_id, course_id, body.lesson_ids)
    return CourseOut.of(course)


@router.post(
    "/courses/{course_id}/publish",
    summary="Publish a course",
    responses={**CHANGE_ERRORS, **_PUBLISHED_LINKS},
)
async def publish_course(course_id: UUID, teacher: TeacherDep, wired: ServicesDep) -> CourseOut:
    """Open the course to the catalogue and to enrolment; it needs at least one lesson (409)."""
    return CourseOut.of(await wired.authoring.publish(teacher.user_id, course_id))


@router.post(
    "/courses/{course_id}/unpublish", summary="Unpublish a course", responses=CHANGE_ERRORS
)
async def unpublish_course(course_id: UUID, teacher: TeacherDep, wired: ServicesDep) -> CourseOut:
    """Take the course out of the catalogue; students already enrolled keep their enrolment."""
    return CourseOut.of(await wired.authoring.unpublish(teacher.user_id, course_id))
