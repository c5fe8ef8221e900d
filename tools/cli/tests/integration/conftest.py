"""What several of the CLI's integration tests set up: a tiny service's migrations in a
throwaway workspace, and a check that a process is gone. Handed out as fixtures (test modules
cannot import each other)."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

# The sample migration environment of edu-testing's own tests (a plain alembic env.py).
SAMPLE_MIGRATIONS = (
    Path(__file__).parents[4] / "libs/py/testing/tests/integration/sample_migrations"
)

TINY_MIGRATION = """
from alembic import op
import sqlalchemy as sa

revision = "0001"
down_revision = None


def upgrade():
    op.create_table("tiny_items", sa.Column("id", sa.Integer, primary_key=True))
"""


def write_tiny_migrations(root: Path) -> None:
    versions = root / "migrations" / "tiny" / "versions"
    versions.mkdir(parents=True)
    (root / "migrations" / "tiny" / "env.py").write_text((SAMPLE_MIGRATIONS / "env.py").read_text())
    (versions / "0001_tiny.py").write_text(TINY_MIGRATION)


def process_gone(pid: int | None) -> bool:
    """No such process any more (each of these processes is reaped by whoever started it)."""
    if pid is None:
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


@pytest.fixture
def tiny_migrations() -> Callable[[Path], None]:
    """``tiny_migrations(root)``: migrations/tiny in the workspace at ``root``, whose one
    revision creates the table tiny_items (a service declares ``migrations = "migrations/tiny"``)."""
    return write_tiny_migrations


@pytest.fixture
def gone() -> Callable[[int | None], bool]:
    """``gone(pid)``: no such process any more (each of these processes is reaped by whoever
    started it); True for no pid."""
    return process_gone
