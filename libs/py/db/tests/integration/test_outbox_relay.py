"""The outbox relay against real PostgreSQL and NATS JetStream: order, at-least-once, outages."""

from __future__ import annotations

import asyncio
import uuid
from collections import defaultdict
from collections.abc import Awaitable, Callable

from sqlalchemy import func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from edu.common.clock import FakeClock
from edu.db.outbox import OUTBOX, JetStreamPublisher, OutboxEvent, OutboxRelay
from edu.db.testing import FakeEventPublisher
from edu.db.uow import SqlAlchemyUnitOfWork
from edu.events import DecodedEvent
from edu.proto_gen.events.v1.course_events_pb2 import CourseUpdated
from edu.testing.nats_servers import NatsServerFactory

MakePublisher = Callable[[str], JetStreamPublisher]
ReadStream = Callable[[str], Awaitable[list[DecodedEvent]]]
Sessions = async_sessionmaker[AsyncSession]

# Three aggregates whose events interleave, as concurrent use cases would write them.
INTERLEAVED = [("a", 1), ("b", 1), ("a", 2), ("c", 1), ("b", 2), ("a", 3), ("c", 2), ("b", 3)]


async def write(sessions: Sessions, plan: list[tuple[str, int]]) -> list[OutboxEvent]:
    """One committed unit of work per event, in ``plan`` order."""
    clock = FakeClock()
    written = []
    for aggregate_id, version in plan:
        event = OutboxEvent.new(
            type="course.updated",
            aggregate_id=aggregate_id,
            version=version,
            payload=CourseUpdated(course_id=aggregate_id, title=f"v{version}"),
            clock=clock,
        )
        async with SqlAlchemyUnitOfWork(sessions) as uow:
            uow.outbox.add(event)
            await uow.commit()
        written.append(event)
    return written


async def unpublished(sessions: Sessions) -> int:
    async with sessions() as session:
        query = select(func.count()).where(OUTBOX.c.published_at.is_(None))
        return (await session.execute(query)).scalar_one()


def versions_by_aggregate(events: list[DecodedEvent]) -> dict[str, list[int]]:
    seen: dict[str, list[int]] = defaultdict(list)
    for event in events:
        seen[event.aggregate_id].append(event.version)
    return dict(seen)


async def drain(relay: OutboxRelay, sessions: Sessions, *, within: float = 15.0) -> None:
    """relay_once until nothing is left, as ``run`` would (bounded, so a bug cannot hang)."""
    async with asyncio.timeout(within):
        while await unpublished(sessions):
            if not await relay.relay_once():
                await asyncio.sleep(0.1)


class FailingOnce:
    """Publishes through ``inner`` but fails the first attempt at one chosen event."""

    def __init__(self, inner: FakeEventPublisher, event: OutboxEvent) -> None:
        self.inner = inner
        self.event = event
        self.failed = False

    async def publish(self, event: OutboxEvent) -> None:
        if event.id == self.event.id and not self.failed:
            self.failed = True
            raise ConnectionError("bus hiccup")
        await self.inner.publish(event)

    async def close(self) -> None:
        await self.inner.close()


class SignallingPublisher(FakeEventPublisher):
    """Sets ``all_published`` once ``expected`` events went out."""

    def __init__(self, expected: int) -> None:
        super().__init__()
        self.expected = expected
        self.all_published = asyncio.Event()

    async def publish(self, event: OutboxEvent) -> None:
        await super().publish(event)
        if len(self.published) >= self.expected:
            self.all_published.set()


class TestPublishingInOrder:
    async def test_each_aggregates_events_arrive_once_and_in_version_order(
        self,
        sessions: Sessions,
        nats_url: str,
        make_publisher: MakePublisher,
        read_stream: ReadStream,
    ) -> None:
        written = await write(sessions, INTERLEAVED)
        relay = OutboxRelay(sessions, make_publisher(nats_url), batch_size=3)

        await drain(relay, sessions)

        delivered = await read_stream(nats_url)
        assert sorted(e.id for e in delivered) == sorted(e.id for e in written)
        assert versions_by_aggregate(delivered) == {"a": [1, 2, 3], "b": [1, 2, 3], "c": [1, 2]}

    async def test_a_failed_publish_stops_the_batch_so_nothing_overtakes_it(
        self, sessions: Sessions
    ) -> None:
        written = await write(sessions, INTERLEAVED)
        publisher = FakeEventPublisher()
        relay = OutboxRelay(sessions, FailingOnce(publisher, written[2]))

        assert await relay.relay_once() == 2
        assert await unpublished(sessions) == len(written) - 2
        async with sessions() as session:
            attempts, error = (
                await session.execute(
                    select(OUTBOX.c.attempts, OUTBOX.c.last_error).where(
                        OUTBOX.c.id == written[2].id
                    )
                )
            ).one()
        assert (attempts, error) == (1, "bus hiccup")

        assert await relay.relay_once() == len(written) - 2
        assert [e.id for e in publisher.published] == [e.id for e in written]

    async def test_republishing_after_a_crash_is_deduplicated_by_event_id(
        self,
        sessions: Sessions,
        nats_url: str,
        make_publisher: MakePublisher,
        read_stream: ReadStream,
    ) -> None:
        written = await write(sessions, INTERLEAVED[:4])
        relay = OutboxRelay(sessions, make_publisher(nats_url))
        await drain(relay, sessions)
        # A crash after publishing but before marking: the rows look unpublished again.
        async with sessions() as session, session.begin():
            await session.execute(update(OUTBOX).values(published_at=None))

        await drain(relay, sessions)

        assert [e.id for e in await read_stream(nats_url)] == [e.id for e in written]


