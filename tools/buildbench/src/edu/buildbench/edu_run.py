"""Today's way, as the benchmark runs it: ``edu affected`` selects, the same tasks run, no cache.

``--changed`` asks ``edu affected --base HEAD`` (the working tree's changes, as ``just
test-affected`` does against main) which projects a change reaches and runs lint, typecheck,
unit and build of each, ``--jobs`` at a time; ``--all`` runs every project's tasks.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import threading
from pathlib import Path

from edu.buildbench.configs import task_command
from edu.buildbench.graph import Project, all_projects

Work = tuple[Project, str]


def selected_projects(root: Path, everything: bool) -> list[Project]:
    projects = all_projects(root)
    if everything:
        return projects
    out = subprocess.run(
        [sys.executable, "-m", "edu.cli", "affected", "--base", "HEAD", "--json"],
        cwd=root,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    names = set(json.loads(out)["members"])
    return [p for p in projects if p.name in names]


def run_task(root: Path, project: Project, task: str) -> tuple[str, int, str]:
    done = subprocess.run(
        ["bash", "-c", task_command(project, task)],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    )
    return f"{project.tool_id}#{task}", done.returncode, done.stdout + done.stderr


class CargoAwareQueue:
    """Tasks for ``jobs`` workers, never two cargo builds at once: cargo holds the target
    lock, so a second one would only wait, holding a worker the Python tasks could use."""

    def __init__(self, rust: list[Work], python: list[Work]) -> None:
        self._rust = list(rust)
        self._python = list(python)
        self._cargo_busy = False
        self._ready = threading.Condition()

    def take(self) -> Work | None:
        with self._ready:
            while True:
                if self._rust and not self._cargo_busy:
                    self._cargo_busy = True
                    return self._rust.pop(0)
                if self._python:
                    return self._python.pop(0)
                if not self._rust:
                    return None
                self._ready.wait()

    def done(self, item: Work) -> None:
        if item[0].language == "rust":
            with self._ready:
                self._cargo_busy = False
                self._ready.notify_all()


def run_all(root: Path, queue: CargoAwareQueue, jobs: int) -> list[tuple[str, int, str]]:
    results: list[tuple[str, int, str]] = []
    lock = threading.Lock()

    def worker() -> None:
        while (item := queue.take()) is not None:
            outcome = run_task(root, *item)
            queue.done(item)
            with lock:
                results.append(outcome)

    threads = [threading.Thread(target=worker) for _ in range(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="edu_run")
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--all", action="store_true")
    mode.add_argument("--changed", action="store_true")
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args(argv)
    root = Path.cwd()
    projects = selected_projects(root, args.all)
    rust = [(p, t) for p in projects if p.language == "rust" for t in p.tasks]
    python = [(p, t) for p in projects if p.language == "python" for t in p.tasks]
    print(f"edu_run: {len(rust) + len(python)} tasks for {len(projects)} projects", flush=True)
    results = run_all(root, CargoAwareQueue(rust, python), args.jobs)
    failed = [(name, output) for name, code, output in results if code != 0]
    for name, output in failed:
        print(f"FAILED {name}\n{output[-2000:]}", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
