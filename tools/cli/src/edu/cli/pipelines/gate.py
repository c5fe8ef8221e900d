"""``edu gate workflows``: the CI definitions are valid, safe, and agree with the registry.

Two linters that install from PyPI and work offline: check-jsonschema validates each file
against the GitHub workflow schema it ships (a misspelt key, a wrong type), zizmor audits them
for security mistakes (template injection, persisted credentials, broad permissions).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml

from edu.cli.gates import GateOutcome
from edu.cli.pipelines.agreement import check
from edu.cli.pipelines.justfile_recipes import parse_justfile
from edu.cli.pipelines.workflow_commands import Command, workflow_commands
from edu.cli.registry import load_registry
from edu.cli.workspace import REGISTRY_FILE

WORKFLOWS = Path(".github") / "workflows"
ACTIONS = Path(".github") / "actions"
ZIZMOR_CONFIG = Path(".github") / "zizmor.yml"


def workflow_files(root: Path) -> list[Path]:
    folder = root / WORKFLOWS
    return sorted([*folder.glob("*.yml"), *folder.glob("*.yaml")])


def load_commands(root: Path) -> list[Command]:
    justfile = parse_justfile((root / "justfile").read_text())
    commands: list[Command] = []
    for path in workflow_files(root):
        data: Any = yaml.safe_load(path.read_text())
        if isinstance(data, dict):
            commands += workflow_commands(path.name, data, justfile)
    return commands


def check_workflows(root: Path) -> list[GateOutcome]:
    files = [str(p.relative_to(root)) for p in workflow_files(root)]
    if not files:
        return [GateOutcome("workflows", False, f"no workflow files in {WORKFLOWS}")]
    tools = Path(sys.executable).parent
    actions = [str(p.relative_to(root)) for p in sorted((root / ACTIONS).glob("*/action.y*ml"))]
    checker = str(tools / "check-jsonschema")
    schema = _run([checker, "--builtin-schema", "vendor.github-workflows", *files], root)
    if schema[0] and actions:
        schema = _run([checker, "--builtin-schema", "vendor.github-actions", *actions], root)
    audit = _run(
        [
            str(tools / "zizmor"),
            "--offline",
            "--strict-collection",
            "--no-progress",
            "--color",
            "never",
            "--config",
            str(ZIZMOR_CONFIG),
            "--collect=workflows",
            "--collect=actions",
            ".",
        ],
        root,
    )
    try:
        problems = check(load_registry(root / REGISTRY_FILE), load_commands(root))
    except (yaml.YAMLError, OSError, ValueError) as exc:
        problems = [f"cannot read the workflows: {exc}"]
    agreement = GateOutcome(
        "workflows agree with layers.toml",
        not problems,
        "\n".join(problems) or "every trigger served, every layer known and run",
    )
    return [
        GateOutcome("check-jsonschema (GitHub workflow schema)", *schema),
        GateOutcome("zizmor (workflow security audit)", *audit),
        agreement,
    ]


def _run(argv: list[str], root: Path) -> tuple[bool, str]:
    try:
        done = subprocess.run(
            argv, cwd=root, capture_output=True, text=True, check=False, stdin=subprocess.DEVNULL
        )
    except FileNotFoundError:
        return False, f"{argv[0]} is not installed: run `uv sync --all-packages`"
    return done.returncode == 0, (done.stdout + done.stderr).strip()
