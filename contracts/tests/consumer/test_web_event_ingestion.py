"""web -> event-ingestion (a Python consumer of a Rust provider): the batch web forwards for the
lesson page, through web's real learning-events client.

event-ingestion takes an event only from its own user (the token's subject), within ten
minutes of its clock, and stores an id once: so the token, the user, the event's id and its
time all come from the provider state (``${token}``, ``${user_id}``, ``${event_id}``,
``${occurred_at}``), and the verifier replays the pact against the real binary
(contracts/tests/provider/test_verify_providers.py)."""

from __future__ import annotations

import warnings
from typing import Any

import pytest
from pact import Pact, generate, match
from pact.match import AbstractMatcher
from pact.match.matcher import GenericMatcher

from edu.web.clients.learning_events import HttpLearningEventsClient
from edu.web.clients.transport import ServiceTransport

# No duplicates or rejections in a fresh batch: `each_like(min=0)` writes the `"min": 0` rule;
# pact-python only warns that min 0 is unusual.
warnings.filterwarnings("ignore", "The minimum number of items", UserWarning)


def from_state(example: str, expression: str, regex: str) -> AbstractMatcher[str]:
    """``example`` in the consumer test, matched by ``regex``; the verifier sends
    ``expression`` with the provider state's values."""
    generator = generate.provider_state(expression)
    return GenericMatcher("regex", example, generator=generator, extra_fields={"regex": regex})


JSON = "application/json"
TOKEN = "eyJhbGciOiJFUzI1NiJ9.e30.c2ln"
USER_ID = "1e2d3c4b-5a69-4788-9a6b-5c4d3e2f1a0b"
EVENT_ID = "8d7c6b5a-4938-4271-a6b5-c4d3e2f1a0b9"
COURSE_ID = "3f2a1b0c-9d8e-4f7a-8b6c-5d4e3f2a1b0c"
LESSON_ID = "7a6b5c4d-3e2f-4a1b-9c8d-7e6f5a4b3c2d"
SESSION_ID = "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"
OCCURRED_AT = "2026-12-05T10:00:00.000Z"
AN_ID = r"^[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}$"
RFC3339 = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$"
SIGNED_IN = "a signed-in student"
EVENT = {
    "id": EVENT_ID,
    "type": "lesson.opened",
    "occurred_at": OCCURRED_AT,
    "session_id": SESSION_ID,
    "course_id": COURSE_ID,
    "lesson_opened": {"lesson_id": LESSON_ID},
    "user_id": USER_ID,
}


def ingestion_pact() -> Pact:
    pact = Pact("web", "event-ingestion").with_specification("V4")
    sent = {
        **EVENT,
        "id": from_state(EVENT_ID, "${event_id}", AN_ID),
        "occurred_at": from_state(OCCURRED_AT, "${occurred_at}", RFC3339),
        "user_id": from_state(USER_ID, "${user_id}", AN_ID),
    }
    (
        pact.upon_receiving("a student's lesson.opened forwarded by web")
        .given(SIGNED_IN)
        .with_request("POST", "/v1/events")
        .with_header(
            "Authorization", from_state(f"Bearer {TOKEN}", "Bearer ${token}", r"^Bearer \S+$")
        )
        .with_body({"events": [sent]}, JSON)
        .will_respond_with(202)
        .with_body(
            {
                "accepted": match.each_like(match.uuid(EVENT_ID)),
                "duplicates": match.each_like(match.uuid(EVENT_ID), min=0),
                "rejected": match.each_like(
                    {"index": match.int(0), "id": match.str(EVENT_ID), "reason": match.str("")},
                    min=0,
                ),
            },
            JSON,
        )
    )
    return pact


@pytest.mark.pact_pair("web", "event-ingestion")
class TestWebEventIngestionContract:
    async def test_web_forwards_a_batch_event_ingestion_accepts(self, pact_check: Any) -> None:
        pact = ingestion_pact()
        with pact.serve() as server:
            client = HttpLearningEventsClient(
                ServiceTransport("event-ingestion", str(server.url), timeout=5)
            )
            report = await client.send(TOKEN, [EVENT])
            assert report.accepted == (EVENT_ID,)
        pact_check(pact)
