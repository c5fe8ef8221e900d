"""Learning events on the wire, and the consumer rules applied to them."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime

import pytest
from google.protobuf.timestamp_pb2 import Timestamp

from edu.events import MalformedEvent
from edu.events.dispositions import Acknowledge, DeadLetter, RedeliveryPolicy, dispose_decoded
from edu.events.learning import DecodedLearningEvent, decode_learning, encode_learning
from edu.proto_gen.events.v1.learning_events_pb2 import LearningEvent, LessonHeartbeat

WHEN = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


def heartbeat() -> LearningEvent:
    stamp = Timestamp()
    stamp.FromDatetime(WHEN)
    return LearningEvent(
        id=str(uuid.uuid4()),
        type="lesson.heartbeat",
        user_id="u-1",
        course_id="c-1",
        session_id="s-1",
        occurred_at=stamp,
        lesson_heartbeat=LessonHeartbeat(
            lesson_id="l-1", position_seconds=42, duration_seconds=600
        ),
    )


class TestLearningCodec:
    def test_the_published_json_uses_snake_case_names_and_decodes_to_the_typed_payload(
        self,
    ) -> None:
        event = heartbeat()
        data = encode_learning(event)

        assert json.loads(data)["lesson_heartbeat"]["position_seconds"] == 42
        decoded = decode_learning(data)
        assert (decoded.id, decoded.course_id, decoded.occurred_at) == (
            uuid.UUID(event.id),
            "c-1",
            WHEN,
        )
        assert isinstance(decoded.payload, LessonHeartbeat)
        assert decoded.received_at is None

    def test_the_protobuf_encoding_event_ingestion_publishes_decodes_the_same(self) -> None:
        event = heartbeat()
        event.received_at.FromDatetime(WHEN)

        from_binary = decode_learning(event.SerializeToString())

        assert from_binary == decode_learning(encode_learning(event))
        assert from_binary.received_at == WHEN
        assert isinstance(from_binary.payload, LessonHeartbeat)

    @pytest.mark.parametrize(
        ("data", "why"),
        [
            (b"[1]", "a JSON object"),
            (b"\x0a\xff\xff", "protobuf"),
            (b'{"id": "x"', "not an edu.events.v1.LearningEvent"),
            (b'{"id": "nope", "type": "lesson.opened"}', "is not a UUID"),
        ],
    )
    def test_what_is_not_a_learning_event_is_malformed(self, data: bytes, why: str) -> None:
        with pytest.raises(MalformedEvent, match=why):
            decode_learning(data)

    def test_a_payload_that_is_not_the_types_is_malformed(self) -> None:
        event = heartbeat()
        event.type = "lesson.opened"

        with pytest.raises(MalformedEvent, match="carries 'lesson_heartbeat'"):
            decode_learning(encode_learning(event))


class TestDisposingLearningEvents:
    async def test_a_learning_event_reaches_the_handler_and_garbage_is_dead_lettered(
        self,
    ) -> None:
        seen: list[DecodedLearningEvent] = []

        async def handler(event: DecodedLearningEvent) -> object:
            seen.append(event)
            return "folded"

        policy = RedeliveryPolicy()
        good = await dispose_decoded(
            decode_learning, encode_learning(heartbeat()), 1, handler, policy
        )
        bad = await dispose_decoded(decode_learning, b"garbage", 1, handler, policy)

        assert good == Acknowledge("folded")
        assert isinstance(bad, DeadLetter)
        assert bad.reason.startswith("malformed:")
        assert len(seen) == 1
