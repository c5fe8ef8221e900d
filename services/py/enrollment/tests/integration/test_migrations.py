"""The enrollment migrations: every revision walks up and down, and the result matches the
models."""

from __future__ import annotations

from edu.db.testing import MigrationChecks
from edu.enrollment.adapters.orm import metadata


class TestMigrations(MigrationChecks):
    metadata = metadata
