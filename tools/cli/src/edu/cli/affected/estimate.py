"""How much of the full run's time a selection keeps, from recorded durations.

Test times come from the committed ``.test_durations`` (pytest-split's file: node id ->
seconds), so the estimate is the same on every machine and in CI. Gate times, and the time of a
test suite the durations file does not cover (fuzz, contract, e2e...), come from the latest
local run in ``.edu/results/history.jsonl`` when there is one.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from edu.cli.affected.selection import LayerPick, Selection
from edu.cli.registry import Layer

DURATIONS_FILE = ".test_durations"


@dataclass(frozen=True)
class LayerEstimate:
    layer: str
    selected_seconds: float
    full_seconds: float


@dataclass(frozen=True)
class Estimate:
    tests: tuple[LayerEstimate, ...]  # pytest layers, from the durations file
    gates: tuple[LayerEstimate, ...]  # command layers, from the last recorded runs

    @staticmethod
    def _fraction(rows: Sequence[LayerEstimate]) -> float:
        full = sum(row.full_seconds for row in rows)
        return sum(row.selected_seconds for row in rows) / full if full else 0.0

    @property
    def tests_fraction(self) -> float:
        return self._fraction(self.tests)

    @property
    def overall_fraction(self) -> float:
        return self._fraction([*self.tests, *self.gates])


def read_durations(path: Path) -> dict[str, float]:
    try:
        data = json.loads(path.read_text())
    except (OSError, json.JSONDecodeError):
        return {}
    return {str(k): float(v) for k, v in data.items() if isinstance(v, int | float)}


def read_last_durations(history: Path) -> dict[str, float]:
    """Each layer's duration in its latest recorded run (later lines win)."""
    last: dict[str, float] = {}
    try:
        lines = history.read_text().splitlines()
    except OSError:
        return last
    for line in lines:
        try:
            data = json.loads(line)
            last[str(data["layer"])] = float(data["duration_seconds"])
        except (ValueError, KeyError, TypeError):
            continue
    return last


def estimate(
    selection: Selection,
    layers: Sequence[Layer],
    targets: Mapping[str, Sequence[str]],
    durations: Mapping[str, float],
    gate_seconds: Mapping[str, float],
    folder_count: int = 1,
) -> Estimate:
    """``folder_count``: how many folders a restricted gate (typecheck) checks in a full run;
    a restricted run is counted at its share of them."""
    picks: dict[str, LayerPick] = {pick.layer.name: pick for pick in selection.picks}
    tests: list[LayerEstimate] = []
    gates: list[LayerEstimate] = []
    for layer in layers:
        pick = picks.get(layer.name)
        if layer.kind == "pytest":
            folders = targets.get(layer.name, ())
            chosen = pick.targets if pick else ()
            full, selected = _seconds(durations, folders), _seconds(durations, chosen)
            if not full and layer.name in gate_seconds:
                # No per-test durations recorded for this suite (they come from the unit and
                # integration layers' pytest-split runs): its last wall time, at the share of
                # its folders chosen, rather than nothing (which made fuzz and contract free).
                full = gate_seconds[layer.name]
                selected = full * len(chosen) / len(folders) if folders else 0.0
            if pick is not None and pick.keyword:
                selected *= pick.share
            tests.append(LayerEstimate(layer.name, selected, full))
        else:
            seconds = gate_seconds.get(layer.name, 0.0)
            share = 0.0 if pick is None else 1.0 if pick.whole else len(pick.targets) / folder_count
            gates.append(LayerEstimate(layer.name, seconds * min(share, 1.0), seconds))
    return Estimate(tuple(tests), tuple(gates))


def _seconds(durations: Mapping[str, float], folders: Sequence[str]) -> float:
    prefixes = tuple(folder.rstrip("/") + "/" for folder in folders)
    if not prefixes:
        return 0.0
    return sum(seconds for node, seconds in durations.items() if node.startswith(prefixes))
