"""Alembic environment of the course database (run through edu.db.migrations)."""

from edu.course.adapters.orm import metadata
from edu.db.migrations import run_migrations

run_migrations(metadata)
