"""Migrations walk up and down, and the tables at head are exactly the ORM's."""

from __future__ import annotations

from edu.certificate_generator.adapters.orm import metadata
from edu.db.testing import MigrationChecks


class TestMigrations(MigrationChecks):
    metadata = metadata
