"""enrollment asks course over real gRPC (ADR 0004, ADR 0006): course's own server answers
enrollment's adapter, UNAVAILABLE is retried, and a slow or unreachable course is a 503
problem for the student, never a 500 or a hang."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
from collections.abc import AsyncIterator, Callable
from uuid import uuid4

import grpc
import httpx
import pytest
import pytest_asyncio
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from edu.auth.testing import TokenMinter
from edu.auth.tokens import TokenVerifier
from edu.course.bootstrap import CourseContainer
from edu.course.domain.course import Course
from edu.course.domain.values import CourseDetails, LessonContent
from edu.course.entrypoints.grpc_server import serving_grpc
from edu.enrollment.adapters.course_grpc_client import GrpcCourseDirectory
from edu.enrollment.adapters.unit_of_work import SqlAlchemyEnrollmentUnitOfWork
from edu.enrollment.domain.course_outline import CourseOutline
from edu.enrollment.entrypoints.app import make_app
from edu.enrollment.service_layer.ports import CourseServiceUnavailable
from edu.enrollment.settings import EnrollmentSettings
from edu.proto_gen.course.v1 import course_service_pb2 as pb
from edu.proto_gen.course.v1.course_service_pb2_grpc import CourseServiceServicer

TEACHER = uuid4()
PROBLEM = "application/problem+json"
DEADLINE = 0.3  # enrollment's budget for one GetCourse in these tests, retries included

Context = grpc.aio.ServicerContext[pb.GetCourseRequest, pb.GetCourseResponse]
ListContext = grpc.aio.ServicerContext[pb.ListLessonsRequest, pb.ListLessonsResponse]


class ScriptedCourseService(CourseServiceServicer):
    """A stand-in course server: answers after ``delay`` seconds, or first fails ``unavailable``
    times with UNAVAILABLE (a course process restarting). Keeps how often it was called."""

    def __init__(self, *, delay: float = 0.0, unavailable: int = 0) -> None:
        self.delay, self.unavailable, self.calls = delay, unavailable, 0
        self.course = pb.Course(
            id=str(uuid4()), title="Optics", status=pb.COURSE_STATUS_PUBLISHED, version=2
        )

    async def GetCourse(  # noqa: N802 - the name is the RPC's in course_service.proto
        self, request: pb.GetCourseRequest, context: Context
    ) -> pb.GetCourseResponse:
        self.calls += 1
        if self.calls <= self.unavailable:
            await context.abort(grpc.StatusCode.UNAVAILABLE, "restarting")
        await asyncio.sleep(self.delay)
        return pb.GetCourseResponse(course=self.course)

    async def ListLessons(  # noqa: N802 - the name is the RPC's in course_service.proto
        self, request: pb.ListLessonsRequest, context: ListContext
    ) -> pb.ListLessonsResponse:
        await context.abort(grpc.StatusCode.UNIMPLEMENTED, "not needed here")


@contextlib.asynccontextmanager
async def grpc_directory(
    target: str, deadline: float = DEADLINE
) -> AsyncIterator[GrpcCourseDirectory]:
    directory = GrpcCourseDirectory(target, deadline=deadline)
    try:
        yield directory
    finally:
        await directory.aclose()


def free_port() -> int:
    """A port nothing listens on (bound and released at once)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest_asyncio.fixture(loop_scope="session")
async def course_app(course_app_factory: Callable[..., FastAPI]) -> AsyncIterator[FastAPI]:
    """The real course service, running: its lifespan serves gRPC on a free port."""
    app = course_app_factory()
    async with app.router.lifespan_context(app):
        yield app


async def published_course(course_app: FastAPI, *, publish: bool = True) -> Course:
    service: CourseContainer = course_app.state.course
    course = await service.authoring.create_course(TEACHER, CourseDetails("Optics"))
    for title in ("Lenses", "Mirrors"):
        await service.authoring.add_lesson(TEACHER, course.id, LessonContent(title))
    if publish:
        await service.authoring.publish(TEACHER, course.id)
    return await service.authoring.own_course(TEACHER, course.id)


def target_of(course_app: FastAPI) -> str:
    return f"127.0.0.1:{course_app.state.grpc_port}"


@pytest.fixture
def enrollment_with(
    sessions: async_sessionmaker[AsyncSession], minter: TokenMinter
) -> Callable[[GrpcCourseDirectory], httpx.AsyncClient]:
    """An HTTP client of the enrollment app whose course fallback is the given gRPC adapter."""

    def client(directory: GrpcCourseDirectory) -> httpx.AsyncClient:
        app = make_app(
            EnrollmentSettings(database_url="postgresql+asyncpg://unused/unused", nats_url=None),
            sessions=sessions,
            verifier=TokenVerifier.from_keys(minter.jwks()),
            directory=directory,
        )
        transport = httpx.ASGITransport(app=app)
        return httpx.AsyncClient(transport=transport, base_url="http://enrollment.test")

    return client


