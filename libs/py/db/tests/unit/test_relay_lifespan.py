"""service_relay and relay_lifespan: the relay every service builds and runs beside its app."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy.ext.asyncio import async_sessionmaker

from edu.db.outbox import relay_lifespan, service_relay
from edu.db.testing import FakeEventPublisher


class FakeRelay:
    """Runs until told to stop; keeps whether it ran, stopped and was closed."""

    def __init__(self) -> None:
        self.running = asyncio.Event()
        self.stopped = False
        self.closed = False

    async def run(self, stop: asyncio.Event) -> None:
        self.running.set()
        await stop.wait()
        self.stopped = True

    async def close(self) -> None:
        assert self.stopped, "closed while still running"
        self.closed = True


class TestRelayLifespan:
    async def test_runs_the_relay_and_the_loops_beside_it_until_the_block_ends(self) -> None:
        relay, consumer = FakeRelay(), FakeRelay()

        async with relay_lifespan(relay, consumer.run):
            await asyncio.wait_for(relay.running.wait(), timeout=2)
            await asyncio.wait_for(consumer.running.wait(), timeout=2)
            assert not relay.stopped

        assert (relay.stopped, relay.closed, consumer.stopped) == (True, True, True)

    async def test_without_a_relay_the_other_loops_still_run(self) -> None:
        consumer = FakeRelay()

        async with relay_lifespan(None, consumer.run, None):
            await asyncio.wait_for(consumer.running.wait(), timeout=2)

        assert consumer.stopped

    async def test_a_loop_that_fails_does_not_keep_the_relay_from_stopping_and_closing(
        self, caplog: pytest.LogCaptureFixture
    ) -> None:
        relay = FakeRelay()

        async def broken(stop: asyncio.Event) -> None:
            raise RuntimeError("bug in a consumer")

        async with relay_lifespan(relay, broken):
            await asyncio.wait_for(relay.running.wait(), timeout=2)

        assert relay.closed
        assert "bug in a consumer" in caplog.text

    async def test_stops_everything_when_the_app_fails_too(self) -> None:
        relay = FakeRelay()

        async def failing_app() -> None:
            async with relay_lifespan(relay):
                await asyncio.wait_for(relay.running.wait(), timeout=2)
                raise ValueError("start-up failed")

        with pytest.raises(ValueError, match="start-up failed"):
            await failing_app()

        assert relay.closed


class TestServiceRelay:
    def test_without_a_bus_or_a_publisher_there_is_nothing_to_relay(self) -> None:
        assert service_relay(async_sessionmaker(), nats_url=None) is None

    async def test_a_given_publisher_wins_and_is_closed_with_the_relay(self) -> None:
        publisher = FakeEventPublisher()
        relay = service_relay(async_sessionmaker(), nats_url="nats://unused:1", publisher=publisher)

        assert relay is not None
        await relay.close()
        assert publisher.closed

    def test_a_bus_url_alone_makes_a_relay_that_connects_only_when_it_runs(self) -> None:
        assert service_relay(async_sessionmaker(), nats_url="nats://127.0.0.1:1") is not None
