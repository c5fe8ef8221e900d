"""The commands each GitHub workflow job runs, down to the ``edu`` command lines.

``run:`` scripts are split into simple commands; ``${{ matrix.* }}`` and the step/job/workflow
``env`` values are filled in for every matrix combination; ``uv run`` wrappers are dropped and
``just`` recipes are expanded through the justfile. What is left is what the agreement check
reads: every ``edu`` invocation, and any direct ``pytest`` call (which would dodge budgets).
"""

from __future__ import annotations

import itertools
import re
import shlex
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from edu.cli.pipelines.justfile_recipes import Justfile

_MATRIX = re.compile(r"\$\{\{\s*matrix\.([A-Za-z0-9_-]+)\s*\}\}")
_SHELL_VAR = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)")
_SEPARATORS = {"&&", "||", ";", "|", "&", "(", ")"}
_UV_RUN_VALUE_OPTIONS = {
    "--package",
    "--with",
    "--python",
    "--group",
    "--extra",
    "--project",
    "--directory",
    "--env-file",
    "--index",
}
PYTEST_COMMANDS = {"pytest", "py.test"}


@dataclass(frozen=True)
class Command:
    workflow: str
    job: str
    argv: tuple[str, ...]


def workflow_commands(name: str, workflow: Mapping[str, Any], justfile: Justfile) -> list[Command]:
    found: list[Command] = []
    base_env = _strings(workflow.get("env"))
    for job_name, job in (workflow.get("jobs") or {}).items():
        for combo in _matrix_combinations(job):
            job_env = {**base_env, **_strings(job.get("env"))}
            for step in job.get("steps") or []:
                script = step.get("run")
                if not isinstance(script, str):
                    continue
                env = {**job_env, **_strings(step.get("env"))}
                env = {key: _fill_matrix(value, combo) for key, value in env.items()}
                text = _fill_shell(_fill_matrix(script, combo), env)
                found += [Command(name, job_name, argv) for argv in _expand(text, justfile)]
    return found


def _matrix_combinations(job: Mapping[str, Any]) -> Iterator[dict[str, str]]:
    matrix = (job.get("strategy") or {}).get("matrix") or {}
    if not isinstance(matrix, dict):
        yield {}
        return
    axes = {
        k: v for k, v in matrix.items() if k not in ("include", "exclude") and isinstance(v, list)
    }
    keys = list(axes)
    for values in itertools.product(*(axes[k] for k in keys)):
        yield {k: str(v) for k, v in zip(keys, values, strict=True)}
    for extra in matrix.get("include") or []:
        yield {str(k): str(v) for k, v in extra.items()}


def _expand(script: str, justfile: Justfile, depth: int = 0) -> Iterator[tuple[str, ...]]:
    for simple in _simple_commands(script):
        argv = _unwrap(simple)
        if not argv:
            continue
        if argv[0] == "just" and depth < 5:
            # just's own options come before the recipe; everything after it is the recipe's.
            rest = list(itertools.dropwhile(lambda a: a.startswith("-"), argv[1:]))
            recipe, args = (rest[0], rest[1:]) if rest else ("default", [])
            if recipe in justfile.recipes:
                for line in justfile.expand(recipe, args):
                    yield from _expand(line, justfile, depth + 1)
                continue
        yield tuple(argv)


def _simple_commands(script: str) -> Iterator[list[str]]:
    joined = script.replace("\\\n", " ")
    for line in joined.splitlines():
        lexer = shlex.shlex(line, posix=True, punctuation_chars=True)
        lexer.whitespace_split = True
        try:
            tokens = list(lexer)
        except ValueError:  # an unbalanced quote: shells would reject it too
            continue
        current: list[str] = []
        redirect_target = False
        for index, token in enumerate(tokens):
            following = tokens[index + 1] if index + 1 < len(tokens) else ""
            if redirect_target or (token.isdigit() and following.startswith((">", "<"))):
                redirect_target = False  # `> file`, `2>&1`: where output goes, not arguments
                continue
            if token.startswith((">", "<")):
                redirect_target = True
                continue
            if token in _SEPARATORS:
                if current:
                    yield current
                current = []
            else:
                current.append(token)
        if current:
            yield current


def _unwrap(argv: list[str]) -> list[str]:
    """Drop ``VAR=value`` prefixes, ``uv run [options]`` and ``python -m``."""
    while argv and re.match(r"^[A-Za-z_][A-Za-z0-9_]*=", argv[0]):
        argv = argv[1:]
    if argv[:2] == ["uv", "run"]:
        rest = argv[2:]
        while rest and rest[0].startswith("-"):
            rest = rest[2:] if rest[0] in _UV_RUN_VALUE_OPTIONS else rest[1:]
        argv = rest
    if len(argv) >= 3 and argv[0].startswith("python") and argv[1] == "-m":
        argv = argv[2:]
    return argv


def _fill_matrix(text: str, combo: Mapping[str, str]) -> str:
    return _MATRIX.sub(lambda m: combo.get(m.group(1), m.group(0)), text)


def _fill_shell(text: str, env: Mapping[str, str]) -> str:
    def value(match: re.Match[str]) -> str:
        name = match.group(1) or match.group(2)
        known = env.get(name)
        return known if known is not None and "${{" not in known else match.group(0)

    return _SHELL_VAR.sub(value, text)


def _strings(raw: object) -> dict[str, str]:
    return {str(k): str(v) for k, v in raw.items()} if isinstance(raw, dict) else {}
