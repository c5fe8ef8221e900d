"""The enrollment database schema (SQLAlchemy Core); migrations/enrollment builds it.

The unique (student_id, course_id) constraint is what makes enrolling idempotent under any
concurrency: inserts race into ``ON CONFLICT DO NOTHING`` and exactly one wins.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    UniqueConstraint,
    Uuid,
)
from sqlalchemy.dialects.postgresql import ARRAY

from edu.db.outbox import outbox_table
from edu.db.schema import service_metadata

metadata = service_metadata()

enrollments = Table(
    "enrollments",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("student_id", Uuid, nullable=False),
    Column("course_id", Uuid, nullable=False),
    Column("status", String(20), nullable=False),
    Column("enrolled_at", DateTime(timezone=True), nullable=False),
    Column("completed_at", DateTime(timezone=True)),
    Column("version", Integer, nullable=False),
    # The payment that gives access to a paid course's enrolment; NULL: a free enrolment.
    Column("payment_id", Uuid),
    Column("revoked_at", DateTime(timezone=True)),
    UniqueConstraint("student_id", "course_id"),
    CheckConstraint("status IN ('active', 'completed', 'revoked')", name="status"),
    CheckConstraint("(status = 'revoked') = (revoked_at IS NOT NULL)", name="revoked_at"),
    CheckConstraint("status <> 'revoked' OR payment_id IS NOT NULL", name="revoked_paid"),
)

# What was heard of each payment (domain/purchases.py): the flags only ever turn on, so events
# in any order and number leave the same rows. Payment ids are the payment-engine's.
purchases = Table(
    "purchases",
    metadata,
    Column("payment_id", Uuid, primary_key=True),
    Column("student_id", Uuid, nullable=False),
    Column("course_id", Uuid, nullable=False),
    Column("succeeded", Boolean, nullable=False),
    Column("refunded", Boolean, nullable=False),
    Index("ix_purchases_student_id_course_id", "student_id", "course_id"),
)

lesson_completions = Table(
    "lesson_completions",
    metadata,
    Column(
        "enrollment_id",
        Uuid,
        ForeignKey("enrollments.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("lesson_id", Uuid, primary_key=True),
    Column("completed_at", DateTime(timezone=True), nullable=False),
)

certificates = Table(
    "certificates",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column(
        "enrollment_id",
        Uuid,
        ForeignKey("enrollments.id", ondelete="CASCADE"),
        nullable=False,
        unique=True,
    ),
    Column("student_id", Uuid, nullable=False),
    Column("course_id", Uuid, nullable=False),
    Column("course_title", String(200), nullable=False),
    Column("code", String(64), nullable=False, unique=True),
    Column("issued_at", DateTime(timezone=True), nullable=False),
)

# The read model of courses, fed by course events (ADR 0004).
course_outlines = Table(
    "course_outlines",
    metadata,
    Column("course_id", Uuid, primary_key=True),
    Column("title", String(200), nullable=False),
    Column("published", Boolean, nullable=False),
    Column("lesson_ids", ARRAY(Uuid), nullable=False),
    Column("version", Integer, nullable=False),
    # Both NULL: free (course's price).
    Column("price_currency_code", String(3)),
    Column("price_amount_minor", BigInteger),
)

outbox = outbox_table(metadata)
