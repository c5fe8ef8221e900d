"""`edu load gateway`: what the api-gateway costs, measured side by side on one stack.

Direct (A: each service on its own port) against through the gateway (B), on the same stack,
data, machine and minutes (issue 20's load measurement):

1. unloaded latency: sequential requests alternating A B B A ... (edu.cli.load.overhead), one
   persistent keep-alive connection per side (``http.client``, ``perf_counter_ns`` around each
   request and the whole answer read), for the catalogue GET and an authenticated GET (a seeded
   student's ``GET /enrollments``; the student logs in once through the gateway);
2. closed-loop throughput A B A B A B on the catalogue GET (edu.cli.load.bench: wrk when installed,
   else Locust as the generator, which understates a very fast server);
3. the Locust mix (load/locustfile.py), the same users and duration on each side;
4. the gateway's CPU per request: its process's utime + stime (``/proc/<pid>/stat``) over the
   gateway's closed-loop runs (and over its Locust mix run) divided by the requests served;
5. cold start: the stack's gateway binary, spawned with the stack's settings on a free port, to
   its first ``/health`` 200; the median of several.

Report only: the goals are judged in words; an error answer on either side fails the command.
"""

from __future__ import annotations

import http.client
import json
import os
import subprocess
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

from edu.cli.load.bench import CATALOGUE_PATH, BenchError, closed_loop, generator
from edu.cli.load.locust_csv import read_stats
from edu.cli.load.locust_run import LocustRun
from edu.cli.load.overhead import (
    DIRECT,
    SIDES,
    THROUGH,
    CpuCost,
    GatewayReport,
    Latency,
    LatencyComparison,
    MixComparison,
    MixSide,
    ThroughputComparison,
    cpu_ticks,
    interleaving,
)
from edu.cli.load.profiles import Profile
from edu.cli.load.stack import GATEWAY, LoadStack
from edu.infra.dev_stack import ProcessSpec
from edu.infra.probes import free_port
from edu.testing import api_calls

# A seeded student's own enrolments: the authenticated read (the gateway verifies the token and
# counts the user's rate before forwarding; the service verifies it again).
ENROLMENTS_PATH = "/enrollments"
# The gateway's per-user limit (600/min, ADR 0016) would answer most of the thousands of
# sequential requests of one student 429: lifted for this comparison's stack only (the limiter
# still runs its Redis check on every request). The gateway's own tests prove the limit.
GATEWAY_ENV = {GATEWAY: {"EDU_RATE_PER_USER_PER_MINUTE": "1000000"}}


class GatewayBenchError(RuntimeError):
    """A side answered an error or a measurement could not be taken; the message says which."""


@dataclass(frozen=True)
class Settings:
    rounds: int = 3000  # sequential samples per side and request
    warmup: int = 300
    seconds: int = 8  # per closed-loop run
    pairs: int = 3  # closed-loop runs per side, alternating A B A B A B
    connections: int = 32
    mix_users: int = 24  # the smoke profile's users and spawn rate
    mix_spawn_rate: int = 6
    mix_seconds: int = 30
    cold_starts: int = 7


class KeepAlive:
    """One HTTP/1.1 connection kept open (``http.client`` sets TCP_NODELAY); ``get`` returns
    the status once the whole body is read."""

    def __init__(self, base_url: str, headers: Mapping[str, str] | None = None) -> None:
        split = urlsplit(base_url)
        self._host, self._port = split.hostname or "127.0.0.1", split.port or 80
        self._headers = dict(headers or {})
        self._conn = http.client.HTTPConnection(self._host, self._port, timeout=10)

    def get(self, path: str) -> int:
        try:
            return self._get(path)
        except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
            # The server closed an idle connection: reconnect once (that sample pays for it).
            self._conn.close()
            return self._get(path)

    def _get(self, path: str) -> int:
        self._conn.request("GET", path, headers=self._headers)
        response = self._conn.getresponse()
        response.read()
        return response.status

    def close(self) -> None:
        self._conn.close()


def sample_interleaved(
    send: Mapping[str, Callable[[], int]],
    rounds: int,
    warmup: int,
    clock: Callable[[], int] = time.perf_counter_ns,
) -> dict[str, list[int]]:
    """Durations (ns) of ``rounds`` requests per side, in ``interleaving`` order after
    ``warmup`` unmeasured ones; a status other than 200 raises GatewayBenchError."""
    durations: dict[str, list[int]] = {side: [] for side in SIDES}
    for index, side in enumerate(interleaving(warmup + rounds)):
        started = clock()
        status = send[side]()
        elapsed = clock() - started
        if status != 200:
            raise GatewayBenchError(f"the {side} side answered {status}")
        if index >= 2 * warmup:
            durations[side].append(elapsed)
    return durations


