"""notifications' repositories and HTTP API against real PostgreSQL (rolled back per test)."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import timedelta

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from edu.auth.testing import TokenMinter
from edu.auth.tokens import TokenVerifier
from edu.common.clock import FakeClock
from edu.common.settings import Environment
from edu.db.outbox import OutboxEvent
from edu.events import decode, encode
from edu.notifications.adapters.orm import email_queue
from edu.notifications.adapters.templates import JinjaEmailRenderer
from edu.notifications.adapters.unit_of_work import SqlAlchemyNotificationsUnitOfWork
from edu.notifications.entrypoints.app import make_app
from edu.notifications.service_layer.event_handling import EventHandling, Outcome
from edu.notifications.service_layer.ports import NotificationsUnitOfWork
from edu.notifications.settings import NotificationsSettings

Sessions = async_sessionmaker[AsyncSession]
ADA = uuid.uuid4()


@pytest.fixture
def handling(sessions: Sessions, fake_clock: FakeClock) -> EventHandling:
    def uow() -> NotificationsUnitOfWork:
        return SqlAlchemyNotificationsUnitOfWork(sessions)

    return EventHandling(uow, JinjaEmailRenderer(), fake_clock, web_url="https://edu.example")


@pytest.fixture
def minter(fake_clock: FakeClock) -> TokenMinter:
    return TokenMinter(clock=fake_clock)


@pytest.fixture
async def client(
    sessions: Sessions, minter: TokenMinter, fake_clock: FakeClock
) -> AsyncIterator[httpx.AsyncClient]:
    settings = NotificationsSettings(
        environment=Environment.TEST, database_url="postgresql+asyncpg://unused/x"
    )
    app = make_app(
        settings,
        sessions=sessions,
        verifier=TokenVerifier.from_keys(minter.jwks(), clock=fake_clock),
        clock=fake_clock,
    )
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://notifications.test") as http:
        yield http


def event(event_type: str, clock: FakeClock, **payload: str) -> OutboxEvent:
    return OutboxEvent.new(
        type=event_type, aggregate_id="a", version=1, payload=payload, clock=clock
    )


async def queued(sessions: Sessions) -> list[tuple[str, str | None]]:
    async with sessions() as session:
        rows = await session.execute(
            select(email_queue.c.kind, email_queue.c.to_address).order_by(email_queue.c.created_at)
        )
        return [(kind, address) for kind, address in rows]


class TestHandlingOnPostgres:
    async def test_the_same_event_twice_queues_one_email(
        self, handling: EventHandling, sessions: Sessions, fake_clock: FakeClock
    ) -> None:
        registered = decode(
            encode(event("user.registered", fake_clock, user_id=str(ADA), email="ada@example.org"))
        )

        assert await handling.handle(registered) is Outcome.HANDLED
        assert await handling.handle(registered) is Outcome.DUPLICATE

        assert await queued(sessions) == [("welcome", "ada@example.org")]

    async def test_a_parked_email_gets_its_address_when_the_user_registers(
        self, handling: EventHandling, sessions: Sessions, fake_clock: FakeClock
    ) -> None:
        enrolled = event(
            "enrollment.created", fake_clock, enrollment_id="e", student_id=str(ADA), course_id="c"
        )
        registered = event("user.registered", fake_clock, user_id=str(ADA), email="ada@example.org")

        await handling.handle(decode(encode(enrolled)))
        assert await queued(sessions) == [("enrollment_confirmed", None)]
        fake_clock.advance(timedelta(seconds=1))
        await handling.handle(decode(encode(registered)))

        assert await queued(sessions) == [
            ("enrollment_confirmed", "ada@example.org"),
            ("welcome", "ada@example.org"),
        ]


class TestApiOnPostgres:
    async def test_a_handled_event_shows_up_unread_and_can_be_marked_read(
        self,
        handling: EventHandling,
        client: httpx.AsyncClient,
        minter: TokenMinter,
        fake_clock: FakeClock,
    ) -> None:
        for course in ("Compilers", "Databases"):
            published = event(
                "course.published", fake_clock, course_id=course, teacher_id="t", title=course
            )
            await handling.handle(decode(encode(published)))
            enrolled = event(
                "enrollment.created",
                fake_clock,
                enrollment_id="e",
                student_id=str(ADA),
                course_id=course,
            )
            await handling.handle(decode(encode(enrolled)))
            fake_clock.advance(timedelta(minutes=1))
        headers = minter.headers(user_id=ADA)

        listed = (await client.get("/notifications", headers=headers)).json()
        newest = listed["items"][0]
        marked = await client.post(f"/notifications/{newest['id']}/read", headers=headers)
        unread = (await client.get("/notifications/unread-count", headers=headers)).json()

        assert [item["title"] for item in listed["items"]] == [
            "You are enrolled in Databases",
            "You are enrolled in Compilers",
        ]
        assert marked.json()["read_at"] == "2026-01-01T12:02:00Z"
        assert unread == {"unread": 1}

    async def test_switched_off_enrollment_emails_stay_off(
        self,
        handling: EventHandling,
        client: httpx.AsyncClient,
        minter: TokenMinter,
        sessions: Sessions,
        fake_clock: FakeClock,
    ) -> None:
        headers = minter.headers(user_id=ADA)
        put = await client.put("/preferences", json={"enrollment_emails": False}, headers=headers)
        enrolled = event(
            "enrollment.created", fake_clock, enrollment_id="e", student_id=str(ADA), course_id="c"
        )

        await handling.handle(decode(encode(enrolled)))

        assert put.status_code == 200
        assert (await client.get("/preferences", headers=headers)).json()[
            "enrollment_emails"
        ] is False
        assert await queued(sessions) == []
