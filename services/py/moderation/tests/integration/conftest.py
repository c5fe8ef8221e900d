"""moderation's integration fixtures: its migrations, sessions bound to the test's transaction,
and an app wired to them with a throwaway token key."""

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
from edu.moderation.bootstrap import ModerationContainer
from edu.moderation.entrypoints.app import make_app
from edu.moderation.settings import ModerationSettings

WORKSPACE = Path(__file__).parents[5]


@pytest.fixture(scope="session")
def migrations_path() -> Path:
    return WORKSPACE / "migrations" / "moderation"


@pytest.fixture
def sessions(db_connection: AsyncConnection) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(
        bind=db_connection, join_transaction_mode="create_savepoint", expire_on_commit=False
    )


@pytest.fixture(scope="session")
def minter() -> TokenMinter:
    return TokenMinter()


@pytest.fixture(scope="session")
def settings() -> ModerationSettings:
    return ModerationSettings(database_url="postgresql+asyncpg://unused/unused", nats_url=None)


@pytest.fixture
def app(
    settings: ModerationSettings, sessions: async_sessionmaker[AsyncSession], minter: TokenMinter
) -> FastAPI:
    return make_app(settings, sessions=sessions, verifier=TokenVerifier.from_keys(minter.jwks()))


@pytest.fixture
def service(app: FastAPI) -> ModerationContainer:
    wired: ModerationContainer = app.state.moderation
    return wired


@pytest_asyncio.fixture(loop_scope="session")
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://moderation.test") as c:
        yield c
