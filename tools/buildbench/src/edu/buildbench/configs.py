"""Each tool's configuration for the same task graph, rendered from the project list.

The files are installed into the measurement tree only (never the checkout). What a team would
commit to adopt the tool is exactly what is rendered here, so its line count is the
configuration size reported.
"""

from __future__ import annotations

import json
import posixpath
from collections.abc import Iterable

from edu.buildbench.graph import GLOBAL_INPUTS, Project

TASK_SCRIPT = ".buildbench/task.sh"
TOOLS = ("just+edu", "turbo", "nx", "moon")
# Tasks whose result depends on the dependencies' sources (mypy reads them, tests import them).
READS_DEPENDENCIES = ("typecheck", "unit")


def task_command(project: Project, task: str, from_root: bool = True) -> str:
    script = TASK_SCRIPT if from_root else posixpath.relpath(TASK_SCRIPT, project.path)
    return f"bash {script} {task} {project.language} {project.path} {project.package}"


def _json(data: object) -> str:
    return json.dumps(data, indent=2) + "\n"


def turbo_files(projects: list[Project]) -> dict[str, str]:
    """npm workspaces (a package.json per project: turbo knows no other graph) and turbo.json."""
    by_name = {p.name: p for p in projects}
    files: dict[str, str] = {
        "package.json": _json(
            {
                "name": "eduplatform-buildbench",
                "private": True,
                "packageManager": "npm@11.19.1",
                "workspaces": [p.path for p in projects],
            }
        ),
        "turbo.json": _json(
            {
                "$schema": "https://turborepo.com/schema.v2.json",
                "globalDependencies": [TASK_SCRIPT],
                "ui": "stream",
                "tasks": {
                    # Transit node: invalidates a package's typecheck/unit when a dependency's
                    # sources change, without ordering them after the dependency's run.
                    "transit": {"dependsOn": ["^transit"]},
                    "lint": {"inputs": _turbo_inputs("python")},
                    "typecheck": {"dependsOn": ["transit"], "inputs": _turbo_inputs("python")},
                    "unit": {"dependsOn": ["transit"], "inputs": _turbo_inputs("python")},
                    "build": {
                        "dependsOn": ["^build"],
                        "inputs": _turbo_inputs("python"),
                        "outputs": ["dist/**"],
                    },
                },
            }
        ),
    }
    for project in projects:
        scripts = {task: task_command(project, task, from_root=False) for task in project.tasks}
        deps = {by_name[d].tool_id: "*" for d in project.deps}
        files[f"{project.path}/package.json"] = _json(
            {
                "name": project.tool_id,
                "version": "0.0.0",
                "private": True,
                "scripts": scripts,
                **({"dependencies": deps} if deps else {}),
            }
        )
        extra = _turbo_inputs(project.language, project.extra_inputs)
        if project.language == "rust" or project.extra_inputs:
            overrides: dict[str, object] = {
                task: {"inputs": extra, **({"outputs": []} if task == "build" else {})}
                for task in project.tasks
                if project.language == "rust" or task != "lint"
            }
            files[f"{project.path}/turbo.json"] = _json({"extends": ["//"], "tasks": overrides})
    return files


def _turbo_inputs(language: str, extra: Iterable[str] = ()) -> list[str]:
    return [
        "$TURBO_DEFAULT$",
        *(f"$TURBO_ROOT$/{f}" for f in GLOBAL_INPUTS[language]),
        *(f"$TURBO_ROOT$/{f}" for f in extra),
    ]


