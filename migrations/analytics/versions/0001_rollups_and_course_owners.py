"""learning-event rollups, processed events and course owners

Revision ID: 0001
Revises:
Create Date: 2026-12-01 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "processed_learning_events",
        sa.Column("event_id", sa.Uuid(), nullable=False),
        sa.Column("event_type", sa.String(length=100), nullable=False),
        sa.Column("processed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("event_id", name=op.f("pk_processed_learning_events")),
    )
    op.create_table(
        "lesson_views",
        sa.Column("course_id", sa.String(length=200), nullable=False),
        sa.Column("lesson_id", sa.String(length=200), nullable=False),
        sa.Column("views", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.PrimaryKeyConstraint("course_id", "lesson_id", name=op.f("pk_lesson_views")),
    )
    op.create_table(
        "lesson_viewers",
        sa.Column("course_id", sa.String(length=200), nullable=False),
        sa.Column("lesson_id", sa.String(length=200), nullable=False),
        sa.Column("user_id", sa.String(length=200), nullable=False),
        sa.Column("opened", sa.Boolean(), nullable=False),
        sa.Column("halfway", sa.Boolean(), nullable=False),
        sa.Column("finished", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint(
            "course_id", "lesson_id", "user_id", name=op.f("pk_lesson_viewers")
        ),
    )
    op.create_table(
        "session_progress",
        sa.Column("session_id", sa.String(length=200), nullable=False),
        sa.Column("lesson_id", sa.String(length=200), nullable=False),
        sa.Column("course_id", sa.String(length=200), nullable=False),
        sa.Column("user_id", sa.String(length=200), nullable=False),
        sa.Column("last_position", sa.Integer(), nullable=True),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("furthest_position", sa.Integer(), nullable=False),
        sa.Column("duration", sa.Integer(), nullable=False),
        sa.Column("finished", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("session_id", "lesson_id", name=op.f("pk_session_progress")),
    )
    op.create_index(
        "ix_session_progress_course_lesson",
        "session_progress",
        ["course_id", "lesson_id"],
        unique=False,
    )
    op.create_table(
        "course_active_users",
        sa.Column("course_id", sa.String(length=200), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("user_id", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("course_id", "day", "user_id", name=op.f("pk_course_active_users")),
    )
    op.create_table(
        "course_owners",
        sa.Column("course_id", sa.String(length=200), nullable=False),
        sa.Column("teacher_id", sa.String(length=200), nullable=False),
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column("lesson_ids", postgresql.ARRAY(sa.String(length=200)), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("course_id", name=op.f("pk_course_owners")),
    )
    op.create_index("ix_course_owners_teacher_id", "course_owners", ["teacher_id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_course_owners_teacher_id", table_name="course_owners")
    op.drop_table("course_owners")
    op.drop_table("course_active_users")
    op.drop_index("ix_session_progress_course_lesson", table_name="session_progress")
    op.drop_table("session_progress")
    op.drop_table("lesson_viewers")
    op.drop_table("lesson_views")
    op.drop_table("processed_learning_events")
