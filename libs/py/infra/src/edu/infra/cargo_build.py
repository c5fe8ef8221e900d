"""Build the Rust services and workers a stack runs, once, before it starts them.

A test or load stack runs each Rust service's binary straight from the target folder (no
``cargo run`` at start: a chaos experiment restarts a killed process within its steady-state
window, and ``cargo run`` would re-check the whole workspace first). ``cargo build`` is
incremental: after the Rust layers ran it only links the binaries. Concurrent builds (the Rust
lane beside a stack of the main lane) wait on cargo's own lock of the target folder.

Every stack builds the same packages, every Rust service and worker of the workspace, whichever
of them it runs: cargo unifies features across the packages of one build, so a stack of three
services would compile the shared dependencies a second time with other features (measured on a
fresh clone after the full build: 10.5 s for api-gateway, event-ingestion and search; then
0.2 s with the full set), and each layer with a different selection paid that again.

Profiles: ``dev`` (the default; the crypto crates are optimised even there, see Cargo.toml) for
E2E, fuzz and chaos; ``release`` for the figures a load comparison reports.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path

from edu.infra.dev_services import DeclaredService, declared_services, rust_service_crates
from edu.infra.dev_workers import DeclaredWorker, declared_workers, rust_worker_crates

PROFILE_VARIABLE = "EDU_RUST_PROFILE"  # which profile the stacks build, when not told


class BuildError(RuntimeError):
    """cargo could not build a service; the message ends with cargo's errors."""


def target_directory(root: Path) -> Path:
    """Where cargo puts its output: ``CARGO_TARGET_DIR`` (as .ci/run sets it) or ``target``."""
    configured = os.environ.get("CARGO_TARGET_DIR")
    return Path(configured) if configured else root / "target"


def profile_folder(profile: str) -> str:
    """The folder a profile's output lands in (``dev`` builds into ``debug``)."""
    return "debug" if profile in ("dev", "test") else profile


def workspace_crates(root: Path) -> list[str]:
    """The package names of every Rust service and worker under ``root`` (one feature set)."""
    services = declared_services(root, rust_service_crates(root))
    workers = declared_workers(rust_worker_crates(root))
    named = [s.crate for s in services] + [w.crate for w in workers]
    return sorted({crate for crate in named if crate is not None})


def build_rust_services(
    root: Path,
    services: Sequence[DeclaredService],
    *,
    profile: str | None = None,
    say: Callable[[str], None] = lambda line: None,
) -> list[DeclaredService]:
    """``services`` with every Rust one's ``binary`` set, built in one ``cargo build``."""
    return build_rust(root, services, (), profile=profile, say=say)[0]


def build_rust(
    root: Path,
    services: Sequence[DeclaredService],
    workers: Sequence[DeclaredWorker],
    *,
    profile: str | None = None,
    say: Callable[[str], None] = lambda line: None,
) -> tuple[list[DeclaredService], list[DeclaredWorker]]:
    """``services`` and ``workers`` with every Rust one's ``binary`` set, in one ``cargo build``."""
    named = [s.crate for s in services] + [w.crate for w in workers]
    wanted = {crate for crate in named if crate is not None}
    if not wanted:
        return list(services), list(workers)
    crates = sorted(wanted | set(workspace_crates(root)))
    profile = profile or os.environ.get(PROFILE_VARIABLE) or "dev"
    packages = [argument for crate in crates for argument in ("--package", crate)]
    say(f"building {', '.join(crates)} ({profile})")
    done = subprocess.run(  # noqa: S603 - fixed argv; the packages are declared crates
        ["cargo", "build", "--locked", "--quiet", "--profile", profile, *packages],  # noqa: S607
        cwd=root,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise BuildError(f"cargo build of {', '.join(crates)} failed:\n{done.stderr[-3000:]}")
    folder = target_directory(root) / profile_folder(profile)
    built_services = [
        s if s.crate is None else replace(s, binary=folder / (s.bin or s.crate)) for s in services
    ]
    built_workers = [w if w.crate is None else replace(w, binary=folder / w.crate) for w in workers]
    return built_services, built_workers