def compare_latency(
    request: str,
    path: str,
    urls: Mapping[str, str],
    settings: Settings,
    headers: Mapping[str, str] | None = None,
) -> LatencyComparison:
    clients = {side: KeepAlive(urls[side], headers) for side in SIDES}
    try:
        send = {side: (lambda c=client: c.get(path)) for side, client in clients.items()}
        durations = sample_interleaved(send, settings.rounds, settings.warmup)
    finally:
        for client in clients.values():
            client.close()
    return LatencyComparison(request, Latency.of(durations[DIRECT]), Latency.of(durations[THROUGH]))


def log_in(gateway_url: str, email: str, password: str) -> str:
    """A seeded student's access token, from one log-in through the gateway."""
    call = api_calls.log_in(email, password)
    split = urlsplit(gateway_url)
    conn = http.client.HTTPConnection(split.hostname or "127.0.0.1", split.port or 80, timeout=30)
    try:
        body = json.dumps(call.body)
        conn.request(call.method, call.path, body, {"Content-Type": "application/json"})
        response = conn.getresponse()
        answer = response.read()
    finally:
        conn.close()
    if response.status not in call.expect:
        raise GatewayBenchError(
            f"log-in through the gateway answered {response.status}: {answer!r}"
        )
    return str(json.loads(answer)["access_token"])


def process_cpu_seconds(pid: int) -> float:
    """utime + stime of a running process, in seconds."""
    line = Path(f"/proc/{pid}/stat").read_text()
    return cpu_ticks(line) / os.sysconf("SC_CLK_TCK")


def compare_throughput(
    urls: Mapping[str, str], settings: Settings, work: Path, gateway_pid: int
) -> tuple[ThroughputComparison, CpuCost]:
    """Closed-loop runs of the catalogue GET alternating A B (``pairs`` of each), after a short
    warm-up of each side; the gateway's CPU is read around its own runs only."""
    rates: dict[str, list[float]] = {side: [] for side in SIDES}
    cpu, served = 0.0, 0
    try:
        for side in SIDES:  # warm pools, caches and the generator
            closed_loop(urls[side] + CATALOGUE_PATH, 2, settings.connections, work / "warm")
        for side in SIDES * settings.pairs:
            before = process_cpu_seconds(gateway_pid) if side == THROUGH else 0.0
            run = closed_loop(
                urls[side] + CATALOGUE_PATH, settings.seconds, settings.connections, work / side
            )
            if side == THROUGH:
                cpu += process_cpu_seconds(gateway_pid) - before
                served += run.requests
            rates[side].append(run.rps)
    except BenchError as exc:
        raise GatewayBenchError(str(exc)) from exc
    comparison = ThroughputComparison(
        f"GET {CATALOGUE_PATH}",
        generator(),
        settings.connections,
        settings.seconds,
        tuple(rates[DIRECT]),
        tuple(rates[THROUGH]),
    )
    return comparison, CpuCost(cpu, served)


def compare_mix(
    root: Path, stack: LoadStack, settings: Settings, out: Path, gateway_pid: int
) -> tuple[MixComparison, CpuCost]:
    """The Locust mix on each side, direct first; the gateway's CPU around its own run."""
    sides: dict[str, MixSide] = {}
    cost = CpuCost(0.0, 0)
    for side in SIDES:
        profile = Profile(
            name=f"mix-{side}",
            description=f"the Locust mix, {side}",
            seed="S",
            run_time_s=settings.mix_seconds,
            users=settings.mix_users,
            spawn_rate=float(settings.mix_spawn_rate),
        )
        direct = side == DIRECT
        host = stack.api_urls(direct=True)["course"] if direct else stack.gateway_url
        run = LocustRun(
            profile, root, out / profile.name, host, stack.locust_environment(direct=direct)
        )
        before = process_cpu_seconds(gateway_pid)
        run.run()
        used = process_cpu_seconds(gateway_pid) - before
        total = read_stats(run.prefix).total
        if total.requests == 0 or total.failures:
            raise GatewayBenchError(
                f"the Locust mix {side}: {total.failures} of {total.requests} requests failed; "
                f"see {out / profile.name}"
            )
        sides[side] = MixSide(total.requests, total.failures, total.rps, total.p50_ms, total.p95_ms)
        if not direct:
            cost = CpuCost(used, total.requests)
    mix = MixComparison(settings.mix_users, settings.mix_seconds, sides[DIRECT], sides[THROUGH])
    return mix, cost


