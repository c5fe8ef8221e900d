"""The stack the fuzzer runs against: every declared HTTP service, wired to each other as in
`just dev`, on databases of their own made from their migrations.

Each service is the process ``[tool.edu.service]`` declares (the same factory `just dev` and a
deployment run), on a free port. Course, enrollment and notifications verify tokens with
identity's JWKS over HTTP; enrollment asks course over gRPC (ADR 0004); events travel over NATS.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from edu.fuzz.processes import ServiceProcess
from edu.infra.probes import free_port

# Declared services the fuzzer leaves out, each with the reason. A new declared service is
# fuzzed unless it is listed here (tests/unit check that every declared one is accounted for).
NOT_FUZZED: dict[str, str] = {
    # Its /openapi.json is FastAPI's default listing of HTML pages and CSRF-protected form posts
    # (redirects and forms undocumented), not a contract any client codes against; fuzzing it
    # would test the listing. Every call web makes goes to the service APIs fuzzed here.
    "web": "server-rendered HTML pages and form posts; no designed OpenAPI surface to fuzz",
}


@dataclass(frozen=True)
class DeclaredService:
    """A ``[tool.edu.service]`` table; ``migrations`` is None for a service without a database."""

    name: str
    app: str
    migrations: Path | None


def declared_services(root: Path) -> list[DeclaredService]:
    found = []
    for pyproject in sorted(root.glob("services/py/*/pyproject.toml")):
        with pyproject.open("rb") as fh:
            table = tomllib.load(fh).get("tool", {}).get("edu", {}).get("service")
        if table is not None:
            migrations = table.get("migrations")
            found.append(
                DeclaredService(
                    name=pyproject.parent.name,
                    app=str(table["app"]),
                    migrations=root / migrations if migrations else None,
                )
            )
    return found


@dataclass(frozen=True)
class Backends:
    """The run's infrastructure (from the edu.testing plugin)."""

    database_url: Callable[[str], str]  # database name -> SQLAlchemy URL on the run's server
    nats_url: str
    redis_url: str
    redis_prefix: str


def fuzzed_services(root: Path) -> list[DeclaredService]:
    return [s for s in declared_services(root) if s.name not in NOT_FUZZED]


@dataclass(frozen=True)
class Ports:
    """Each service's HTTP port and the port of its internal gRPC server (if it has one)."""

    http: Mapping[str, int]
    grpc: Mapping[str, int]


def service_environment(
    name: str, base: Mapping[str, str], database_url: str, backends: Backends, ports: Ports
) -> dict[str, str]:
    """One service's environment: its own database, the shared brokers, its peers' addresses.

    Settings a service does not have are ignored by it (``extra="ignore"``), so every service
    gets the same peer addresses.
    """
    env = {k: v for k, v in base.items() if not k.startswith("EDU_")}
    env.update(
        EDU_ENVIRONMENT="test",
        EDU_LOG_FORMAT="console",
        EDU_DATABASE_URL=database_url,
        EDU_NATS_URL=backends.nats_url,
        EDU_REDIS_URL=backends.redis_url,
        EDU_REDIS_KEY_PREFIX=backends.redis_prefix,
        EDU_GRPC_PORT=str(ports.grpc[name]),
        # Every client of this stack is 127.0.0.1, the fuzzers' own log-ins included: identity's
        # fuzzing sends hundreds of wrong passwords (nightly), and after 100 the per-address
        # throttle would refuse every other run's log-in (429). identity's integration tests
        # cover the throttle (the 101st failure); here it must not couple the runs.
        EDU_LOGIN_FAILURE_LIMIT="1000000",
    )
    if "identity" in ports.http:
        env["EDU_JWKS_URL"] = f"http://127.0.0.1:{ports.http['identity']}/.well-known/jwks.json"
    if "course" in ports.http:
        env["EDU_COURSE_SERVICE_URL"] = f"http://127.0.0.1:{ports.http['course']}"
        env["EDU_COURSE_GRPC_TARGET"] = f"127.0.0.1:{ports.grpc['course']}"
    return env


class Stack:
    """The running services by name; ``stop()`` ends every process it started."""

    def __init__(self, services: Iterable[ServiceProcess]) -> None:
        self.services = {s.name: s for s in services}

    def url(self, name: str) -> str:
        return self.services[name].url

    def start(self) -> None:
        # Spawn all, then wait: the processes import and connect in parallel.
        for service in self.services.values():
            service.start()
        try:
            for service in self.services.values():
                service.wait_until_ready()
        except BaseException:
            self.stop()
            raise

    def stop(self) -> None:
        for service in self.services.values():
            service.stop()


def plan_stack(
    services: Iterable[DeclaredService],
    backends: Backends,
    databases: Mapping[str, str],
    logs_dir: Path,
) -> Stack:
    """Processes for ``services`` (not started); ``databases`` maps service name to database."""
    chosen = list(services)
    ports = Ports(
        http={s.name: free_port() for s in chosen}, grpc={s.name: free_port() for s in chosen}
    )
    return Stack(
        ServiceProcess(
            name=s.name,
            app=s.app,
            port=ports.http[s.name],
            environment=service_environment(
                s.name, os.environ, backends.database_url(databases[s.name]), backends, ports
            ),
            log_path=logs_dir / f"{s.name}.log",
        )
        for s in chosen
    )
