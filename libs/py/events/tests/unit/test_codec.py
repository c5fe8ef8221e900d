"""The event codec: every event type survives the wire, and the contract is enforced both ways."""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from typing import Any
from uuid import UUID

import pytest
from google.protobuf import json_format

from edu.events import (
    EventContractError,
    MalformedEvent,
    UnknownPayload,
    decode,
    encode,
    payload_field,
    payload_for,
    payload_of,
)
from edu.proto_gen.events.v1 import course_events_pb2, envelope_pb2, identity_events_pb2

# One valid payload per member of EventEnvelope's oneof (as a producer stores it).
SAMPLES: dict[str, dict[str, Any]] = {
    "user.registered": {"user_id": "u-1", "email": "ada@example.org", "role": "ROLE_STUDENT"},
    "user.role_granted": {"user_id": "u-1", "role": "ROLE_TEACHER"},
    "course.published": {
        "course_id": "c-1",
        "teacher_id": "t-1",
        "title": "Compilers",
        "lesson_ids": ["l-1", "l-2"],
    },
    "course.unpublished": {
        "course_id": "c-1",
        "teacher_id": "t-1",
        "title": "Compilers",
        "lesson_ids": ["l-1"],
    },
    "course.updated": {
        "course_id": "c-1",
        "teacher_id": "t-1",
        "title": "Compilers II",
        "lesson_ids": ["l-2", "l-1"],
        "price": {"currency_code": "EUR", "amount_minor": "4900"},
    },
    "enrollment.created": {"enrollment_id": "e-1", "student_id": "s-1", "course_id": "c-1"},
    "lesson.completed": {
        "enrollment_id": "e-1",
        "student_id": "s-1",
        "course_id": "c-1",
        "lesson_id": "l-1",
        "progress_percent": 50,
    },
    "course.completed": {"enrollment_id": "e-1", "student_id": "s-1", "course_id": "c-1"},
    "certificate.issued": {
        "certificate_id": "k-1",
        "enrollment_id": "e-1",
        "student_id": "s-1",
        "course_id": "c-1",
        "verification_code": "ABCD-1234",
    },
    # published by the Rust payment-engine; an int64 is a string in the JSON mapping
    "payment.succeeded": {
        "payment_id": "p-1",
        "student_id": "s-1",
        "course_id": "c-1",
        "currency_code": "EUR",
        "amount_minor": "4900",
    },
    "payment.failed": {
        "payment_id": "p-1",
        "student_id": "s-1",
        "course_id": "c-1",
        "reason": "The card was declined.",
    },
    "payment.refunded": {
        "payment_id": "p-1",
        "student_id": "s-1",
        "course_id": "c-1",
        "currency_code": "JPY",
        "amount_minor": "1999",
    },
    # published by messaging (questions and answers) and moderation (its decisions)
    "qa.question_posted": {
        "question_id": "q-1",
        "course_id": "c-1",
        "author_id": "s-1",
        "body": "How do I start?",
    },
    "qa.answer_posted": {
        "answer_id": "a-1",
        "question_id": "q-1",
        "course_id": "c-1",
        "author_id": "t-1",
        "body": "With lesson one.",
    },
    "moderation.decided": {
        "item_id": "m-1",
        "kind": "MODERATED_ITEM_KIND_QUESTION",
        "subject_id": "q-1",
        "course_id": "c-1",
        "author_id": "s-1",
        "outcome": "MODERATION_OUTCOME_HOLD",
        "reasons": [{"code": "all_caps", "detail": "written in capitals"}],
    },
    # published by the Rust video-processor (uploads) and video-transcoder (the rest)
    "video.uploaded": {
        "video_id": "v-1",
        "course_id": "c-1",
        "lesson_id": "l-1",
        "teacher_id": "t-1",
        "content_type": "video/mp4",
        "size_bytes": "1048576",
        "sha256": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
        "object_key": "videos/v-1/original",
    },
    "video.transcoding_progressed": {"video_id": "v-1", "percent": 40},
    "video.transcoded": {
        "video_id": "v-1",
        "renditions": [
            {
                "height": 240,
                "width": 320,
                "bandwidth": 400000,
                "playlist_key": "videos/v-1/hls/240p/index.m3u8",
            }
        ],
        "master_playlist_key": "videos/v-1/hls/master.m3u8",
        "poster_key": "videos/v-1/hls/poster.jpg",
        "duration_ms": "3000",
        "source_height": 240,
    },
    "video.transcoding_failed": {"video_id": "v-1", "reason": "The file is not a playable video."},
}
WHEN = datetime(2026, 11, 27, 17, 0, 0, 250000, tzinfo=UTC)


