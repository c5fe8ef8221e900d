"""A domain event as a service stores it in its outbox, on its way to the bus.

On the wire it becomes an ``edu.events.v1.EventEnvelope`` in the protobuf JSON mapping
(``edu.events.encode``, ADR 0006); here the payload is kept as the dict of that mapping, so
the outbox table stays plain JSONB. ``type`` is ``<aggregate>.<event>`` (e.g.
``enrollment.created``) and ``id`` lets consumers deduplicate.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol
from uuid import UUID

from google.protobuf.message import Message

from edu.common.clock import Clock
from edu.events import encode, payload_for

_TYPE = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$")


@dataclass(frozen=True)
class OutboxEvent:
    """One domain event on its way to the message bus."""

    id: UUID
    type: str
    aggregate: str
    aggregate_id: str
    version: int
    occurred_at: datetime
    payload: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not _TYPE.match(self.type):
            raise ValueError(f"event type {self.type!r} must read like 'enrollment.created'")
        if self.occurred_at.tzinfo is None:
            raise ValueError("occurred_at must be an aware (UTC) datetime")
        if self.version < 1:
            raise ValueError("an aggregate's version starts at 1")

    @classmethod
    def new(
        cls,
        *,
        type: str,  # named like the envelope field it fills
        aggregate_id: str | UUID,
        version: int,
        payload: Message | dict[str, Any],
        clock: Clock,
        aggregate: str | None = None,
    ) -> OutboxEvent:
        """A fresh event; ``aggregate`` defaults to the first part of ``type``.

        ``payload`` is the generated ``edu.events.v1`` message of ``type`` (or the dict of its
        JSON mapping). The event is checked against the contract here, in the use case, so a
        producer bug fails the request that caused it instead of holding the outbox back later
        (``EventContractError``).
        """
        event = cls(
            id=uuid.uuid4(),
            type=type,
            aggregate=aggregate or type.split(".", 1)[0],
            aggregate_id=str(aggregate_id),
            version=version,
            occurred_at=clock.now().astimezone(UTC),
            payload=payload_for(type, payload) if isinstance(payload, Message) else payload,
        )
        encode(event)
        return event


class Outbox(Protocol):
    """Where a use case puts the events of its change (``uow.outbox``)."""

    def add(self, event: OutboxEvent) -> None: ...
