"""Test doubles for services' unit tests: no database, no NATS."""

from __future__ import annotations

from edu.db.outbox.event import OutboxEvent


class FakeOutbox:
    """Stands in for ``uow.outbox``; ``events`` holds what was added (committed or not)."""

    def __init__(self) -> None:
        self.events: list[OutboxEvent] = []

    def add(self, event: OutboxEvent) -> None:
        self.events.append(event)

    def of_type(self, event_type: str) -> list[OutboxEvent]:
        return [event for event in self.events if event.type == event_type]


class FakeEventPublisher:
    """Keeps what it was asked to publish; ``fail_next`` makes the next publishes raise."""

    def __init__(self) -> None:
        self.published: list[OutboxEvent] = []
        self.fail_next = 0
        self.closed = False

    async def publish(self, event: OutboxEvent) -> None:
        if self.fail_next > 0:
            self.fail_next -= 1
            raise ConnectionError("fake publisher told to fail")
        self.published.append(event)

    async def close(self) -> None:
        self.closed = True
