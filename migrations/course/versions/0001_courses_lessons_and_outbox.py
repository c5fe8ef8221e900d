"""courses, lessons and outbox

Revision ID: 0001
Revises:
Create Date: 2026-11-27
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
        "courses",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("teacher_id", sa.Uuid(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("level", sa.String(length=20), nullable=False),
        sa.Column("tags", postgresql.ARRAY(sa.String(length=32)), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "search_vector",
            postgresql.TSVECTOR(),
            sa.Computed(
                "setweight(to_tsvector('english'::regconfig, title), 'A') || setweight(to_tsvector('english'::regconfig, summary), 'B')",
                persisted=True,
            ),
            nullable=True,
        ),
        sa.CheckConstraint(
            "level IN ('beginner', 'intermediate', 'advanced')", name=op.f("ck_courses_level")
        ),
        sa.CheckConstraint("status IN ('draft', 'published')", name=op.f("ck_courses_status")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_courses")),
    )
    op.create_index(
        "ix_courses_published_at",
        "courses",
        ["published_at"],
        unique=False,
        postgresql_where=sa.text("status = 'published'"),
    )
    op.create_index(
        "ix_courses_search_vector",
        "courses",
        ["search_vector"],
        unique=False,
        postgresql_using="gin",
    )
    op.create_index("ix_courses_tags", "courses", ["tags"], unique=False, postgresql_using="gin")
    op.create_index(op.f("ix_courses_teacher_id"), "courses", ["teacher_id"], unique=False)
    create_outbox_table()
    op.create_table(
        "lessons",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("course_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("body_markdown", sa.Text(), nullable=False),
        sa.Column("video_url", sa.String(length=2000), nullable=True),
        sa.Column("estimated_minutes", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "estimated_minutes BETWEEN 1 AND 600", name=op.f("ck_lessons_estimated_minutes")
        ),
        sa.ForeignKeyConstraint(
            ["course_id"],
            ["courses.id"],
            name=op.f("fk_lessons_course_id_courses"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lessons")),
        sa.UniqueConstraint(
            "course_id",
            "position",
            deferrable=True,
            initially="DEFERRED",
            name=op.f("uq_lessons_course_id_position"),
        ),
    )


def downgrade() -> None:
    op.drop_table("lessons")
    drop_outbox_table()
    op.drop_index(op.f("ix_courses_teacher_id"), table_name="courses")
    op.drop_index("ix_courses_tags", table_name="courses", postgresql_using="gin")
    op.drop_index("ix_courses_search_vector", table_name="courses", postgresql_using="gin")
    op.drop_index(
        "ix_courses_published_at",
        table_name="courses",
        postgresql_where=sa.text("status = 'published'"),
    )
    op.drop_table("courses")
