"""enrolments learnt from enrollment's events

Revision ID: 0001
Revises:
Create Date: 2026-12-06 00:45:00.000000
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
        "enrolments",
        sa.Column("enrollment_id", sa.String(length=200), nullable=False),
        sa.Column("course_id", sa.String(length=200), nullable=False),
        sa.Column("completed", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.PrimaryKeyConstraint("enrollment_id", name=op.f("pk_enrolments")),
    )
    op.create_index("ix_enrolments_course_id", "enrolments", ["course_id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_enrolments_course_id", table_name="enrolments")
    op.drop_table("enrolments")
