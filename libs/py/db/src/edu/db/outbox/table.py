"""The ``outbox`` table and the writer that fills it inside a unit of work.

Each service adds the table to its own metadata (``outbox_table(metadata)``) so that its own
migration creates it in its own database. ``position`` gives the publishing order; the partial
index keeps the relay's "what is still unpublished?" query cheap however large the table grows.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    Uuid,
    insert,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.ext.asyncio import AsyncSession

from edu.db.outbox.event import OutboxEvent

TABLE_NAME = "outbox"


def outbox_table(metadata: MetaData) -> Table:
    """Define the outbox table in ``metadata`` (once per service)."""
    return Table(
        TABLE_NAME,
        metadata,
        Column("position", BigInteger, primary_key=True, autoincrement=True),
        Column("id", Uuid, nullable=False, unique=True),
        Column("type", String(200), nullable=False),
        Column("aggregate", String(100), nullable=False),
        Column("aggregate_id", String(200), nullable=False),
        Column("version", Integer, nullable=False),
        Column("occurred_at", DateTime(timezone=True), nullable=False),
        Column("payload", JSONB, nullable=False),
        Column("published_at", DateTime(timezone=True)),
        Column("attempts", Integer, nullable=False, server_default=text("0")),
        Column("last_error", Text),
        Index("ix_outbox_unpublished", "position", postgresql_where=text("published_at IS NULL")),
    )


# The library's own handle on the table, for statements; any service's copy has the same shape.
OUTBOX = outbox_table(MetaData())


def event_values(event: OutboxEvent) -> dict[str, object]:
    return {
        "id": event.id,
        "type": event.type,
        "aggregate": event.aggregate,
        "aggregate_id": event.aggregate_id,
        "version": event.version,
        "occurred_at": event.occurred_at,
        "payload": event.payload,
    }


class SqlAlchemyOutbox:
    """Collects events during a unit of work and inserts them just before it commits.

    ``add`` is synchronous like ``session.add``; the rows are written by :meth:`flush`, which
    the unit of work calls inside the same transaction as the change, so either both the state
    change and its events are stored or neither is.
    """

    def __init__(self, session: AsyncSession) -> None:
        self._session = session
        self.pending: list[OutboxEvent] = []

    def add(self, event: OutboxEvent) -> None:
        self.pending.append(event)

    async def flush(self) -> None:
        if not self.pending:
            return
        await self._session.execute(insert(OUTBOX), [event_values(e) for e in self.pending])
        self.pending.clear()
