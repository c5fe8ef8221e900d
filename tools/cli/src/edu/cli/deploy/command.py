"""``edu deploy check`` (the deploy gates) and ``edu deploy build`` (images with buildah)."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer

from edu.cli.deploy import dockerfiles, images, manifests, terraform
from edu.cli.deploy.findings import Finding
from edu.cli.workspace import WorkspaceError, find_root

deploy_app = typer.Typer(
    help="Deployment: Dockerfiles, Kubernetes manifests, Terraform (deploy/), images with buildah.",
    no_args_is_help=True,
)


def _root() -> Path:
    try:
        return find_root()
    except WorkspaceError as exc:
        typer.secho(str(exc), fg="red", err=True)
        raise typer.Exit(2) from None


def _terraform(root: Path) -> list[Finding]:
    findings, note = terraform.check(root)
    if note:
        typer.echo(f"  terraform: {note}")
    return findings


GATES: dict[str, Callable[[Path], list[Finding]]] = {
    "dockerfiles": dockerfiles.check,
    "manifests": manifests.check,
    "terraform": _terraform,
}


@deploy_app.command("check")
def check_command(
    only: Annotated[
        list[str] | None,
        typer.Option(help="Run only these gates: dockerfiles, manifests, terraform."),
    ] = None,
) -> None:
    """hadolint + Dockerfile rules, rendered-manifest schemas + policy, Terraform structure."""
    root = _root()
    failed = False
    for name, gate in GATES.items():
        if only and name not in only:
            continue
        started = time.monotonic()
        findings = gate(root)
        elapsed = time.monotonic() - started
        verdict = "ok" if not findings else f"{len(findings)} finding(s)"
        typer.echo(f"{name:<12} {elapsed:6.1f} s  {verdict}")
        for finding in findings:
            typer.secho(f"  {finding}", fg="red")
        failed = failed or bool(findings)
    if failed:
        raise typer.Exit(1)


@deploy_app.command("build")
def build_command(
    only: Annotated[list[str] | None, typer.Option(help="Build only these deployables.")] = None,
    smoke: Annotated[bool, typer.Option(help="Start each image and GET /health.")] = True,
    report: Annotated[
        Path | None, typer.Option(help="Write the measurements as JSON here.")
    ] = None,
) -> None:
    """Build the base images and every deployable's image with buildah, timed and smoked."""
    root = _root()
    try:
        results = images.build_all(root, only=only or [], smoke=smoke)
    except images.BuildError as exc:
        typer.secho(str(exc), fg="red", err=True)
        raise typer.Exit(1) from None
    typer.echo(images.table(results))
    if report is not None:
        report.write_text(images.to_json(results))
    if any(not r.ok for r in results):
        raise typer.Exit(1)
