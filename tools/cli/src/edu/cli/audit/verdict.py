"""What one planted fault's replay found, and the audit's table."""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any


class Outcome(StrEnum):
    CAUGHT = "caught"  # a selected layer failed
    MISSED = "missed"  # the selection passed, the full PR run failed: a hole in the graph
    UNCAUGHT = "uncaught"  # neither caught it: a gap in the tests, not in the selection
    UNVERIFIED = "unverified"  # the selection passed and the full run was not asked for
    RED_TREE = "red-tree"  # the layer that "caught" it fails without the fault too: no verdict


def confirm_miss(replay: Replay, fails_without_fault: bool) -> Replay:
    """A miss stands only if the layer that caught it passes on the tree without the fault;
    otherwise the tree itself is red (a broken gate, not a hole in the graph)."""
    if replay.outcome is Outcome.MISSED and fails_without_fault:
        replay.outcome = Outcome.RED_TREE
    return replay


@dataclass
class Replay:
    fault: str
    area: str
    file: str
    selected: list[str]
    outcome: Outcome
    caught_by: str | None = None
    full_caught_by: str | None = None
    seconds: float = 0.0
    ran: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["outcome"] = str(self.outcome)
        return data


def decide(selected_failure: str | None, full_failure: str | None, full_checked: bool) -> Outcome:
    """The outcome from the first failing selected layer and the first failing full layer."""
    if selected_failure is not None:
        return Outcome.CAUGHT
    if not full_checked:
        return Outcome.UNVERIFIED
    return Outcome.MISSED if full_failure is not None else Outcome.UNCAUGHT


def table(replays: list[Replay]) -> list[list[str]]:
    """Rows per area: faults, caught, missed, uncaught, unverified, seconds."""
    areas = sorted({r.area for r in replays})
    rows = [["area", "faults", "caught", "missed", "uncaught", "unverified", "red tree", "time"]]
    for area in [*areas, "total"]:
        mine = [r for r in replays if area in ("total", r.area)]
        counts = Counter(r.outcome for r in mine)
        rows.append(
            [
                area,
                str(len(mine)),
                str(counts[Outcome.CAUGHT]),
                str(counts[Outcome.MISSED]),
                str(counts[Outcome.UNCAUGHT]),
                str(counts[Outcome.UNVERIFIED]),
                str(counts[Outcome.RED_TREE]),
                f"{sum(r.seconds for r in mine):.0f} s",
            ]
        )
    return rows


def summary(replays: list[Replay]) -> dict[str, Any]:
    counts = Counter(str(r.outcome) for r in replays)
    return {
        "faults": len(replays),
        **{str(o): counts.get(str(o), 0) for o in Outcome},
        "misses": [r.to_json() for r in replays if r.outcome is Outcome.MISSED],
        "caught_by": dict(Counter(r.caught_by for r in replays if r.caught_by)),
    }


def render(rows: list[list[str]]) -> str:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)) for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(line.rstrip() for line in lines)
