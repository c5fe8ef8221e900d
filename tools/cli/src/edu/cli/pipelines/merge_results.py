"""One ``.edu/results`` from many CI jobs, so ``edu report`` sees a whole pipeline run.

Each job uploads its results folder. Shards of one layer ran side by side on separate
runners, so their merged result takes the longest shard's time (the layer's wall time in
CI), the sum of their test counts, the worst status and every JUnit suite.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

from edu.cli.flaky.history import append_records, read_records
from edu.cli.results import CaseCounts, LayerResult, LayerStatus, write_summary

# Worst first: the merged status is the first one any shard has.
_SEVERITY = (
    LayerStatus.FAILED,
    LayerStatus.OVER_BUDGET,
    LayerStatus.WARNING,
    LayerStatus.PASSED,
    LayerStatus.NO_TESTS,
)


def merge_results(target: Path, sources: Sequence[Path]) -> list[LayerResult]:
    """Merge every ``<source>/<layer>/summary.json`` into ``target``; append to its history.

    Each job's per-test history lines (ADR 0017) are appended to the target's history too, so
    the nightly flips and the flake hunt's runs reach the report and the next night.
    """
    for source in sources:
        append_records(target / "history.jsonl", read_records(source / "history.jsonl"))
    found: dict[str, list[tuple[Path, LayerResult]]] = defaultdict(list)
    for source in sources:
        for summary in sorted(source.glob("*/summary.json")):
            found[summary.parent.name].append((summary.parent, _read(summary)))
    merged: list[LayerResult] = []
    for layer, shards in sorted(found.items()):
        ran = [s for s in shards if s[1].status is not LayerStatus.NO_TESTS] or shards
        result = _combine([r for _, r in ran])
        out = target / layer
        out.mkdir(parents=True, exist_ok=True)
        _merge_junit(out / "junit.xml", [folder / "junit.xml" for folder, _ in ran])
        with (out / "output.log").open("w") as log:
            for folder, _ in ran:
                log.write(f"===== {folder}\n")
                log.write(_read_text(folder / "output.log"))
        write_summary(target, result)
        merged.append(result)
    return merged


def _read(path: Path) -> LayerResult:
    data = json.loads(path.read_text())
    data.pop("ok", None)
    data.pop("budget_fraction", None)
    data["counts"] = CaseCounts(**data.get("counts", {}))
    for name in ("failed_tests", "flaky_tests", "quarantined_failures"):
        data[name] = tuple(data.get(name, ()))
    data["status"] = LayerStatus(data["status"])
    return LayerResult(**data)


def _combine(results: list[LayerResult]) -> LayerResult:
    if len(results) == 1:
        return results[0]
    first = min(results, key=lambda r: r.started_at)
    status = min((r.status for r in results), key=_SEVERITY.index)
    counts = CaseCounts(
        total=sum(r.counts.total for r in results),
        failures=sum(r.counts.failures for r in results),
        errors=sum(r.counts.errors for r in results),
        skipped=sum(r.counts.skipped for r in results),
    )
    messages = sorted({r.message for r in results if r.message})
    return LayerResult(
        layer=first.layer,
        status=status,
        exit_code=max(r.exit_code for r in results),
        duration_seconds=max(r.duration_seconds for r in results),
        budget_seconds=first.budget_seconds,
        goal_seconds=first.goal_seconds,
        started_at=first.started_at,
        command=first.command,
        counts=counts,
        message=f"{len(results)} shards" + (f": {'; '.join(messages)}" if messages else ""),
        failed_tests=tuple(t for r in results for t in r.failed_tests),
        flaky_tests=tuple(t for r in results for t in r.flaky_tests),
        quarantined_failures=tuple(t for r in results for t in r.quarantined_failures),
        cpu_seconds=_sum_known([r.cpu_seconds for r in results]),
        load_start=first.load_start,
        load_end=max(results, key=lambda r: r.started_at).load_end,
    )


def _sum_known(values: list[float | None]) -> float | None:
    """Shards ran on separate runners: their CPU adds up (unknown if any shard did not say)."""
    known = [v for v in values if v is not None]
    return sum(known) if len(known) == len(values) else None


def _merge_junit(target: Path, sources: list[Path]) -> None:
    suites = ET.Element("testsuites")
    for source in sources:
        try:
            root = ET.parse(source).getroot()  # noqa: S314 - our own CI's test output
        except (OSError, ET.ParseError):
            continue
        suites.extend([root] if root.tag == "testsuite" else list(root.iter("testsuite")))
    ET.ElementTree(suites).write(target, encoding="utf-8", xml_declaration=True)


def _read_text(path: Path) -> str:
    try:
        return path.read_text(errors="replace")
    except OSError:
        return ""