class TestTheWireFormat:
    async def test_events_travel_as_the_generated_envelope_with_their_typed_payload(
        self,
        sessions: Sessions,
        nats_url: str,
        make_publisher: MakePublisher,
        read_stream: ReadStream,
    ) -> None:
        [written] = await write(sessions, [("a", 1)])

        await drain(OutboxRelay(sessions, make_publisher(nats_url)), sessions)

        [delivered] = await read_stream(nats_url)
        assert (delivered.id, delivered.type, delivered.aggregate) == (
            written.id,
            "course.updated",
            "course",
        )
        assert delivered.occurred_at == written.occurred_at
        assert delivered.payload == CourseUpdated(course_id="a", title="v1")

    async def test_a_stored_event_that_breaks_the_contract_is_held_back_with_the_reason(
        self, sessions: Sessions
    ) -> None:
        # Written around OutboxEvent.new (which would refuse it), as an old build might have.
        async with sessions() as session, session.begin():
            await session.execute(
                insert(OUTBOX).values(
                    id=uuid.uuid4(),
                    type="user.registered",
                    aggregate="user",
                    aggregate_id="u-1",
                    version=1,
                    occurred_at=FakeClock().now(),
                    payload={"user_id": "u-1", "roles": ["student"]},
                )
            )
        relay = OutboxRelay(sessions, JetStreamPublisher("nats://127.0.0.1:1"))

        assert await relay.relay_once() == 0
        async with sessions() as session:
            error = (await session.execute(select(OUTBOX.c.last_error))).scalar_one()
        assert "does not match edu.events.v1.UserRegistered" in error


class TestSurvivingAnOutage:
    async def test_events_written_while_nats_is_down_are_all_delivered_after_it_returns(
        self,
        sessions: Sessions,
        nats_server_factory: NatsServerFactory,
        make_publisher: MakePublisher,
        read_stream: ReadStream,
    ) -> None:
        server = await nats_server_factory()
        url = server.url
        relay = OutboxRelay(sessions, make_publisher(url))
        before = await write(sessions, INTERLEAVED[:3])
        assert await relay.relay_once() == 3

        await server.stop()
        during = await write(sessions, INTERLEAVED[3:])
        assert await relay.relay_once() == 0
        assert await relay.relay_once() == 0
        assert await unpublished(sessions) == len(during), (
            "events were marked sent but never delivered"
        )

        await server.start()
        await drain(relay, sessions)

        delivered = await read_stream(url)
        assert sorted(e.id for e in delivered) == sorted(e.id for e in before + during)
        assert versions_by_aggregate(delivered) == {"a": [1, 2, 3], "b": [1, 2, 3], "c": [1, 2]}


class TestRunningInTheBackground:
    async def test_run_publishes_what_is_committed_and_stops_when_told(
        self, sessions: Sessions
    ) -> None:
        written = await write(sessions, INTERLEAVED)
        publisher = SignallingPublisher(expected=len(written))
        relay = OutboxRelay(sessions, publisher, batch_size=3, poll_interval=0.05)
        stop = asyncio.Event()

        task = asyncio.create_task(relay.run(stop))
        await asyncio.wait_for(publisher.all_published.wait(), timeout=10)
        stop.set()
        await asyncio.wait_for(task, timeout=5)

        assert [e.id for e in publisher.published] == [e.id for e in written]

    async def test_an_event_committed_while_the_relay_idles_goes_out_without_waiting_for_a_poll(
        self, sessions: Sessions
    ) -> None:
        """The unit of work wakes the relay (edu.db.outbox.wakeup): with a poll a minute
        apart, only the wake-up can publish the event within the test's 10 s."""
        publisher = SignallingPublisher(expected=1)
        relay = OutboxRelay(sessions, publisher, poll_interval=60.0)
        stop = asyncio.Event()
        task = asyncio.create_task(relay.run(stop))
        await asyncio.sleep(0.2)  # its first batch found nothing: it idles for a minute

        [event] = await write(sessions, [("a", 1)])
        await asyncio.wait_for(publisher.all_published.wait(), timeout=10)
        stop.set()
        await asyncio.wait_for(task, timeout=5)

        assert [e.id for e in publisher.published] == [event.id]

    async def test_run_keeps_retrying_while_publishing_fails(self, sessions: Sessions) -> None:
        written = await write(sessions, INTERLEAVED[:2])
        publisher = SignallingPublisher(expected=len(written))
        publisher.fail_next = 3
        relay = OutboxRelay(sessions, publisher, poll_interval=0.01, max_backoff=0.05)
        stop = asyncio.Event()

        task = asyncio.create_task(relay.run(stop))
        await asyncio.wait_for(publisher.all_published.wait(), timeout=10)
        stop.set()
        await asyncio.wait_for(task, timeout=5)

        assert publisher.fail_next == 0
        assert [e.id for e in publisher.published] == [e.id for e in written]
