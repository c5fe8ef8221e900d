"""people, courses and certificate documents

Revision ID: 0001
Revises:
Create Date: 2026-12-05 13:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "people",
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_people")),
    )
    op.create_table(
        "courses",
        sa.Column("course_id", sa.Uuid(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("teacher_id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("course_id", name=op.f("pk_courses")),
    )
    op.create_table(
        "certificate_documents",
        sa.Column("certificate_id", sa.Uuid(), nullable=False),
        sa.Column("verification_code", sa.String(length=64), nullable=False),
        sa.Column("enrollment_id", sa.Uuid(), nullable=False),
        sa.Column("student_id", sa.Uuid(), nullable=False),
        sa.Column("course_id", sa.Uuid(), nullable=False),
        sa.Column("holder_name", sa.Text(), nullable=False),
        sa.Column("course_title", sa.Text(), nullable=False),
        sa.Column("teacher_name", sa.Text(), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=False),
        sa.Column("verify_url", sa.Text(), nullable=False),
        sa.Column("document_key", sa.String(length=200), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("unprintable", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("certificate_id", name=op.f("pk_certificate_documents")),
        sa.UniqueConstraint(
            "verification_code", name=op.f("uq_certificate_documents_verification_code")
        ),
    )


def downgrade() -> None:
    op.drop_table("certificate_documents")
    op.drop_table("courses")
    op.drop_table("people")
