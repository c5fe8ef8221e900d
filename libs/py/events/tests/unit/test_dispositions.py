"""What the consumer does with each delivered message, decided without NATS."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime

import pytest

from edu.events import DecodedEvent, encode
from edu.events.dispositions import (
    Acknowledge,
    DeadLetter,
    Redeliver,
    RedeliveryPolicy,
    dispose,
)

POLICY = RedeliveryPolicy(max_deliveries=3, first_delay=0.5, max_delay=3.0)


class Stored:
    def __init__(self) -> None:
        self.id = uuid.uuid4()
        self.type = "course.unpublished"
        self.aggregate = "course"
        self.aggregate_id = "c-1"
        self.version = 2
        self.occurred_at = datetime(2026, 11, 27, tzinfo=UTC)
        self.payload = {"course_id": "c-1"}


class FakeHandler:
    """Fails ``failures`` times with ``error``, then succeeds; keeps what it was handed."""

    def __init__(self, failures: int = 0, error: Exception | None = None) -> None:
        self.failures = failures
        self.error = error or RuntimeError("boom")
        self.seen: list[DecodedEvent] = []

    async def __call__(self, event: DecodedEvent) -> object:
        self.seen.append(event)
        if self.failures > 0:
            self.failures -= 1
            raise self.error
        return "handled"


DATA = encode(Stored())


class TestDisposing:
    async def test_a_handled_event_is_acknowledged_with_the_handlers_outcome(self) -> None:
        handler = FakeHandler()

        assert await dispose(DATA, 1, handler, POLICY) == Acknowledge("handled")
        assert [e.type for e in handler.seen] == ["course.unpublished"]

    async def test_a_failure_before_the_last_delivery_is_redelivered_with_growing_delays(
        self,
    ) -> None:
        handler = FakeHandler(failures=5)

        first = await dispose(DATA, 1, handler, POLICY)
        second = await dispose(DATA, 2, handler, POLICY)

        assert isinstance(first, Redeliver)
        assert isinstance(second, Redeliver)
        assert (first.delay, second.delay) == (0.5, 1.0)
        assert "RuntimeError('boom')" in first.reason

    async def test_a_failure_on_the_last_allowed_delivery_is_dead_lettered(self) -> None:
        disposition = await dispose(DATA, 3, FakeHandler(failures=1), POLICY)

        assert isinstance(disposition, DeadLetter)
        assert "failed on delivery 3" in disposition.reason

    async def test_bytes_that_are_no_event_are_dead_lettered_without_calling_the_handler(
        self,
    ) -> None:
        handler = FakeHandler()

        disposition = await dispose(b"{oops", 1, handler, POLICY)

        assert isinstance(disposition, DeadLetter)
        assert disposition.reason.startswith("malformed")
        assert handler.seen == []

    async def test_a_transient_failure_is_redelivered_however_often_it_happened(self) -> None:
        handler = FakeHandler(failures=1, error=ConnectionRefusedError("database down"))

        disposition = await dispose(DATA, 50, handler, POLICY, transient=(OSError,))

        assert isinstance(disposition, Redeliver)
        assert disposition.delay == POLICY.max_delay
        assert "database down" in disposition.reason

    async def test_an_unknown_event_reaches_the_handler_which_decides_to_skip_it(self) -> None:
        data = json.dumps(
            {
                "id": str(uuid.uuid4()),
                "type": "quiz.submitted",
                "occurred_at": "2026-11-27T00:00:00Z",
            }
        ).encode()
        handler = FakeHandler()

        assert await dispose(data, 1, handler, POLICY) == Acknowledge("handled")


class TestRedeliveryPolicy:
    def test_delays_double_and_are_capped(self) -> None:
        assert [POLICY.delay(n) for n in range(1, 6)] == [0.5, 1.0, 2.0, 3.0, 3.0]

    def test_at_least_one_delivery_is_required(self) -> None:
        with pytest.raises(ValueError, match="at least 1"):
            RedeliveryPolicy(max_deliveries=0)
