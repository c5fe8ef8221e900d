"""Fixtures for analytics-api's unit tests: the reader is a fake, tokens come from a minter."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import httpx
import pytest
from fastapi import FastAPI

from edu.analytics_api.entrypoints.app import make_app
from edu.analytics_api.service_layer.ports import OwnedCourse
from edu.analytics_api.settings import AnalyticsApiSettings
from edu.analytics_api.testing import FakeAnalyticsReader
from edu.auth.testing import TokenMinter
from edu.auth.tokens import TokenVerifier
from edu.common.clock import FakeClock
from edu.common.settings import Environment

TEACHER_ID = "0b6f2a5e-0000-4000-8000-000000000001"
OTHER_TEACHER_ID = "0b6f2a5e-0000-4000-8000-000000000002"


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime(2026, 3, 10, 12, 0, tzinfo=UTC))


@pytest.fixture
def reader() -> FakeAnalyticsReader:
    fake = FakeAnalyticsReader()
    fake.courses["c-1"] = OwnedCourse("c-1", TEACHER_ID, "SQL", ("l-1", "l-2"))
    fake.courses["c-2"] = OwnedCourse("c-2", OTHER_TEACHER_ID, "Rust", ("l-9",))
    return fake


@pytest.fixture
def minter() -> TokenMinter:
    return TokenMinter()


@pytest.fixture
def teacher(minter: TokenMinter) -> dict[str, str]:
    """The headers of the teacher who owns c-1."""
    return minter.headers(user_id=uuid.UUID(TEACHER_ID), roles={"teacher"})


@pytest.fixture
def app(reader: FakeAnalyticsReader, minter: TokenMinter, clock: FakeClock) -> FastAPI:
    settings = AnalyticsApiSettings(
        environment=Environment.TEST, database_url="postgresql+asyncpg://unused/analytics"
    )
    return make_app(
        settings, reader=reader, verifier=TokenVerifier.from_keys(minter.jwks()), clock=clock
    )


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://analytics.test") as http:
        yield http
