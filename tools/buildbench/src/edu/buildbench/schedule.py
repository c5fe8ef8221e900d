"""The order of the measurements: cold once per tool, then the warm scenarios in rounds."""

from __future__ import annotations

from edu.buildbench.scenarios import SCENARIOS, Scenario

CHEAP = ("noop", "leaf-py")


def plan_rounds(names: list[str], runs: int) -> list[tuple[Scenario, int]]:
    """Cold first (one round: every tool once), then every round of the cheap scenarios, then
    the expensive ones round by round: a run cut short by the budget loses repeats of the
    expensive scenarios first, never a whole scenario."""
    chosen = [s for s in SCENARIOS if s.name in names]
    plan = [(s, 1) for s in chosen if s.cold]
    for group in (
        [s for s in chosen if s.name in CHEAP],
        [s for s in chosen if not s.cold and s.name not in CHEAP],
    ):
        for run in range(1, runs + 1):
            plan += [(s, run) for s in group]
    return plan


def rotate(tools: list[str], offset: int) -> list[str]:
    """The tools in turn, starting one later each round: no tool always runs first."""
    if not tools:
        return []
    shift = offset % len(tools)
    return tools[shift:] + tools[:shift]
