"""Alembic environment of the enrollment database (run through edu.db.migrations)."""

from edu.db.migrations import run_migrations
from edu.enrollment.adapters.orm import metadata

run_migrations(metadata)
