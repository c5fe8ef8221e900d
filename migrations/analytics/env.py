"""Alembic environment for the analytics database (run programmatically through edu.db.migrations).
The aggregator writes these tables and owns them; analytics-api only reads them (ADR 0019)."""

from edu.analytics_aggregator.adapters.orm import metadata
from edu.db.migrations import run_migrations

run_migrations(metadata)
