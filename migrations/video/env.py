"""Alembic environment for the video database (run programmatically through edu.db.migrations).
video-processor (Rust) owns it; its schema is the SQL under sql/ (issue 25), so there is no
SQLAlchemy metadata to compare with: autogenerate has nothing to offer here."""

from sqlalchemy import MetaData

from edu.db.migrations import run_migrations

run_migrations(MetaData())
