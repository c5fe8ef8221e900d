"""``edu seed [S|M|L]``: realistic data in the dev databases, through the services' use cases.

This command does the environment's part: it finds the dev PostgreSQL (`edu env up` or
`edu dev` started it, or EDU_DATABASE_URL names one), makes sure each seeded service's database
exists and is migrated, exactly as `edu dev` does, then runs `python -m edu.seed` (tools/seed),
which does the data's part. Running it again finds what exists and adds only what is missing.
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Annotated

import typer

from edu.cli.env import dev_environment, repository_root
from edu.cli.workspace import Workspace
from edu.infra.databases import create_database_if_missing, upgrade_to_head, with_database
from edu.infra.dev_services import DeclaredService, declared_services

# The services whose data the seed writes (their use cases, their databases).
SEEDED_SERVICES = ("identity", "course", "enrollment")


def seeded_services(root: Path) -> list[DeclaredService]:
    found = declared_services(root, [m.path for m in Workspace(root).members])
    return [s for s in found if s.name in SEEDED_SERVICES]


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
    """Seed the dev databases: teachers, courses, students, enrolments, certificates (idempotent)."""
    if size.upper() not in ("S", "M", "L"):
        typer.secho(f"unknown size {size!r}: use S, M or L", fg="red", err=True)
        raise typer.Exit(2)
    root = repository_root()
    server_url = dev_postgres_url(root)
    prepare_databases(server_url, seeded_services(root))
    done = subprocess.run(seed_argv(size.upper(), server_url, manifest), check=False)
    raise typer.Exit(done.returncode)
