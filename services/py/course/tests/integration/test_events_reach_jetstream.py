"""The app's own outbox relay (started by its lifespan) publishes course events to JetStream.

Real commits are needed for the relay to see the rows, so this test uses its own engine on
the worker's database and deletes what it made afterwards.
"""

from __future__ import annotations

from uuid import UUID

import httpx
from nats.aio.client import Client as NatsClient
from sqlalchemy import delete

from edu.auth.testing import TokenMinter
from edu.auth.tokens import TokenVerifier
from edu.course.adapters.orm import courses, outbox
from edu.course.entrypoints.app import make_app
from edu.course.settings import CourseSettings
from edu.db.engine import create_engine, session_factory
from edu.db.outbox import JetStreamPublisher
from edu.events import decode
from edu.proto_gen.events.v1.course_events_pb2 import CoursePublished


class TestEventsReachJetStream:
    async def test_publishing_a_course_puts_course_published_on_the_bus(
        self,
        database_url: str,
        nats_url: str,
        nats_client: NatsClient,
        nats_namespace: str,
        minter: TokenMinter,
    ) -> None:
        stream, prefix = f"{nats_namespace}_EVENTS", f"{nats_namespace}.events"
        js = nats_client.jetstream()
        await js.add_stream(name=stream, subjects=[f"{prefix}.>"])
        engine = create_engine(database_url, pool_size=2)
        app = make_app(
            CourseSettings(database_url=database_url, nats_url=None, grpc_port=0),
            sessions=session_factory(engine),
            verifier=TokenVerifier.from_keys(minter.jwks()),
            publisher=JetStreamPublisher(nats_url, stream=stream, subject_prefix=prefix),
        )
        teacher = minter.headers(roles={"teacher"})
        course_id: UUID | None = None
        try:
            async with app.router.lifespan_context(app):
                transport = httpx.ASGITransport(app=app)
                async with httpx.AsyncClient(transport=transport, base_url="http://c.test") as c:
                    course = (
                        await c.post("/courses", json={"title": "Bus"}, headers=teacher)
                    ).json()
                    course_id = UUID(course["id"])
                    await c.post(
                        f"/courses/{course_id}/lessons", json={"title": "L"}, headers=teacher
                    )
                    await c.post(f"/courses/{course_id}/publish", headers=teacher)
                subscription = await js.pull_subscribe(f"{prefix}.course.published", stream=stream)
                [message] = await subscription.fetch(1, timeout=10)
            event = decode(message.data)
            assert (event.type, event.aggregate_id) == ("course.published", str(course_id))
            assert isinstance(event.payload, CoursePublished)
            assert (event.payload.title, len(event.payload.lesson_ids)) == ("Bus", 1)
            assert message.header is not None
            assert message.header["Nats-Msg-Id"] == str(event.id)
        finally:
            async with engine.begin() as connection:
                if course_id is not None:
                    await connection.execute(
                        delete(outbox).where(outbox.c.aggregate_id == str(course_id))
                    )
                    await connection.execute(delete(courses).where(courses.c.id == course_id))
            await engine.dispose()
