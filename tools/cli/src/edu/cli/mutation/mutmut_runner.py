"""Runs mutmut 3 over one member in a scratch copy, and reads what it found.

mutmut writes its mutants into ``mutants/`` beside the configuration it reads from the current
folder. We never let it near the work tree: the member's ``src/`` and ``tests/unit/`` are
copied to a scratch folder (``~/.cache/eduplatform/mutation/<member>``, or
``EDU_MUTATION_WORK``), emptied before every run, with a generated ``pyproject.toml`` (the
repository's pytest settings, the unit layer's plugins, the files to mutate) and a
``conftest.py`` that makes Hypothesis deterministic. mutmut puts ``mutants/src`` first on
``sys.path``, so ``edu.<member>`` resolves to the mutated copy; the other members (libs) come
from the workspace as usual.

The results come from mutmut's own files, not its terminal output: ``<module>.py.meta`` holds
each mutant's exit code, and the mutated module holds each mutant beside the original function
(``x_name__mutmut_orig`` / ``x_name__mutmut_3``, ``xǁClassǁname__mutmut_3`` for a method),
from which the diff is made here: no mutmut import, one process for the lot.
"""

from __future__ import annotations

import ast
import difflib
import json
import os
import re
import shutil
import sys
import textwrap
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from edu.cli.mutation import results
from edu.cli.mutation.targets import Target

TOOL = "mutmut"
WORK_ENV = "EDU_MUTATION_WORK"
# The unit layer's plugins, less xdist and pytest-split: mutmut runs the tests in its own
# forked processes (two at a time on our 2-core machines).
PLUGINS = ("asyncio", "hypothesispytest", "edu_gc_freeze")
CHILDREN = 2

_CONFTEST = '''"""Written by edu mutation: one mutant, one verdict."""

from hypothesis import HealthCheck, settings

# derandomize: a Hypothesis test judges every mutant on the same examples, so a score changes
# only when the code or the tests do. differing_executors: mutmut runs a test more than once in
# one process (stats, then the clean run), which Hypothesis would otherwise refuse.
settings.register_profile(
    "mutation",
    database=None,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.differing_executors, HealthCheck.too_slow],
)
settings.load_profile("mutation")
'''

_MUTANT_NAME = re.compile(r"^(?P<base>.+)__mutmut_(?P<number>\d+)$")


def work_folder(member_name: str) -> Path:
    configured = os.environ.get(WORK_ENV)
    base = (
        Path(configured)
        if configured
        else Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache"))
        / "eduplatform"
        / "mutation"
    )
    return base / member_name


def _toml_list(items: Sequence[str]) -> str:
    return "[" + ", ".join(json.dumps(item) for item in items) + "]"


def configuration(target: Target, pytest_options: dict[str, object]) -> str:
    """The scratch folder's pyproject.toml: the repository's pytest settings and mutmut's."""
    only = [target.packages[0].relative(path) for path in target.files]
    addopts = [
        str(option)
        for option in _as_list(pytest_options.get("addopts"))
        if str(option) not in ("--strict-config",)
    ]
    lines = ["[tool.pytest.ini_options]", f"addopts = {_toml_list(addopts)}"]
    for key in (
        "asyncio_mode",
        "asyncio_default_fixture_loop_scope",
        "asyncio_default_test_loop_scope",
        "xfail_strict",
    ):
        if key in pytest_options:
            lines.append(f"{key} = {json.dumps(pytest_options[key])}")
    plugin_args = [arg for name in PLUGINS for arg in ("-p", name)]
    lines += [
        "",
        "[tool.mutmut]",
        'source_paths = ["src"]',
        f"only_mutate = {_toml_list(only)}",
        f"pytest_add_cli_args = {_toml_list([*plugin_args, '-q', '-p', 'no:cacheprovider'])}",
        'pytest_add_cli_args_test_selection = ["tests/unit"]',
        'also_copy = ["conftest.py"]',
        # Nothing to carry over: the scratch folder is new for every run.
        "use_git_change_detection = false",
        "",
    ]
    return "\n".join(lines)


def _as_list(value: object) -> list[object]:
    return list(value) if isinstance(value, list) else []


def prepare(target: Target, work: Path, pytest_options: dict[str, object]) -> None:
    """Empty ``work`` and lay the member's sources and unit tests in it."""
    if work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", ".hypothesis")
    shutil.copytree(target.member.src, work / "src", ignore=ignore)
    unit = target.member.tests / "unit"
    if unit.is_dir():
        shutil.copytree(unit, work / "tests" / "unit", ignore=ignore)
    (work / "pyproject.toml").write_text(configuration(target, pytest_options))
    (work / "conftest.py").write_text(_CONFTEST)


def command(children: int = CHILDREN) -> list[str]:
    return [sys.executable, "-m", "mutmut", "run", "--max-children", str(children)]


def environment() -> dict[str, str]:
    """Only the plugins named in the configuration load (as in the unit layer)."""
    return {**os.environ, "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1", "PYTHONDONTWRITEBYTECODE": "1"}


@dataclass(frozen=True)
class RunInfo:
    seconds: float
    started_at: str
    tool: str
    changed_since: str | None = None


