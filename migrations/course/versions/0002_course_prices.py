"""course prices: both columns NULL is a free course

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
    op.add_column("courses", sa.Column("price_currency_code", sa.String(length=3), nullable=True))
    op.add_column("courses", sa.Column("price_amount_minor", sa.BigInteger(), nullable=True))
    # Autogenerate does not see CHECK constraints: written by hand, named as the ORM names it.
    op.create_check_constraint(
        op.f("ck_courses_price"),
        "courses",
        "(price_currency_code IS NULL AND price_amount_minor IS NULL) OR "
        "(price_currency_code IS NOT NULL AND price_amount_minor IS NOT NULL "
        "AND price_amount_minor > 0)",
    )


def downgrade() -> None:
    op.drop_constraint(op.f("ck_courses_price"), "courses", type_="check")
    op.drop_column("courses", "price_amount_minor")
    op.drop_column("courses", "price_currency_code")
