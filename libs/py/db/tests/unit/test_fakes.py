"""The fakes services use in unit tests behave like the real ports."""

from __future__ import annotations

import pytest

from edu.common.clock import FakeClock
from edu.db.outbox import OutboxEvent
from edu.db.testing import FakeEventPublisher, FakeOutbox


def an_event(clock: FakeClock, event_type: str = "user.registered") -> OutboxEvent:
    return OutboxEvent.new(type=event_type, aggregate_id="u1", version=1, payload={}, clock=clock)


class TestFakeOutbox:
    def test_keeps_events_and_finds_them_by_type(self, clock: FakeClock) -> None:
        outbox = FakeOutbox()
        registered, granted = an_event(clock), an_event(clock, "user.role_granted")
        outbox.add(registered)
        outbox.add(granted)
        assert outbox.events == [registered, granted]
        assert outbox.of_type("user.role_granted") == [granted]


class TestFakeEventPublisher:
    async def test_keeps_what_it_published(self, clock: FakeClock) -> None:
        publisher = FakeEventPublisher()
        event = an_event(clock)
        await publisher.publish(event)
        assert publisher.published == [event]

    async def test_fails_as_often_as_told_then_recovers(self, clock: FakeClock) -> None:
        publisher = FakeEventPublisher()
        publisher.fail_next = 1
        with pytest.raises(ConnectionError):
            await publisher.publish(an_event(clock))
        await publisher.publish(an_event(clock))
        assert len(publisher.published) == 1
