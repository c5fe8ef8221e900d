"""Finding the HTTP services and exporting their OpenAPI documents to ``contracts/openapi``.

A service is a workspace member with a ``[tool.edu.service]`` table naming its zero-argument
app factory (``app = "edu.course.entrypoints.asgi:create_app"``); a worker with an HTTP API of
its own names one in ``[tool.edu.worker]`` the same way. Each factory runs in its own
child process with ``EDU_ENVIRONMENT=test`` and, where unset, placeholder connection URLs that
are never dialled: building an app must not connect anywhere (that is the lifespan's job), so a
spec can be exported on a machine with no infrastructure running.

A Rust service (a crate under services/rs with ``[package.metadata.edu.service]``) generates its
document from code (utoipa): ``just openapi`` writes what ``<binary> --print-openapi`` prints;
the check reads the committed file instead of compiling (the openapi layer has 30 s; the crate's
own unit test fails when the committed file is not what its code generates).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tomllib
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from edu.cli.workspace import Workspace

SPECS_DIR = Path("contracts/openapi")
RUST_SERVICES = Path("services/rs")
PLACEHOLDER_ENV = {
    "EDU_ENVIRONMENT": "test",
    "EDU_DATABASE_URL": "postgresql+asyncpg://openapi-export@127.0.0.1:9/openapi-export",
    "EDU_NATS_URL": "nats://127.0.0.1:9",
    "EDU_REDIS_URL": "redis://127.0.0.1:9/0",
}


class ExportError(RuntimeError):
    """A service's app could not be built or did not produce an OpenAPI document."""


@dataclass(frozen=True)
class HttpService:
    name: str  # the member's folder name: services/py/course -> "course"
    app: str  # "module:factory" ("" for a Rust service)
    crate: str | None = None  # a Rust service's Cargo package (and binary) name

    @property
    def spec_path(self) -> Path:
        return SPECS_DIR / f"{self.name}.json"


def discover(ws: Workspace) -> list[HttpService]:
    found = []
    for member in ws.members:
        with (member.path / "pyproject.toml").open("rb") as fh:
            edu = tomllib.load(fh).get("tool", {}).get("edu", {})
        # A worker with an HTTP API of its own names its app factory the same way
        # (certificate-generator's downloads, ADR 0024).
        for kind in ("service", "worker"):
            table = edu.get(kind)
            if isinstance(table, dict) and isinstance(table.get("app"), str):
                found.append(HttpService(member.path.name, table["app"]))
    for manifest in sorted((ws.root / RUST_SERVICES).glob("*/Cargo.toml")):
        package = tomllib.loads(manifest.read_text()).get("package", {})
        if "service" in package.get("metadata", {}).get("edu", {}):
            found.append(HttpService(manifest.parent.name, "", crate=str(package["name"])))
    return sorted(found, key=lambda service: service.name)


def render(spec: dict[str, Any]) -> str:
    """The committed form: stable, diff-friendly JSON."""
    return json.dumps(spec, indent=2, ensure_ascii=False) + "\n"


class SpecExporter(Protocol):
    def export(self, service: HttpService) -> dict[str, Any]:
        """The service's OpenAPI document; raises ExportError when the app cannot build it."""
        ...


class SubprocessExporter:
    """``compile_rust``: build and run Rust services (``just openapi``); otherwise a Rust
    service's document is its committed file (the check)."""

    def __init__(self, root: Path, compile_rust: bool = False) -> None:
        self.root = root
        self.compile_rust = compile_rust

    def export(self, service: HttpService) -> dict[str, Any]:
        if service.crate is not None:
            return self._rust(service, service.crate)
        env = {**PLACEHOLDER_ENV, **os.environ, "EDU_ENVIRONMENT": "test"}
        done = subprocess.run(
            [sys.executable, "-m", "edu.cli.openapi_gate.dump_app", service.app],
            cwd=self.root,
            env=env,
            capture_output=True,
            text=True,
            check=False,
            stdin=subprocess.DEVNULL,
        )
        if done.returncode != 0:
            tail = "\n".join(done.stderr.strip().splitlines()[-12:])
            raise ExportError(f"{service.name}: {service.app} did not build its app:\n{tail}")
        spec: dict[str, Any] = json.loads(done.stdout)
        return spec

    def _rust(self, service: HttpService, crate: str) -> dict[str, Any]:
        if not self.compile_rust:
            committed = self.root / service.spec_path
            if not committed.is_file():
                raise ExportError(f"{service.name}: not exported yet: run `just openapi`")
            spec: dict[str, Any] = json.loads(committed.read_text())
            return spec
        done = subprocess.run(
            ["cargo", "run", "--quiet", "--locked", "--package", crate, "--", "--print-openapi"],
            cwd=self.root,
            capture_output=True,
            text=True,
            check=False,
            stdin=subprocess.DEVNULL,
        )
        if done.returncode != 0:
            tail = "\n".join(done.stderr.strip().splitlines()[-12:])
            raise ExportError(f"{service.name}: {crate} --print-openapi failed:\n{tail}")
        printed: dict[str, Any] = json.loads(done.stdout)
        return printed


Exported = dict[str, dict[str, Any] | ExportError]


def export_all(exporter: SpecExporter, services: list[HttpService], jobs: int = 2) -> Exported:
    """Every service's spec, or the error that stopped it (one broken app hides no other)."""

    def one(service: HttpService) -> dict[str, Any] | ExportError:
        try:
            return exporter.export(service)
        except ExportError as exc:
            return exc

    with ThreadPoolExecutor(max_workers=jobs) as pool:
        results = list(pool.map(one, services))
    return {service.name: result for service, result in zip(services, results, strict=True)}


def write_specs(root: Path, services: list[HttpService], exporter: SpecExporter) -> list[str]:
    """Write every service's spec, delete specs of services that no longer exist; raise
    ExportError (after writing the others) when some service could not be exported."""
    exported = export_all(exporter, services)
    folder = root / SPECS_DIR
    folder.mkdir(parents=True, exist_ok=True)
    written, failed = [], []
    for service in services:
        result = exported[service.name]
        if isinstance(result, ExportError):
            failed.append(str(result))
            continue
        (root / service.spec_path).write_text(render(result))
        written.append(service.spec_path.as_posix())
    for orphan in sorted(set(folder.glob("*.json")) - {root / s.spec_path for s in services}):
        orphan.unlink()
        written.append(f"{orphan.relative_to(root).as_posix()} (deleted: no such service)")
    if failed:
        raise ExportError("\n".join([*(f"wrote {w}" for w in written), *failed]))
    return written
