"""The typecheck gate's cold start: from the machine's seed caches when there are some, else one
member first and the others from a copy of its cache."""

from __future__ import annotations

from pathlib import Path

import pytest

from edu.cli import gates
from edu.cli.gates import GateOutcome
from edu.cli.workspace import Workspace


def make_workspace(root: Path) -> Workspace:
    root.mkdir(exist_ok=True)
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
    monkeypatch.setenv(gates.SEED_VARIABLE, "")  # no machine seeds unless a test gives some
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


class TestTheMachinesSeedCaches:
    """A fresh clone starts each member from the cache the last typecheck on this machine left
    outside any clone; afterwards each newer cache replaces its seed."""

    def test_a_fresh_clone_starts_every_member_from_its_seed(
        self, tmp_path: Path, mypy: FakeMypy, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        seeds = tmp_path / "seeds"
        for name in ("edu-big", "edu-mid", "edu-small"):
            (seeds / name).mkdir(parents=True)
            (seeds / name / f"seed-of-{name}").write_text("cache")
        monkeypatch.setenv(gates.SEED_VARIABLE, str(seeds))
        gates.typecheck(make_workspace(tmp_path / "clone"), jobs=1)
        assert dict(mypy.calls) == {
            name: {f"seed-of-{name}"} for name in ("edu-big", "edu-mid", "edu-small")
        }

    def test_the_runs_caches_become_the_seeds_and_an_older_one_never_replaces_a_newer(
        self, tmp_path: Path, mypy: FakeMypy, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        seeds = tmp_path / "seeds"
        monkeypatch.setenv(gates.SEED_VARIABLE, str(seeds))
        gates.typecheck(make_workspace(tmp_path / "clone"), jobs=1)
        assert {p.name for p in (seeds / "edu-small").iterdir()} == {
            "written-by-edu-big",
            "written-by-edu-small",
        }
        newer = seeds / "edu-mid" / "from-a-later-run"
        newer.write_text("cache")
        gates.keep_seed(tmp_path / "clone" / ".mypy_cache" / "edu-mid", seeds / "edu-mid")
        assert newer.is_file()
        assert not [p.name for p in seeds.iterdir() if p.name.startswith(".")]  # no leftovers

    def test_the_folder_is_the_users_cache_unless_set_and_empty_turns_seeding_off(
        self, tmp_path: Path
    ) -> None:
        xdg = {"XDG_CACHE_HOME": str(tmp_path)}
        assert gates.mypy_seed_folder(xdg) == tmp_path / "eduplatform" / "mypy"
        assert gates.mypy_seed_folder({gates.SEED_VARIABLE: "/srv/seeds"}) == Path("/srv/seeds")
        assert gates.mypy_seed_folder({gates.SEED_VARIABLE: ""}) is None
