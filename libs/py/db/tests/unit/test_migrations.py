"""Alembic is configured from code, with revisions read in order."""

from __future__ import annotations

from pathlib import Path

from edu.db.migrations import alembic_config, revisions

REVISION = """
revision = "{rev}"
down_revision = {down}
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
"""


class TestAlembicConfig:
    def test_points_at_the_scripts_and_the_database(self) -> None:
        config = alembic_config("migrations/identity", "postgresql+asyncpg://u@h:1/identity")
        assert config.get_main_option("script_location") == "migrations/identity"
        assert config.get_main_option("sqlalchemy.url") == "postgresql+asyncpg://u@h:1/identity"

    def test_keeps_a_percent_sign_in_a_password(self) -> None:
        url = "postgresql+asyncpg://u:p%40ss@h:1/db"
        assert alembic_config("m", url).get_main_option("sqlalchemy.url") == url


class TestRevisions:
    def test_lists_revisions_from_first_to_head(self, tmp_path: Path) -> None:
        versions = tmp_path / "versions"
        versions.mkdir()
        (tmp_path / "script.py.mako").write_text("")
        for rev, down in [("b2", '"a1"'), ("a1", "None"), ("c3", '"b2"')]:
            (versions / f"{rev}.py").write_text(REVISION.format(rev=rev, down=down))
        assert revisions(tmp_path) == ["a1", "b2", "c3"]
