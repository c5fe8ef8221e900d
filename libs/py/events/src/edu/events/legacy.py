"""Reading the JSON envelope of before ADR 0006 (``"payload": {...}``).

Events already stored in the ``EVENTS`` stream, and those published by a service whose relay
still uses the old serialiser, carry their payload under ``payload`` instead of the oneof. A
new durable consumer replays the stream from the start, so it must read both; this module can
go once every producer encodes with :func:`edu.events.encode` and the stream's retention has
aged the old messages out.
"""

from __future__ import annotations

from typing import Any

from google.protobuf import json_format
from google.protobuf.message import Message

from edu.events.catalogue import is_known_event_type, payload_field
from edu.events.errors import MalformedEvent
from edu.proto_gen.events.v1.envelope_pb2 import EventEnvelope


def legacy_payload(envelope: EventEnvelope, raw: dict[str, Any]) -> Message | None:
    """The typed payload of an old-style envelope, or None when it is not one we can read."""
    payload = raw.get("payload")
    if not isinstance(payload, dict) or not is_known_event_type(envelope.type):
        return None
    target: Message = getattr(envelope, payload_field(envelope.type))
    target.SetInParent()
    # Old payloads were never checked against the contract: keep what matches, drop the rest.
    try:
        json_format.ParseDict(payload, target, ignore_unknown_fields=True)
    except json_format.ParseError as exc:
        raise MalformedEvent(f"old-style payload of {envelope.type}: {exc}") from None
    return target
