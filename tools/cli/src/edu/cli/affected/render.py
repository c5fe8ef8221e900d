"""A selection as people read it, and as CI reads it (``--json``)."""

from __future__ import annotations

from edu.cli.affected.estimate import Estimate
from edu.cli.affected.graph import DependencyGraph
from edu.cli.affected.selection import Selection


def to_json(
    selection: Selection, graph: DependencyGraph, base: str, estimate: Estimate | None
) -> dict[str, object]:
    tested = selection.affected.tested
    data: dict[str, object] = {
        "base": base,
        "files": list(selection.files),
        "full": selection.full,
        "full_reasons": list(selection.full_reasons),
        "members": {
            name: {
                "path": graph.nodes[name].path,
                "reason": tested[name],
                "code_changed": name in selection.affected.code,
            }
            for name in sorted(tested)
        },
        "layers": [pick.layer.name for pick in selection.picks],
        "targets": {pick.layer.name: list(pick.targets) for pick in selection.picks},
        "whole": [pick.layer.name for pick in selection.picks if pick.whole],
        "keywords": {p.layer.name: p.keyword for p in selection.picks if p.keyword},
        "skipped": dict(selection.skipped),
    }
    if estimate is not None:
        data["estimate"] = {
            "tests_fraction": round(estimate.tests_fraction, 4),
            "overall_fraction": round(estimate.overall_fraction, 4),
            "layers": {
                row.layer: {
                    "selected_seconds": round(row.selected_seconds, 2),
                    "full_seconds": round(row.full_seconds, 2),
                }
                for row in (*estimate.tests, *estimate.gates)
            },
        }
    return data


def to_text(
    selection: Selection, graph: DependencyGraph, base: str, estimate: Estimate | None
) -> str:
    lines = [f"changed files against {base}: {len(selection.files)}"]
    lines += [f"  {path}" for path in selection.files[:40]]
    if len(selection.files) > 40:
        lines.append(f"  ... and {len(selection.files) - 40} more")
    if selection.full:
        lines.append("FULL RUN: " + "; ".join(selection.full_reasons))
    tested = selection.affected.tested
    if selection.full:
        lines.append(f"members to test: all {len(graph.nodes)}")
    else:
        lines.append(f"members to test: {len(tested)} of {len(graph.nodes)}")
        lines += [f"  {name:<20} {tested[name]}" for name in sorted(tested)]
    lines.append("layers to run:" if selection.picks else "layers to run: none")
    for pick in selection.picks:
        scope = "whole" if pick.whole else f"{len(pick.targets)} targets"
        lines.append(f"  {pick.layer.name:<14} {scope:<11} {pick.reason}")
        if not pick.whole:
            lines += [f"      {target}" for target in pick.targets]
    if selection.skipped:
        lines.append("layers skipped:")
        lines += [f"  {name:<14} {why}" for name, why in selection.skipped.items()]
    if estimate is not None:
        tests_selected = sum(row.selected_seconds for row in estimate.tests)
        tests_full = sum(row.full_seconds for row in estimate.tests)
        lines.append(
            f"estimate: tests {tests_selected:.1f} s of {tests_full:.1f} s recorded "
            f"({estimate.tests_fraction:.0%}); with gates {estimate.overall_fraction:.0%} "
            "of the full run"
        )
    return "\n".join(lines)
