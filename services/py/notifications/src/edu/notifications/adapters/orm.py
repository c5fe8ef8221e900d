"""notifications' tables (SQLAlchemy Core). Migrations in migrations/notifications must match
them; an integration test compares the two with Alembic autogenerate."""

from __future__ import annotations

from sqlalchemy import Boolean, Column, DateTime, Index, String, Table, Text, Uuid, text

from edu.db.schema import service_metadata
from edu.email_queue import email_queue_table

metadata = service_metadata()

# One row per event ever handled: its primary key is what makes handling idempotent.
processed_events = Table(
    "processed_events",
    metadata,
    Column("event_id", Uuid, primary_key=True),
    Column("event_type", String(200), nullable=False),
    Column("processed_at", DateTime(timezone=True), nullable=False),
)

# Read models filled from other services' events.
users = Table(
    "users",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("email", String(320), nullable=False),
)

courses = Table(
    "courses",
    metadata,
    Column("id", String(200), primary_key=True),
    Column("title", String(500), nullable=False),
)

preferences = Table(
    "preferences",
    metadata,
    Column("user_id", Uuid, primary_key=True),
    Column("enrollment_emails", Boolean, nullable=False, server_default=text("true")),
)

notifications = Table(
    "notifications",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("user_id", Uuid, nullable=False),
    Column("kind", String(50), nullable=False),
    Column("title", String(500), nullable=False),
    Column("body", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("read_at", DateTime(timezone=True)),
    Column("source_event_id", Uuid, nullable=False),
    # The inbox query: one user's notifications, newest first.
    Index("ix_notifications_user_id_created_at", "user_id", "created_at"),
)

email_queue = email_queue_table(metadata)
