"""NATS JetStream, Redis and the fake clock, against real servers."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import nats
from nats.aio.client import Client as NatsClient
from redis.asyncio import Redis

from edu.common.clock import FakeClock
from edu.infra.probes import nats_answers
from edu.testing.nats_servers import NatsServerFactory


class TestNats:
    async def test_a_published_message_reaches_a_subscriber(
        self, nats_client: NatsClient, nats_namespace: str
    ) -> None:
        subject = f"{nats_namespace}.greetings"
        subscription = await nats_client.subscribe(subject)
        await nats_client.publish(subject, b"hello")
        message = await subscription.next_msg(timeout=2)
        assert message.data == b"hello"

    async def test_jetstream_keeps_messages_in_a_namespaced_stream(
        self, nats_client: NatsClient, nats_namespace: str
    ) -> None:
        jetstream = nats_client.jetstream()
        await jetstream.add_stream(
            name=f"{nats_namespace}_EVENTS", subjects=[f"{nats_namespace}.>"]
        )
        ack = await jetstream.publish(f"{nats_namespace}.course.created", b"{}")
        assert ack.stream == f"{nats_namespace}_EVENTS"

    async def test_namespaces_differ_between_tests(self, nats_namespace: str) -> None:
        assert nats_namespace.startswith("t")
        assert len(nats_namespace) == 11


class TestDedicatedNatsServers:
    async def test_a_stopped_server_refuses_and_a_restarted_one_keeps_its_streams(
        self, nats_server_factory: NatsServerFactory
    ) -> None:
        server = await nats_server_factory()
        client = await nats.connect(server.url)
        await client.jetstream().add_stream(name="OUTAGE", subjects=["outage.>"])
        await client.close()

        await server.stop()
        # A raw probe: nats-py 2.16's first connect keeps retrying a server that is down.
        assert not nats_answers("127.0.0.1", server.port)

        server.start()
        client = await nats.connect(server.url)
        info = await client.jetstream().stream_info("OUTAGE")
        await client.close()
        assert info.config.subjects == ["outage.>"]


class TestRedis:
    async def test_keys_under_the_namespace_round_trip(
        self, redis_client: Redis, redis_namespace: str
    ) -> None:
        await redis_client.set(f"{redis_namespace}attempts", 3)
        assert await redis_client.get(f"{redis_namespace}attempts") == b"3"

    async def test_expiry_is_real(self, redis_client: Redis, redis_namespace: str) -> None:
        await redis_client.set(f"{redis_namespace}short", 1, px=50)
        await asyncio.sleep(0.1)
        assert await redis_client.get(f"{redis_namespace}short") is None


class TestFakeClock:
    def test_moves_only_when_told(self, fake_clock: FakeClock) -> None:
        start = fake_clock.now()
        fake_clock.advance(timedelta(minutes=5))
        assert fake_clock.now() - start == timedelta(minutes=5)
