"""A complete stack on free ports, apart from `edu dev`: for E2E and load runs.

Its own embedded PostgreSQL, NATS, Redis and mail sink (never Docker, never the external URLs
meant for `edu env`), state and data under ``folder``, every declared service on a free port
without hot reload (the Rust ones of services/rs too, built first: edu.infra.cargo_build; web
then calls the APIs through api-gateway), every declared worker (workers/rs too, built with
them), each process logging to ``folder/logs/<name>.log``.
A running `just dev` is not touched, and several isolated stacks can run side by side.

    with start_isolated_stack(root, members, tmp_path / "stack") as stack:
        stack.service_urls["web"]      # http://127.0.0.1:<free port>
        stack.mail_dir                 # edu.mailsink.store.MailStore(stack.mail_dir).list()
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from types import TracebackType
from typing import Self, TypedDict

from edu.infra.binaries import BinaryFinder
from edu.infra.cargo_build import build_rust
from edu.infra.components import COMPONENTS, Component
from edu.infra.dev_launcher import ProcessLauncher
from edu.infra.dev_services import declared_services, rust_service_crates
from edu.infra.dev_stack import DevStack, StackError
from edu.infra.dev_workers import declared_workers, rust_worker_crates
from edu.infra.devenv import DevEnvironment
from edu.infra.probes import free_ports
from edu.infra.selection import Choice, choose_backend

MAIL_PAGE = "mail-page"  # the key of the mail sink's page in ``ports``
GRPC_SUFFIX = "-grpc"  # ``ports["course-grpc"]``: a service's internal gRPC port


@dataclass
class IsolatedStack:
    folder: Path
    environment: DevEnvironment
    processes: DevStack
    infrastructure: dict[str, str]  # component -> URL (postgres, nats, redis, smtp)
    mail_dir: Path
    mail_page_url: str | None

    @property
    def service_urls(self) -> dict[str, str]:
        return {service.name: service.url for service in self.processes.services}

    @property
    def worker_urls(self) -> dict[str, str]:
        """Where each worker with an HTTP server of its own listens (certificate-generator)."""
        return {worker.name: worker.url for worker in self.processes.serving_workers}

    @property
    def grpc_targets(self) -> dict[str, str]:
        """``host:port`` of each service's internal gRPC server (course, payment-engine)."""
        return {
            service.name: service.grpc_target
            for service in self.processes.services
            if service.grpc_target is not None
        }

    def log_path(self, name: str) -> Path | None:
        return self.processes.log_path(name)

    def stop(self) -> None:
        """Every process, then every server; nothing is left running."""
        try:
            self.processes.stop()
        finally:
            self.environment.down()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


@contextmanager
def stack_folder(prefix: str = "edu-stack-") -> Iterator[Path]:
    """A fresh folder for an isolated stack's state, removed afterwards.

    Not under pytest's basetemp: when we run as root, PostgreSQL runs as its own user and
    needs to traverse the folder's parents, and every pytest session that starts on the
    machine chmods ``/tmp/pytest-of-<user>`` back to 0700 — cutting a running server off its
    data directory (the chaos suite's PostgreSQL restart failed so while another suite ran).
    """
    folder = Path(tempfile.mkdtemp(prefix=prefix))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def embedded_only(component: Component) -> Choice:
    return choose_backend(component, {}, BinaryFinder(os.environ), lambda: False)


class StackOptions(TypedDict, total=False):
    """The keyword options of ``start_isolated_stack``, for wrappers that pass them on."""

    only: Collection[str] | None
    ports: Mapping[str, int] | None
    extra_env: Mapping[str, str] | None
    reload: bool
    choose: Callable[[Component], Choice]
    say: Callable[[str], None]
    ready_timeout: float
    own_env: Mapping[str, Mapping[str, str]] | None


