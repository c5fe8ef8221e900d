"""Load profiles as data (load/profiles.toml): how many users, how long, which shape, how many
Locust worker processes, and which seed size the stack gets first."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

SHAPES = ("", "ramp", "step")
SEED_SIZES = ("S", "M", "L")
QA_SETTINGS = frozenset({"listeners", "connections", "posters", "post_every_s", "members"})


class ProfileFileError(ValueError):
    """The profiles file is malformed; the message says where."""


@dataclass(frozen=True)
class Profile:
    name: str
    description: str
    seed: str
    run_time_s: int
    users: int = 0
    spawn_rate: float = 10.0
    workers: int = 0  # 0: Locust in one process; N: a master and N worker processes
    shape: str = ""
    shape_settings: dict[str, int] = field(default_factory=dict)
    # Course Q&A (load/scenarios/qa.py): listeners (users, each holding `connections`
    # WebSockets), posters (users posting questions every `post_every_s`); fixed counts, spawned
    # first and counted in `users`.
    qa: dict[str, float] = field(default_factory=dict)
    # The SLO'd endpoints this profile must call, by prefix ("WS ", "POST /qa/"): a profile of
    # one scenario is not failed for the endpoints of the others; empty: every one.
    endpoints: list[str] = field(default_factory=list)

    def shape_environment(self) -> dict[str, str]:
        """What load/scenarios/shapes.py and qa.py read: EDU_LOAD_SHAPE, EDU_LOAD_<SETTING>
        and EDU_LOAD_QA_<SETTING>."""
        env = {f"EDU_LOAD_{key.upper()}": str(value) for key, value in self.shape_settings.items()}
        env |= {f"EDU_LOAD_QA_{key.upper()}": f"{value:g}" for key, value in self.qa.items()}
        return {"EDU_LOAD_SHAPE": self.shape, **env} if self.shape else env

    def calls(self, endpoint: str) -> bool:
        """Whether this profile's run must call ``endpoint`` (see ``endpoints``)."""
        return not self.endpoints or endpoint.startswith(tuple(self.endpoints))


def load_profiles(path: Path) -> dict[str, Profile]:
    try:
        data = tomllib.loads(path.read_text())
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ProfileFileError(f"{path}: {exc}") from None
    raw = data.get("profiles")
    if not isinstance(raw, dict) or not raw:
        raise ProfileFileError(f"{path}: no [profiles.<name>] tables")
    return {name: _profile(path, name, table) for name, table in raw.items()}


def _profile(path: Path, name: str, table: object) -> Profile:
    where = f"{path}: profile {name!r}"
    if not isinstance(table, dict):
        raise ProfileFileError(f"{where} must be a table")
    try:
        profile = Profile(name=name, **table)
    except TypeError as exc:
        raise ProfileFileError(f"{where}: {exc}") from None
    if profile.shape not in SHAPES:
        raise ProfileFileError(f"{where}: shape must be one of {SHAPES}")
    if profile.seed not in SEED_SIZES:
        raise ProfileFileError(f"{where}: seed must be one of {SEED_SIZES}")
    if not profile.shape and profile.users < 1:
        raise ProfileFileError(f"{where}: a profile without a shape needs users >= 1")
    if set(profile.qa) - QA_SETTINGS:
        raise ProfileFileError(f"{where}: qa takes {', '.join(sorted(QA_SETTINGS))}")
    if profile.run_time_s < 1 or profile.workers < 0:
        raise ProfileFileError(f"{where}: run_time_s must be >= 1 and workers >= 0")
    return profile
