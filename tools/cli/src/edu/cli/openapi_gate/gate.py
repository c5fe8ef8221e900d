"""``edu openapi check``: committed specs are fresh, and no unacknowledged break against main."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Protocol

from edu.cli.gates import GateOutcome
from edu.cli.openapi_gate import acknowledgements
from edu.cli.openapi_gate.changes import render
from edu.cli.openapi_gate.export import (
    SPECS_DIR,
    ExportError,
    HttpService,
    SpecExporter,
    export_all,
)
from edu.cli.openapi_gate.export import render as render_spec
from edu.cli.openapi_gate.operations import diff_specs


class Baseline(Protocol):
    """The base branch's files (``GitBaseline`` in real runs)."""

    @property
    def label(self) -> str: ...

    def read_text(self, path: str) -> str | None: ...


def freshness(root: Path, service: HttpService, spec: dict[str, Any]) -> GateOutcome:
    name = f"openapi {service.name}: {service.spec_path} is fresh"
    committed = root / service.spec_path
    if not committed.is_file():
        return GateOutcome(name, False, "not exported yet: run `just openapi` and commit")
    if committed.read_text() != render_spec(spec):
        return GateOutcome(
            name, False, "differs from the app's spec: run `just openapi` and commit"
        )
    return GateOutcome(name, True, "matches the app")


def compatibility(
    root: Path, service: HttpService, spec: dict[str, Any], base: Baseline
) -> GateOutcome:
    name = f"openapi {service.name}: compatible with {base.label}"
    old_text = base.read_text(service.spec_path.as_posix())
    if old_text is None:
        return GateOutcome(name, True, f"{base.label} has no {service.spec_path} yet: a new API")
    old = json.loads(old_text)
    changes = diff_specs(old, spec)
    ack_path = root / SPECS_DIR / f"{service.name}.breaking.toml"
    try:
        ack = acknowledgements.load(ack_path)
    except acknowledgements.AcknowledgementError as exc:
        return GateOutcome(name, False, str(exc))
    verdict = acknowledgements.judge(
        [c for c in changes if c.breaking],
        ack,
        old_version=str(old.get("info", {}).get("version", "")),
        new_version=str(spec.get("info", {}).get("version", "")),
    )
    lines = [render(changes)]
    lines += [f"acknowledgement not applied: {p}" for p in verdict.problems]
    lines += [f"acknowledged in {ack_path.name}: {c.key}" for c in verdict.acknowledged]
    lines += [f"acknowledged but not found (stale entry): {key}" for key in verdict.unused]
    if not verdict.ok:
        lines.append(
            f"To ship an intended break, list the keys above in {SPECS_DIR}/"
            f"{service.name}.breaking.toml with the bumped info.version (see its README)."
        )
    return GateOutcome(name, verdict.ok, "\n".join(lines))


def orphans(root: Path, services: list[HttpService]) -> list[GateOutcome]:
    known = {root / s.spec_path for s in services}
    return [
        GateOutcome(f"openapi {path.name}", False, "no service exports it: run `just openapi`")
        for path in sorted((root / SPECS_DIR).glob("*.json"))
        if path not in known
    ]


def check(
    root: Path, services: list[HttpService], exporter: SpecExporter, base: Baseline
) -> list[GateOutcome]:
    if not services:
        note = "no workspace member declares [tool.edu.service] yet: no HTTP API to check"
        return [GateOutcome("openapi", True, note), *orphans(root, services)]
    exported = export_all(exporter, services)
    outcomes = []
    for service in services:
        spec = exported[service.name]
        if isinstance(spec, ExportError):
            outcomes.append(GateOutcome(f"openapi {service.name}: export", False, str(spec)))
            continue
        outcomes.append(freshness(root, service, spec))
        outcomes.append(compatibility(root, service, spec, base))
    return outcomes + orphans(root, services)
