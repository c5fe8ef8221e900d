"""`edu doctor` says which PostgreSQL it would use, the same one in both of its sections."""

from __future__ import annotations

from pathlib import Path

import pytest

from edu.cli import doctor
from edu.infra.binaries import BinaryFinder
from edu.infra.components import POSTGRES


def postgres_folder(at: Path) -> Path:
    at.mkdir(parents=True)
    for exe in ("initdb", "pg_ctl", "postgres"):
        (at / exe).write_text("")
    return at


@pytest.fixture
def wheel(tmp_path: Path) -> Path:
    return postgres_folder(tmp_path / "pgserver" / "pginstall" / "bin")


@pytest.fixture
def system(tmp_path: Path) -> Path:
    return postgres_folder(tmp_path / "usr-lib-postgresql" / "15" / "bin")


def finder(
    tmp_path: Path, env: dict[str, str] | None = None, *, wheel: bool = True
) -> BinaryFinder:
    return BinaryFinder(
        env or {},
        package=lambda name: tmp_path / name if wheel and name == "pgserver" else None,
        which=lambda name: None,
        system_postgres_roots=[tmp_path / "usr-lib-postgresql"],
    )


def used_folder(detail: str) -> str:
    return detail.split(" ", 1)[0]


class TestPostgresBinaries:
    def test_the_binaries_reported_are_the_ones_the_chosen_backend_uses(
        self, tmp_path: Path, wheel: Path, system: Path
    ) -> None:
        found = finder(tmp_path)

        binaries = doctor.postgres_binaries(found)
        chosen = doctor.chosen(POSTGRES, found, env={}, docker=lambda: False)

        assert binaries.ok
        assert used_folder(binaries.detail) == str(wheel)
        assert f"embedded ({wheel})" in chosen.detail
        assert f"also found: {system}" in binaries.detail  # there, but not what runs

    def test_without_the_wheel_the_system_binaries_are_used(
        self, tmp_path: Path, system: Path
    ) -> None:
        found = finder(tmp_path, wheel=False)

        binaries = doctor.postgres_binaries(found)

        assert binaries.ok
        assert binaries.detail == f"{system} (system)"
        assert f"embedded ({system})" in doctor.chosen(POSTGRES, found, {}, lambda: False).detail

    def test_an_override_is_the_only_folder_looked_at(
        self, tmp_path: Path, wheel: Path, system: Path
    ) -> None:
        found = finder(tmp_path, {"EDU_PG_BIN": str(system)})

        assert doctor.postgres_binaries(found).detail == f"{system} (EDU_PG_BIN)"

    def test_nothing_usable_says_how_to_get_it(self, tmp_path: Path) -> None:
        binaries = doctor.postgres_binaries(finder(tmp_path, wheel=False))

        assert not binaries.ok
        assert "uv sync --all-packages" in binaries.hint
