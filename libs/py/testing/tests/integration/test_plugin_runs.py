"""The plugin seen from outside: whole pytest runs on generated test files, in a subprocess."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

SAMPLE_MIGRATIONS = Path(__file__).parent / "sample_migrations"

PYPROJECT = """
[tool.pytest.ini_options]
addopts = ["--import-mode=importlib", "-p", "no:cacheprovider", "-p", "no:randomly"]
asyncio_mode = "auto"
asyncio_default_fixture_loop_scope = "session"
asyncio_default_test_loop_scope = "session"
"""

CONFTEST = f"""
from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def migrations_path() -> Path:
    return Path({str(SAMPLE_MIGRATIONS)!r})
"""

SAME_KEY_TESTS = """
from sqlalchemy import text


async def test_{first}_inserts_the_key(db_session):
    await db_session.execute(text("INSERT INTO widgets (sku) VALUES ('same-key')"))
    await db_session.commit()


async def test_{second}_inserts_the_key(db_session):
    await db_session.execute(text("INSERT INTO widgets (sku) VALUES ('same-key')"))
    await db_session.commit()
"""

WORKER_TESTS = """
import os
from pathlib import Path

import pytest
from sqlalchemy import text


@pytest.mark.parametrize("n", range(6))
async def test_runs_in_this_workers_clone(db_connection, n):
    database = await db_connection.scalar(text("SELECT current_database()"))
    templates = await db_connection.scalar(
        text("SELECT count(*) FROM pg_database WHERE datistemplate AND datname LIKE 'edu_tpl_%'")
    )
    widgets = await db_connection.scalar(text("SELECT count(*) FROM widgets"))
    worker = os.environ["PYTEST_XDIST_WORKER"]
    assert worker in database and templates == 1 and widgets == 0
    (Path(os.environ["SEEN_DIR"]) / f"{n}").write_text(f"{worker} {database}")
"""


# The plugin by its entry-point name, as a layer loads it (layers.toml `plugins`), and only the
# plugins these runs use: every other installed one costs ~3.7 s of imports per run.
PLUGINS = ("-p", "edu_testing", "-p", "asyncio", "-p", "xdist")


def run_pytest(folder: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    # The outer run's xdist variables would make the inner run believe it is a worker.
    clean = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    clean["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
    for name in ("EDU_DATABASE_URL", "EDU_NATS_URL", "EDU_REDIS_URL"):
        clean.pop(name, None)
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", *PLUGINS, *args],
        cwd=folder,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "pyproject.toml").write_text(PYPROJECT)
    (tmp_path / "conftest.py").write_text(CONFTEST)
    return tmp_path


def write_same_key_tests(project: Path) -> None:
    """Two files, so one run (in file order, no randomising) sees both orders: a, b, then b, a."""
    (project / "test_1_a_then_b.py").write_text(SAME_KEY_TESTS.format(first="a", second="b"))
    (project / "test_2_b_then_a.py").write_text(SAME_KEY_TESTS.format(first="b", second="a"))


class TestIsolation:
    def test_tests_committing_the_same_unique_key_all_pass_in_either_order(
        self, project: Path
    ) -> None:
        write_same_key_tests(project)
        done = run_pytest(project, "-vv")  # -q (always given) and -vv: one line per test
        assert done.returncode == 0, done.stdout + done.stderr
        order = [
            line.split("::")[1].split("[")[0]
            for line in done.stdout.splitlines()
            if "PASSED" in line
        ]
        assert order == [
            "test_a_inserts_the_key",
            "test_b_inserts_the_key",
            "test_b_inserts_the_key",
            "test_a_inserts_the_key",
        ]


class TestTemplateCloning:
    def test_each_xdist_worker_gets_its_own_clone_of_one_template(self, project: Path) -> None:
        (project / "test_workers.py").write_text(WORKER_TESTS)
        seen = project / "seen"
        seen.mkdir()
        done = run_pytest(project, "-n", "2", SEEN_DIR=str(seen))
        assert done.returncode == 0, done.stdout + done.stderr
        records = {path.read_text() for path in seen.iterdir()}
        workers = {record.split()[0] for record in records}
        databases = {record.split()[1] for record in records}
        assert workers == {"gw0", "gw1"}
        assert len(databases) == 2


class TestClearErrors:
    def test_no_backend_and_an_unset_migrations_path_fail_with_what_to_do(
        self, project: Path
    ) -> None:
        # One run, two folders: with the override (so the database is what fails), and without.
        with_override, without = project / "with_override", project / "without_override"
        for folder in (with_override, without):
            folder.mkdir()
            write_same_key_tests(folder)
        (project / "conftest.py").rename(with_override / "conftest.py")
        (without / "test_needs_migrations.py").write_text(
            "def test_asks_for_migrations(migrations_path):\n    pass\n"
        )
        empty = project / "no-binaries-here"
        empty.mkdir()
        done = run_pytest(project, EDU_PG_BIN=str(empty), EDU_INFRA_DOCKER="off")
        assert done.returncode == 1
        assert "9 errors" in done.stdout
        assert "skipped" not in done.stdout
        assert "No postgres backend can start" in done.stdout
        assert str(empty) in done.stdout
        assert "uv sync --all-packages" in done.stdout
        assert "override the migrations_path fixture" in done.stdout
