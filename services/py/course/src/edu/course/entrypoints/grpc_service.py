"""course's internal gRPC API: ``edu.course.v1.CourseService`` for other services (ADR 0006).

Answers for drafts too (status DRAFT): enrollment needs to tell "no such course" (NOT_FOUND)
from "exists but closed". A malformed id is INVALID_ARGUMENT; anything unexpected becomes
gRPC's UNKNOWN, which callers treat as "course is unavailable".
"""

from __future__ import annotations

from typing import TypeVar
from uuid import UUID

import grpc

from edu.common.problems import NotFound
from edu.course.domain.course import Course, CourseStatus
from edu.course.service_layer.course_reads import CourseReads
from edu.proto_gen.course.v1 import course_service_pb2 as pb
from edu.proto_gen.course.v1.course_service_pb2_grpc import CourseServiceServicer

Request = TypeVar("Request")
Response = TypeVar("Response")

_STATUSES = {
    CourseStatus.DRAFT: pb.COURSE_STATUS_DRAFT,
    CourseStatus.PUBLISHED: pb.COURSE_STATUS_PUBLISHED,
}


class GrpcCourseService(CourseServiceServicer):
    def __init__(self, reads: CourseReads) -> None:
        self._reads = reads

    async def GetCourse(  # noqa: N802 - the name is the RPC's in course_service.proto
        self,
        request: pb.GetCourseRequest,
        context: grpc.aio.ServicerContext[pb.GetCourseRequest, pb.GetCourseResponse],
    ) -> pb.GetCourseResponse:
        """One course, draft or published, with its lessons in order."""
        course = await self._course(request.course_id, context)
        return pb.GetCourseResponse(course=course_message(course))

    async def ListLessons(  # noqa: N802 - the name is the RPC's in course_service.proto
        self,
        request: pb.ListLessonsRequest,
        context: grpc.aio.ServicerContext[pb.ListLessonsRequest, pb.ListLessonsResponse],
    ) -> pb.ListLessonsResponse:
        """Only the lessons of a course, in order."""
        course = await self._course(request.course_id, context)
        return pb.ListLessonsResponse(lessons=course_message(course).lessons)

    async def _course(
        self, raw_id: str, context: grpc.aio.ServicerContext[Request, Response]
    ) -> Course:
        try:
            course_id = UUID(raw_id)
        except ValueError:
            await context.abort(grpc.StatusCode.INVALID_ARGUMENT, "course_id must be a UUID")
        try:
            return await self._reads.course(course_id)
        except NotFound as exc:
            await context.abort(grpc.StatusCode.NOT_FOUND, str(exc))


def course_message(course: Course) -> pb.Course:
    return pb.Course(
        id=str(course.id),
        teacher_id=str(course.teacher_id),
        title=course.details.title,
        status=_STATUSES[course.status],
        lessons=[
            pb.Lesson(id=str(lesson.id), title=lesson.content.title, position=position)
            for position, lesson in enumerate(course.lessons, start=1)
        ],
        version=course.version,
        price=(
            pb.Price(
                currency_code=course.price.currency_code, amount_minor=course.price.amount_minor
            )
            if course.price
            else None
        ),
    )
