"""Precision and recall of the rules on the committed labelled sample.

    uv run python -m edu.moderation.evaluate [SAMPLE.jsonl] [--mistakes]

Each line of the sample is one item: ``id``, ``kind`` (question/answer/course), ``lang``,
``author``, ``at`` (seconds after the sample's start: the repeated-post rule sees the author's
earlier items, in file order), ``text``, ``label`` (allow/hold/reject, written by a person by
the rubric in the service README) and an optional ``note``. The rules run with their defaults,
exactly as the service runs them without settings.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from edu.moderation.domain.decisions import Decision, Outcome
from edu.moderation.domain.moderator import ItemKind, Moderator
from edu.moderation.domain.repeats import PriorPost
from edu.moderation.domain.wordlists import bundled_word_lists

SAMPLE = Path(__file__).resolve().parent / "sample" / "labelled-sample.jsonl"
START = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


@dataclass(frozen=True)
class Sample:
    id: str
    kind: ItemKind
    language: str
    author: str
    at: datetime
    text: str
    label: Outcome
    note: str = ""


@dataclass(frozen=True)
class Scored:
    sample: Sample
    decision: Decision

    @property
    def right(self) -> bool:
        return self.decision.outcome is self.sample.label


@dataclass(frozen=True)
class ClassFigures:
    outcome: Outcome
    labelled: int
    predicted: int
    correct: int

    @property
    def precision(self) -> float | None:
        return self.correct / self.predicted if self.predicted else None

    @property
    def recall(self) -> float | None:
        return self.correct / self.labelled if self.labelled else None


def load(path: Path) -> list[Sample]:
    samples = []
    for line in path.read_text("utf-8").splitlines():
        if not line.strip():
            continue
        row = json.loads(line)
        samples.append(
            Sample(
                id=row["id"],
                kind=ItemKind(row["kind"]),
                language=row["lang"],
                author=row["author"],
                at=START + timedelta(seconds=row["at"]),
                text=row["text"],
                label=Outcome(row["label"]),
                note=row.get("note", ""),
            )
        )
    return samples


def score(samples: Iterable[Sample], moderator: Moderator) -> list[Scored]:
    """Each sample checked after the earlier ones of its author, as the service would."""
    prior: dict[str, list[PriorPost]] = defaultdict(list)
    scored = []
    for sample in samples:
        decision = moderator.check(sample.text, sample.kind, sample.at, prior[sample.author])
        if sample.kind.is_post:
            prior[sample.author].append(PriorPost(sample.text, sample.at))
        scored.append(Scored(sample, decision))
    return scored


def figures(scored: Sequence[Scored]) -> list[ClassFigures]:
    return [
        ClassFigures(
            outcome=outcome,
            labelled=sum(1 for s in scored if s.sample.label is outcome),
            predicted=sum(1 for s in scored if s.decision.outcome is outcome),
            correct=sum(1 for s in scored if s.right and s.sample.label is outcome),
        )
        for outcome in Outcome
    ]


def _percent(value: float | None) -> str:
    return "-" if value is None else f"{value:.1%}"


def report(scored: Sequence[Scored], *, mistakes: bool = False) -> str:
    languages = sorted({s.sample.language for s in scored})
    lines = [
        f"{len(scored)} items ({', '.join(languages)}), "
        f"accuracy {sum(s.right for s in scored) / len(scored):.1%}",
        "",
        "| decision | labelled | decided | correct | precision | recall |",
        "|---|---|---|---|---|---|",
    ]
    lines += [
        f"| {f.outcome.value} | {f.labelled} | {f.predicted} | {f.correct} "
        f"| {_percent(f.precision)} | {_percent(f.recall)} |"
        for f in figures(scored)
    ]
    blocked = [s for s in scored if s.sample.label is not Outcome.ALLOW]
    caught = sum(1 for s in blocked if s.decision.outcome is not Outcome.ALLOW)
    lines += ["", f"not allowed (hold or reject) caught: {caught}/{len(blocked)}"]
    if mistakes:
        lines += ["", "mistakes:"]
        lines += [
            f"  {s.sample.id}: labelled {s.sample.label.value}, decided "
            f"{s.decision.outcome.value} {[r.code for r in s.decision.reasons]} "
            f"{s.sample.text[:70]!r}"
            for s in scored
            if not s.right
        ]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("sample", nargs="?", type=Path, default=SAMPLE)
    parser.add_argument("--mistakes", action="store_true", help="list every wrong decision")
    arguments = parser.parse_args(argv)
    scored = score(load(arguments.sample), Moderator(bundled_word_lists()))
    sys.stdout.write(report(scored, mistakes=arguments.mistakes) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
