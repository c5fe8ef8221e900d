"""notifications <- identity and enrollment: the events notifications consumes, as it decodes
them (edu.events.decode) and handles them (its real EventHandling over its unit-test fakes)."""

from __future__ import annotations

from typing import Any

import pytest
from pact import Pact, match

from edu.common.clock import FakeClock
from edu.events import decode
from edu.notifications.service_layer.event_handling import EventHandling, Outcome
from edu.notifications.testing import (
    FakeDatabase,
    FakeEmailRenderer,
    FakeNotificationsUnitOfWork,
)

JSON = "application/json"
TIMESTAMP = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$"


def envelope(
    event_type: str, aggregate: str, payload: dict[str, Any], event_id: str
) -> dict[str, Any]:
    """The protobuf JSON of edu.events.v1.EventEnvelope, as edu.events.encode writes it."""
    return {
        "id": match.uuid(event_id),
        "type": event_type,
        "occurred_at": match.regex("2026-11-27T10:00:00.123456Z", regex=TIMESTAMP),
        "aggregate": aggregate,
        "aggregate_id": match.uuid("3f1c2a9e-7b1d-4c55-9a0e-2b8f4e6d1a10"),
        "version": match.int(1),
        event_type.replace(".", "_"): payload,
    }


def message(
    pact: Pact, description: str, state: str, event_type: str, body: dict[str, Any]
) -> None:
    (
        pact.upon_receiving(description, "Async")
        .given(state)
        .with_body(body, JSON)
        .with_metadata({"subject": f"events.{event_type}"})
    )


STUDENT = match.uuid("3f1c2a9e-7b1d-4c55-9a0e-2b8f4e6d1a10")
COURSE = match.uuid("0b7e8f3a-2c4d-4e5f-8a9b-1c2d3e4f5a6b")
ENROLLMENT = match.uuid("7a8b9c0d-1e2f-4a3b-8c4d-5e6f7a8b9c0d")


def identity_pact() -> Pact:
    pact = Pact("notifications", "identity").with_specification("V4")
    payload = {"user_id": STUDENT, "email": match.str("ada@example.com"), "role": "ROLE_STUDENT"}
    message(
        pact,
        "a user.registered event",
        "a student has signed up",
        "user.registered",
        envelope("user.registered", "user", payload, "9e8d7c6b-5a4f-4e3d-9c2b-1a0f9e8d7c6b"),
    )
    return pact


def enrollment_pact() -> Pact:
    pact = Pact("notifications", "enrollment").with_specification("V4")
    created = {"enrollment_id": ENROLLMENT, "student_id": STUDENT, "course_id": COURSE}
    message(
        pact,
        "an enrollment.created event",
        "a student has enrolled in a course",
        "enrollment.created",
        envelope(
            "enrollment.created", "enrollment", created, "9e8d7c6b-5a4f-4e3d-9c2b-1a0f9e8d7c01"
        ),
    )
    issued = {
        "certificate_id": match.uuid("1b2c3d4e-5f60-4718-89a0-b1c2d3e4f506"),
        "enrollment_id": ENROLLMENT,
        "student_id": STUDENT,
        "course_id": COURSE,
        "verification_code": match.regex("Zx9-Q1w2E3r4T5y6U7i8", regex=r"^[A-Za-z0-9_-]{16,64}$"),
    }
    message(
        pact,
        "a certificate.issued event",
        "a student has completed every lesson of a course",
        "certificate.issued",
        envelope(
            "certificate.issued", "enrollment", issued, "9e8d7c6b-5a4f-4e3d-9c2b-1a0f9e8d7c02"
        ),
    )
    return pact


async def handled(bodies: list[bytes]) -> list[Outcome]:
    """Each body through notifications' own decoding and handling."""
    db = FakeDatabase()
    handling = EventHandling(
        lambda: FakeNotificationsUnitOfWork(db),
        FakeEmailRenderer(),
        FakeClock(),
        web_url="https://edu.example",
    )
    outcomes = [await handling.handle(decode(body)) for body in bodies]
    assert db.notifications, "a handled event leaves a notification"
    return outcomes


def collect(bodies: list[bytes]) -> Any:
    def receive(body: str | bytes | None, metadata: dict[str, object]) -> None:
        assert isinstance(body, bytes | str), "an event always has a body"
        assert str(metadata["subject"]).startswith("events.")
        bodies.append(body.encode() if isinstance(body, str) else body)

    return receive


class TestNotificationsMessageContracts:
    @pytest.mark.pact_pair("notifications", "identity")
    async def test_notifications_handles_identity_user_registered(self, pact_check: Any) -> None:
        pact, bodies = identity_pact(), list[bytes]()
        pact.verify(collect(bodies), "Async")
        assert await handled(bodies) == [Outcome.HANDLED]
        pact_check(pact)

    @pytest.mark.pact_pair("notifications", "enrollment")
    async def test_notifications_handles_enrollment_events(self, pact_check: Any) -> None:
        pact, bodies = enrollment_pact(), list[bytes]()
        pact.verify(collect(bodies), "Async")
        assert await handled(bodies) == [Outcome.HANDLED, Outcome.HANDLED]
        pact_check(pact)
