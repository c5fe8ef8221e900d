"""Migrations walk up and down, and the tables at head are exactly the ORM's."""

from __future__ import annotations

from edu.db.testing import MigrationChecks
from edu.teacher_tools.adapters.orm import metadata


class TestMigrations(MigrationChecks):
    metadata = metadata
