"""The stack the experiments run against: `edu dev`'s code on free ports, plus fault proxies.

``chaos_stack(root, members, folder)`` starts a fault proxy (edu.chaos.proxy) in front of
PostgreSQL for enrollment only, then the isolated stack (its own embedded PostgreSQL, NATS,
Redis, mail sink; identity, course, enrollment, notifications, event-ingestion and the api-gateway
in front of them; analytics-aggregator and analytics-api for the learning path; payment-engine with its chaos
failpoint and its provider sandbox delivering every webhook three times, issue 22; messaging, a
second messaging instance ``messaging-b`` and moderation for course Q&A, issue 24) with
enrollment's database URL pointing at the proxy, and writes the stack file the
actions and probes read; the background load calls the APIs through the gateway (``api_urls``).
On exit it stops what is running *now* (a process an experiment restarted has a new pid), the
stack, the proxy.

Two settings differ from the other test stacks, both so an outage of identity means what it
would in production: identity signs with one key for the whole stack (``EDU_SIGNING_KEY``, as
production configures it; without it a restarted identity makes a new key and every token
issued before is rightly refused), and the gateway trusts identity's keys for
``JWKS_LIFETIME_S`` only (production: 300 s), so a few seconds of identity down outlast the
keys' lifetime and the gateway must verify with the keys it has while it cannot refresh them.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import replace
from pathlib import Path

from edu.auth.keys import SigningKey
from edu.chaos.actions import stop_leftovers
from edu.chaos.probes import process_alive
from edu.chaos.target import Target
from edu.infra.databases import with_database
from edu.infra.dev_services import declared_services, rust_service_crates
from edu.infra.dev_stack import ProcessSpec
from edu.infra.isolated_stack import IsolatedStack, start_isolated_stack
from edu.infra.probes import free_ports, port_in_use, wait_until

# What the gateway routes to: the load calls them through it.
APIS = ("identity", "course", "enrollment", "notifications", "event-ingestion", "payment-engine")
GATEWAY = "api-gateway"
# The learning path (issue 21): event-ingestion publishes to stream LEARNING, the aggregator
# folds into the analytics database, which analytics-api declares (so the stack migrates it).
AGGREGATOR = "analytics-aggregator"
# Paid checkouts (issue 22): the engine and the provider sandbox beside it, which delivers every
# webhook three times; the engine holds each applied webhook's transaction before COMMIT
# (its chaos failpoint) so that a kill -9 lands between the confirmation and the commit.
ENGINE = "payment-engine"
SANDBOX = "payment-provider-sandbox"
FAILPOINT_MS = 2000
# The catalogue's search (issue 23): indexes what course publishes, killed while teachers publish.
SEARCH = "search"
# Course Q&A (issue 24): messaging, a second instance of it (MESSAGING_B, started beside the
# stack from messaging's own start specification on a port of its own, sharing its database,
# NATS and durable consumer), and moderation, which allows the posts. Experiment 09 kills one
# instance under connected clients. Unacknowledged events come back after 2 s (30 s outside
# the chaos stack), so what a killed instance was applying is applied by the other within the
# experiment.
MESSAGING = "messaging"
MESSAGING_B = "messaging-b"
MODERATION = "moderation"
MESSAGING_ENV = {"EDU_CONSUMER_ACK_WAIT_MS": "2000"}
# Lesson videos (issue 25): video-processor (uploads through the gateway, which routes /videos)
# and video-transcoder, killed -9 mid-job by experiment 10. A job the kill interrupted comes
# back after 2 s here (30 s outside the chaos stack); its work folder is under the stack's.
# The students' home feeds (issue 23): feed-builder, killed -9 while students enrol by
# experiment 11; what it left unacknowledged comes back after 2 s here (30 s outside).
FEED_BUILDER = "feed-builder"
FEED_PREFIX = "fb:"
PROCESSOR = "video-processor"
TRANSCODER = "video-transcoder"
TRANSCODER_ACK_WAIT_S = 2
SERVICES = frozenset(
    {
        *APIS,
        GATEWAY,
        AGGREGATOR,
        "analytics-api",
        SANDBOX,
        SEARCH,
        MESSAGING,
        MODERATION,
        PROCESSOR,
        TRANSCODER,
        FEED_BUILDER,
    }
)
PROXIED = "enrollment"  # its connection to PostgreSQL goes through the fault proxy
PROXY = "enrollment-db"
JWKS_LIFETIME_S = 2  # the gateway's key cache lifetime here (EDU_JWKS_LIFETIME_SECONDS)


@contextmanager
def chaos_stack(
    root: Path, members: Iterable[Path], folder: Path, *, say: Callable[[str], None] = print
) -> Iterator[Target]:
    members = list(members)
    folder.mkdir(parents=True, exist_ok=True)
    postgres, listen, control, metrics = free_ports(4)
    proxy = _start_proxy(listen, postgres, control, folder / "logs" / "proxy.log")
    try:
        declared = declared_services(root, [*members, *rust_service_crates(root)])
        database = {s.name: s.database for s in declared}
        through_proxy = with_database(
            f"postgresql+asyncpg://postgres@127.0.0.1:{listen}/postgres", str(database[PROXIED])
        )
        stack = start_isolated_stack(
            root,
            members,
            folder,
            only=SERVICES,
            ports={"postgres": postgres},
            say=say,
            own_env={
                PROXIED: {"EDU_DATABASE_URL": through_proxy},
                "identity": {"EDU_SIGNING_KEY": SigningKey.generate().to_pem()},
                GATEWAY: {"EDU_JWKS_LIFETIME_SECONDS": str(JWKS_LIFETIME_S)},
                # A fixed metrics port: the worker's port kill_process and start_process prove.
                # ack_wait 3 s: what a kill -9 left unacknowledged comes back within the
                # learning ledger's patience, so a second fold of it would be counted.
                AGGREGATOR: {
                    "EDU_METRICS_PORT": str(metrics),
                    "EDU_CONSUMER_ACK_WAIT_SECONDS": "3",
                },
                # The same for notifications (experiment 01 kills its consumer): an event it held
                # when killed came back after the 30 s default, so the after-ledger waited 0 to
                # ~19 s by luck of timing (seen 18.8 s once the relays woke on commit).
                "notifications": {"EDU_CONSUMER_ACK_WAIT_SECONDS": "3"},
                ENGINE: {
                    "EDU_PAYMENT_FAILPOINT": "webhook-before-commit",
                    "EDU_PAYMENT_FAILPOINT_MS": str(FAILPOINT_MS),
                    # every held webhook and its two blocked copies each hold a connection
                    "EDU_DATABASE_CONNECTIONS": "32",
                },
                SANDBOX: {"EDU_SANDBOX_DUPLICATES": "3"},
                MESSAGING: MESSAGING_ENV,
                FEED_BUILDER: {
                    "EDU_FEED_EVENTS_ACK_WAIT_SECONDS": "2",
                    "EDU_FEED_KEY_PREFIX": FEED_PREFIX,
                },
                TRANSCODER: {
                    "EDU_TRANSCODE_ACK_WAIT_SECONDS": str(TRANSCODER_ACK_WAIT_S),
                    "EDU_VIDEO_WORK_DIR": str(folder.resolve() / "video-work"),
                },
            },
        )
        with stack:
            second = _start_second_instance(stack, MESSAGING, MESSAGING_B)
            target = _describe(
                stack,
                folder / "stack.json",
                database,
                through_proxy,
                listen,
                control,
                {AGGREGATOR: metrics},
                second,
            )
            try:
                yield target
            finally:
                stop_leftovers(folder)
                _stop_current(Target.load(target.path), stack)
    finally:
        proxy.terminate()
        with suppress(subprocess.TimeoutExpired):
            proxy.wait(5)
        proxy.kill()


def _start_proxy(
    listen: int, upstream: int, control: int, log_path: Path
) -> subprocess.Popen[bytes]:
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with log_path.open("ab") as log:
        child = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "edu.chaos.proxy",
                "--listen",
                f"127.0.0.1:{listen}",
                "--upstream",
                f"127.0.0.1:{upstream}",
                "--control",
                f"127.0.0.1:{control}",
            ],
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    if (
        not wait_until(lambda: port_in_use(control) or child.poll() is not None, 15.0)
        or child.poll() is not None
    ):
        raise RuntimeError(f"the fault proxy did not start; see {log_path}")
    return child


def _describe(
    stack: IsolatedStack,
    path: Path,
    database: dict[str, str | None],
    through_proxy: str,
    listen: int,
    control: int,
    worker_ports: dict[str, int],
    second: tuple[ProcessSpec, int, int],
) -> Target:
    spec_b, pid_b, port_b = second
    ports = {**stack.environment.ports, **worker_ports, MESSAGING_B: port_b}
    processes = {}
    for name, child in stack.processes.processes.items():
        spec = stack.processes.specs[name]
        processes[name] = {"pid": child.pid, "spec": spec.to_json()}
    processes[MESSAGING_B] = {"pid": pid_b, "spec": spec_b.to_json()}
    services = {s.name: s.port for s in stack.processes.services}
    urls = stack.service_urls
    front = urls.get(GATEWAY)
    data = {
        "folder": str(stack.folder),
        "ports": {**ports, **services},
        "infrastructure": stack.infrastructure,
        "service_urls": urls,
        # Where a client calls each API: through the gateway when the stack runs it.
        "api_urls": {name: front or urls[name] for name in (*APIS, PROCESSOR) if name in urls},
        "feeds": {"prefix": FEED_PREFIX},  # where feed-builder keeps feeds (edu.chaos.feeds)
        # The transcoder's folders and where its verdicts go (edu.chaos.videos counts them).
        "video": {
            "store_dir": str(stack.folder / "videos"),
            "work_dir": str(stack.folder / "video-work"),
            "stream": "EVENTS",
            "prefix": "events",
        },
        "databases": {
            name: with_database(stack.infrastructure["postgres"], db)
            for name, db in database.items()
            if db is not None and name in services
        },
        "processes": processes,
        "proxies": {
            PROXY: {
                "listen": listen,
                "control_url": f"http://127.0.0.1:{control}",
                "database_url": through_proxy,
                "between": f"{PROXIED} and postgres",
            }
        },
    }
    path.write_text(json.dumps(data, indent=2))
    return Target(path, data)


def _start_second_instance(
    stack: IsolatedStack, name: str, second: str, timeout_s: float = 30.0
) -> tuple[ProcessSpec, int, int]:
    """``name`` once more, as the stack started it but on a free port and with its own log: a
    second instance (its pid is not the stack's child: the teardown stops it with the
    processes an experiment started)."""
    spec = stack.processes.specs[name]
    [port] = free_ports(1)
    log = spec.log_path.with_name(f"{second}.log") if spec.log_path else None
    copy = replace(spec, name=second, env={**spec.env, "EDU_PORT": str(port)}, log_path=log)
    child = copy.spawn()
    if not wait_until(lambda: port_in_use(port) or child.poll() is not None, timeout_s) or (
        child.poll() is not None
    ):
        child.kill()
        raise RuntimeError(f"the second {name} instance did not serve; see {log}")
    return copy, child.pid, port


def _stop_current(target: Target, stack: IsolatedStack) -> None:
    """Processes an experiment started again are not the stack's children: stop them too
    (SIGTERM to the group, SIGKILL to what is left after a few seconds)."""
    started = {child.pid for child in stack.processes.processes.values()}
    restarted = [target.pid(name) for name in target.data["processes"]]
    restarted = [pid for pid in restarted if pid not in started and process_alive(pid)]
    for sig in (signal.SIGTERM, signal.SIGKILL):
        for pid in restarted:
            with suppress(ProcessLookupError, PermissionError):
                os.killpg(pid, sig)
        if not restarted or wait_until(lambda: not any(map(process_alive, restarted)), 5.0):
            return
