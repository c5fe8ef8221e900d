"""``edu proto``: generate Python from ``proto/`` and gate the protobuf contracts.

``edu proto check`` fails when ``buf lint`` (STANDARD + COMMENTS) fails, when ``buf breaking``
finds a wire- or source-incompatible change against the base branch (main), or when the
committed generated code is not what ``edu proto gen`` writes now: libs/py/proto-gen by a fresh
generation, libs/rs/proto-gen by its manifest (``edu.cli.proto_rust``, ADR 0014).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer

from edu.cli.gates import GateOutcome
from edu.cli.git_baseline import BaselineError, GitBaseline
from edu.cli.proto_codegen import (
    GENERATED_PACKAGE,
    PROTO_ROOT,
    CodegenError,
    stale_files,
    write_generated,
)
from edu.cli.proto_rust import RUST_GENERATED, stale_rust_files, write_generated_rust
from edu.cli.proto_vectors import VECTORS
from edu.cli.proto_vectors import refresh as refresh_vectors
from edu.cli.workspace import find_root


def _buf() -> str:
    beside_python = Path(sys.executable).parent / "buf"
    found = str(beside_python) if beside_python.is_file() else shutil.which("buf")
    if found is None:
        raise CodegenError("buf not found: run `uv sync --all-packages` (it comes from buf-bin)")
    return found


def _run_buf(args: list[str], cwd: Path) -> tuple[bool, str]:
    done = subprocess.run(
        [_buf(), *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
        stdin=subprocess.DEVNULL,
    )
    return done.returncode == 0, (done.stdout + done.stderr).strip()


def lint(root: Path) -> GateOutcome:
    ok, output = _run_buf(["lint", str(PROTO_ROOT)], root)
    return GateOutcome("buf lint proto", ok, output or "no lint findings")


def breaking(root: Path, base_ref: str | None = None) -> GateOutcome:
    """``buf breaking`` of the working tree's proto/ against proto/ on the base branch."""
    try:
        base = GitBaseline.resolve(root, base_ref)
    except BaselineError as exc:
        return GateOutcome("buf breaking", False, str(exc))
    name = f"buf breaking proto against {base.label}"
    with tempfile.TemporaryDirectory(prefix="edu-proto-base-") as scratch:
        against = base.extract(PROTO_ROOT.as_posix(), Path(scratch))
        if against is None or not (against / "buf.yaml").is_file():
            return GateOutcome(
                name,
                True,
                f"{base.label} has no {PROTO_ROOT}/ module yet: nothing to compare with, so "
                "nothing can break; the check starts once main has it",
            )
        ok, output = _run_buf(["breaking", str(PROTO_ROOT), "--against", str(against)], root)
    if ok:
        return GateOutcome(name, True, "no breaking changes")
    return GateOutcome(
        name,
        False,
        f"{output}\n\nThese changes break existing producers or consumers of the contract. "
        "Add a new field / message / package version (e.g. v2) instead of changing one.",
    )


def freshness(root: Path) -> GateOutcome:
    name = f"generated code in {GENERATED_PACKAGE} is fresh"
    try:
        stale = stale_files(root)
    except CodegenError as exc:
        return GateOutcome(name, False, str(exc))
    if stale:
        return GateOutcome(name, False, "\n".join([*stale, "run `just proto` and commit"]))
    return GateOutcome(name, True, "matches a fresh generation")


def rust_freshness(root: Path) -> GateOutcome:
    name = f"generated code in {RUST_GENERATED} is fresh"
    stale = stale_rust_files(root)
    if stale:
        return GateOutcome(name, False, "\n".join([*stale, "run `just proto` and commit"]))
    return GateOutcome(name, True, "matches its manifest and proto/")


def check(root: Path, base_ref: str | None = None) -> list[GateOutcome]:
    return [lint(root), breaking(root, base_ref), freshness(root), rust_freshness(root)]


def build_app(finish: Callable[[list[GateOutcome]], None]) -> typer.Typer:
    """The ``edu proto`` command group; ``finish`` prints outcomes and sets the exit code."""
    proto_app = typer.Typer(
        help="Protobuf contracts: generate Python and Rust code, lint, breaking check."
    )

    @proto_app.command("gen")
    def gen() -> None:
        """Regenerate libs/py/proto-gen and libs/rs/proto-gen from proto/ (messages, stubs)."""
        root = find_root()
        try:
            count = write_generated(root)
            rust_count = write_generated_rust(root)
            refreshed = refresh_vectors(root)
        except CodegenError as exc:
            finish([GateOutcome("edu proto gen", False, str(exc))])
            return
        typer.echo(f"wrote {count} generated files to {GENERATED_PACKAGE}")
        typer.echo(f"wrote {rust_count} generated files to {RUST_GENERATED}")
        typer.echo(f"refreshed {refreshed} cross-language vectors in {VECTORS}")

    @proto_app.command("check")
    def check_command(
        against: Annotated[
            str | None, typer.Option(help="Base branch or commit (default: main).")
        ] = None,
    ) -> None:
        """buf lint, buf breaking against main, and generated code freshness."""
        finish(check(find_root(), against))

    return proto_app
