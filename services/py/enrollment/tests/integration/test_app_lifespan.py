"""With NATS configured, the app runs its course-events and payment-events consumers and its
outbox relay (through edu.db's relay_lifespan) for as long as it runs, on a NATS server of this
test's own.

Real commits are needed (the relay and the consumer work beside the request, on their own
connections), so this test uses its own engine and deletes what it made afterwards.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from uuid import UUID, uuid4

import httpx
import nats
import pytest_asyncio
from nats.js import JetStreamContext
from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncEngine

from edu.auth.testing import TokenMinter
from edu.auth.tokens import TokenVerifier
from edu.common.clock import FakeClock
from edu.db.engine import create_engine, session_factory
from edu.db.outbox import OutboxEvent
from edu.enrollment.adapters.orm import course_outlines, enrollments, outbox, purchases
from edu.enrollment.entrypoints.app import make_app
from edu.enrollment.settings import EnrollmentSettings
from edu.enrollment.testing import FakeCourseDirectory
from edu.events import decode, encode
from edu.proto_gen.events.v1.course_events_pb2 import CoursePublished
from edu.proto_gen.events.v1.enrollment_events_pb2 import EnrollmentCreated
from edu.proto_gen.events.v1.payment_events_pb2 import PaymentSucceeded
from edu.testing.nats_servers import NatsServerFactory


@pytest_asyncio.fixture(loop_scope="session")
async def committing_engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(database_url, pool_size=3)
    yield engine
    await engine.dispose()


async def forget(engine: AsyncEngine, course_id: UUID) -> None:
    async with engine.begin() as connection:
        await connection.execute(
            delete(outbox).where(outbox.c.payload["course_id"].astext == str(course_id))
        )
        await connection.execute(delete(enrollments).where(enrollments.c.course_id == course_id))
        await connection.execute(delete(purchases).where(purchases.c.course_id == course_id))
        await connection.execute(
            delete(course_outlines).where(course_outlines.c.course_id == course_id)
        )


async def next_message(js: JetStreamContext, subject: str) -> bytes:
    subscription = await js.pull_subscribe(subject, stream="EVENTS")
    [message] = await subscription.fetch(1, timeout=10)
    return message.data


class TestTheAppLifespan:
    async def test_learns_a_course_from_its_event_and_publishes_the_enrollment_it_allows(
        self,
        committing_engine: AsyncEngine,
        nats_server_factory: NatsServerFactory,
        minter: TokenMinter,
    ) -> None:
        server = await nats_server_factory()
        directory = FakeCourseDirectory()
        app = make_app(
            EnrollmentSettings(
                database_url="postgresql+asyncpg://unused/unused", nats_url=server.url
            ),
            sessions=session_factory(committing_engine),
            verifier=TokenVerifier.from_keys(minter.jwks()),
            directory=directory,
        )
        course_id, student = uuid4(), uuid4()
        published = OutboxEvent.new(
            type="course.published",
            aggregate_id=course_id,
            version=2,
            payload=CoursePublished(
                course_id=str(course_id), title="Sailing", lesson_ids=[str(uuid4())]
            ),
            clock=FakeClock(),
        )
        client = await nats.connect(server.url)
        js = client.jetstream()
        try:
            await js.add_stream(name="EVENTS", subjects=["events.>"])
            await js.publish("events.course.published", encode(published))
            async with app.router.lifespan_context(app):
                await learned(js)
                transport = httpx.ASGITransport(app=app)
                async with httpx.AsyncClient(transport=transport, base_url="http://e.test") as http:
                    answer = await http.post(
                        "/enrollments",
                        json={"course_id": str(course_id)},
                        headers=minter.headers(user_id=student, roles={"student"}),
                    )
                sent = decode(await next_message(js, "events.enrollment.created"))
        finally:
            await client.close()
            await forget(committing_engine, course_id)

        assert (answer.status_code, answer.json()["course_title"]) == (201, "Sailing")
        assert directory.asked == [], "the read model should have known the course from its event"
        assert sent.payload == EnrollmentCreated(
            enrollment_id=answer.json()["id"], student_id=str(student), course_id=str(course_id)
        )

    async def test_enrols_the_student_a_payment_succeeded_event_names_and_announces_it(
        self,
        committing_engine: AsyncEngine,
        nats_server_factory: NatsServerFactory,
        minter: TokenMinter,
    ) -> None:
        server = await nats_server_factory()
        app = make_app(
            EnrollmentSettings(
                database_url="postgresql+asyncpg://unused/unused", nats_url=server.url
            ),
            sessions=session_factory(committing_engine),
            verifier=TokenVerifier.from_keys(minter.jwks()),
            directory=FakeCourseDirectory(),
        )
        course_id, student, payment = uuid4(), uuid4(), uuid4()
        paid = OutboxEvent.new(
            type="payment.succeeded",
            aggregate="payment",
            aggregate_id=str(payment),
            version=2,
            payload=PaymentSucceeded(
                payment_id=str(payment),
                student_id=str(student),
                course_id=str(course_id),
                currency_code="EUR",
                amount_minor=1999,
            ),
            clock=FakeClock(),
        )
        client = await nats.connect(server.url)
        js = client.jetstream()
        try:
            await js.add_stream(name="EVENTS", subjects=["events.>"])
            await js.publish("events.payment.succeeded", encode(paid))
            async with app.router.lifespan_context(app):
                await learned(js, durable="enrollment-payments")
                sent = decode(await next_message(js, "events.enrollment.created"))
        finally:
            await client.close()
            await forget(committing_engine, course_id)

        assert isinstance(sent.payload, EnrollmentCreated)
        assert (sent.payload.student_id, sent.payload.course_id) == (str(student), str(course_id))


async def learned(js: JetStreamContext, durable: str = "enrollment-course-outlines") -> None:
    """Until enrollment's durable consumer has acknowledged the first event."""
    async with asyncio.timeout(15):
        while True:
            with contextlib.suppress(Exception):  # the durable may not exist yet
                info = await js.consumer_info("EVENTS", durable)
                if info.ack_floor.stream_seq >= 1 and not info.num_ack_pending:
                    return
            await asyncio.sleep(0.05)
