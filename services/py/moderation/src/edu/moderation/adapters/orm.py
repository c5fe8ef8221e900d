"""moderation's tables (SQLAlchemy Core). Migrations in migrations/moderation must match them;
an integration test compares the two with Alembic autogenerate."""

from __future__ import annotations

from sqlalchemy import Column, DateTime, Index, Integer, String, Table, Text, Uuid, text
from sqlalchemy.dialects.postgresql import JSONB

from edu.db.outbox import outbox_table
from edu.db.schema import service_metadata

metadata = service_metadata()

items = Table(
    "items",
    metadata,
    Column("id", Uuid, primary_key=True),
    # The event that brought the text: unique, so an event is moderated once.
    Column("source_event_id", Uuid, nullable=False, unique=True),
    Column("kind", String(20), nullable=False),
    Column("subject_id", String(200), nullable=False),
    Column("course_id", String(200), nullable=False),
    Column("author_id", String(200), nullable=False),
    Column("text", Text, nullable=False),
    Column("submitted_at", DateTime(timezone=True), nullable=False),
    Column("outcome", String(20), nullable=False),
    # [{"code", "detail", "severity"}], in the order the policy sorted them.
    Column("reasons", JSONB, nullable=False, server_default=text("'[]'::jsonb")),
    Column("subject_version", Integer, nullable=False, server_default=text("0")),
    Column("reviewer_id", Uuid),
    Column("reviewed_at", DateTime(timezone=True)),
    Column("version", Integer, nullable=False, server_default=text("1")),
    # The repeated-post rule: one author's recent posts.
    Index("ix_items_author_id_submitted_at", "author_id", "submitted_at"),
    # The review queue: held items nobody decided, oldest first.
    Index(
        "ix_items_awaiting_review",
        "course_id",
        "submitted_at",
        postgresql_where=text("outcome = 'hold' AND reviewer_id IS NULL"),
    ),
    Index("ix_items_kind_subject_id", "kind", "subject_id", "submitted_at"),
)

# Read model from course's events: who may review a course's items.
course_owners = Table(
    "course_owners",
    metadata,
    Column("course_id", String(200), primary_key=True),
    Column("teacher_id", String(200), nullable=False),
    Column("version", Integer, nullable=False),
    Index("ix_course_owners_teacher_id", "teacher_id"),
)

outbox = outbox_table(metadata)
