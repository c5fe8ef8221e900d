"""The codec between stored outbox events and the wire (ADR 0006, ADR 0007).

* :func:`encode` turns a stored event (``edu.db.outbox.OutboxEvent`` or anything shaped like
  it) into the protobuf JSON of ``edu.events.v1.EventEnvelope``, checking the payload against
  the contract on the way out.
* :func:`decode` turns those bytes back into a :class:`DecodedEvent` whose payload is the typed
  message, or :class:`UnknownPayload` for an event this build does not know yet.
* :func:`payload_for` gives producers the dict to store from a typed payload message (checked
  to be that event type's payload); ``edu.db.outbox.OutboxEvent.new`` calls it for them.
* :mod:`edu.events.jetstream_consumer` (imported on its own: it needs NATS) is the durable
  consumer with explicit acks and a dead-letter subject; :mod:`edu.events.dispositions` holds
  its rules (acknowledge, redeliver with backoff, dead-letter after N deliveries).
"""

from edu.events.catalogue import is_known_event_type, payload_field
from edu.events.codec import (
    DecodedEvent,
    StoredEvent,
    UnknownPayload,
    decode,
    encode,
    payload_for,
    payload_of,
)
from edu.events.errors import EventContractError, MalformedEvent

__all__ = [
    "DecodedEvent",
    "EventContractError",
    "MalformedEvent",
    "StoredEvent",
    "UnknownPayload",
    "decode",
    "encode",
    "is_known_event_type",
    "payload_field",
    "payload_for",
    "payload_of",
]
