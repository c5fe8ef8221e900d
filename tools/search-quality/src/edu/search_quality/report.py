"""What a run leaves in .edu/results/search-quality/: report.md for people, results.json for
tools (and for recording a baseline)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import asdict

from edu.search_quality.evaluation import Evaluation, Figures, QueryRow
from edu.search_quality.metrics import K


def results_json(
    evaluation: Evaluation,
    backend: str,
    description: str,
    judgments: str,
    meta: Mapping[str, object],
) -> str:
    return json.dumps(
        {
            "backend": backend,
            "description": description,
            "judgments": judgments,
            "k": K,
            **meta,
            "overall": asdict(evaluation.overall),
            "by_category": {name: asdict(f) for name, f in evaluation.by_category.items()},
            "queries": [_row_json(row) for row in evaluation.rows],
        },
        indent=1,
    )


def _row_json(row: QueryRow) -> dict[str, object]:
    return {
        "id": row.query.id,
        "text": row.query.text,
        "category": row.query.category,
        "ndcg_at_10": row.ndcg,
        "reciprocal_rank": row.reciprocal_rank,
        "returned": len(row.ranked),
        "results": [
            {"title": key, "grade": grade}
            for key, grade in zip(row.ranked, row.grades, strict=True)
        ],
    }


def _f(value: float | None) -> str:
    return "—" if value is None else f"{value:.3f}"


def _figures_row(name: str, f: Figures) -> str:
    silent = f"{f.silent}/{f.no_answer}" if f.no_answer else "—"
    return (
        f"| {name} | {f.queries} | {f.answerable} | {_f(f.ndcg)} | {_f(f.mrr)} | {silent} "
        f"| {_f(f.returned_for_no_answer)} |"
    )


def report_markdown(
    evaluation: Evaluation,
    backend: str,
    description: str,
    judgments: str,
    gate_lines: tuple[str, ...] = (),
) -> str:
    o = evaluation.overall
    lines = [
        f"# Search quality: {backend}",
        "",
        f"{description}; judgments {judgments}; k = {K}.",
        "",
        f"**nDCG@{K} {_f(o.ndcg)}, MRR {_f(o.mrr)}** over {o.answerable} answerable queries; "
        f"{o.silent} of {o.no_answer} queries with no good answer returned nothing.",
        "",
    ]
    if gate_lines:
        lines += ["```", *gate_lines, "```", ""]
    lines += [
        "| category | queries | answerable | nDCG@10 | MRR | no-answer silent | results for no-answer |",
        "|---|---|---|---|---|---|---|",
        *[_figures_row(name, f) for name, f in evaluation.by_category.items()],
        _figures_row("**all**", o),
        "",
        "## Per query",
        "",
        "Grades of the first results in order (3 best, 0 not relevant or not judged).",
        "",
        "| query | category | nDCG@10 | RR | returned | grades of the results |",
        "|---|---|---|---|---|---|",
    ]
    for row in evaluation.rows:
        grades = " ".join(str(g) for g in row.grades) or "(nothing)"
        lines.append(
            f"| `{row.query.text}` | {row.query.category} | {_f(row.ndcg)} "
            f"| {_f(row.reciprocal_rank)} | {len(row.ranked)} | {grades} |"
        )
    return "\n".join(lines) + "\n"