async def enrol(
    client: httpx.AsyncClient, minter: TokenMinter, course_id: object
) -> httpx.Response:
    headers = minter.headers(user_id=uuid4(), roles={"student"})
    async with client:
        return await client.post(
            "/enrollments", json={"course_id": str(course_id)}, headers=headers
        )


class TestAskingTheRealCourseService:
    async def test_a_course_enrollment_never_saw_comes_back_as_its_outline(
        self, course_app: FastAPI
    ) -> None:
        course = await published_course(course_app)

        async with grpc_directory(target_of(course_app), deadline=5) as directory:
            outline = await directory.fetch_outline(course.id)

        assert outline == CourseOutline(
            course.id, "Optics", True, frozenset(course.lesson_ids), course.version
        )

    async def test_a_student_enrols_in_it_and_enrollment_remembers_it(
        self,
        course_app: FastAPI,
        minter: TokenMinter,
        enrollment_with: Callable[[GrpcCourseDirectory], httpx.AsyncClient],
        uow: SqlAlchemyEnrollmentUnitOfWork,
    ) -> None:
        course = await published_course(course_app)

        async with grpc_directory(target_of(course_app), deadline=5) as directory:
            answer = await enrol(enrollment_with(directory), minter, course.id)

        assert (answer.status_code, answer.json()["course_title"]) == (201, "Optics")
        async with uow:
            assert (await uow.outlines.get(course.id)) is not None

    async def test_an_unknown_course_is_a_404_and_a_draft_a_409_for_the_student(
        self,
        course_app: FastAPI,
        minter: TokenMinter,
        enrollment_with: Callable[[GrpcCourseDirectory], httpx.AsyncClient],
    ) -> None:
        draft = await published_course(course_app, publish=False)

        async with grpc_directory(target_of(course_app), deadline=5) as directory:
            unknown = await enrol(enrollment_with(directory), minter, uuid4())
            closed = await enrol(enrollment_with(directory), minter, draft.id)

        assert (unknown.status_code, unknown.headers["content-type"]) == (404, PROBLEM)
        assert (closed.status_code, closed.headers["content-type"]) == (409, PROBLEM)


class TestWhenCourseIsNotWell:
    async def test_unavailable_is_retried_so_a_restarting_course_costs_no_error(self) -> None:
        servicer = ScriptedCourseService(unavailable=2)

        async with serving_grpc(servicer, 0) as port, grpc_directory(f"127.0.0.1:{port}", 5) as d:
            outline = await d.fetch_outline(uuid4())

        assert outline is not None
        assert (outline.title, servicer.calls) == ("Optics", 3)

    async def test_a_slow_course_exceeds_the_deadline_and_is_a_domain_error(
        self, caplog: pytest.LogCaptureFixture
    ) -> None:
        servicer = ScriptedCourseService(delay=30 * DEADLINE)

        async with (
            serving_grpc(servicer, 0, grace=0) as port,
            grpc_directory(f"127.0.0.1:{port}") as directory,
        ):
            with (
                caplog.at_level(logging.WARNING, "edu.enrollment.course_client"),
                pytest.raises(CourseServiceUnavailable),
            ):
                await directory.fetch_outline(uuid4())

        assert servicer.calls == 1  # the call arrived: it was the deadline, not the network
        assert "DEADLINE_EXCEEDED" in caplog.text

    async def test_a_slow_course_is_a_503_problem_for_the_student_not_a_500(
        self,
        minter: TokenMinter,
        enrollment_with: Callable[[GrpcCourseDirectory], httpx.AsyncClient],
    ) -> None:
        servicer = ScriptedCourseService(delay=30 * DEADLINE)

        async with (
            serving_grpc(servicer, 0, grace=0) as port,
            grpc_directory(f"127.0.0.1:{port}") as directory,
        ):
            answer = await enrol(enrollment_with(directory), minter, uuid4())

        assert (answer.status_code, answer.headers["content-type"]) == (503, PROBLEM)
        assert answer.json()["type"].endswith("course-service-unavailable")

    async def test_an_unreachable_course_is_a_503_problem_after_the_retries(
        self,
        minter: TokenMinter,
        enrollment_with: Callable[[GrpcCourseDirectory], httpx.AsyncClient],
        caplog: pytest.LogCaptureFixture,
    ) -> None:
        # A generous deadline: the bounded retries, not the deadline, must end this call.
        async with grpc_directory(f"127.0.0.1:{free_port()}", deadline=5) as directory:
            with caplog.at_level(logging.WARNING, "edu.enrollment.course_client"):
                answer = await enrol(enrollment_with(directory), minter, uuid4())

        assert answer.status_code == 503
        assert "UNAVAILABLE" in caplog.text
