"""Fixtures for notifications' unit tests: every port is a fake, the clock moves when told."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from edu.auth.testing import TokenMinter
from edu.auth.tokens import TokenVerifier
from edu.common.clock import FakeClock
from edu.common.settings import Environment
from edu.events import DecodedEvent
from edu.notifications.entrypoints.app import make_app
from edu.notifications.service_layer.email_preferences import EmailPreferences
from edu.notifications.service_layer.event_handling import EventHandling
from edu.notifications.service_layer.inbox import Inbox
from edu.notifications.service_layer.ports import NotificationsUnitOfWork
from edu.notifications.settings import NotificationsSettings
from edu.notifications.testing import (
    FakeDatabase,
    FakeEmailRenderer,
    FakeNotificationsUnitOfWork,
    delivered,
)

MakeEvent = Callable[..., DecodedEvent]
WEB_URL = "https://edu.example"


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def db() -> FakeDatabase:
    return FakeDatabase()


@pytest.fixture
def uow(db: FakeDatabase) -> Callable[[], NotificationsUnitOfWork]:
    return lambda: FakeNotificationsUnitOfWork(db)


@pytest.fixture
def renderer() -> FakeEmailRenderer:
    return FakeEmailRenderer()


@pytest.fixture
def handling(
    uow: Callable[[], NotificationsUnitOfWork], renderer: FakeEmailRenderer, clock: FakeClock
) -> EventHandling:
    return EventHandling(uow, renderer, clock, web_url=WEB_URL)


@pytest.fixture
def inbox(uow: Callable[[], NotificationsUnitOfWork], clock: FakeClock) -> Inbox:
    return Inbox(uow, clock)


@pytest.fixture
def email_preferences(uow: Callable[[], NotificationsUnitOfWork]) -> EmailPreferences:
    return EmailPreferences(uow)


@pytest.fixture
def make_event(clock: FakeClock) -> MakeEvent:
    """An event as the consumer hands it over: stored by a producer, encoded, decoded."""

    def make(event_type: str, **payload: Any) -> DecodedEvent:
        return delivered(event_type, clock, **payload)

    return make


@pytest.fixture
def minter(clock: FakeClock) -> TokenMinter:
    return TokenMinter(clock=clock)


@pytest.fixture
def app(
    uow: Callable[[], NotificationsUnitOfWork], minter: TokenMinter, clock: FakeClock
) -> FastAPI:
    settings = NotificationsSettings(
        environment=Environment.TEST, database_url="postgresql+asyncpg://unused/x"
    )
    verifier = TokenVerifier.from_keys(minter.jwks(), clock=clock)
    return make_app(settings, unit_of_work=uow, verifier=verifier, clock=clock)


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://notifications.test") as http:
        yield http
