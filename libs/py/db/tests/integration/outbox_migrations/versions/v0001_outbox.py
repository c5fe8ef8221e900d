"""The outbox table through the migration helper every service's first migration calls.

The integration test compares the database it makes with edu.db.outbox.outbox_table.

Revision ID: 0001
Revises: (none)
"""

from collections.abc import Sequence

from edu.db.outbox.migration import create_outbox_table, drop_outbox_table

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    create_outbox_table()


def downgrade() -> None:
    drop_outbox_table()
