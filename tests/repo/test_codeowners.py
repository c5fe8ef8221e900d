"""Every workspace member (uv and Cargo) and top-level suite folder has an explicit owner."""

import fnmatch
import tomllib
from pathlib import Path

import pytest

from edu.cli.workspace import Workspace, find_root

ROOT = find_root(Path(__file__).parent)
RUST_KINDS = ("libs/rs", "services/rs", "workers/rs")
SUITE_FOLDERS = ("tests", "contracts", "e2e", "load", "chaos", "proto", "migrations", "deploy")


def owned_folders() -> dict[str, list[str]]:
    owners: dict[str, list[str]] = {}
    for raw in (ROOT / ".github" / "CODEOWNERS").read_text().splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        pattern, *teams = line.split()
        owners[pattern.strip("/")] = teams
    return owners


def folders_needing_owners() -> list[str]:
    ws = Workspace(ROOT)
    members = [ws.relative(member.path) for member in ws.members]
    suites = [name for name in SUITE_FOLDERS if (ROOT / name).is_dir()]
    return members + rust_crates() + suites


def rust_crates() -> list[str]:
    """Every crate folder of the Cargo workspace (libs/rs, services/rs, workers/rs)."""
    return sorted(
        path.parent.relative_to(ROOT).as_posix()
        for kind in RUST_KINDS
        for path in (ROOT / kind).glob("*/Cargo.toml")
    )


@pytest.mark.parametrize("folder", folders_needing_owners())
def test_folder_has_an_explicit_owning_team(folder: str) -> None:
    owners = owned_folders()
    assert folder in owners, f"add a line for /{folder}/ to .github/CODEOWNERS"
    assert owners[folder], f"/{folder}/ is listed in CODEOWNERS without a team"
    assert all(team.startswith("@") for team in owners[folder])


def test_there_is_no_catch_all_rule_hiding_missing_owners() -> None:
    assert "*" not in owned_folders()
    assert "" not in owned_folders()


def test_every_rust_crate_folder_is_a_cargo_workspace_member() -> None:
    members = tomllib.loads((ROOT / "Cargo.toml").read_text())["workspace"]["members"]
    for crate in rust_crates():
        assert any(fnmatch.fnmatch(crate, pattern) for pattern in members), (
            f"{crate} is not under a [workspace] members pattern of Cargo.toml"
        )


def test_every_service_folder_is_a_workspace_member() -> None:
    ws = Workspace(ROOT)
    members = {member.path for member in ws.members}
    for kind in ("libs/py", "services/py", "workers/py", "tools"):
        for folder in sorted((ROOT / kind).glob("*/")):
            assert folder in members, f"{folder} has no pyproject.toml: not a workspace member"