def cold_starts(spec: ProcessSpec, runs: int, log: Path, patience: float = 30.0) -> list[float]:
    """Milliseconds from spawning the gateway (the stack's binary and settings, a free port) to
    its first ``/health`` 200, ``runs`` times."""
    log.parent.mkdir(parents=True, exist_ok=True)
    found: list[float] = []
    for _ in range(runs):
        port = free_port()
        env = {**spec.env, "EDU_PORT": str(port)}
        with log.open("ab") as out:
            started = time.perf_counter()
            child = subprocess.Popen(
                spec.argv,
                env=env,
                cwd=spec.cwd,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        try:
            while not _healthy(port):
                if child.poll() is not None:
                    raise GatewayBenchError(
                        f"the gateway exited with {child.returncode}; see {log}"
                    )
                if time.perf_counter() - started > patience:
                    raise GatewayBenchError(f"the gateway did not answer /health; see {log}")
                time.sleep(0.001)
            found.append((time.perf_counter() - started) * 1000)
        finally:
            child.terminate()
            try:
                child.wait(timeout=10)
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()
    return found


def _healthy(port: int) -> bool:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
    try:
        conn.request("GET", "/health")
        response = conn.getresponse()
        response.read()
        return response.status == 200
    except OSError:
        return False
    finally:
        conn.close()


def profile_of(binary: str) -> str:
    """The cargo profile a binary of the target folder was built with (``debug`` is dev's)."""
    folder = Path(binary).parent.name
    return "dev" if folder == "debug" else folder


def measure(
    root: Path,
    stack: LoadStack,
    out: Path,
    seed: str,
    settings: Settings,
    say: Callable[[str], None],
) -> GatewayReport:
    load_before = os.getloadavg()[0]
    measured_at = datetime.now(UTC).isoformat(timespec="seconds")
    processes = stack.stack.processes
    gateway = processes.processes[GATEWAY]
    spec = processes.specs[GATEWAY]
    manifest = json.loads(stack.manifest.read_text())
    token = log_in(stack.gateway_url, manifest["students"][0], str(manifest["password"]))
    urls = {DIRECT: stack.api_urls(direct=True)["course"], THROUGH: stack.gateway_url}
    enrolments = {DIRECT: stack.api_urls(direct=True)["enrollment"], THROUGH: stack.gateway_url}
    say(f"unloaded latency: {settings.rounds} requests per side and request, interleaved")
    latency = (
        compare_latency(f"GET {CATALOGUE_PATH}", CATALOGUE_PATH, urls, settings),
        compare_latency(
            f"GET {ENROLMENTS_PATH} (signed in)",
            ENROLMENTS_PATH,
            enrolments,
            settings,
            {"Authorization": f"Bearer {token}"},
        ),
    )
    say(f"closed-loop throughput: A B x {settings.pairs}, {settings.seconds} s each")
    throughput, cpu = compare_throughput(urls, settings, out / "closed-loop", gateway.pid)
    say(f"the Locust mix: {settings.mix_users} users, {settings.mix_seconds} s each side")
    mix, cpu_mix = compare_mix(root, stack, settings, out, gateway.pid)
    say(f"cold start: {settings.cold_starts} runs")
    cold = cold_starts(spec, settings.cold_starts, out / "cold-start.log")
    return GatewayReport(
        profile=profile_of(spec.argv[0]),
        binary=spec.argv[0],
        seed=seed,
        generator_note=(
            "wrk"
            if generator() == "wrk"
            else "wrk is not installed: Locust's closed loop, on the same 2 cores, "
            "which understates a fast server"
        ),
        rounds=settings.rounds,
        warmup=settings.warmup,
        latency=latency,
        throughput=throughput,
        mix=mix,
        cpu_throughput=cpu,
        cpu_mix=cpu_mix,
        cold_start_ms=tuple(cold),
        measured_at=measured_at,
        load_average=(load_before, os.getloadavg()[0]),
    )


def write_report(out: Path, report: GatewayReport) -> str:
    text = report.render()
    (out / "gateway.txt").write_text(text + "\n")
    (out / "gateway.json").write_text(json.dumps(report.to_json(), indent=1) + "\n")
    return text
