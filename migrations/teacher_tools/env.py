"""Alembic environment for teacher-tools' database (run programmatically through edu.db.migrations)."""

from edu.db.migrations import run_migrations
from edu.teacher_tools.adapters.orm import metadata

run_migrations(metadata)
