"""Alembic environment for moderation's database (run programmatically through edu.db.migrations)."""

from edu.db.migrations import run_migrations
from edu.moderation.adapters.orm import metadata

run_migrations(metadata)
