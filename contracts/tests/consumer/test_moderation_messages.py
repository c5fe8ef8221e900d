"""moderation <- messaging: the Q&A posts moderation reviews (issue 24, ADR 0027), as moderation
decodes them (edu.events.decode), reads them (its real ``submission_from_event``) and moderates
them (its real ``ContentEventHandler`` and ``Submissions`` with the bundled word lists, over its
unit-test fakes). Only what it reads is in the pact: the envelope's id (a redelivery is known
by it) and time (the post's time, which the repeat rule weighs), the post's own id, its course,
its author and its text; an answer's question id is not read.

The Rust producer's side: messaging's outbox relay publishes these on the contract stack when a
student asks and the teacher answers through messaging's API
(contracts/tests/provider/test_verify_qa_video_events.py).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import pytest
from pact import Pact, match

from edu.common.clock import FakeClock
from edu.events import DecodedEvent, decode
from edu.moderation.domain.decisions import Outcome
from edu.moderation.domain.moderator import ItemKind, Moderator
from edu.moderation.domain.wordlists import bundled_word_lists
from edu.moderation.entrypoints.content_events import ContentEventHandler
from edu.moderation.service_layer.submissions import Result, Submissions
from edu.moderation.testing import FakeModerationUnitOfWork

JSON = "application/json"
TIMESTAMP = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$"
COURSE_ID = "0b7e8f3a-2c4d-4e5f-8a9b-1c2d3e4f5a6b"
STUDENT_ID = "3f1c2a9e-7b1d-4c55-9a0e-2b8f4e6d1a10"
TEACHER_ID = "6c5d4e3f-2a1b-4c0d-9e8f-7a6b5c4d3e2f"
QUESTION_ID = "5d6e7f80-9a1b-4c2d-8e3f-4a5b6c7d8e9f"
ANSWER_ID = "8f9e0d1c-2b3a-4495-a687-b9c0d1e2f3a4"
ASKED = "2026-12-05T09:30:00.123456Z"
ANSWERED = "2026-12-05T09:41:00.5Z"
QUESTION = "Why does my loop in lesson one never end?"
ANSWER = "Its condition never becomes false: add a break."
EVENT_IDS = {
    "qa.question_posted": "9e8d7c6b-5a4f-4e3d-9c2b-1a0f9e8d7c6b",
    "qa.answer_posted": "1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f",
}


def posted(event_type: str, event_id: str, at: str, payload: dict[str, Any]) -> dict[str, Any]:
    """The protobuf JSON of edu.events.v1.EventEnvelope as messaging's relay writes it, with
    only what moderation reads."""
    return {
        "id": match.uuid(event_id),
        "type": event_type,
        "occurred_at": match.regex(at, regex=TIMESTAMP),
        event_type.replace(".", "_"): payload,
    }


def messaging_pact() -> Pact:
    pact = Pact("moderation", "messaging").with_specification("V4")
    question = {
        "question_id": match.uuid(QUESTION_ID),
        "course_id": match.uuid(COURSE_ID),
        "author_id": match.uuid(STUDENT_ID),
        "body": match.str(QUESTION),
    }
    answer = {
        "answer_id": match.uuid(ANSWER_ID),
        "course_id": match.uuid(COURSE_ID),
        "author_id": match.uuid(TEACHER_ID),
        "body": match.str(ANSWER),
    }
    for event_type, state, at, payload in (
        (
            "qa.question_posted",
            "a student has asked a question in a course they are enrolled in",
            ASKED,
            question,
        ),
        ("qa.answer_posted", "a teacher has answered a student's question", ANSWERED, answer),
    ):
        (
            pact.upon_receiving(f"a {event_type} event", "Async")
            .given(state)
            .with_body(posted(event_type, EVENT_IDS[event_type], at, payload), JSON)
            .with_metadata({"subject": f"events.{event_type}"})
        )
    return pact


def at(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)


@pytest.mark.pact_pair("moderation", "messaging")
class TestModerationMessagingMessageContracts:
    async def test_moderation_decides_each_post_once_and_announces_the_decision(
        self, pact_check: Any
    ) -> None:
        pact = messaging_pact()
        heard: list[DecodedEvent] = []

        def receive(body: str | bytes | None, metadata: dict[str, object]) -> None:
            assert body is not None, "an event always has a body"
            assert str(metadata["subject"]).startswith("events.qa.")
            heard.append(decode(body.encode() if isinstance(body, str) else body))

        pact.verify(receive, "Async")
        assert sorted(e.type for e in heard) == ["qa.answer_posted", "qa.question_posted"]

        uow = FakeModerationUnitOfWork()
        handle = ContentEventHandler(
            Submissions(lambda: uow, Moderator(bundled_word_lists()), FakeClock())
        )
        for event in heard:
            assert await handle(event) is Result.DECIDED
            assert await handle(event) is Result.DUPLICATE, "a redelivery decides nothing twice"

        items = {item.kind: item for item in uow.items.items.values()}
        assert set(items) == {ItemKind.QUESTION, ItemKind.ANSWER}
        seen = {
            kind: (i.subject_id, i.course_id, i.author_id, i.text, i.submitted_at, i.outcome)
            for kind, i in items.items()
        }
        assert seen == {
            ItemKind.QUESTION: (
                QUESTION_ID,
                COURSE_ID,
                STUDENT_ID,
                QUESTION,
                at(ASKED),
                Outcome.ALLOW,
            ),
            ItemKind.ANSWER: (
                ANSWER_ID,
                COURSE_ID,
                TEACHER_ID,
                ANSWER,
                at(ANSWERED),
                Outcome.ALLOW,
            ),
        }
        by_event = {i.source_event_id for i in items.values()}
        assert by_event == {e.id for e in heard} == {UUID(i) for i in EVENT_IDS.values()}
        decided = [e.type for e in uow.outbox.events]
        assert decided == ["moderation.decided", "moderation.decided"]
        pact_check(pact)