# Every simulated visitor of a test stack (E2E, load, chaos, fuzz) comes from 127.0.0.1:
# identity's per-address sign-up limit (20 per 15 minutes, ADR 0005) and the gateway's
# per-address limits (ADR 0016) would refuse them; their own integration tests prove the limits
# (the gateway's per-user limit stays: every simulated user is a user of their own). A caller's
# extra_env may still set them.
TEST_STACK_ENV = {
    "EDU_SIGNUP_LIMIT": "1000000",
    "EDU_RATE_PER_ADDRESS_PER_MINUTE": "1000000",
    "EDU_RATE_SIGN_IN_PER_MINUTE": "1000000",
}


def files_under(folder: Path) -> dict[str, str]:
    """Where the stack's processes keep files of their own: under the stack's folder, removed
    with it (certificate-generator's PDFs would otherwise pile up in the checkout's .edu); one
    video object store that video-processor and video-transcoder share."""
    return {
        "EDU_CERTIFICATE_STORE_DIR": str(folder / "certificates"),
        "EDU_VIDEO_STORE_DIR": str(folder / "videos"),
    }


def start_isolated_stack(
    root: Path,
    members: Iterable[Path],
    folder: Path,
    *,
    only: Collection[str] | None = None,
    ports: Mapping[str, int] | None = None,
    extra_env: Mapping[str, str] | None = None,
    reload: bool = False,
    choose: Callable[[Component], Choice] = embedded_only,
    say: Callable[[str], None] = lambda line: None,
    ready_timeout: float = 90.0,
    own_env: Mapping[str, Mapping[str, str]] | None = None,
) -> IsolatedStack:
    """Start it and wait until every service answers; ``stop()`` it (or use it in ``with``).

    ``members``: the workspace members' folders; ``only``: the services and workers to run
    (default all declared); ``ports``: fixed ports by component, service or ``"mail-page"``
    name (default: free ports); ``extra_env``: more settings for every process.
    """
    root, folder, members = root.resolve(), folder.resolve(), list(members)
    extra_env = {**TEST_STACK_ENV, **files_under(folder), **(extra_env or {})}
    crates = [crate for crate in rust_service_crates(root) if crate not in members]
    declared = declared_services(root, [*members, *crates])
    services = [s for s in declared if only is None or s.name in only]
    rust_workers = [crate for crate in rust_worker_crates(root) if crate not in members]
    workers = declared_workers([*members, *rust_workers])
    workers = [w for w in workers if only is None or w.name in only]
    services, workers = build_rust(root, services, workers, say=say)
    grpc = [f"{s.name}{GRPC_SUFFIX}" for s in services if s.grpc_port is not None]
    # A worker's own HTTP server (certificate-generator's downloads) gets a free port too, as
    # every service does: stacks run side by side and beside `just dev`.
    serving = [w.name for w in workers if w.port is not None]
    names = [c.name for c in COMPONENTS] + [MAIL_PAGE] + [s.name for s in services] + grpc
    names += serving
    chosen = {**dict(zip(names, free_ports(len(names)), strict=True)), **(ports or {})}
    services = [
        replace(s, port=chosen[s.name], grpc_port=chosen.get(f"{s.name}{GRPC_SUFFIX}"))
        for s in services
    ]
    workers = [replace(w, port=chosen[w.name]) if w.name in serving else w for w in workers]
    launcher = ProcessLauncher(folder, nats_monitor_port=None, mail_page_port=chosen[MAIL_PAGE])
    env = DevEnvironment(folder, launcher, choose, ports=chosen)
    processes = DevStack(
        root,
        {},
        services,
        workers,
        reload=reload,
        log_dir=folder / "logs",
        extra_env=extra_env,
        say=say,
        own_env=own_env,
    )
    try:
        outcomes = env.up()
        broken = [
            f"{o.component}: {o.action} {o.detail}"
            for o in outcomes
            if o.action == "failed" or not o.answers
        ]
        if broken:
            raise StackError("infrastructure did not start: " + "; ".join(broken))
        processes.urls = {o.component: o.url for o in outcomes}
        processes.start()
        processes.wait_until_serving(ready_timeout)
    except BaseException:
        processes.stop()
        env.down()
        raise
    page = next((o.page_url for o in outcomes if o.component == "smtp"), "") or None
    return IsolatedStack(folder, env, processes, dict(processes.urls), launcher.mail_dir, page)
