"""edu.db's integration tests run against a database holding just the outbox table, and a
JetStream stream of their own (namespaced, so parallel tests never see each other's events)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import nats
import pytest
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession, async_sessionmaker

from edu.db.outbox import JetStreamPublisher
from edu.events import DecodedEvent, decode

MakePublisher = Callable[[str], JetStreamPublisher]
ReadStream = Callable[[str], Awaitable[list[DecodedEvent]]]


@pytest.fixture(scope="session")
def migrations_path() -> Path:
    return Path(__file__).parent / "outbox_migrations"


@pytest.fixture
def sessions(db_connection: AsyncConnection) -> async_sessionmaker[AsyncSession]:
    """Sessions as the application makes them, bound to the test's rolled-back connection."""
    return async_sessionmaker(
        bind=db_connection, join_transaction_mode="create_savepoint", expire_on_commit=False
    )


@pytest.fixture
def stream(nats_namespace: str) -> str:
    return f"EVENTS_{nats_namespace}"


@pytest.fixture
def subject_prefix(nats_namespace: str) -> str:
    return f"{nats_namespace}.events"


@pytest.fixture
async def make_publisher(stream: str, subject_prefix: str) -> AsyncIterator[MakePublisher]:
    """JetStream publishers on this test's stream (short ack timeout), closed after the test."""
    made: list[JetStreamPublisher] = []

    def make(url: str) -> JetStreamPublisher:
        publisher = JetStreamPublisher(
            url, stream=stream, subject_prefix=subject_prefix, ack_timeout=0.5, connect_timeout=0.5
        )
        made.append(publisher)
        return publisher

    yield make
    for publisher in made:
        await publisher.close()


@pytest.fixture
def read_stream(stream: str) -> ReadStream:
    """Every event stored in this test's stream on the server at ``url``, in stream order,
    decoded from the wire with ``edu.events.decode`` (the way every consumer reads them)."""

    async def read(url: str) -> list[DecodedEvent]:
        client = await nats.connect(url)
        try:
            js = client.jetstream()
            count = (await js.stream_info(stream)).state.messages
            if count == 0:
                return []
            subscription = await js.pull_subscribe("", stream=stream)
            events: list[DecodedEvent] = []
            while len(events) < count:
                batch = await subscription.fetch(count - len(events), timeout=2)
                events.extend(decode(message.data) for message in batch)
            return events
        finally:
            await client.close()

    return read
