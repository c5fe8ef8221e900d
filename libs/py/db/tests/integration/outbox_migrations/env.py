"""A database with only the outbox table, for edu.db's own integration tests."""

from edu.db.migrations import run_migrations
from edu.db.outbox import outbox_table
from edu.db.schema import service_metadata

metadata = service_metadata()
outbox_table(metadata)
run_migrations(metadata)
