"""Render every kustomize overlay and validate what comes out, offline.

Rendering takes ``kustomize build`` or ``kubectl kustomize`` (whichever is on PATH); the
schemas are kubernetes-validate's (shipped in its wheel, strict: unknown fields fail), at the
Kubernetes minor the clusters run (deploy/terraform: ``kubernetes_version``). Standalone
manifests (deploy/k8s/*.yaml, e.g. Locust's) are validated as they are.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from edu.cli.deploy import policy
from edu.cli.deploy.findings import Finding

KUBERNETES_VERSION = "1.32.0"
K8S_ROOT = Path("deploy/k8s")


@dataclass(frozen=True)
class Rendered:
    name: str
    text: str

    def documents(self) -> list[dict[str, Any]]:
        return [doc for doc in yaml.safe_load_all(self.text) if isinstance(doc, dict)]


def renderer() -> list[str] | None:
    if found := shutil.which("kustomize"):
        return [found, "build"]
    if found := shutil.which("kubectl"):
        return [found, "kustomize"]
    return None


def overlays(root: Path) -> list[Path]:
    return sorted(p.parent for p in (root / K8S_ROOT / "overlays").glob("*/kustomization.yaml"))


def standalone(root: Path) -> list[Path]:
    return sorted((root / K8S_ROOT).glob("*.yaml"))


def render(root: Path) -> tuple[list[Rendered], list[Finding]]:
    command = renderer()
    if command is None:
        missing = "neither kustomize nor kubectl (kubectl kustomize) is on PATH"
        return [], [Finding("render", "-", "missing", missing)]
    rendered: list[Rendered] = []
    findings: list[Finding] = []
    for overlay in overlays(root):
        where = str(overlay.relative_to(root))
        done = subprocess.run(
            [*command, str(overlay)],
            capture_output=True,
            text=True,
            check=False,
            stdin=subprocess.DEVNULL,
        )
        if done.returncode != 0:
            findings.append(Finding("render", where, "kustomize", done.stderr.strip()))
        else:
            rendered.append(Rendered(where, done.stdout))
    rendered.extend(Rendered(str(p.relative_to(root)), p.read_text()) for p in standalone(root))
    return rendered, findings


def validate(rendered: Iterable[Rendered], version: str = KUBERNETES_VERSION) -> list[Finding]:
    """kubernetes-validate --strict over every rendered set (one process, files in a temp dir)."""
    items = list(rendered)
    if not items:
        return []
    with tempfile.TemporaryDirectory(prefix="edu-deploy-") as folder:
        paths = {}
        for index, item in enumerate(items):
            path = Path(folder) / f"{index:02d}.yaml"
            path.write_text(item.text)
            paths[str(path)] = item.name
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "kubernetes_validate",
                "--strict",
                "--quiet",
                "-k",
                version,
                *paths,
            ],
            capture_output=True,
            text=True,
            check=False,
            stdin=subprocess.DEVNULL,
        )
    output = done.stdout + done.stderr
    for temporary, name in paths.items():
        output = output.replace(temporary, name)
    lines = [line for line in output.splitlines() if line.strip()]
    if done.returncode == 0:
        return []
    problems = [line for line in lines if not line.startswith(("INFO", "WARN"))] or lines
    return [Finding("schema", "-", "kubernetes-validate", line) for line in problems]


def check(root: Path) -> list[Finding]:
    rendered, findings = render(root)
    findings.extend(validate(rendered))
    for item in rendered:
        findings.extend(policy.check(item.documents(), item.name))
    return findings
