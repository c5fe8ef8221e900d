"""identity against real PostgreSQL (rolled back per test), Redis and NATS from edu.testing."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession, async_sessionmaker

from edu.common.clock import FakeClock
from edu.common.settings import Environment
from edu.identity.adapters.argon2_hasher import Argon2PasswordHasher
from edu.identity.adapters.redis_throttle import RedisAttemptStore
from edu.identity.entrypoints.app import make_app
from edu.identity.settings import IdentitySettings

REPO = Path(__file__).resolve().parents[5]


@pytest.fixture(scope="session")
def migrations_path() -> Path:
    return REPO / "migrations" / "identity"


@pytest.fixture
def sessions(db_connection: AsyncConnection) -> async_sessionmaker[AsyncSession]:
    """The app's sessions, bound to the test's connection: commits become savepoints."""
    return async_sessionmaker(
        bind=db_connection, join_transaction_mode="create_savepoint", expire_on_commit=False
    )


@pytest.fixture
def attempts(redis_client: Redis, redis_namespace: str, fake_clock: FakeClock) -> RedisAttemptStore:
    return RedisAttemptStore(redis_client, prefix=f"{redis_namespace}:", clock=fake_clock)


@pytest.fixture(scope="session")
def hasher() -> Argon2PasswordHasher:
    # Real argon2id at minimal cost: the OWASP parameters are asserted in the unit tests, and
    # hundreds of sign-ins at 19 MiB each would dominate the suite's time.
    return Argon2PasswordHasher.cheap_for_tests()


@pytest.fixture
def app(
    database_url: str,
    redis_url: str,
    sessions: async_sessionmaker[AsyncSession],
    attempts: RedisAttemptStore,
    hasher: Argon2PasswordHasher,
    fake_clock: FakeClock,
) -> FastAPI:
    settings = IdentitySettings(
        environment=Environment.TEST, database_url=database_url, redis_url=redis_url
    )
    return make_app(
        settings, sessions=sessions, attempts=attempts, password_hasher=hasher, clock=fake_clock
    )


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://identity.test") as http:
        yield http
