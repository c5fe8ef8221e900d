"""Enrollment integration fixtures: its migrations, sessions bound to the test's transaction,
a fake course service, and an app wired to them with a throwaway token key; for the tests
across the two services, the real course service on a database of its own."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import httpx
import pytest
import pytest_asyncio
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession, async_sessionmaker

from edu.auth.testing import TokenMinter
from edu.auth.tokens import TokenVerifier
from edu.course.entrypoints.app import make_app as make_course_app
from edu.course.settings import CourseSettings
from edu.db.engine import create_engine, session_factory
from edu.db.outbox import EventPublisher
from edu.enrollment.adapters.unit_of_work import SqlAlchemyEnrollmentUnitOfWork
from edu.enrollment.entrypoints.app import make_app
from edu.enrollment.settings import EnrollmentSettings
from edu.enrollment.testing import FakeCourseDirectory
from edu.testing.database_fixtures import PostgresServer
from edu.testing.template_databases import clone_from_template, drop_database

WORKSPACE = Path(__file__).parents[5]
MakeCourseApp = Callable[..., FastAPI]


@pytest.fixture(scope="session")
def migrations_path() -> Path:
    return WORKSPACE / "migrations" / "enrollment"


@pytest.fixture
def sessions(db_connection: AsyncConnection) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(
        bind=db_connection, join_transaction_mode="create_savepoint", expire_on_commit=False
    )


@pytest.fixture
def uow(sessions: async_sessionmaker[AsyncSession]) -> SqlAlchemyEnrollmentUnitOfWork:
    return SqlAlchemyEnrollmentUnitOfWork(sessions)


@pytest.fixture(scope="session")
def minter() -> TokenMinter:
    return TokenMinter()


@pytest.fixture
def course_service() -> FakeCourseDirectory:
    return FakeCourseDirectory()


@pytest.fixture(scope="session")
def settings() -> EnrollmentSettings:
    return EnrollmentSettings(database_url="postgresql+asyncpg://unused/unused", nats_url=None)


@pytest.fixture
def app(
    settings: EnrollmentSettings,
    sessions: async_sessionmaker[AsyncSession],
    minter: TokenMinter,
    course_service: FakeCourseDirectory,
) -> FastAPI:
    return make_app(
        settings,
        sessions=sessions,
        verifier=TokenVerifier.from_keys(minter.jwks()),
        directory=course_service,
    )


@pytest_asyncio.fixture(loop_scope="session")
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://enrollment.test") as client:
        yield client


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def course_database_url(postgres_server: PostgresServer) -> AsyncIterator[str]:
    """A database of the course service (its own migrations), beside enrollment's."""
    admin = postgres_server.url("postgres")
    name = f"edu_test_course_for_enrollment_{uuid.uuid4().hex[:8]}"
    await clone_from_template(admin, WORKSPACE / "migrations" / "course", name)
    yield postgres_server.url(name)
    await drop_database(admin, name)


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def course_engine(course_database_url: str) -> AsyncIterator[AsyncEngine]:
    """Real commits: course's own relay must see its outbox rows from another connection."""
    engine = create_engine(course_database_url, pool_size=3)
    yield engine
    await engine.dispose()


@pytest.fixture
def course_app_factory(course_engine: AsyncEngine, minter: TokenMinter) -> MakeCourseApp:
    """The real course app; its lifespan starts its relay (given a publisher) and its gRPC
    server on a free port (``app.state.grpc_port``)."""

    def make(publisher: EventPublisher | None = None) -> FastAPI:
        settings = CourseSettings(
            database_url="postgresql+asyncpg://unused/unused", nats_url=None, grpc_port=0
        )
        return make_course_app(
            settings,
            sessions=session_factory(course_engine),
            verifier=TokenVerifier.from_keys(minter.jwks()),
            publisher=publisher,
        )

    return make