@dataclass(frozen=True)
class Stored:
    """Shaped like edu.db.outbox.OutboxEvent (edu-events deliberately does not depend on it)."""

    type: str
    payload: Mapping[str, Any] = field(default_factory=dict)
    id: UUID = field(default_factory=uuid.uuid4)
    aggregate: str = "agg"
    aggregate_id: str = "agg-1"
    version: int = 3
    occurred_at: datetime = WHEN


def wire(**fields: Any) -> bytes:
    envelope = {
        "id": str(uuid.uuid4()),
        "type": "user.registered",
        "occurred_at": "2026-11-27T17:00:00Z",
        "aggregate": "user",
        "aggregate_id": "u-1",
        "version": 1,
    }
    envelope.update(fields)
    return json.dumps(envelope).encode()


class TestRoundTrip:
    @pytest.mark.parametrize("event_type", sorted(SAMPLES))
    def test_every_event_type_comes_back_with_its_typed_payload(self, event_type: str) -> None:
        stored = Stored(type=event_type, payload=SAMPLES[event_type])

        decoded = decode(encode(stored))

        assert (decoded.id, decoded.type, decoded.occurred_at) == (stored.id, event_type, WHEN)
        assert (decoded.aggregate, decoded.aggregate_id, decoded.version) == ("agg", "agg-1", 3)
        assert not isinstance(decoded.payload, UnknownPayload)
        assert decoded.payload.DESCRIPTOR.name == type(decoded.payload).__name__
        assert payload_of(decoded.payload) == SAMPLES[event_type]

    def test_the_samples_cover_every_event_the_envelope_carries(self) -> None:
        oneof = envelope_pb2.EventEnvelope.DESCRIPTOR.oneofs_by_name["payload"]
        assert {payload_field(t) for t in SAMPLES} == {f.name for f in oneof.fields}

    def test_the_wire_form_names_the_payload_after_the_event_in_snake_case(self) -> None:
        stored = Stored(type="enrollment.created", payload=SAMPLES["enrollment.created"])

        sent = json.loads(encode(stored))

        assert sent == {
            "id": str(stored.id),
            "type": "enrollment.created",
            "occurred_at": "2026-11-27T17:00:00.250Z",
            "aggregate": "agg",
            "aggregate_id": "agg-1",
            "version": 3,
            "enrollment_created": SAMPLES["enrollment.created"],
        }

    def test_a_time_with_another_offset_travels_as_the_same_instant_in_utc(self) -> None:
        local = WHEN.astimezone(timezone(timedelta(hours=-5)))
        stored = Stored(type="course.unpublished", occurred_at=local)

        assert json.loads(encode(stored))["occurred_at"] == "2026-11-27T17:00:00.250Z"
        assert decode(encode(stored)).occurred_at == WHEN

    def test_a_producer_stores_what_payload_of_gives_for_a_typed_message(self) -> None:
        message = identity_events_pb2.UserRegistered(
            user_id="u-9", email="grace@example.org", role=identity_events_pb2.ROLE_TEACHER
        )
        decoded = decode(encode(Stored(type="user.registered", payload=payload_of(message))))
        assert decoded.payload == message


