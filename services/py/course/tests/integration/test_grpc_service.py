"""CourseService over real gRPC: the server the app lifespan starts, against real PostgreSQL."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import TYPE_CHECKING
from uuid import UUID, uuid4

import grpc
import pytest
import pytest_asyncio
from fastapi import FastAPI
from grpc_health.v1 import health_pb2

from edu.course.bootstrap import CourseContainer
from edu.course.domain.course import Course
from edu.course.domain.values import CourseDetails, LessonContent
from edu.proto_gen.course.v1 import course_service_pb2 as pb
from edu.proto_gen.course.v1.course_service_pb2_grpc import CourseServiceStub

if TYPE_CHECKING:  # a stub-only type: it exists for mypy, not at run time
    from edu.proto_gen.course.v1.course_service_pb2_grpc import CourseServiceAsyncStub

TEACHER = uuid4()


@pytest_asyncio.fixture(loop_scope="session")
async def channel(app: FastAPI) -> AsyncIterator[grpc.aio.Channel]:
    """A channel to the gRPC server of the running app (its lifespan binds a free port)."""
    async with (
        app.router.lifespan_context(app),
        grpc.aio.insecure_channel(f"127.0.0.1:{app.state.grpc_port}") as channel,
    ):
        yield channel


@pytest.fixture
def stub(channel: grpc.aio.Channel) -> CourseServiceAsyncStub:
    return CourseServiceStub(channel)


async def course_with_lessons(app: FastAPI, *titles: str, publish: bool = True) -> Course:
    service: CourseContainer = app.state.course
    authoring = service.authoring
    course = await authoring.create_course(TEACHER, CourseDetails("Chess openings"))
    for title in titles:
        await authoring.add_lesson(TEACHER, course.id, LessonContent(title))
    if publish:
        await authoring.publish(TEACHER, course.id)
    return await authoring.own_course(TEACHER, course.id)


class TestGetCourse:
    async def test_answers_a_published_course_with_its_lessons_in_order_and_its_version(
        self, app: FastAPI, stub: CourseServiceAsyncStub
    ) -> None:
        course = await course_with_lessons(app, "Italian", "Sicilian")

        answer = await stub.GetCourse(pb.GetCourseRequest(course_id=str(course.id)), timeout=5)

        assert answer.course.status == pb.COURSE_STATUS_PUBLISHED
        assert (answer.course.title, answer.course.version) == ("Chess openings", course.version)
        assert [(le.id, le.title, le.position) for le in answer.course.lessons] == [
            (str(course.lessons[0].id), "Italian", 1),
            (str(course.lessons[1].id), "Sicilian", 2),
        ]

    async def test_answers_a_draft_as_a_draft_rather_than_hiding_it(
        self, app: FastAPI, stub: CourseServiceAsyncStub
    ) -> None:
        course = await course_with_lessons(app, "Italian", publish=False)

        answer = await stub.GetCourse(pb.GetCourseRequest(course_id=str(course.id)), timeout=5)

        assert answer.course.status == pb.COURSE_STATUS_DRAFT

    @pytest.mark.parametrize(
        ("course_id", "code"),
        [
            ("8e1b5c0a-0000-4000-8000-00000000dead", grpc.StatusCode.NOT_FOUND),
            ("42", grpc.StatusCode.INVALID_ARGUMENT),
        ],
    )
    async def test_an_unknown_or_malformed_id_is_a_grpc_error_not_an_answer(
        self, stub: CourseServiceAsyncStub, course_id: str, code: grpc.StatusCode
    ) -> None:
        with pytest.raises(grpc.aio.AioRpcError) as caught:
            await stub.GetCourse(pb.GetCourseRequest(course_id=course_id), timeout=5)
        assert caught.value.code() == code


class TestListLessons:
    async def test_answers_only_the_lessons_in_order(
        self, app: FastAPI, stub: CourseServiceAsyncStub
    ) -> None:
        course = await course_with_lessons(app, "Italian", "Sicilian")

        answer = await stub.ListLessons(pb.ListLessonsRequest(course_id=str(course.id)), timeout=5)

        assert [UUID(lesson.id) for lesson in answer.lessons] == list(course.lesson_ids)


class TestHealth:
    async def test_the_standard_health_service_reports_course_service_serving(
        self, channel: grpc.aio.Channel
    ) -> None:
        # The typing stubs of grpc_health give HealthStub no methods: call the RPC by its path.
        check = channel.unary_unary(
            "/grpc.health.v1.Health/Check",
            request_serializer=health_pb2.HealthCheckRequest.SerializeToString,
            response_deserializer=health_pb2.HealthCheckResponse.FromString,
        )

        answer = await check(
            health_pb2.HealthCheckRequest(service="edu.course.v1.CourseService"), timeout=5
        )

        assert answer.status == health_pb2.HealthCheckResponse.SERVING