def collect(target: Target, work: Path, root: Path, info: RunInfo) -> list[results.PackageResult]:
    """Each package's result from mutmut's files in ``work/mutants``."""
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    survivors: dict[str, list[results.Mutant]] = defaultdict(list)
    for path in target.files:
        package = target.package_of(path)
        if package is None:
            continue
        mutated = work / "mutants" / package.relative(path)
        meta = mutated.with_name(mutated.name + ".meta")
        exit_codes = _exit_codes(meta)
        module = _module_name(package.relative(path))
        functions = (
            _functions(mutated) if any(c == 0 or c in (5, 33) for c in exit_codes.values()) else {}
        )
        originals = _original_lines(path)
        for key, code in sorted(exit_codes.items(), key=lambda item: _natural(item[0])):
            status = results.status_of(code)
            counts[package.name][status] += 1
            if status not in (results.SURVIVED, results.NO_TESTS):
                continue
            local = key.removeprefix(module + ".")
            function = _readable(local)
            survivors[package.name].append(
                results.Mutant(
                    id=key,
                    status=status,
                    file=path.relative_to(root).as_posix(),
                    line=originals.get(function, 0),
                    function=function,
                    diff=_diff(functions, local, path.relative_to(root).as_posix()),
                )
            )
    found: list[results.PackageResult] = []
    for package in target.packages:
        mine = [path for path in target.files if target.package_of(path) == package]
        if not mine:
            continue
        tally = counts[package.name]
        found.append(
            results.PackageResult(
                package=package.name,
                member=package.member.path.relative_to(root).as_posix(),
                scope="full" if target.only is None else "changed",
                files=tuple(p.relative_to(root).as_posix() for p in mine),
                killed=tally[results.KILLED],
                timeout=tally[results.TIMEOUT],
                survived=tally[results.SURVIVED],
                no_tests=tally[results.NO_TESTS],
                other=tally[results.OTHER],
                seconds=round(info.seconds, 1),
                started_at=info.started_at,
                tool=info.tool,
                survivors=tuple(survivors[package.name]),
                changed_since=info.changed_since,
            )
        )
    return found


def _exit_codes(meta: Path) -> dict[str, int | None]:
    try:
        data = json.loads(meta.read_text())
    except (OSError, json.JSONDecodeError):
        return {}
    codes = data.get("exit_code_by_key", {}) if isinstance(data, dict) else {}
    return {
        str(k): (v if isinstance(v, int) else None)
        for k, v in (codes.items() if isinstance(codes, dict) else [])
    }


def _module_name(relative: str) -> str:
    """``src/edu/course/domain/course.py`` -> ``edu.course.domain.course``."""
    return relative.removeprefix("src/").removesuffix(".py").replace("/", ".")


def _natural(key: str) -> tuple[str, int]:
    match = _MUTANT_NAME.match(key)
    return (match["base"], int(match["number"])) if match else (key, 0)


def _readable(local: str) -> str:
    """``xǁCourseǁpublish__mutmut_3`` -> ``Course.publish``; ``x_check__mutmut_1`` -> ``check``."""
    match = _MUTANT_NAME.match(local)
    base = match["base"] if match else local
    if base.startswith("xǁ"):
        return ".".join(part for part in base.split("ǁ")[1:] if part)
    return base.removeprefix("x_")


def _functions(path: Path) -> dict[str, tuple[str, str]]:
    """Every function of a mutated module by name: (its source, dedented; its real name)."""
    try:
        source = path.read_text()
        tree = ast.parse(source)
    except (OSError, SyntaxError, ValueError):
        return {}
    found: dict[str, tuple[str, str]] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and "__mutmut_" in node.name:
            start = min([node.lineno, *(d.lineno for d in node.decorator_list)])
            lines = source.splitlines()[start - 1 : node.end_lineno]
            found[node.name] = (textwrap.dedent("\n".join(lines)), node.name)
    return found


def _diff(functions: dict[str, tuple[str, str]], local: str, label: str) -> str:
    match = _MUTANT_NAME.match(local)
    if not match or local not in functions:
        return ""
    original = functions.get(f"{match['base']}__mutmut_orig")
    if original is None:
        return ""
    name = _readable(local).rpartition(".")[2]
    before = original[0].replace(f"{match['base']}__mutmut_orig", name, 1)
    after = functions[local][0].replace(local, name, 1)
    return "\n".join(
        difflib.unified_diff(
            before.splitlines(), after.splitlines(), fromfile=label, tofile=label, lineterm=""
        )
    )


def _original_lines(path: Path) -> dict[str, int]:
    """Where each function and method starts in the real source: ``Course.publish`` -> 88."""
    try:
        tree = ast.parse(path.read_text())
    except (OSError, SyntaxError, ValueError):
        return {}
    lines: dict[str, int] = {}

    def visit(body: list[ast.stmt], prefix: str) -> None:
        for node in body:
            if isinstance(node, ast.ClassDef):
                visit(node.body, f"{prefix}{node.name}.")
            elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                lines[f"{prefix}{node.name}"] = node.lineno

    visit(tree.body, "")
    return lines
