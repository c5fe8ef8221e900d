"""Alembic environment for identity's database (run programmatically through edu.db.migrations)."""

from edu.db.migrations import run_migrations
from edu.identity.adapters.orm import metadata

run_migrations(metadata)
