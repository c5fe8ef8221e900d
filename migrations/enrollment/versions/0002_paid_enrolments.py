"""paid enrolments: purchases heard from the payment-engine, an enrolment's payment and its
revocation, course prices in the read model

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-05
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "purchases",
        sa.Column("payment_id", sa.Uuid(), nullable=False),
        sa.Column("student_id", sa.Uuid(), nullable=False),
        sa.Column("course_id", sa.Uuid(), nullable=False),
        sa.Column("succeeded", sa.Boolean(), nullable=False),
        sa.Column("refunded", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("payment_id", name=op.f("pk_purchases")),
    )
    op.create_index(
        "ix_purchases_student_id_course_id",
        "purchases",
        ["student_id", "course_id"],
        unique=False,
    )
    op.add_column(
        "course_outlines", sa.Column("price_currency_code", sa.String(length=3), nullable=True)
    )
    op.add_column(
        "course_outlines", sa.Column("price_amount_minor", sa.BigInteger(), nullable=True)
    )
    op.add_column("enrollments", sa.Column("payment_id", sa.Uuid(), nullable=True))
    op.add_column("enrollments", sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True))
    # Autogenerate does not see CHECK constraints: written by hand, named as the ORM names them.
    op.drop_constraint(op.f("ck_enrollments_status"), "enrollments", type_="check")
    op.create_check_constraint(
        op.f("ck_enrollments_status"), "enrollments", "status IN ('active', 'completed', 'revoked')"
    )
    op.create_check_constraint(
        op.f("ck_enrollments_revoked_at"),
        "enrollments",
        "(status = 'revoked') = (revoked_at IS NOT NULL)",
    )
    op.create_check_constraint(
        op.f("ck_enrollments_revoked_paid"),
        "enrollments",
        "status <> 'revoked' OR payment_id IS NOT NULL",
    )


def downgrade() -> None:
    op.drop_constraint(op.f("ck_enrollments_revoked_paid"), "enrollments", type_="check")
    op.drop_constraint(op.f("ck_enrollments_revoked_at"), "enrollments", type_="check")
    op.drop_constraint(op.f("ck_enrollments_status"), "enrollments", type_="check")
    # Revision 0001 knows no revocation: a revoked enrolment goes back to what it was.
    op.execute(
        "UPDATE enrollments SET status = CASE WHEN completed_at IS NULL THEN 'active' "
        "ELSE 'completed' END WHERE status = 'revoked'"
    )
    op.create_check_constraint(
        op.f("ck_enrollments_status"), "enrollments", "status IN ('active', 'completed')"
    )
    op.drop_column("enrollments", "revoked_at")
    op.drop_column("enrollments", "payment_id")
    op.drop_column("course_outlines", "price_amount_minor")
    op.drop_column("course_outlines", "price_currency_code")
    op.drop_index("ix_purchases_student_id_course_id", table_name="purchases")
    op.drop_table("purchases")
