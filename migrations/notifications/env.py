"""Alembic environment for notifications' database (run programmatically through edu.db.migrations)."""

from edu.db.migrations import run_migrations
from edu.notifications.adapters.orm import metadata

run_migrations(metadata)
