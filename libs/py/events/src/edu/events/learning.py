"""Learning events on the wire (issue 21): ``edu.events.v1.LearningEvent`` on stream
``LEARNING``, subject ``learning.<type>``.

event-ingestion publishes them encoded as protobuf (ADR 0018: the binary encoding is what makes
its throughput); analytics-aggregator consumes them with
``DurableEventConsumer(..., decoder=decode_learning)``, which reads that binary encoding and the
protobuf JSON mapping (snake_case names) alike: :func:`encode_learning` writes the JSON (tests
publish with it; readable in ``nats stream view``). A JSON body is an object, so it starts with
``{`` (after any whitespace); a LearningEvent's binary encoding never does (its first byte is a
field tag, and ``{`` would be field 15 as a group, which LearningEvent has not).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from uuid import UUID

from google.protobuf import json_format
from google.protobuf.message import DecodeError, Message

from edu.events.codec import UnknownPayload
from edu.events.errors import MalformedEvent
from edu.proto_gen.events.v1.learning_events_pb2 import LearningEvent

LEARNING_STREAM = "LEARNING"
LEARNING_SUBJECT_PREFIX = "learning"

_PAYLOAD_FIELDS = frozenset(
    f.name for f in LearningEvent.DESCRIPTOR.oneofs_by_name["payload"].fields
)


@dataclass(frozen=True)
class DecodedLearningEvent:
    """A learning event as a consumer sees it; ``payload`` is the typed message (or
    :class:`~edu.events.codec.UnknownPayload` for a type this build does not know yet)."""

    id: UUID
    type: str
    user_id: str
    course_id: str
    session_id: str
    occurred_at: datetime
    received_at: datetime | None
    payload: Message | UnknownPayload


def learning_subject(event_type: str, prefix: str = LEARNING_SUBJECT_PREFIX) -> str:
    return f"{prefix}.{event_type}"


def encode_learning(event: LearningEvent) -> bytes:
    """The bytes event-ingestion publishes for ``event``."""
    return json_format.MessageToJson(event, preserving_proto_field_name=True, indent=None).encode()


def decode_learning(data: bytes | str) -> DecodedLearningEvent:
    """The learning event in ``data`` (protobuf binary, as event-ingestion publishes it, or the
    JSON mapping); MalformedEvent when it is not one (dead-letter it)."""
    event = _parse(data)
    try:
        event_id = UUID(event.id)
    except ValueError:
        raise MalformedEvent(f"learning event id {event.id!r} is not a UUID") from None
    if not event.type or not event.HasField("occurred_at") or not event.user_id:
        raise MalformedEvent(f"learning event {event_id} has no type, user or occurred_at")
    return DecodedLearningEvent(
        id=event_id,
        type=event.type,
        user_id=event.user_id,
        course_id=event.course_id,
        session_id=event.session_id,
        occurred_at=event.occurred_at.ToDatetime(tzinfo=UTC),
        received_at=(
            event.received_at.ToDatetime(tzinfo=UTC) if event.HasField("received_at") else None
        ),
        payload=_payload(event, event_id),
    )


def _parse(data: bytes | str) -> LearningEvent:
    if isinstance(data, bytes) and data.lstrip()[:1] not in (b"{", b"[", b""):
        event = LearningEvent()
        try:
            event.ParseFromString(data)
        except DecodeError as exc:
            raise MalformedEvent(f"not an edu.events.v1.LearningEvent (protobuf): {exc}") from None
        return event
    try:
        raw = json.loads(data)
        if not isinstance(raw, dict):
            raise MalformedEvent("a learning event is a JSON object")
        return json_format.ParseDict(raw, LearningEvent(), ignore_unknown_fields=True)
    except (ValueError, json_format.ParseError) as exc:
        raise MalformedEvent(f"not an edu.events.v1.LearningEvent: {exc}") from None


def _payload(event: LearningEvent, event_id: UUID) -> Message | UnknownPayload:
    expected = event.type.replace(".", "_")
    carried = event.WhichOneof("payload")
    if carried is None:
        if expected in _PAYLOAD_FIELDS:
            raise MalformedEvent(f"learning event {event_id} of type {event.type!r} has no payload")
        return UnknownPayload(event.type)
    if carried != expected:
        raise MalformedEvent(
            f"learning event {event_id} says type {event.type!r} but carries {carried!r}"
        )
    message: Message = getattr(event, carried)
    return message
