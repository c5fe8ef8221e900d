"""``edu seed [S|M|L]``: realistic data in the dev databases, through the services' use cases.

This command does the environment's part: it finds the dev PostgreSQL (`edu env up` or
`edu dev` started it, or EDU_DATABASE_URL names one), makes sure each seeded service's database
exists and is migrated, exactly as `edu dev` does, then runs `python -m edu.seed` (tools/seed),
which does the data's part. Running it again finds what exists and adds only what is missing.
It ends with how to log in as a seeded user and where its wall time went: the seed reports its
own part ("seeded size S in ...") and this command the rest (its own start, migrations, the
seed process starting and exiting).
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

import typer

from edu.cli.env import dev_environment, repository_root
from edu.cli.workspace import Workspace
from edu.infra.databases import create_database_if_missing, upgrade_to_head, with_database
from edu.infra.dev_services import DeclaredService, declared_services
from edu.infra.probes import process_age

# The services whose data the seed writes (their use cases, their databases); analytics-api
# declares the analytics database and its migrations, where the learning-event history goes
# (through analytics-aggregator's use case).
SEEDED_SERVICES = ("identity", "course", "enrollment", "analytics-api")


def seeded_services(root: Path) -> list[DeclaredService]:
    return [s for s in all_services(root) if s.name in SEEDED_SERVICES]


def all_services(root: Path) -> list[DeclaredService]:
    return declared_services(root, [m.path for m in Workspace(root).members])


@dataclass(frozen=True)
class Timings:
    """Where `edu seed`'s wall time went, in seconds."""

    starting: float  # this process: the interpreter, imports, until the command ran
    finding_postgres: float
    migrating: float
    seed_process: float  # python -m edu.seed, start to exit
    seeding: float | None  # of which the seeding itself, as the seed reported it
    total: float

    def render(self) -> str:
        process = f"{self.seed_process:.1f} s in python -m edu.seed"
        if self.seeding is not None:
            rest = self.seed_process - self.seeding
            process += f" ({self.seeding:.1f} s seeding, {rest:.1f} s starting it and exiting)"
        parts = [
            f"{self.starting:.1f} s starting edu",
            f"{self.finding_postgres:.1f} s finding PostgreSQL",
            f"{self.migrating:.1f} s creating and migrating the databases",
            process,
        ]
        other = self.total - self.starting - self.finding_postgres - self.migrating
        other -= self.seed_process
        if other >= 0.05:
            parts.append(f"{other:.1f} s other")
        return f"edu seed took {self.total:.1f} s: " + ", ".join(parts)


def prepare_databases(server_url: str, services: Iterable[DeclaredService]) -> None:
    """Create each service's database if missing and migrate it to head (like `edu dev`)."""
    for service in services:
        if service.database is None or service.migrations is None:
            continue  # a service without a database of its own (the web front end)
        asyncio.run(create_database_if_missing(server_url, service.database))
        upgrade_to_head(str(service.migrations), with_database(server_url, service.database))


def seed_argv(size: str, server_url: str, manifest: Path | None = None) -> list[str]:
    argv = [sys.executable, "-m", "edu.seed", size, "--server-url", server_url]
    return [*argv, "--manifest", str(manifest)] if manifest else argv


def dev_postgres_url(root: Path) -> str:
    for outcome in dev_environment(root).status():
        if outcome.component == "postgres" and outcome.answers:
            return outcome.url
    typer.secho(
        "the dev PostgreSQL does not answer: start it with `just env-up` (or `just dev`), "
        "or set EDU_DATABASE_URL to a server",
        fg="red",
        err=True,
    )
    raise typer.Exit(1)


def seed_command(
    size: Annotated[str, typer.Argument(help="S (default), M or L.")] = "S",
    manifest: Annotated[
        Path | None, typer.Option(help="Also write who can log in (JSON) to this file.")
    ] = None,
) -> None:
    """Seed the dev databases: teachers, courses, students, enrolments, certificates, learning
    events (idempotent)."""
    if size.upper() not in ("S", "M", "L"):
        typer.secho(f"unknown size {size!r}: use S, M or L", fg="red", err=True)
        raise typer.Exit(2)
    starting, began = process_age(), time.monotonic()
    root = repository_root()
    server_url = dev_postgres_url(root)
    found = time.monotonic()
    prepare_databases(server_url, seeded_services(root))
    migrated = time.monotonic()
    with tempfile.TemporaryDirectory() as scratch:
        timings = Path(scratch) / "timings.json"
        argv = [*seed_argv(size.upper(), server_url, manifest), "--timings", str(timings)]
        done = subprocess.run(argv, check=False)
        seeded = time.monotonic()
        seeding = json.loads(timings.read_text())["seeding_seconds"] if timings.is_file() else None
    if done.returncode == 0:
        web = next((s for s in all_services(root) if s.name == "web"), None)
        if web is not None:
            typer.echo(f"  on the web front end: {web.url}/login (under `just dev`)")
        parts = (found - began, migrated - found, seeded - migrated)
        typer.echo(Timings(starting, *parts, seeding, starting + seeded - began).render())
    raise typer.Exit(done.returncode)
