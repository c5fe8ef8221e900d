"""Which events this build knows: the members of ``EventEnvelope``'s ``oneof payload``.

Derived from the generated descriptor rather than listed by hand, so a new event in
``proto/edu/events/v1/envelope.proto`` is known here after ``just proto`` and nowhere else
needs to change.
"""

from __future__ import annotations

from edu.proto_gen.events.v1.envelope_pb2 import EventEnvelope

PAYLOAD_ONEOF = "payload"

_PAYLOAD_FIELDS = frozenset(
    field.name for field in EventEnvelope.DESCRIPTOR.oneofs_by_name[PAYLOAD_ONEOF].fields
)


def payload_field(event_type: str) -> str:
    """The oneof member carrying ``event_type``: its dots become underscores (ADR 0006)."""
    return event_type.replace(".", "_")


def is_known_event_type(event_type: str) -> bool:
    return payload_field(event_type) in _PAYLOAD_FIELDS


def is_payload_field(name: str) -> bool:
    return name in _PAYLOAD_FIELDS


def payload_message_name(event_type: str) -> str | None:
    """The full protobuf name of ``event_type``'s payload message; None for an unknown type."""
    if not is_known_event_type(event_type):
        return None
    message = EventEnvelope.DESCRIPTOR.fields_by_name[payload_field(event_type)].message_type
    return message.full_name if message is not None else None


def contract_name(event_type: str) -> str:
    """The full protobuf name of ``event_type``'s payload message, for error messages."""
    message = EventEnvelope.DESCRIPTOR.fields_by_name[payload_field(event_type)].message_type
    return message.full_name if message is not None else payload_field(event_type)
