"""Alembic environment for the messaging database (run programmatically through edu.db.migrations).
messaging (Rust) owns it; its schema is the SQL under sql/ (issue 24), so there is no
SQLAlchemy metadata to compare with: autogenerate has nothing to offer here."""

from sqlalchemy import MetaData

from edu.db.migrations import run_migrations

run_migrations(MetaData())
