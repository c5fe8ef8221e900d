"""encode / decode: stored events to ``EventEnvelope`` protobuf JSON and back.

The wire form is ``json_format.MessageToJson(envelope, preserving_proto_field_name=True)``:
the envelope fields keep their snake_case names and the payload rides in the oneof member named
after the event (``"enrollment_created": {...}``).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol
from uuid import UUID

from google.protobuf import json_format
from google.protobuf.message import Message

from edu.events.catalogue import (
    contract_name,
    is_known_event_type,
    payload_field,
    payload_message_name,
)
from edu.events.errors import EventContractError, MalformedEvent
from edu.proto_gen.events.v1.envelope_pb2 import EventEnvelope


class StoredEvent(Protocol):
    """What :func:`encode` reads; ``edu.db.outbox.OutboxEvent`` has exactly this shape."""

    @property
    def id(self) -> UUID: ...
    @property
    def type(self) -> str: ...
    @property
    def aggregate(self) -> str: ...
    @property
    def aggregate_id(self) -> str: ...
    @property
    def version(self) -> int: ...
    @property
    def occurred_at(self) -> datetime: ...
    @property
    def payload(self) -> Mapping[str, Any]: ...


@dataclass(frozen=True)
class UnknownPayload:
    """The payload of an event type this build does not know (acknowledge it, skip it)."""

    type: str


@dataclass(frozen=True)
class DecodedEvent:
    id: UUID
    type: str
    occurred_at: datetime
    aggregate: str
    aggregate_id: str
    version: int
    payload: Message | UnknownPayload


def encode(event: StoredEvent) -> bytes:
    """The envelope's protobuf JSON; EventContractError when the payload breaks the contract."""
    if not is_known_event_type(event.type):
        raise EventContractError(
            f"event type {event.type!r} has no payload in edu.events.v1.EventEnvelope; "
            f"add `{payload_field(event.type)}` to proto/edu/events/v1/envelope.proto"
        )
    envelope = {
        "id": str(event.id),
        "type": event.type,
        "occurred_at": event.occurred_at.astimezone(UTC).isoformat().replace("+00:00", "Z"),
        "aggregate": event.aggregate,
        "aggregate_id": event.aggregate_id,
        "version": event.version,
        payload_field(event.type): dict(event.payload),
    }
    try:
        message = json_format.ParseDict(envelope, EventEnvelope())
    except json_format.ParseError as exc:
        raise EventContractError(
            f"{event.type} event {event.id}: its payload does not match "
            f"{contract_name(event.type)}: {exc}"
        ) from None
    return json_format.MessageToJson(
        message, preserving_proto_field_name=True, indent=None
    ).encode()


def decode(data: bytes | str) -> DecodedEvent:
    """The envelope in ``data``; MalformedEvent when it is not one."""
    try:
        raw = json.loads(data)
        if not isinstance(raw, dict):
            raise MalformedEvent("an event envelope is a JSON object")
        envelope = json_format.ParseDict(raw, EventEnvelope(), ignore_unknown_fields=True)
    except (ValueError, json_format.ParseError) as exc:  # JSONDecodeError is a ValueError
        raise MalformedEvent(f"not an edu.events.v1.EventEnvelope: {exc}") from None
    try:
        event_id = UUID(envelope.id)
    except ValueError:
        raise MalformedEvent(f"event id {envelope.id!r} is not a UUID") from None
    if not envelope.type or not envelope.HasField("occurred_at"):
        raise MalformedEvent(f"event {event_id} has no type or no occurred_at")
    return DecodedEvent(
        id=event_id,
        type=envelope.type,
        occurred_at=envelope.occurred_at.ToDatetime(tzinfo=UTC),
        aggregate=envelope.aggregate,
        aggregate_id=envelope.aggregate_id,
        version=envelope.version,
        payload=_payload(envelope),
    )


def payload_of(message: Message) -> dict[str, Any]:
    """The dict a producer stores in its outbox for the typed payload ``message``."""
    return json_format.MessageToDict(message, preserving_proto_field_name=True)


def payload_for(event_type: str, message: Message) -> dict[str, Any]:
    """:func:`payload_of` ``message``, after checking it is the payload type of ``event_type``.

    Two payloads may share field names (``CoursePublished`` and ``CourseUpdated``), so the
    parse in :func:`encode` alone would not notice a producer storing one as the other.
    """
    expected = payload_message_name(event_type)
    if message.DESCRIPTOR.full_name != expected:
        raise EventContractError(
            f"a {event_type} event carries {expected or 'no payload in the envelope'}, "
            f"not {message.DESCRIPTOR.full_name}"
        )
    return payload_of(message)


def _payload(envelope: EventEnvelope) -> Message | UnknownPayload:
    carried = envelope.WhichOneof("payload")
    if carried is None:
        if is_known_event_type(envelope.type):
            # Also the form of before ADR 0006 ("payload": {...}), which no producer writes any
            # more: dead-letter it visibly rather than skip it as if it were news.
            raise MalformedEvent(
                f"event {envelope.id} of type {envelope.type!r} carries no "
                f"{payload_field(envelope.type)!r} payload"
            )
        return UnknownPayload(envelope.type)
    if carried != payload_field(envelope.type):
        raise MalformedEvent(
            f"event {envelope.id} says type {envelope.type!r} but carries {carried!r}"
        )
    message: Message = getattr(envelope, carried)
    return message
