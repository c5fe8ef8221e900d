"""``edu deploy check`` (the deploy gates) and ``edu deploy build`` (images with buildah)."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer

from edu.cli.affected import changes
from edu.cli.affected.scan import workspace_graph
from edu.cli.deploy import dockerfiles, images, manifests, terraform
from edu.cli.deploy.findings import Finding
from edu.cli.deploy.selection import Rebuild, images_to_rebuild
from edu.cli.workspace import Workspace, WorkspaceError, find_root

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


def _report(root: Path, results: list[images.Result], name: str, report: Path | None) -> None:
    """The table on stdout; JSON + a Markdown table in .edu/results/deploy/ (and ``report``):
    this run's rows replace the same deployables' earlier rows, the others are kept."""
    typer.echo(images.table(results))
    folder = root / ".edu" / "results" / "deploy"
    folder.mkdir(parents=True, exist_ok=True)
    kept = images.merge(images.read_report(folder / f"{name}.json"), results)
    (folder / f"{name}.json").write_text(images.to_json(kept))
    (folder / f"{name}.md").write_text(images.markdown(kept))
    if report is not None:
        report.write_text(images.to_json(results))
    typer.echo(f"report: {folder / name}.json, .md")
    if any(not r.ok for r in results):
        raise typer.Exit(1)


def _rebuilds(root: Path, base: str | None, files: list[str] | None) -> tuple[str, list[Rebuild]]:
    """The images whose inputs changed: ``files``, or what changed since ``base``'s merge base."""
    try:
        if files:
            label, changed = "--files", changes.explicit_files(files, root)
        else:
            commit, changed = changes.changed_files(root, base)
            label = f"{base or 'main'} ({commit[:10]})"
    except (changes.ChangeSetError, ValueError) as exc:
        typer.secho(str(exc), fg="red", err=True)
        raise typer.Exit(2) from None
    graph, _ = workspace_graph(Workspace(root))
    return label, images_to_rebuild(changed, graph)


BASE_HELP = "Compare with the merge base of this ref (default: main)."


@deploy_app.command("affected")
def affected_command(
    base: Annotated[str | None, typer.Option(help=BASE_HELP)] = None,
    files: Annotated[
        list[str] | None,
        typer.Option("--files", help="The changed files, instead of asking git (repeatable)."),
    ] = None,
    everything: Annotated[
        bool, typer.Option("--all", help="Every image, whatever changed (no earlier build).")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable, for CI.")] = False,
) -> None:
    """The images a change needs rebuilt (edu affected's members, the Dockerfiles, the builder)."""
    root = _root()
    if everything:
        label = "(everything)"
        rebuilds = [Rebuild(item, "--all") for item in images.DEPLOYABLES]
    else:
        label, rebuilds = _rebuilds(root, base, files)
    if as_json:
        listing = [{"name": r.deployable.name, "reason": r.reason} for r in rebuilds]
        typer.echo(json.dumps({"base": label, "images": listing}, indent=2))
        return
    typer.echo(f"images to rebuild since {label}: {len(rebuilds)} of {len(images.DEPLOYABLES)}")
    for r in rebuilds:
        typer.echo(f"  {r.deployable.name:<22} {r.reason}")


@deploy_app.command("build")
def build_command(
    only: Annotated[list[str] | None, typer.Option(help="Build only these deployables.")] = None,
    affected: Annotated[
        bool,
        typer.Option(
            help="Build only the images whose inputs changed since --base (edu deploy affected)."
        ),
    ] = False,
    base: Annotated[str | None, typer.Option(help="With --affected: " + BASE_HELP)] = None,
    smoke: Annotated[bool, typer.Option(help="Start each image and GET /health.")] = True,
    measure: Annotated[
        bool,
        typer.Option(
            help="Cold build (no layer cache; Rust: empty cargo target), then again after a "
            "one-line change in the staged source: both timed, with the load average."
        ),
    ] = False,
    source: Annotated[
        str, typer.Option(help="A commit to build (git archive), or 'worktree' as it is.")
    ] = "HEAD",
    report: Annotated[
        Path | None, typer.Option(help="Also write the measurements as JSON here.")
    ] = None,
) -> None:
    """Build the base images and every deployable's image with buildah, timed and smoked."""
    root = _root()
    if affected:
        label, rebuilds = _rebuilds(root, base, None)
        wanted = {r.deployable.name for r in rebuilds}
        only = [name for name in (only or [d.name for d in images.DEPLOYABLES]) if name in wanted]
        typer.echo(f"--affected since {label}: {', '.join(only) or 'no image'}")
        if not only:
            return
    try:
        results = images.build_all(
            root, only=only or [], smoke=smoke, measure=measure, source=source
        )
    except images.BuildError as exc:
        typer.secho(str(exc), fg="red", err=True)
        raise typer.Exit(1) from None
    _report(root, results, "images", report)


@deploy_app.command("smoke")
def smoke_command(
    only: Annotated[list[str] | None, typer.Option(help="Smoke only these deployables.")] = None,
) -> None:
    """Run each built image's entrypoint (buildah run, chroot) on 127.0.0.1 and GET /health."""
    root = _root()
    try:
        results = images.smoke_all(root, only or [])
    except images.BuildError as exc:
        typer.secho(str(exc), fg="red", err=True)
        raise typer.Exit(1) from None
    _report(root, results, "smoke", None)


@deploy_app.command("push")
def push_command(
    registry: Annotated[
        str, typer.Option(help="Where to push, e.g. ghcr.io/eduplatform (buildah login first).")
    ],
    tag: Annotated[str, typer.Option(help="The tag to push, e.g. the commit's short sha.")],
    only: Annotated[list[str] | None, typer.Option(help="Push only these deployables.")] = None,
) -> None:
    """Push the built images (localhost/eduplatform/<name>:dev) as <registry>/<name>:<tag>."""
    try:
        pushed = images.push_all(registry, tag, only or [])
    except images.BuildError as exc:
        typer.secho(str(exc), fg="red", err=True)
        raise typer.Exit(1) from None
    for reference in pushed:
        typer.echo(f"pushed {reference}")
