"""Course integration fixtures: its migrations, sessions bound to the test's transaction, and
an app wired to them with a throwaway token key."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
import pytest_asyncio
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession, async_sessionmaker

from edu.auth.testing import TokenMinter
from edu.auth.tokens import TokenVerifier
from edu.course.adapters.unit_of_work import SqlAlchemyCourseUnitOfWork
from edu.course.entrypoints.app import make_app
from edu.course.settings import CourseSettings


@pytest.fixture(scope="session")
def migrations_path() -> Path:
    return Path(__file__).parents[5] / "migrations" / "course"


@pytest.fixture
def sessions(db_connection: AsyncConnection) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(
        bind=db_connection, join_transaction_mode="create_savepoint", expire_on_commit=False
    )


@pytest.fixture
def uow(sessions: async_sessionmaker[AsyncSession]) -> SqlAlchemyCourseUnitOfWork:
    return SqlAlchemyCourseUnitOfWork(sessions)


@pytest.fixture(scope="session")
def minter() -> TokenMinter:
    return TokenMinter()


@pytest.fixture
def app(sessions: async_sessionmaker[AsyncSession], minter: TokenMinter) -> FastAPI:
    settings = CourseSettings(
        database_url="postgresql+asyncpg://unused/unused", nats_url=None, grpc_port=0
    )
    return make_app(settings, sessions=sessions, verifier=TokenVerifier.from_keys(minter.jwks()))


@pytest_asyncio.fixture(loop_scope="session")
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://course.test") as client:
        yield client
