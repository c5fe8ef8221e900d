"""One slow revision: concurrent upgrades overlap inside it (test_migrate_command.py)."""

from sqlalchemy import MetaData

from edu.db.migrations import run_migrations

run_migrations(MetaData())
