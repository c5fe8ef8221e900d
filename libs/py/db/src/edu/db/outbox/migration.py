"""The outbox table in a service's first Alembic migration, written once.

Every service that publishes events creates the same ``outbox`` table (:func:`outbox_table`) in
its own database. Its first migration calls :func:`create_outbox_table` in ``upgrade`` and
:func:`drop_outbox_table` in ``downgrade`` instead of repeating the DDL.

This DDL is frozen: migrations that already ran call it, so changing it would make a fresh
database differ from one that was upgraded. A change to the outbox goes into a new migration in
each service (and into :func:`outbox_table`, which autogenerate compares against).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from edu.db.outbox.table import TABLE_NAME

UNPUBLISHED_INDEX = "ix_outbox_unpublished"


def create_outbox_table() -> None:
    """Create the outbox table and its partial "unpublished" index (inside ``upgrade``)."""
    op.create_table(
        TABLE_NAME,
        sa.Column("position", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("type", sa.String(length=200), nullable=False),
        sa.Column("aggregate", sa.String(length=100), nullable=False),
        sa.Column("aggregate_id", sa.String(length=200), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("payload", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("attempts", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("position", name=op.f("pk_outbox")),
        sa.UniqueConstraint("id", name=op.f("uq_outbox_id")),
    )
    op.create_index(
        UNPUBLISHED_INDEX,
        TABLE_NAME,
        ["position"],
        unique=False,
        postgresql_where=sa.text("published_at IS NULL"),
    )


def drop_outbox_table() -> None:
    """Drop what :func:`create_outbox_table` created (inside ``downgrade``)."""
    op.drop_index(
        UNPUBLISHED_INDEX,
        table_name=TABLE_NAME,
        postgresql_where=sa.text("published_at IS NULL"),
    )
    op.drop_table(TABLE_NAME)
