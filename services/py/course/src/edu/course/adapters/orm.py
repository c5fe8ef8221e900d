"""The course database schema (SQLAlchemy Core); the migrations in migrations/course build it.

The catalogue's full-text search uses a generated ``search_vector`` column (title weighted above
summary) with a GIN index, so PostgreSQL keeps it current on every write without triggers.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Column,
    Computed,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    Uuid,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY, TSVECTOR

from edu.db.outbox import outbox_table
from edu.db.schema import service_metadata

metadata = service_metadata()

SEARCH_VECTOR = (
    "setweight(to_tsvector('english'::regconfig, title), 'A') || "
    "setweight(to_tsvector('english'::regconfig, summary), 'B')"
)

courses = Table(
    "courses",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("teacher_id", Uuid, nullable=False, index=True),
    Column("title", String(200), nullable=False),
    Column("summary", Text, nullable=False),
    Column("level", String(20), nullable=False),
    Column("tags", ARRAY(String(32)), nullable=False),
    Column("status", String(20), nullable=False),
    Column("version", Integer, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column("published_at", DateTime(timezone=True)),
    # Both NULL: free. The domain (edu.course.domain.price) knows the currencies and the cap.
    Column("price_currency_code", String(3)),
    Column("price_amount_minor", BigInteger),
    Column("search_vector", TSVECTOR, Computed(SEARCH_VECTOR, persisted=True)),
    CheckConstraint("level IN ('beginner', 'intermediate', 'advanced')", name="level"),
    CheckConstraint("status IN ('draft', 'published')", name="status"),
    CheckConstraint(
        "(price_currency_code IS NULL AND price_amount_minor IS NULL) OR "
        "(price_currency_code IS NOT NULL AND price_amount_minor IS NOT NULL "
        "AND price_amount_minor > 0)",
        name="price",
    ),
    Index("ix_courses_search_vector", "search_vector", postgresql_using="gin"),
    Index("ix_courses_tags", "tags", postgresql_using="gin"),
    # The catalogue's default order: newest published first.
    Index(
        "ix_courses_published_at",
        "published_at",
        postgresql_where=text("status = 'published'"),
    ),
)

lessons = Table(
    "lessons",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("course_id", Uuid, ForeignKey("courses.id", ondelete="CASCADE"), nullable=False),
    Column("position", Integer, nullable=False),
    Column("title", String(200), nullable=False),
    Column("body_markdown", Text, nullable=False),
    Column("video_url", String(2000)),
    Column("estimated_minutes", Integer, nullable=False),
    # Deferred, so a reorder may swap positions inside one transaction.
    UniqueConstraint("course_id", "position", deferrable=True, initially="DEFERRED"),
    CheckConstraint("estimated_minutes BETWEEN 1 AND 600", name="estimated_minutes"),
)

outbox = outbox_table(metadata)
