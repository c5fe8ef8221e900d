"""``python -m edu.search_quality``: the judged query set against a running backend.

evaluate --course-url URL [--backend postgres|http:<url>] [--gate] [--write-baseline]
    runs every query, writes report.md, results.json and catalogue.json to --out; with
    --gate compares nDCG@10 with baselines/<backend>.json (exit 1 when it fell by more than the
    margin). `edu search-quality` (`just search-quality`) starts a stack seeded M and runs this.
bench --course-url URL --search-url URL --identity-url URL [--seconds S --rounds N ...]
    queries/s and p50/p95/p99 of the course service's full-text search and the search service
    side by side (alternating rounds), then index freshness (publish -> searchable) under a
    background of searches; bench.md in --out, exit 1 when the run is invalid (any error, any
    course never found). `edu search-bench` (`just search-bench`) starts a stack seeded L.
draft --catalogue catalogue.json
    re-applies the rubric (edu.search_quality.drafting) to a catalogue snapshot and rewrites
    the grades of judgments.toml; review the diff, then re-record the baselines.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from dataclasses import asdict, replace
from pathlib import Path

import httpx

from edu.search_quality.backends import (
    BackendError,
    backend_named,
    fetch_catalogue,
    titles_by_id,
)
from edu.search_quality.drafting import catalogue_from_json, draft_grades
from edu.search_quality.evaluation import evaluate
from edu.search_quality.gate import BASELINES, MARGIN, Baseline, BaselineError, judge
from edu.search_quality.judgments import DEFAULT_PATH, digest, load_judgments, render_judgments
from edu.search_quality.report import report_markdown, results_json


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m edu.search_quality", description=__doc__)
    parser.add_argument("--judgments", type=Path, default=DEFAULT_PATH)
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("evaluate", help="run the query set against a backend")
    run.add_argument("--course-url", required=True, help="the course service (its catalogue)")
    run.add_argument("--backend", default="postgres", help="postgres (default) or http:<url>")
    run.add_argument("--out", type=Path, default=Path(".edu/results/search-quality"))
    run.add_argument("--gate", action="store_true", help="fail when nDCG@10 fell below baseline")
    run.add_argument("--baseline", type=Path, help="default: baselines/<backend>.json")
    run.add_argument("--margin", type=float, default=MARGIN)
    run.add_argument("--write-baseline", action="store_true", help="record this run as baseline")
    bench = commands.add_parser("bench", help="queries/s and freshness, side by side")
    bench.add_argument("--course-url", required=True)
    bench.add_argument("--search-url", required=True)
    bench.add_argument("--identity-url", required=True)
    bench.add_argument("--seconds", type=float, default=10.0, help="per round and backend")
    bench.add_argument("--rounds", type=int, default=3)
    bench.add_argument("--concurrency", type=int, default=8)
    bench.add_argument("--fresh", type=int, default=40, help="courses published for freshness")
    bench.add_argument("--rate", type=float, default=50.0, help="background searches/s")
    bench.add_argument("--out", type=Path, default=Path(".edu/results/search-bench"))
    draft = commands.add_parser("draft", help="re-grade the judgments from a catalogue snapshot")
    draft.add_argument("--catalogue", type=Path, required=True)
    args = parser.parse_args(argv)
    try:
        if args.command == "draft":
            return _draft(args.judgments, args.catalogue)
        if args.command == "bench":
            return _bench(args)
        return _evaluate(args)
    except (BackendError, BaselineError) as exc:
        print(f"search-quality: {exc}", file=sys.stderr)
        return 2


def _evaluate(args: argparse.Namespace) -> int:
    queries = load_judgments(args.judgments)
    judged = digest(queries)
    with httpx.Client() as client:
        catalogue = fetch_catalogue(client, args.course_url)
        titles = titles_by_id(catalogue)
        missing = sorted({t for q in queries for t in q.grades} - set(titles.values()))
        if missing:
            raise BackendError(
                f"{len(missing)} judged courses are not in this catalogue (seeded M?): {missing[:3]}"
            )
        backend = backend_named(args.backend, args.course_url, client)

        def ranked(text: str, limit: int) -> list[str]:
            return [titles.get(i, f"?{i}") for i in backend.search(text, limit)]

        evaluation = evaluate(queries, ranked)
    gate_lines: tuple[str, ...] = ()
    passed = True
    baseline_path = args.baseline or BASELINES / f"{backend.name}.json"
    if args.gate:
        verdict = judge(evaluation, Baseline.read(baseline_path), judged, args.margin)
        gate_lines, passed = verdict.lines, verdict.passed
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    meta = {"catalogue_courses": len(catalogue), "gate": list(gate_lines) or None}
    (out / "results.json").write_text(
        results_json(evaluation, backend.name, backend.description, judged, meta) + "\n"
    )
    (out / "report.md").write_text(
        report_markdown(evaluation, backend.name, backend.description, judged, gate_lines)
    )
    (out / "catalogue.json").write_text(json.dumps([asdict(c) for c in catalogue], indent=1))
    o = evaluation.overall
    print(
        f"{backend.name}: nDCG@10 {o.ndcg or 0:.4f}, MRR {o.mrr or 0:.4f} over {o.answerable} "
        f"answerable queries; {o.silent}/{o.no_answer} no-answer queries returned nothing"
    )
    for name, f in evaluation.by_category.items():
        if f.ndcg is None:
            print(f"  {name:<11} {f.silent}/{f.no_answer} returned nothing ({f.queries})")
        else:
            print(f"  {name:<11} nDCG@10 {f.ndcg:.3f}  MRR {f.mrr or 0:.3f}  ({f.queries})")
    for line in gate_lines:
        print(line)
    print(f"report: {out / 'report.md'}")
    if args.write_baseline:
        baseline_path.parent.mkdir(parents=True, exist_ok=True)
        baseline_path.write_text(Baseline.of(backend.name, judged, evaluation).to_json() + "\n")
        print(f"baseline written: {baseline_path}")
    return 0 if passed else 1


def _bench(args: argparse.Namespace) -> int:
    from edu.search_quality.live import BenchPlan, run_bench, write

    texts = [q.text for q in load_judgments(args.judgments)]
    with httpx.Client() as client:
        catalogue = len(fetch_catalogue(client, args.course_url))
    plan = BenchPlan(args.seconds, args.rounds, args.concurrency, args.fresh, args.rate)
    result = asyncio.run(
        run_bench(args.course_url, args.search_url, args.identity_url, texts, plan)
    )
    report = write(result, plan, catalogue, args.out)
    print(report.read_text(), end="")
    print(f"report: {report}")
    return 0 if result.passed else 1


def _draft(judgments: Path, catalogue_file: Path) -> int:
    queries = load_judgments(judgments)
    catalogue = catalogue_from_json(json.loads(catalogue_file.read_text()))
    header = judgments.read_text().split("\n[[queries]]", 1)[0]
    drafted = [replace(q, grades=draft_grades(q, catalogue)) for q in queries]
    judgments.write_text(render_judgments(drafted, header))
    changed = sum(1 for a, b in zip(queries, drafted, strict=True) if a.grades != b.grades)
    print(f"{changed} of {len(queries)} queries re-graded: review `git diff {judgments}`")
    return 0


if __name__ == "__main__":
    sys.exit(main())
