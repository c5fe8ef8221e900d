"""Replaying planted faults in a worktree of their own.

The audit never touches the working tree it is started from: it checks the commit out into a
git worktree under the cache (``~/.cache/eduplatform/selection-audit``), gives it its own
virtual environment (``uv sync``: the editable installs must point at the worktree's sources),
and for each fault resets the worktree, plants the fault, asks that tree's ``edu affected``
what a PR changing the file runs, and runs the selected layers one at a time, cheapest first,
stopping at the first that fails. When none fails, the whole PR set runs unscoped the same way:
a failure there is a miss (the selection skipped a layer or a test that catches the fault).
"""

from __future__ import annotations

import json
import os
import subprocess
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from edu.cli.audit.faults import Fault
from edu.cli.audit.verdict import Outcome, Replay, decide

# The order layers run in, quickest to a verdict first: their whole-run seconds in the fresh-clone
# CI run of 2026-12-05 (lint 1, workflows 1, architecture 1, proto 2, deps 2, unit 12, openapi 7,
# rust-lint 9, contract 18, rust-integration 19, rust-unit 28, fuzz 36, typecheck 39,
# integration 45), unit first because it catches most and is cheap when scoped. Any failing
# selected layer proves the selection catches the fault, so the order only saves time.
ORDER = (
    "lint",
    "workflows",
    "architecture",
    "proto",
    "deps",
    "unit",
    "openapi",
    "rust-lint",
    "contract",
    "rust-integration",
    "rust-unit",
    "fuzz",
    "typecheck",
    "integration",
)

# Runs one layer in the worktree (scoped to the fault's file, or whole); True when it passed.
LayerCheck = Callable[[str, bool, str], bool]


@dataclass(frozen=True)
class Selection:
    layers: list[str]
    full: bool


def selection_of(tree: Path, file: str, env: Mapping[str, str]) -> Selection:
    """What the worktree's ``edu affected`` selects for a PR changing ``file``."""
    done = subprocess.run(
        [str(tree / ".venv/bin/edu"), "affected", "--files", file, "--trigger", "pr", "--json"],
        cwd=tree,
        env=dict(env),
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"edu affected failed for {file}: {done.stderr[-2000:]}")
    data = json.loads(done.stdout)
    return Selection(layers=[str(x) for x in data["layers"]], full=bool(data["full"]))


def in_order(layers: list[str]) -> list[str]:
    """``layers`` in ``ORDER``; a layer it does not name comes last, in the registry's order."""
    return sorted(layers, key=lambda name: ORDER.index(name) if name in ORDER else len(ORDER))


def replay(
    fault: Fault,
    selection: Selection,
    pr_layers: Sequence[str],
    check: LayerCheck,
    full_check: bool,
) -> Replay:
    """Runs the selection (cheapest first, in the registry's order) and, if nothing failed, the
    whole PR set; ``check(layer, scoped, file)`` runs one layer."""
    started = time.monotonic()
    ran: list[str] = []
    selected_failure: str | None = None
    for layer in in_order([name for name in pr_layers if name in selection.layers]):
        ran.append(f"{layer} (selected)")
        if not check(layer, not selection.full, fault.file):
            selected_failure = layer
            break
    full_failure: str | None = None
    # A full selection of every PR layer already was the whole run: running it again would only
    # double the time of every justfile, layers.toml or workflow fault nothing catches.
    already_whole = selection.full and set(pr_layers) <= set(selection.layers)
    if selected_failure is None and full_check and not already_whole:
        for layer in in_order(list(pr_layers)):
            ran.append(f"{layer} (whole)")
            if not check(layer, False, fault.file):
                full_failure = layer
                break
    return Replay(
        fault=fault.id,
        area=fault.area,
        file=fault.file,
        selected=[name for name in pr_layers if name in selection.layers],
        outcome=decide(selected_failure, full_failure, full_check),
        caught_by=selected_failure,
        full_caught_by=full_failure,
        seconds=round(time.monotonic() - started, 1),
        ran=ran,
    )


