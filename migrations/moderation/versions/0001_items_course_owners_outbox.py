"""moderated items, course owners and the outbox

Revision ID: 0001
Revises:
Create Date: 2026-12-05 16:25:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from edu.db.outbox.migration import create_outbox_table, drop_outbox_table

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "course_owners",
        sa.Column("course_id", sa.String(length=200), nullable=False),
        sa.Column("teacher_id", sa.String(length=200), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("course_id", name=op.f("pk_course_owners")),
    )
    op.create_index("ix_course_owners_teacher_id", "course_owners", ["teacher_id"], unique=False)
    op.create_table(
        "items",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("source_event_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("subject_id", sa.String(length=200), nullable=False),
        sa.Column("course_id", sa.String(length=200), nullable=False),
        sa.Column("author_id", sa.String(length=200), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("outcome", sa.String(length=20), nullable=False),
        sa.Column(
            "reasons",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default=sa.text("'[]'::jsonb"),
            nullable=False,
        ),
        sa.Column("subject_version", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("reviewer_id", sa.Uuid(), nullable=True),
        sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), server_default=sa.text("1"), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_items")),
        sa.UniqueConstraint("source_event_id", name=op.f("uq_items_source_event_id")),
    )
    op.create_index(
        "ix_items_author_id_submitted_at", "items", ["author_id", "submitted_at"], unique=False
    )
    op.create_index(
        "ix_items_awaiting_review",
        "items",
        ["course_id", "submitted_at"],
        unique=False,
        postgresql_where=sa.text("outcome = 'hold' AND reviewer_id IS NULL"),
    )
    op.create_index(
        "ix_items_kind_subject_id", "items", ["kind", "subject_id", "submitted_at"], unique=False
    )
    create_outbox_table()


def downgrade() -> None:
    drop_outbox_table()
    op.drop_index("ix_items_kind_subject_id", table_name="items")
    op.drop_index(
        "ix_items_awaiting_review",
        table_name="items",
        postgresql_where=sa.text("outcome = 'hold' AND reviewer_id IS NULL"),
    )
    op.drop_index("ix_items_author_id_submitted_at", table_name="items")
    op.drop_table("items")
    op.drop_index("ix_course_owners_teacher_id", table_name="course_owners")
    op.drop_table("course_owners")
