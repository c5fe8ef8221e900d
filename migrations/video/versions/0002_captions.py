"""captions (WebVTT tracks of a video, one per language)

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-06 06:30:00

The schema is sql/0002_captions.up.sql (and .down.sql), the same file video-processor's Rust
tests build their template database from (issue 25).
"""

from collections.abc import Sequence
from pathlib import Path

from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SQL = Path(__file__).resolve().parents[1] / "sql"


def statements(script: str) -> list[str]:
    """The script's statements: asyncpg prepares each one, and a prepared statement holds one.
    A statement ends with `;` at the end of a line outside a `$$` function body."""
    found: list[str] = []
    current: list[str] = []
    in_body = False
    for line in script.splitlines():
        if not current and (not line.strip() or line.lstrip().startswith("--")):
            continue
        current.append(line)
        if line.count("$$") % 2:
            in_body = not in_body
        if not in_body and line.rstrip().endswith(";"):
            found.append("\n".join(current))
            current = []
    if current:
        raise ValueError(f"the script ends inside a statement: {current[0]!r}")
    return found


def run(name: str) -> None:
    for statement in statements((SQL / name).read_text(encoding="utf-8")):
        op.execute(statement)


def upgrade() -> None:
    run("0002_captions.up.sql")


def downgrade() -> None:
    run("0002_captions.down.sql")