class Worktree:
    """A detached worktree of ``commit`` with its own ``.venv``, reset before every fault."""

    def __init__(self, repo: Path, path: Path, commit: str) -> None:
        self.repo, self.path, self.commit = repo, path, commit

    def _git(self, *args: str, cwd: Path | None = None) -> None:
        subprocess.run(["git", *args], cwd=cwd or self.path, check=True, capture_output=True)

    def prepare(self, env: Mapping[str, str]) -> None:
        if (self.path / ".git").exists():
            self._git("checkout", "-q", "--detach", self.commit)
        else:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            subprocess.run(["git", "worktree", "prune"], cwd=self.repo, check=True)
            self._git(
                "worktree", "add", "-q", "--detach", str(self.path), self.commit, cwd=self.repo
            )
        self.reset()
        subprocess.run(
            ["uv", "sync", "--all-packages", "--locked", "-q"],
            cwd=self.path,
            env=dict(env),
            check=True,
        )

    def reset(self) -> None:
        """Back to the commit: tracked files restored, untracked non-ignored files removed."""
        self._git("reset", "-q", "--hard", self.commit)
        self._git("clean", "-q", "-fd")

    def plant(self, fault: Fault) -> None:
        """Plants the fault and formats the file as a developer's editor would save it: a fault
        that only breaks ``ruff format --check`` or ``cargo fmt --check`` is caught by the
        formatter, not by a test (a route fault was "caught" by rust-lint's rustfmt)."""
        target = self.path / fault.file
        target.write_text(fault.plant(target.read_text()))
        formatter = formatter_for(self.path, fault.file)
        if formatter:
            subprocess.run(formatter, cwd=self.path, capture_output=True, check=False)


def formatter_for(tree: Path, file: str) -> list[str] | None:
    """The formatter the lint gates check ``file`` with (rustfmt reads the tree's rustfmt.toml);
    None for other files. A fault that does not parse stays as planted."""
    if file.endswith(".py"):
        return [str(tree / ".venv/bin/ruff"), "format", "--quiet", file]
    if file.endswith(".rs"):
        return ["rustfmt", "--quiet", file]
    return None


# Verdicts of the runner (edu.cli.results.LayerStatus) that say nothing about the fault: every
# test passed but the layer ran over its budget (the audit shares the machine, and one unit run
# at load 7 on 2 cores took 33.6 s of 30 s with 841 of 841 passing), or no test was collected.
NOT_ABOUT_THE_FAULT = ("over-budget", "no-tests")


def caught(exit_code: int, summary: Mapping[str, object] | None) -> bool:
    """Whether a layer run failed because of what it tested: a non-zero exit whose summary (the
    runner's ``summary.json`` of this run, if any) is not a budget overrun or an empty run."""
    if exit_code == 0:
        return False
    return summary is None or summary.get("status") not in NOT_ABOUT_THE_FAULT


def _summary_since(path: Path, started: float) -> dict[str, object] | None:
    """The runner's summary written by this run (not a stale one from an earlier fault)."""
    try:
        if path.stat().st_mtime < started:
            return None
        data = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def layer_runner(tree: Path, env: Mapping[str, str], logs: Path, fault_id: str) -> LayerCheck:
    """A ``LayerCheck`` that runs the worktree's ``edu`` (``affected --run`` when scoped); a run
    whose only failure is its budget (or that collected nothing) counts as passed."""

    def check(layer: str, scoped: bool, file: str) -> bool:
        edu = str(tree / ".venv/bin/edu")
        started = time.time()
        argv = (
            [edu, "affected", "--files", file, "--trigger", "pr", "--layer", layer, "--run"]
            if scoped
            else [edu, "test", layer]
        )
        log = logs / f"{fault_id}.{layer}.{'scoped' if scoped else 'whole'}.log"
        log.parent.mkdir(parents=True, exist_ok=True)
        with log.open("wb") as out:
            code = subprocess.run(
                argv,
                cwd=tree,
                env=dict(env),
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                check=False,
            ).returncode
            summary = _summary_since(tree / ".edu" / "results" / layer / "summary.json", started)
            if code != 0 and not caught(code, summary):
                out.write(
                    f"\nselection-audit: {layer} {summary and summary.get('status')}: "
                    "not a failure of the fault, counted as passed\n".encode()
                )
        return not caught(code, summary)

    return check


def audit_environment(base: Mapping[str, str], tree: Path | None = None) -> dict[str, str]:
    """The worktree's commands see their own virtual environment and their own Cargo target
    folder, never the caller's: cargo leaves the checkout's path out of a workspace crate's
    artefact names, so a faulty crate built from the worktree into the shared folder would be
    taken for fresh by the main checkout (its sources older than the artefact) and run by its
    test stacks. A second worktree (``--tree``) gets a folder of its own too: two audits side by
    side shared one, and a gateway built with one's planted JWT fault answered the other's fuzz
    stack 401 (its notifications fault counted caught by fuzz)."""
    env = {k: v for k, v in base.items() if k not in ("VIRTUAL_ENV", "EDU_RESULTS_ROOT")}
    default = default_tree()
    tree = tree or default
    name = "cargo-target" if tree == default else f"cargo-target-{tree.name}"
    env["CARGO_TARGET_DIR"] = str(default.parent / name)
    return env


def default_tree() -> Path:
    return Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / (
        "eduplatform/selection-audit/tree"
    )


__all__ = [
    "LayerCheck",
    "Outcome",
    "Selection",
    "Worktree",
    "audit_environment",
    "caught",
    "default_tree",
    "formatter_for",
    "layer_runner",
    "replay",
    "selection_of",
]
