"""Do the tools select what ``edu affected`` selects? Replayed on recorded commits.

For each commit, its changed files (``git diff C^ C``) go to ``edu affected --files`` and to
each tool's own affected query over the same range (dependents included: turbo's
``...[C^...C]`` filter, ``nx show projects --affected``, moon's ``--downstream deep``). Each
answer is a set of projects; agreement means the same set.
"""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import asdict, dataclass, field

from edu.buildbench.graph import Project, project_of_tool_id
from edu.buildbench.runner import Layout, tool_environment

TOOLS = ("turbo", "nx", "moon")


@dataclass(frozen=True)
class Comparison:
    commit: str
    subject: str
    files: list[str]
    edu: list[str]
    tools: dict[str, list[str]]
    # files no project folder owns (what only edu's rules map: tests/, contracts/, layers.toml...)
    unowned: list[str] = field(default_factory=list)

    def agrees(self, tool: str) -> bool:
        return set(self.tools[tool]) == set(self.edu)

    def selected_only_by_tool(self, tool: str) -> list[str]:
        return sorted(set(self.tools[tool]) - set(self.edu))

    def selected_only_by_edu(self, tool: str) -> list[str]:
        return sorted(set(self.edu) - set(self.tools[tool]))

    def to_json(self) -> dict[str, object]:
        data = asdict(self)
        data["agrees"] = {tool: self.agrees(tool) for tool in self.tools}
        data["extra"] = {tool: self.selected_only_by_tool(tool) for tool in self.tools}
        data["missing"] = {tool: self.selected_only_by_edu(tool) for tool in self.tools}
        return data


def unowned_files(files: list[str], projects: list[Project]) -> list[str]:
    roots = [p.path.rstrip("/") + "/" for p in projects]
    return [f for f in files if not any(f.startswith(r) for r in roots)]


def parse_turbo(output: str) -> list[str]:
    data = json.loads(output[output.index("{") :])
    return sorted(project_of_tool_id(item["name"]) for item in data["packages"]["items"])


def parse_nx(output: str) -> list[str]:
    return sorted(project_of_tool_id(name) for name in json.loads(output[output.index("[") :]))


def parse_moon(output: str) -> list[str]:
    data = json.loads(output[output.index("{") :])
    return sorted(project_of_tool_id(p["id"]) for p in data["projects"])


def parse_edu(output: str) -> list[str]:
    return sorted(json.loads(output)["members"])


def _run(command: list[str], layout: Layout, extra_env: dict[str, str] | None = None) -> str:
    env = tool_environment(layout) | (extra_env or {})
    done = subprocess.run(
        command, cwd=layout.tree, env=env, capture_output=True, text=True, check=True
    )
    return done.stdout


def compare_commit(layout: Layout, commit: str, projects: list[Project]) -> Comparison:
    tree = layout.tree
    subject = _run(["git", "log", "-1", "--format=%s", commit], layout).strip()
    files = _run(
        ["git", "diff", "--name-only", "--no-renames", f"{commit}^", commit], layout
    ).split()
    python = str(tree / ".venv" / "bin" / "python")
    edu_args = [arg for f in files for arg in ("--files", f)]
    edu = parse_edu(_run([python, "-m", "edu.cli", "affected", *edu_args, "--json"], layout))
    bin_dir = layout.node_bin
    turbo = parse_turbo(
        _run(
            [
                str(bin_dir / "turbo"),
                "ls",
                "--filter",
                f"...[{commit}^...{commit}]",
                "--output",
                "json",
            ],
            layout,
        )
    )
    nx = parse_nx(
        _run(
            [
                str(bin_dir / "nx"),
                "show",
                "projects",
                "--affected",
                "--base",
                f"{commit}^",
                "--head",
                commit,
                "--json",
            ],
            layout,
        )
    )
    moon = parse_moon(
        _run(
            [str(bin_dir / "moon"), "query", "projects", "--affected", "--downstream", "deep"],
            layout,
            {"MOON_BASE": f"{commit}^", "MOON_HEAD": commit},
        )
    )
    return Comparison(
        commit=commit[:10],
        subject=subject[:100],
        files=files,
        edu=edu,
        tools={"turbo": turbo, "nx": nx, "moon": moon},
        unowned=unowned_files(files, projects),
    )


def recorded_commits(layout: Layout, head: str, count: int) -> list[str]:
    """The ``count`` latest non-merge commits up to ``head`` that have a parent."""
    out = _run(["git", "rev-list", "--no-merges", f"--max-count={count}", f"{head}~0"], layout)
    return out.split()


def compare_history(
    layout: Layout, head: str, projects: list[Project], count: int = 20
) -> list[Comparison]:
    results = []
    for commit in recorded_commits(layout, head, count):
        comparison = compare_commit(layout, commit, projects)
        verdicts = " ".join(f"{t}={'=' if comparison.agrees(t) else '≠'}" for t in comparison.tools)
        print(f"affected {commit[:10]}: edu {len(comparison.edu)} {verdicts}", file=sys.stderr)
        results.append(comparison)
    return results


def agreement_counts(comparisons: list[Comparison]) -> dict[str, int]:
    return {tool: sum(c.agrees(tool) for c in comparisons) for tool in TOOLS}
