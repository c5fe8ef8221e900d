"""Alembic is configured from code, with revisions read in order."""

from __future__ import annotations

from pathlib import Path

import pytest

from edu.db.__main__ import main
from edu.db.migrations import alembic_config, heads, revisions

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


class TestMigrateCommand:
    """``python -m edu.db``: what a deployed pod runs before the service."""

    def _scripts(self, folder: Path) -> Path:
        versions = folder / "versions"
        versions.mkdir(parents=True)
        (folder / "env.py").write_text("")
        (folder / "script.py.mako").write_text("")
        for rev, down in [("a1", "None"), ("b2", '"a1"')]:
            (versions / f"{rev}.py").write_text(REVISION.format(rev=rev, down=down))
        return folder

    def test_heads_needs_no_database(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        folder = self._scripts(tmp_path / "m")
        assert heads(folder) == ["b2"]
        assert main(["heads", str(folder)]) == 0
        assert capsys.readouterr().out.strip() == "b2"

    def test_a_folder_without_scripts_is_refused_clearly(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        assert main(["heads", str(tmp_path)]) == 2
        assert "no Alembic scripts here" in capsys.readouterr().err

    def test_upgrade_asks_for_the_database_url(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.delenv("EDU_DATABASE_URL", raising=False)
        assert main(["upgrade", str(self._scripts(tmp_path / "m"))]) == 2
        assert "EDU_DATABASE_URL is not set" in capsys.readouterr().err
