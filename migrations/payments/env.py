"""Alembic environment for the payments database (run programmatically through edu.db.migrations).
payment-engine (Rust) owns it; its schema is the SQL under sql/ (ADR 0022), so there is no
SQLAlchemy metadata to compare with: autogenerate has nothing to offer here."""

from sqlalchemy import MetaData

from edu.db.migrations import run_migrations

run_migrations(MetaData())
