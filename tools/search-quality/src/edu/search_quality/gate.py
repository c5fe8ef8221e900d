"""The gate: this run's nDCG@10 against the committed baseline of the same backend.

The run is deterministic (a fixed seed, fixed queries, a backend that ranks the same data the
same way), so the margin is not there to absorb noise: it is the smallest loss that means a
ranking got worse rather than moved. One answerable query of the set is 1/65 = 0.015 of the
mean; MARGIN = 0.01 fails any change that costs one query two thirds of its nDCG, or spreads a
like loss over several, and lets a change through that only reshuffles ties.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from edu.search_quality.evaluation import Evaluation

MARGIN = 0.01
DIGITS = 6  # a baseline's precision
BASELINES = Path(__file__).resolve().parents[3] / "baselines"


class BaselineError(RuntimeError):
    """No baseline for this backend, or one recorded for other judgments."""


@dataclass(frozen=True)
class Baseline:
    backend: str
    judgments: str  # the judgments' digest it was recorded with
    ndcg: float
    mrr: float
    per_query: Mapping[str, float]  # nDCG@10 per answerable query

    @classmethod
    def of(cls, backend: str, judgments: str, evaluation: Evaluation) -> Baseline:
        per_query = {
            r.query.id: round(r.ndcg, DIGITS) for r in evaluation.rows if r.ndcg is not None
        }
        return cls(
            backend,
            judgments,
            round(evaluation.overall.ndcg or 0.0, DIGITS),
            round(evaluation.overall.mrr or 0.0, DIGITS),
            per_query,
        )

    def to_json(self) -> str:
        return json.dumps(
            {
                "backend": self.backend,
                "judgments": self.judgments,
                "ndcg_at_10": self.ndcg,
                "mrr": self.mrr,
                "per_query_ndcg_at_10": dict(sorted(self.per_query.items())),
            },
            indent=1,
        )

    @classmethod
    def read(cls, path: Path) -> Baseline:
        if not path.is_file():
            raise BaselineError(f"no baseline at {path}: record one with --write-baseline")
        data = json.loads(path.read_text())
        return cls(
            str(data["backend"]),
            str(data["judgments"]),
            float(data["ndcg_at_10"]),
            float(data["mrr"]),
            {str(k): float(v) for k, v in data["per_query_ndcg_at_10"].items()},
        )


@dataclass(frozen=True)
class Verdict:
    passed: bool
    lines: tuple[str, ...]


def judge(
    evaluation: Evaluation, baseline: Baseline, judgments: str, margin: float = MARGIN
) -> Verdict:
    """Red when nDCG@10 fell more than ``margin`` below the baseline; the queries that lost most
    are named either way."""
    if baseline.judgments != judgments:
        raise BaselineError(
            f"the baseline was recorded for judgments {baseline.judgments}, these are {judgments}: "
            "re-record it (--write-baseline) in the change that edits the judgments"
        )
    now = evaluation.overall.ndcg or 0.0
    drop = baseline.ndcg - now
    passed = drop <= margin
    word = "ok" if passed else "FAILED"
    lines = [
        f"gate {word}: nDCG@10 {now:.4f} against baseline {baseline.ndcg:.4f} "
        f"({-drop:+.4f}; fails below -{margin:.2f})"
    ]
    # Per query at the baseline's precision: an unchanged query is exactly 0 apart.
    changes = sorted(
        (round(round(row.ndcg, DIGITS) - baseline.per_query[row.query.id], DIGITS), row.query.id)
        for row in evaluation.rows
        if row.ndcg is not None and row.query.id in baseline.per_query
    )
    worse = [(delta, name) for delta, name in changes if delta < 0]
    better = [(delta, name) for delta, name in reversed(changes) if delta > 0]
    if worse:
        lines.append(
            f"  {len(worse)} queries worse: "
            + ", ".join(f"{name} {delta:+.3f}" for delta, name in worse[:8])
        )
    if better:
        lines.append(
            f"  {len(better)} queries better: "
            + ", ".join(f"{name} {delta:+.3f}" for delta, name in better[:8])
        )
    return Verdict(passed, tuple(lines))
