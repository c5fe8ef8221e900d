"""teacher-tools' tables (SQLAlchemy Core). Migrations in migrations/teacher_tools must match
them; an integration test compares the two with Alembic autogenerate."""

from __future__ import annotations

from sqlalchemy import Boolean, Column, Index, String, Table, text

from edu.db.schema import service_metadata

metadata = service_metadata()

# Read model from enrollment's events: one row per enrolment, completed once its course is.
enrolments = Table(
    "enrolments",
    metadata,
    Column("enrollment_id", String(200), primary_key=True),
    Column("course_id", String(200), nullable=False),
    Column("completed", Boolean, nullable=False, server_default=text("false")),
    Index("ix_enrolments_course_id", "course_id"),
)
