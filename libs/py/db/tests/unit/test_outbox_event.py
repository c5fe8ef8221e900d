"""The event envelope is exactly the agreed JSON, and survives a round trip."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from edu.common.clock import FakeClock
from edu.db.outbox import OutboxEvent

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**53), 2**53) | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)


class TestMakingAnEvent:
    def test_takes_the_aggregate_from_the_type_and_the_time_from_the_clock(
        self, clock: FakeClock
    ) -> None:
        user_id = uuid.uuid4()
        event = OutboxEvent.new(
            type="user.registered", aggregate_id=user_id, version=1, payload={"a": 1}, clock=clock
        )
        assert event.aggregate == "user"
        assert event.aggregate_id == str(user_id)
        assert event.occurred_at == clock.now()

    def test_each_event_gets_its_own_id(self, clock: FakeClock) -> None:
        first, second = (
            OutboxEvent.new(
                type="user.registered", aggregate_id="1", version=1, payload={}, clock=clock
            )
            for _ in range(2)
        )
        assert first.id != second.id

    @pytest.mark.parametrize("bad_type", ["registered", "User.Registered", "user.", ".x", "a b.c"])
    def test_refuses_a_type_that_is_not_aggregate_dot_event(
        self, clock: FakeClock, bad_type: str
    ) -> None:
        with pytest.raises(ValueError, match="must read like"):
            OutboxEvent.new(type=bad_type, aggregate_id="1", version=1, payload={}, clock=clock)

    def test_refuses_a_payload_that_is_not_json_in_the_use_case(self, clock: FakeClock) -> None:
        with pytest.raises(TypeError):
            OutboxEvent.new(
                type="user.registered",
                aggregate_id="1",
                version=1,
                payload={"when": datetime.now(UTC)},
                clock=clock,
            )

    def test_refuses_version_zero_and_naive_times(self) -> None:
        with pytest.raises(ValueError, match="version"):
            OutboxEvent(uuid.uuid4(), "a.b", "a", "1", 0, datetime.now(UTC))
        with pytest.raises(ValueError, match="aware"):
            OutboxEvent(uuid.uuid4(), "a.b", "a", "1", 1, datetime(2026, 1, 1))  # noqa: DTZ001 - the point


class TestTheJsonEnvelope:
    def test_has_exactly_the_agreed_fields_with_a_utc_timestamp(self) -> None:
        event = OutboxEvent.new(
            type="enrollment.created",
            aggregate_id="e-1",
            version=3,
            payload={"course_id": "c-1"},
            clock=FakeClock(datetime(2026, 3, 1, 9, 30, tzinfo=timezone(timedelta(hours=2)))),
        )
        envelope = json.loads(event.to_json())
        assert envelope == {
            "id": str(event.id),
            "type": "enrollment.created",
            "occurred_at": "2026-03-01T07:30:00Z",
            "aggregate": "enrollment",
            "aggregate_id": "e-1",
            "version": 3,
            "payload": {"course_id": "c-1"},
        }

    @given(
        payload=st.dictionaries(st.text(max_size=10), json_values, max_size=5),
        version=st.integers(1, 2**31),
        seconds=st.integers(0, 10**9),
    )
    def test_survives_a_round_trip(
        self, payload: dict[str, Any], version: int, seconds: int
    ) -> None:
        clock = FakeClock(
            datetime(2000, 1, 1, tzinfo=UTC) + timedelta(seconds=seconds, microseconds=7)
        )
        event = OutboxEvent.new(
            type="course.published", aggregate_id="c", version=version, payload=payload, clock=clock
        )
        assert OutboxEvent.from_json(event.to_json()) == event
        assert OutboxEvent.from_json(event.to_json().encode()) == event
