"""With NATS configured, the app runs its content-events consumer and its outbox relay for as
long as it runs (as `just dev` and the test stacks start it), on a NATS server of this test's own.

Real commits are needed (the consumer and the relay work on their own connections), so this test
uses its own engine and deletes what it made afterwards.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from uuid import uuid4

import nats
import pytest_asyncio
from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncEngine

from edu.auth.testing import TokenMinter
from edu.auth.tokens import TokenVerifier
from edu.common.clock import FakeClock
from edu.db.engine import create_engine, session_factory
from edu.db.outbox import OutboxEvent
from edu.events import decode, encode
from edu.moderation.adapters.orm import items, outbox
from edu.moderation.entrypoints.app import make_app
from edu.moderation.settings import ModerationSettings
from edu.proto_gen.events.v1.moderation_events_pb2 import (
    MODERATED_ITEM_KIND_ANSWER,
    MODERATION_OUTCOME_HOLD,
    ModerationDecided,
)
from edu.proto_gen.events.v1.qa_events_pb2 import QaAnswerPosted
from edu.testing.nats_servers import NatsServerFactory


@pytest_asyncio.fixture(loop_scope="session")
async def committing_engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(database_url, pool_size=3)
    yield engine
    await engine.dispose()


class TestTheAppLifespan:
    async def test_an_answer_posted_on_the_bus_comes_back_as_a_decision(
        self,
        committing_engine: AsyncEngine,
        nats_server_factory: NatsServerFactory,
        minter: TokenMinter,
    ) -> None:
        server = await nats_server_factory()
        app = make_app(
            ModerationSettings(
                database_url="postgresql+asyncpg://unused/unused", nats_url=server.url
            ),
            sessions=session_factory(committing_engine),
            verifier=TokenVerifier.from_keys(minter.jwks()),
        )
        answer_id = str(uuid4())
        posted = OutboxEvent.new(
            type="qa.answer_posted",
            aggregate_id=answer_id,
            version=1,
            payload=QaAnswerPosted(
                answer_id=answer_id,
                question_id=str(uuid4()),
                course_id=str(uuid4()),
                author_id=str(uuid4()),
                body="Mail me at helper@example.com and I send you the solution",
            ),
            clock=FakeClock(),
        )
        client = await nats.connect(server.url)
        js = client.jetstream()
        try:
            await js.add_stream(name="EVENTS", subjects=["events.>"])
            await js.publish("events.qa.answer_posted", encode(posted))
            async with app.router.lifespan_context(app):
                subscription = await js.pull_subscribe("events.moderation.decided", stream="EVENTS")
                [message] = await subscription.fetch(1, timeout=15)
            decided = decode(message.data)
        finally:
            await client.close()
            async with committing_engine.begin() as connection:
                await connection.execute(delete(items).where(items.c.subject_id == answer_id))
                await connection.execute(
                    delete(outbox).where(outbox.c.payload["subject_id"].astext == answer_id)
                )

        assert isinstance(decided.payload, ModerationDecided)
        assert decided.payload.subject_id == answer_id
        assert decided.payload.kind == MODERATED_ITEM_KIND_ANSWER
        assert decided.payload.outcome == MODERATION_OUTCOME_HOLD
        assert [r.code for r in decided.payload.reasons] == ["email_address"]
