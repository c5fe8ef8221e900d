"""A table, then three seconds inside the same transaction: long enough for every concurrent
upgrade started with it to reach this revision while the first is still uncommitted."""

from alembic import op

revision = "v0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("CREATE TABLE slow_migration_marker (id integer PRIMARY KEY)")
    op.execute("SELECT pg_sleep(3)")


def downgrade() -> None:
    op.execute("DROP TABLE slow_migration_marker")
