"""The event envelope every service publishes (JSON until protobuf arrives).

``{"id", "type", "occurred_at", "aggregate", "aggregate_id", "version", "payload"}``; ``type`` is
``<aggregate>.<event>`` (e.g. ``enrollment.created``) and ``id`` lets consumers deduplicate.
"""

from __future__ import annotations

import json
import re
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol
from uuid import UUID

from edu.common.clock import Clock

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
        payload: dict[str, Any],
        clock: Clock,
        aggregate: str | None = None,
    ) -> OutboxEvent:
        """A fresh event; ``aggregate`` defaults to the first part of ``type``."""
        json.dumps(payload)  # fail here, in the use case, not later in the relay
        return cls(
            id=uuid.uuid4(),
            type=type,
            aggregate=aggregate or type.split(".", 1)[0],
            aggregate_id=str(aggregate_id),
            version=version,
            occurred_at=clock.now().astimezone(UTC),
            payload=payload,
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": str(self.id),
            "type": self.type,
            "occurred_at": self.occurred_at.astimezone(UTC).isoformat().replace("+00:00", "Z"),
            "aggregate": self.aggregate,
            "aggregate_id": self.aggregate_id,
            "version": self.version,
            "payload": self.payload,
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), separators=(",", ":"), sort_keys=True)

    @classmethod
    def from_json(cls, data: str | bytes) -> OutboxEvent:
        raw = json.loads(data)
        return cls(
            id=UUID(raw["id"]),
            type=raw["type"],
            aggregate=raw["aggregate"],
            aggregate_id=str(raw["aggregate_id"]),
            version=int(raw["version"]),
            occurred_at=datetime.fromisoformat(raw["occurred_at"]).astimezone(UTC),
            payload=dict(raw.get("payload") or {}),
        )


class Outbox(Protocol):
    """Where a use case puts the events of its change (``uow.outbox``)."""

    def add(self, event: OutboxEvent) -> None: ...