def nx_files(projects: list[Project]) -> dict[str, str]:
    """nx.json (named inputs, target defaults) and a project.json per project."""
    by_name = {p.name: p for p in projects}
    named: dict[str, list[str]] = {
        lang: [
            "{projectRoot}/**/*",
            "!{projectRoot}/dist/**/*",
            *(f"{{workspaceRoot}}/{f}" for f in files),
            f"{{workspaceRoot}}/{TASK_SCRIPT}",
        ]
        for lang, files in GLOBAL_INPUTS.items()
    }
    named["proto"] = ["{workspaceRoot}/proto/**/*"]
    nx_json = {
        "$schema": "./node_modules/nx/schemas/nx-schema.json",
        "neverConnectToCloud": True,
        "useDaemonProcess": False,
        "namedInputs": named,
        "targetDefaults": {
            "lint": {"cache": True},
            "typecheck": {"cache": True},
            "unit": {"cache": True},
            "build": {"cache": True, "dependsOn": ["^build"]},
        },
    }
    files = {"nx.json": _json(nx_json)}
    for project in projects:
        lang = project.language
        targets: dict[str, object] = {}
        for task in project.tasks:
            inputs = [lang, *(["proto"] if project.extra_inputs else [])]
            if task in READS_DEPENDENCIES or (lang == "rust" and task == "build"):
                inputs.append(f"^{lang}")
            target: dict[str, object] = {
                "executor": "nx:run-commands",
                "options": {"command": task_command(project, task)},
                "inputs": inputs,
            }
            if task == "build" and lang == "python":
                target["outputs"] = ["{projectRoot}/dist"]
            targets[task] = target
        files[f"{project.path}/project.json"] = _json(
            {
                "name": project.tool_id,
                "root": project.path,
                "implicitDependencies": [by_name[d].tool_id for d in project.deps],
                "targets": targets,
            }
        )
    return files


def moon_files(projects: list[Project]) -> dict[str, str]:
    """.moon/workspace.yml and a moon.yml per project (system commands, no toolchain)."""
    by_name = {p.name: p for p in projects}
    lines = [
        "projects:",
        *(f"  {p.tool_id}: '{p.path}'" for p in projects),
        "vcs:",
        "  client: 'git'",
        "  defaultBranch: 'main'",
        "telemetry: false",
    ]
    files = {".moon/workspace.yml": "\n".join(lines) + "\n"}
    for project in projects:
        upstream = _transitive(project, by_name)
        body = ["language: 'unknown'"]
        if project.deps:
            body += ["dependsOn:", *(f"  - '{by_name[d].tool_id}'" for d in project.deps)]
        body.append("tasks:")
        for task in project.tasks:
            inputs = ["'**/*'", "'!dist/**/*'"]
            inputs += [f"'/{f}'" for f in GLOBAL_INPUTS[project.language]]
            inputs += [f"'/{TASK_SCRIPT}'", *(f"'/{f}'" for f in project.extra_inputs)]
            if task in READS_DEPENDENCIES or (project.language == "rust" and task == "build"):
                inputs += [f"'/{by_name[d].path}/**/*'" for d in upstream]
            body += [
                f"  {task}:",
                f"    command: '{task_command(project, task)}'",
                f"    inputs: [{', '.join(inputs)}]",
            ]
            if task == "build" and project.language == "python":
                body.append("    outputs: ['dist/**/*']")
            # cargo holds the target lock: moon's mutex keeps a second build from taking a slot
            mutex = ", mutex: 'cargo'" if project.language == "rust" and task == "build" else ""
            body.append(f"    options: {{ runFromWorkspaceRoot: true, cache: true{mutex} }}")
        files[f"{project.path}/moon.yml"] = "\n".join(body) + "\n"
    return files


def _transitive(project: Project, by_name: dict[str, Project]) -> list[str]:
    seen: list[str] = []
    stack = list(project.deps)
    while stack:
        name = stack.pop()
        if name not in seen:
            seen.append(name)
            stack.extend(by_name[name].deps)
    return sorted(seen)


def files_for(tool: str, projects: list[Project]) -> dict[str, str]:
    if tool == "turbo":
        return turbo_files(projects)
    if tool == "nx":
        return nx_files(projects)
    if tool == "moon":
        return moon_files(projects)
    return {}


def config_lines(files: dict[str, str]) -> int:
    return sum(len(text.splitlines()) for text in files.values())