class TestContractOnTheWayOut:
    def test_a_payload_field_the_contract_lacks_is_rejected_naming_the_contract(self) -> None:
        stored = Stored(type="user.registered", payload={"user_id": "u-1", "roles": ["student"]})

        with pytest.raises(EventContractError, match=r"edu\.events\.v1\.UserRegistered.*roles"):
            encode(stored)

    def test_an_enum_value_outside_the_contract_is_rejected(self) -> None:
        stored = Stored(type="user.registered", payload={"user_id": "u-1", "role": "student"})

        with pytest.raises(EventContractError, match="Invalid enum value student"):
            encode(stored)

    def test_a_wrongly_typed_value_is_rejected(self) -> None:
        stored = Stored(type="course.published", payload={"lesson_ids": "l-1"})

        with pytest.raises(EventContractError, match="lesson_ids"):
            encode(stored)

    def test_an_event_type_the_envelope_does_not_carry_is_rejected_saying_where_to_add_it(
        self,
    ) -> None:
        with pytest.raises(EventContractError, match=r"course_archived.*envelope\.proto"):
            encode(Stored(type="course.archived", payload={}))


class TestPayloadFor:
    def test_gives_the_dict_to_store_for_the_event_types_own_message(self) -> None:
        message = course_events_pb2.CourseUpdated(course_id="c-1", lesson_ids=["l-1"])

        assert payload_for("course.updated", message) == {"course_id": "c-1", "lesson_ids": ["l-1"]}

    def test_refuses_another_events_message_even_when_its_fields_would_parse(self) -> None:
        message = course_events_pb2.CoursePublished(course_id="c-1")

        with pytest.raises(EventContractError, match=r"edu\.events\.v1\.CourseUpdated"):
            payload_for("course.updated", message)

    def test_refuses_an_event_type_the_envelope_does_not_carry(self) -> None:
        with pytest.raises(EventContractError, match="no payload in the envelope"):
            payload_for("course.archived", course_events_pb2.CourseUpdated())


class TestEventsThisBuildDoesNotKnow:
    def test_a_newer_event_decodes_as_unknown_with_its_envelope(self) -> None:
        data = wire(type="quiz.submitted", quiz_submitted={"quiz_id": "q-1"})

        decoded = decode(data)

        assert decoded.payload == UnknownPayload("quiz.submitted")
        assert decoded.aggregate_id == "u-1"

    def test_newer_fields_inside_a_known_payload_are_ignored(self) -> None:
        data = wire(user_registered={"user_id": "u-1", "email": "a@b.org", "locale": "fr"})

        decoded = decode(data)

        assert isinstance(decoded.payload, identity_events_pb2.UserRegistered)
        assert decoded.payload.email == "a@b.org"

    def test_a_newer_enum_value_reads_as_unspecified(self) -> None:
        decoded = decode(wire(user_registered={"user_id": "u-1", "role": "ROLE_ADMIN"}))

        assert isinstance(decoded.payload, identity_events_pb2.UserRegistered)
        assert decoded.payload.role == identity_events_pb2.ROLE_UNSPECIFIED


class TestMalformedInput:
    @pytest.mark.parametrize(
        ("data", "reason"),
        [
            (b"{not json", "not an edu.events.v1.EventEnvelope"),
            (b"[1, 2]", "JSON object"),
            (wire(id="42"), "not a UUID"),
            (wire(version="many"), "not an edu.events.v1.EventEnvelope"),
            (wire(type=""), "no type"),
            (wire(occurred_at=None), "no occurred_at"),
            (wire(course_published={"course_id": "c-1"}), "carries 'course_published'"),
            (wire(user_registered={"email": ["a@b.org"]}), "email"),
        ],
    )
    def test_is_rejected_with_a_reason(self, data: bytes, reason: str) -> None:
        with pytest.raises(MalformedEvent, match=reason):
            decode(data)


class TestEnvelopesFromBeforeTheContract:
    def test_a_known_event_with_its_payload_under_payload_is_malformed_not_skipped(self) -> None:
        payload = {"user_id": "u-1", "email": "ada@example.org", "roles": ["student"]}

        with pytest.raises(MalformedEvent, match="carries no 'user_registered' payload"):
            decode(wire(payload=payload))


def test_json_format_is_the_one_the_adr_names() -> None:
    """Guards against a silent switch to camelCase keys, which Rust consumers would still read
    but our message pacts would not match."""
    envelope = json_format.Parse(
        encode(Stored(type="course.unpublished", payload={"course_id": "c-1"})),
        envelope_pb2.EventEnvelope(),
    )
    assert envelope.course_unpublished.course_id == "c-1"
