"""The course migrations: every revision walks up and down, and the result matches the models."""

from __future__ import annotations

from edu.course.adapters.orm import metadata
from edu.db.testing import MigrationChecks


class TestMigrations(MigrationChecks):
    metadata = metadata
