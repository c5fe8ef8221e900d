"""The order of the measurements: cold once per tool, then the warm scenarios in rounds."""

from __future__ import annotations

from edu.buildbench.scenarios import SCENARIOS, Scenario


def plan_rounds(names: list[str], runs: int) -> list[tuple[Scenario, int]]:
    """Cold first (one round: every tool once), then round 1 of every warm scenario, then
    round 2 of each, and so on: a run cut short by the budget still has each scenario."""
    chosen = [s for s in SCENARIOS if s.name in names]
    plan = [(s, 1) for s in chosen if s.cold]
    for run in range(1, runs + 1):
        plan += [(s, run) for s in chosen if not s.cold]
    return plan


def rotate(tools: list[str], offset: int) -> list[str]:
    """The tools in turn, starting one later each round: no tool always runs first."""
    if not tools:
        return []
    shift = offset % len(tools)
    return tools[shift:] + tools[:shift]
