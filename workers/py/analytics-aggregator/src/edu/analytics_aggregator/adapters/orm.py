"""The analytics database's tables (SQLAlchemy Core): the aggregator writes them, analytics-api
only reads them. migrations/analytics must match; an integration test compares the two."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    Index,
    Integer,
    String,
    Table,
    Uuid,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY

from edu.db.schema import service_metadata

metadata = service_metadata()

_ID = 200  # course, lesson, user and session ids are opaque text of at most this length

# One row per learning event ever folded: its primary key is what makes folding idempotent.
processed_learning_events = Table(
    "processed_learning_events",
    metadata,
    Column("event_id", Uuid, primary_key=True),
    Column("event_type", String(100), nullable=False),
    Column("processed_at", DateTime(timezone=True), nullable=False),
)

# lesson.opened events per lesson (every opening counts, not only a user's first).
lesson_views = Table(
    "lesson_views",
    metadata,
    Column("course_id", String(_ID), primary_key=True),
    Column("lesson_id", String(_ID), primary_key=True),
    Column("views", BigInteger, nullable=False, server_default=text("0")),
)

# The funnel: the stages each user reached in each lesson (domain.progress.ViewerStages).
lesson_viewers = Table(
    "lesson_viewers",
    metadata,
    Column("course_id", String(_ID), primary_key=True),
    Column("lesson_id", String(_ID), primary_key=True),
    Column("user_id", String(_ID), primary_key=True),
    Column("opened", Boolean, nullable=False),
    Column("halfway", Boolean, nullable=False),
    Column("finished", Boolean, nullable=False),
)

# Heartbeats folded per visit (domain.progress.SessionProgress): medians and drop-off come
# from these rows, one per session and lesson however many heartbeats it sent.
session_progress = Table(
    "session_progress",
    metadata,
    Column("session_id", String(_ID), primary_key=True),
    Column("lesson_id", String(_ID), primary_key=True),
    Column("course_id", String(_ID), nullable=False),
    Column("user_id", String(_ID), nullable=False),
    Column("last_position", Integer, nullable=True),
    Column("last_seen_at", DateTime(timezone=True), nullable=True),
    Column("furthest_position", Integer, nullable=False),
    Column("duration", Integer, nullable=False),
    Column("finished", Boolean, nullable=False),
    Index("ix_session_progress_course_lesson", "course_id", "lesson_id"),
)

# Active students: the distinct users with any event in a course on a UTC day.
course_active_users = Table(
    "course_active_users",
    metadata,
    Column("course_id", String(_ID), primary_key=True),
    Column("day", Date, primary_key=True),
    Column("user_id", String(_ID), primary_key=True),
)

# Who owns each course (from course's events), for analytics-api's authorization.
course_owners = Table(
    "course_owners",
    metadata,
    Column("course_id", String(_ID), primary_key=True),
    Column("teacher_id", String(_ID), nullable=False),
    Column("title", String(500), nullable=False),
    Column("lesson_ids", ARRAY(String(_ID)), nullable=False),
    Column("version", BigInteger, nullable=False),
    Index("ix_course_owners_teacher_id", "teacher_id"),
)
