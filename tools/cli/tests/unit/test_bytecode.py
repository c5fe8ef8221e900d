"""`edu compile`: the workspace's own sources get their bytecode at install time."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from edu.cli.bytecode import compile_sources


def test_writes_bytecode_for_member_sources_and_migrations_but_not_tests(tmp_path: Path) -> None:
    source = tmp_path / "services/py/demo/src/edu/demo/rules.py"
    migration = tmp_path / "migrations/demo/versions/v0001.py"
    test = tmp_path / "services/py/demo/tests/unit/test_rules.py"
    for path in (source, migration, test):
        path.parent.mkdir(parents=True)
        path.write_text("VALUE = 1\n")
    assert compile_sources(tmp_path)
    assert Path(importlib.util.cache_from_source(str(source))).is_file()
    assert Path(importlib.util.cache_from_source(str(migration))).is_file()
    # test modules are pytest's to rewrite (edu compile collects the fast layers for that)
    assert not Path(importlib.util.cache_from_source(str(test))).exists()


def test_reports_a_source_that_does_not_compile(tmp_path: Path) -> None:
    broken = tmp_path / "libs/py/demo/src/edu/demo/broken.py"
    broken.parent.mkdir(parents=True)
    broken.write_text("def (:\n")
    assert not compile_sources(tmp_path)
