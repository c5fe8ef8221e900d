"""The course service over gRPC (``edu.course.v1.CourseService``), asked only when the read
model has never heard of a course (ADR 0004, ADR 0006).

It runs on a student's request path, so it is bounded: one deadline (``deadline`` seconds)
covers the call and every retry. gRPC itself retries UNAVAILABLE (the retry policy in the
channel's service config), so a course process that is restarting costs a moment, not an
error. NOT_FOUND is an answer (no such course); anything else (the deadline passed, course is
still unreachable, an unexpected status or an unreadable answer) is
``CourseServiceUnavailable``, a 503 problem, never a 500.
"""

from __future__ import annotations

import json
import logging
from typing import TYPE_CHECKING, Any
from uuid import UUID

import grpc

from edu.enrollment.domain.course_outline import CourseOutline, CoursePrice
from edu.enrollment.service_layer.ports import CourseServiceUnavailable
from edu.proto_gen.course.v1 import course_service_pb2 as pb
from edu.proto_gen.course.v1.course_service_pb2_grpc import CourseServiceStub

if TYPE_CHECKING:  # a stub-only type: it exists for mypy, not at run time
    from edu.proto_gen.course.v1.course_service_pb2_grpc import CourseServiceAsyncStub

logger = logging.getLogger("edu.enrollment.course_client")

SERVICE = pb.DESCRIPTOR.services_by_name["CourseService"].full_name
SERVICE_CONFIG: dict[str, Any] = {  # JSON, as gRPC reads it
    "methodConfig": [
        {
            "name": [{"service": SERVICE}],
            "retryPolicy": {
                "maxAttempts": 3,
                "initialBackoff": "0.1s",
                "maxBackoff": "0.5s",
                "backoffMultiplier": 2,
                "retryableStatusCodes": ["UNAVAILABLE"],
            },
        }
    ]
}
CHANNEL_OPTIONS = [
    ("grpc.service_config", json.dumps(SERVICE_CONFIG)),
    # Reconnect soon after course comes back (gRPC's default first pause is a whole second).
    ("grpc.initial_reconnect_backoff_ms", 100),
    ("grpc.max_reconnect_backoff_ms", 2000),
]


class GrpcCourseDirectory:
    """Implements the ``CourseDirectory`` port; connects on first use, not when built."""

    def __init__(self, target: str, *, deadline: float = 1.0) -> None:
        self.target = target
        self.deadline = deadline
        self._channel: grpc.aio.Channel | None = None
        self._stub: CourseServiceAsyncStub | None = None

    async def fetch_outline(self, course_id: UUID) -> CourseOutline | None:
        request = pb.GetCourseRequest(course_id=str(course_id))
        try:
            answer = await self._course_service().GetCourse(request, timeout=self.deadline)
            return outline_from_course(answer.course)
        except grpc.aio.AioRpcError as exc:
            if exc.code() == grpc.StatusCode.NOT_FOUND:
                return None
            problem = f"{exc.code().name}: {exc.details()}"
        except ValueError as exc:  # an id in the answer is no UUID
            problem = f"unreadable answer ({exc})"
        logger.warning("course service: GetCourse %s failed: %s", course_id, problem)
        raise CourseServiceUnavailable(
            "Course information is temporarily unavailable; please try again shortly."
        )

    async def aclose(self) -> None:
        channel, self._channel, self._stub = self._channel, None, None
        if channel is not None:
            await channel.close()

    def _course_service(self) -> CourseServiceAsyncStub:
        # Made on first use: a grpc.aio channel belongs to the event loop that creates it.
        if self._stub is None:
            self._channel = grpc.aio.insecure_channel(self.target, options=CHANNEL_OPTIONS)
            self._stub = CourseServiceStub(self._channel)
        return self._stub


def outline_from_course(course: pb.Course) -> CourseOutline:
    """What enrollment keeps of a course; a draft is kept too, as not open for enrolment."""
    return CourseOutline(
        course_id=UUID(course.id),
        title=course.title,
        published=course.status == pb.COURSE_STATUS_PUBLISHED,
        lesson_ids=frozenset(UUID(lesson.id) for lesson in course.lessons),
        version=course.version,
        price=CoursePrice.of(course.price.currency_code, course.price.amount_minor),
    )
