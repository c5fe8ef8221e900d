"""Finding the knee in a step-load run: the highest offered load the platform still sustains.

A step run holds each user count for a plateau. Locust's per-second history gives, at the end
of each plateau, the request rate and each endpoint's p95 over its recent window (10 s), and
the running failure count. A step is sustainable when the key endpoints' p95 are within their
SLOs and no request failed during the step; the knee is the last sustainable step before the
first one that is not, and its request rate is the sustainable rate.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from edu.cli.load.locust_csv import AGGREGATED, HistoryRow


@dataclass(frozen=True)
class Step:
    users: int
    rps: float
    p95_ms: dict[str, float]  # key endpoint -> p95 at the end of the step
    failures: int

    def sustainable(self, limits: Mapping[str, float]) -> bool:
        within = all(self.p95_ms.get(name, 0.0) <= limit for name, limit in limits.items())
        return within and self.failures == 0


@dataclass(frozen=True)
class Knee:
    steps: tuple[Step, ...]
    knee: Step | None  # None: not even the first step was sustainable

    def render(self, limits: Mapping[str, float]) -> str:
        names = list(limits)
        header = ["users", "req/s", *[f"p95 {n} (<= {limits[n]:g})" for n in names], "failures", ""]
        rows = [header]
        for step in self.steps:
            mark = "sustainable" if step.sustainable(limits) else "over"
            if step is self.knee:
                mark = "KNEE"
            rows.append(
                [
                    str(step.users),
                    f"{step.rps:.1f}",
                    *[f"{step.p95_ms.get(n, 0):g}" for n in names],
                    str(step.failures),
                    mark,
                ]
            )
        widths = [max(len(r[i]) for r in rows) for i in range(len(header))]
        lines = [
            "  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows
        ]
        if self.knee is None:
            lines.append("no step was sustainable: the knee is below the first step")
        else:
            lines.append(f"sustainable rate: {self.knee.rps:.1f} req/s at {self.knee.users} users")
        return "\n".join(lines)


def steps_of(history: Sequence[HistoryRow], key_endpoints: Sequence[str]) -> list[Step]:
    """One Step per plateau (consecutive seconds at one user count), in order."""
    plateaus: list[list[HistoryRow]] = []
    # Rows before the first user spawned (0 users) belong to no step.
    for row in sorted((r for r in history if r.users > 0), key=lambda r: r.timestamp):
        if plateaus and plateaus[-1][0].users == row.users:
            plateaus[-1].append(row)
        else:
            plateaus.append([row])
    steps = []
    failures_before = 0
    for rows in plateaus:
        totals = [r for r in rows if r.name == AGGREGATED]
        if not totals:
            continue
        end = totals[-1].timestamp
        # The second half of the plateau: users are spawned and the p95 window is inside it.
        settled = [r for r in totals if r.timestamp >= end - (end - totals[0].timestamp) / 2]
        p95 = {}
        for name in key_endpoints:
            seen = [r for r in rows if r.name == name]
            if seen:
                p95[name] = seen[-1].p95_ms
        failures = totals[-1].total_failures - failures_before
        failures_before = totals[-1].total_failures
        rps = sum(r.rps for r in settled) / len(settled)
        steps.append(Step(rows[0].users, rps, p95, failures))
    return steps


def find_knee(steps: Sequence[Step], limits: Mapping[str, float]) -> Knee:
    knee = None
    for step in steps:
        if not step.sustainable(limits):
            break
        knee = step
    return Knee(tuple(steps), knee)
