"""Running one tool over the task graph in the measurement tree, timed, with the load."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from edu.buildbench.stats import parse_loadavg

ALL_TASKS = ("lint", "typecheck", "unit", "build")
CONCURRENCY = 2


@dataclass(frozen=True)
class Layout:
    """Where the benchmark keeps everything (~/.cache/eduplatform/buildbench by default)."""

    home: Path

    @property
    def tree(self) -> Path:
        return self.home / "tree"

    @property
    def node_bin(self) -> Path:
        return self.home / "node" / "node_modules" / ".bin"

    @property
    def cargo_target(self) -> Path:
        return self.home / "cargo-target"

    @property
    def uv_cache(self) -> Path:
        return self.home / "uv-cache"


# The versions ADR 0023 measured; `ensure_tools` installs exactly these from the npm registry.
NPM_TOOLS = {"turbo": "2.11.13", "nx": "24.0.7", "@moonrepo/cli": "2.5.5"}


def missing_tools(layout: Layout) -> list[str]:
    """The pinned npm packages not yet installed under the layout's node folder."""
    modules = layout.home / "node" / "node_modules"
    return [
        f"{name}@{version}"
        for name, version in NPM_TOOLS.items()
        if not (modules / name / "package.json").is_file()
    ]


def ensure_tools(layout: Layout) -> None:
    """Install turbo, nx and moon (pinned) into ``home/node`` on the first run."""
    wanted = missing_tools(layout)
    if not wanted:
        return
    folder = layout.home / "node"
    folder.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        ["npm", "install", "--prefix", str(folder), "--no-audit", "--no-fund", *wanted],
        check=True,
    )


@dataclass(frozen=True)
class RunRecord:
    tool: str
    scenario: str
    run: int
    seconds: float
    exit_code: int
    load_before: tuple[float, float, float]
    load_after: tuple[float, float, float]
    cached: int | None
    total: int | None
    started: str
    tail: str

    def to_json(self) -> dict[str, object]:
        return asdict(self)


def tool_command(tool: str, layout: Layout, everything: bool) -> list[str]:
    """The command a developer types to run lint/typecheck/unit/build for their change."""
    bin_dir = layout.node_bin
    if tool == "turbo":
        return [
            str(bin_dir / "turbo"),
            "run",
            *ALL_TASKS,
            f"--concurrency={CONCURRENCY}",
            "--output-logs=errors-only",
            "--env-mode=loose",
        ]
    if tool == "nx":
        return [
            str(bin_dir / "nx"),
            "run-many",
            "-t",
            *ALL_TASKS,
            f"--parallel={CONCURRENCY}",
            "--outputStyle=static",
        ]
    if tool == "moon":
        return [str(bin_dir / "moon"), "run", *(f":{t}" for t in ALL_TASKS)]
    # today's way: edu affected picks the projects, the same task commands run for them
    return [
        str(layout.tree / ".venv" / "bin" / "python"),
        "-m",
        "edu.buildbench.edu_run",
        "--all" if everything else "--changed",
        f"--jobs={CONCURRENCY}",
    ]


def tool_environment(layout: Layout) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "PYTHONPATH": str(layout.tree / "tools" / "buildbench" / "src"),
            "CARGO_TARGET_DIR": str(layout.cargo_target),
            "UV_CACHE_DIR": str(layout.uv_cache),
            "PATH": f"{layout.tree / '.venv' / 'bin'}:{layout.node_bin}:{env.get('PATH', '')}",
            "NX_DAEMON": "false",
            "NX_NO_CLOUD": "true",
            "NX_TUI": "false",
            "NX_SKIP_NX_CACHE": "false",
            "TURBO_TELEMETRY_DISABLED": "1",
            "TURBO_NO_UPDATE_NOTIFIER": "1",
            "DO_NOT_TRACK": "1",
            "MOON_TELEMETRY": "false",
            "MOON_CONCURRENCY": str(CONCURRENCY),
            "MOON_COLOR": "false",
            "NO_COLOR": "1",
            "CI": "true",
        }
    )
    env.pop("VIRTUAL_ENV", None)
    return env


def read_load() -> tuple[float, float, float]:
    return parse_loadavg(Path("/proc/loadavg").read_text())


def run_tool(
    tool: str, scenario: str, run: int, layout: Layout, everything: bool, timeout: float
) -> RunRecord:
    command = ["nice", "-n", "10", *tool_command(tool, layout, everything)]
    started = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    load_before = read_load()
    begin = time.perf_counter()
    try:
        done = subprocess.run(
            command,
            cwd=layout.tree,
            env=tool_environment(layout),
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        code, output = done.returncode, done.stdout + done.stderr
    except subprocess.TimeoutExpired as expired:
        code = -9
        output = str(expired.stdout or "") + str(expired.stderr or "") + "\n[timed out]"
    seconds = time.perf_counter() - begin
    cached, total = cache_counts(tool, output)
    record = RunRecord(
        tool=tool,
        scenario=scenario,
        run=run,
        seconds=round(seconds, 2),
        exit_code=code,
        load_before=load_before,
        load_after=read_load(),
        cached=cached,
        total=total,
        started=started,
        tail=output[-1500:],
    )
    print(
        f"{started} {scenario:<10} {tool:<9} run {run}: {seconds:7.1f} s rc={code} "
        f"cached={cached}/{total} load={load_before[0]:.2f}",
        file=sys.stderr,
        flush=True,
    )
    return record


_PATTERNS = {
    # turbo: "Cached:    2 cached, 61 total"
    "turbo": r"Cached:\s+(\d+) cached, (\d+) total",
    # nx: "Cache:             3/9 hit (33%)"
    "nx": r"Cache:\s+(\d+)/(\d+) hit",
    # moon: "Tasks: 61 completed (59 cached)" or "Tasks: 61 completed"
    "moon": r"Tasks:\s+(\d+) completed(?: \((\d+) cached\))?",
    # edu_run: "edu_run: 12 tasks for 3 projects"
    "just+edu": r"edu_run: (\d+) tasks",
}


def cache_counts(tool: str, output: str) -> tuple[int | None, int | None]:
    """(tasks answered from the cache, tasks in the run) as the tool's summary states them."""
    pattern = _PATTERNS.get(tool)
    match = re.search(pattern, output) if pattern else None
    if match is None:
        return None, None
    numbers = [int(g) if g is not None else 0 for g in match.groups()]
    if tool == "moon":
        return numbers[1], numbers[0]
    if tool == "just+edu":
        return 0, numbers[0]
    return numbers[0], numbers[1]
