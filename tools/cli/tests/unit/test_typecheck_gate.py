"""The typecheck gate's cold start: one member first, the others from a copy of its cache."""

from __future__ import annotations

from pathlib import Path

import pytest

from edu.cli import gates
from edu.cli.gates import GateOutcome
from edu.cli.workspace import Workspace


def make_workspace(root: Path) -> Workspace:
    (root / "pyproject.toml").write_text('[tool.uv.workspace]\nmembers = ["libs/*"]\n')
    for name, deps in (
        ("small", ["httpx"]),
        ("big", ["httpx", "sqlalchemy", "fastapi"]),
        ("mid", ["httpx", "pydantic"]),
    ):
        member = root / "libs" / name
        (member / "src").mkdir(parents=True)
        (member / "pyproject.toml").write_text(
            f'[project]\nname = "edu-{name}"\ndependencies = {deps!r}\n'
            f'[tool.uv.build-backend]\nmodule-name = "edu.{name}"\n'
        )
    return Workspace(root)


class FakeMypy:
    """Stands in for ``_run``: records the order of runs and what each found in its cache."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, set[str]]] = []

    def __call__(
        self, argv: list[str], cwd: Path, env: dict[str, str] | None = None
    ) -> GateOutcome:
        cache = Path(argv[argv.index("--cache-dir") + 1])
        found = {p.name for p in cache.iterdir()} if cache.is_dir() else set()
        self.calls.append((cache.name, found))
        cache.mkdir(parents=True, exist_ok=True)
        (cache / f"written-by-{cache.name}").write_text("cache")
        return GateOutcome(" ".join(argv), True, "")


@pytest.fixture
def mypy(monkeypatch: pytest.MonkeyPatch) -> FakeMypy:
    fake = FakeMypy()
    monkeypatch.setattr(gates, "_run", fake)
    return fake


def test_a_cold_start_checks_the_member_with_most_dependencies_first_and_seeds_the_rest(
    tmp_path: Path, mypy: FakeMypy
) -> None:
    outcomes = gates.typecheck(make_workspace(tmp_path), jobs=1)
    assert [o.name for o in outcomes] == ["mypy edu-big", "mypy edu-mid", "mypy edu-small"]
    assert mypy.calls[0] == ("edu-big", set())
    assert dict(mypy.calls[1:]) == {
        "edu-mid": {"written-by-edu-big"},
        "edu-small": {"written-by-edu-big"},
    }


def test_a_warm_cache_is_never_replaced(tmp_path: Path, mypy: FakeMypy) -> None:
    ws = make_workspace(tmp_path)
    for name in ("edu-big", "edu-mid", "edu-small"):
        (tmp_path / ".mypy_cache" / name).mkdir(parents=True)
    gates.typecheck(ws, jobs=1)
    assert all(found == set() for _, found in mypy.calls), mypy.calls


def test_only_the_cold_members_are_seeded(tmp_path: Path, mypy: FakeMypy) -> None:
    ws = make_workspace(tmp_path)
    (tmp_path / ".mypy_cache" / "edu-big").mkdir(parents=True)  # warm: not the seed
    gates.typecheck(ws, jobs=1)
    found = dict(mypy.calls)
    assert mypy.calls[0][0] == "edu-mid"  # the cold member with most dependencies
    assert found["edu-small"] == {"written-by-edu-mid"}
    assert found["edu-big"] == set()
