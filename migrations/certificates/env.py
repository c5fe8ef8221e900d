"""Alembic environment for the certificates database (run programmatically through edu.db.migrations).
certificate-generator owns these tables alone (ADR 0024)."""

from edu.certificate_generator.adapters.orm import metadata
from edu.db.migrations import run_migrations

run_migrations(metadata)
