"""The mutation floor: the score each package may not fall under (``tests/mutation-floor.toml``).

Each floor was set from the package's first measurement (rounded down to a whole percent), and
is only ever raised: when tests kill more mutants, the floor follows. ``goal`` is where domain
code should be (80 %); it is reported, not enforced.
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from edu.cli.mutation.results import PackageResult, percent

FLOOR_FILE = Path("tests") / "mutation-floor.toml"


class FloorError(RuntimeError):
    """The floor file is missing or malformed."""


@dataclass(frozen=True)
class Floors:
    goal: float  # percent
    packages: dict[str, float]  # package -> percent


def load(root: Path) -> Floors:
    path = root / FLOOR_FILE
    try:
        data = tomllib.loads(path.read_text())
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise FloorError(f"{FLOOR_FILE}: {exc}") from None
    floors = data.get("floors", {})
    if not isinstance(floors, dict) or not all(
        isinstance(v, int | float) and 0 <= v <= 100 for v in floors.values()
    ):
        raise FloorError(f"{FLOOR_FILE}: [floors] maps each package to a percent (0-100)")
    goal = data.get("goal", 80)
    if not isinstance(goal, int | float):
        raise FloorError(f"{FLOOR_FILE}: goal is a percent")
    return Floors(float(goal), {str(k): float(v) for k, v in floors.items()})


def first_floor(score: float) -> int:
    """A floor from a first measurement: the score rounded down to a whole percent."""
    return math.floor(score * 100 + 1e-9)


def judge(found: Sequence[PackageResult], floors: Floors) -> list[str]:
    """What fails the gate: a package under its floor, or a package with no floor at all.

    A pull request's run (scope "changed") is judged the same way: the mutants of the changed
    files must be killed at least as often as the package's floor asks.
    """
    problems: list[str] = []
    for result in found:
        floor = floors.packages.get(result.package)
        if floor is None:
            problems.append(
                f"{result.package}: no floor in {FLOOR_FILE}; set it from this first "
                f"measurement ({percent(result.score)}): {first_floor(result.score or 0)}"
            )
        elif result.score is not None and result.score * 100 < floor - 1e-9:
            problems.append(
                f"{result.package}: mutation score {percent(result.score)} is under its floor "
                f"{floor:g} % ({result.scope} run; {result.survived + result.no_tests} "
                "undetected mutants, listed in the report)"
            )
    return problems
