"""Making an outbox event: checked against the edu.events.v1 contract in the use case."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta, timezone

import pytest

from edu.common.clock import FakeClock
from edu.db.outbox import OutboxEvent
from edu.events import EventContractError, decode, encode
from edu.proto_gen.events.v1 import course_events_pb2, enrollment_events_pb2, identity_events_pb2


def registered(user_id: str = "u-1") -> identity_events_pb2.UserRegistered:
    return identity_events_pb2.UserRegistered(
        user_id=user_id, email="ada@example.org", role=identity_events_pb2.ROLE_STUDENT
    )


class TestMakingAnEvent:
    def test_takes_the_aggregate_from_the_type_and_the_time_from_the_clock(
        self, clock: FakeClock
    ) -> None:
        user_id = uuid.uuid4()
        event = OutboxEvent.new(
            type="user.registered",
            aggregate_id=user_id,
            version=1,
            payload=registered(str(user_id)),
            clock=clock,
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

    def test_stores_a_typed_payload_as_the_dict_of_its_json_mapping(self, clock: FakeClock) -> None:
        event = OutboxEvent.new(
            type="user.registered", aggregate_id="u-1", version=1, payload=registered(), clock=clock
        )
        assert event.payload == {
            "user_id": "u-1",
            "email": "ada@example.org",
            "role": "ROLE_STUDENT",
        }

    @pytest.mark.parametrize("bad_type", ["registered", "User.Registered", "user.", ".x", "a b.c"])
    def test_refuses_a_type_that_is_not_aggregate_dot_event(
        self, clock: FakeClock, bad_type: str
    ) -> None:
        with pytest.raises(ValueError, match="must read like"):
            OutboxEvent.new(type=bad_type, aggregate_id="1", version=1, payload={}, clock=clock)

    def test_refuses_version_zero_and_naive_times(self) -> None:
        with pytest.raises(ValueError, match="version"):
            OutboxEvent(uuid.uuid4(), "a.b", "a", "1", 0, datetime.now(UTC))
        with pytest.raises(ValueError, match="aware"):
            OutboxEvent(uuid.uuid4(), "a.b", "a", "1", 1, datetime(2026, 1, 1))  # noqa: DTZ001 - the point


class TestTheContractInTheUseCase:
    def test_refuses_a_payload_field_the_contract_does_not_have(self, clock: FakeClock) -> None:
        with pytest.raises(EventContractError, match=r"UserRegistered.*roles"):
            OutboxEvent.new(
                type="user.registered",
                aggregate_id="u-1",
                version=1,
                payload={"user_id": "u-1", "roles": ["student"]},
                clock=clock,
            )

    def test_refuses_an_event_type_the_envelope_does_not_carry(self, clock: FakeClock) -> None:
        with pytest.raises(EventContractError, match=r"envelope\.proto"):
            OutboxEvent.new(
                type="course.archived", aggregate_id="c-1", version=1, payload={}, clock=clock
            )

    def test_refuses_the_message_of_another_event_type(self, clock: FakeClock) -> None:
        published = course_events_pb2.CoursePublished(course_id="c-1", title="Compilers")
        with pytest.raises(EventContractError, match="CourseUpdated"):
            OutboxEvent.new(
                type="course.updated", aggregate_id="c-1", version=2, payload=published, clock=clock
            )


class TestOnTheWire:
    def test_is_the_envelope_in_protobuf_json_with_a_utc_timestamp(self) -> None:
        event = OutboxEvent.new(
            type="enrollment.created",
            aggregate_id="e-1",
            version=3,
            payload=enrollment_events_pb2.EnrollmentCreated(
                enrollment_id="e-1", student_id="s-1", course_id="c-1"
            ),
            clock=FakeClock(datetime(2026, 3, 1, 9, 30, tzinfo=timezone(timedelta(hours=2)))),
        )
        assert json.loads(encode(event)) == {
            "id": str(event.id),
            "type": "enrollment.created",
            "occurred_at": "2026-03-01T07:30:00Z",
            "aggregate": "enrollment",
            "aggregate_id": "e-1",
            "version": 3,
            "enrollment_created": {"enrollment_id": "e-1", "student_id": "s-1", "course_id": "c-1"},
        }

    def test_comes_back_as_the_typed_message_it_was_made_from(self, clock: FakeClock) -> None:
        event = OutboxEvent.new(
            type="user.registered", aggregate_id="u-1", version=1, payload=registered(), clock=clock
        )
        decoded = decode(encode(event))
        assert (decoded.id, decoded.version, decoded.payload) == (event.id, 1, registered())
