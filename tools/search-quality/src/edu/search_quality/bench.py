"""Query throughput and index freshness, measured side by side in one run (issue 23).

Throughput: ``concurrency`` clients send the judged queries' texts round-robin for ``seconds``
against one backend, then the other, alternating for ``rounds`` rounds (A B A B ...), so a
slow minute of the machine lands on both. Each backend's figure is over all its rounds: queries
per second, p50/p95/p99 latency, and errors. A round with any error or non-200 answer makes the
comparison invalid (the report says so and the command fails): a fast wrong answer is no figure.

Freshness: while a steady background of searches runs, ``count`` new courses are published one
after another; for each, the time from the publish call's answer (the course service committed
it with its outbox row) until a search for its unique title word finds it. p50/p95/max against
the goal (1 s); a course never found within ``patience`` seconds fails the run ("nothing
missing"), whatever the percentiles say.

The clients and the probes are injected (``Send``, ``Publish``, ``Found``) so the unit tests run
the same loops against fakes.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field

Send = Callable[[str], Awaitable[bool]]  # query text -> answered correctly (200, readable)
Publish = Callable[[str], Awaitable[None]]  # a unique word -> a published course titled with it
Found = Callable[[str], Awaitable[bool]]  # the word -> does the backend find that course now?
Clock = Callable[[], float]

FRESHNESS_GOAL_S = 1.0


def percentile(samples: Sequence[float], q: float) -> float:
    """The nearest-rank percentile (``q`` in 0..100) of ``samples``; NaN when there are none."""
    if not samples:
        return math.nan
    ordered = sorted(samples)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[rank - 1]


@dataclass
class Throughput:
    """One backend's queries over all its rounds."""

    backend: str
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    seconds: float = 0.0

    @property
    def queries(self) -> int:
        return len(self.latencies) + self.errors

    @property
    def qps(self) -> float:
        return len(self.latencies) / self.seconds if self.seconds else 0.0

    def ms(self, q: float) -> float:
        return percentile(self.latencies, q) * 1000


def schedule(backends: Sequence[str], rounds: int) -> list[str]:
    """The order the backends run in: every round runs each once, alternating who goes first
    (A B, B A, A B ...) so neither always follows the other's warm caches."""
    order: list[str] = []
    for n in range(rounds):
        order += list(backends) if n % 2 == 0 else list(reversed(backends))
    return order


async def run_round(
    send: Send,
    texts: Sequence[str],
    seconds: float,
    concurrency: int,
    into: Throughput,
    clock: Clock = time.perf_counter,
) -> None:
    """``concurrency`` clients send ``texts`` round-robin until ``seconds`` passed."""
    if not texts:
        raise ValueError("no query texts to send")
    started = clock()
    deadline = started + seconds

    async def client(offset: int) -> None:
        n = offset
        while clock() < deadline:
            text = texts[n % len(texts)]
            n += concurrency
            sent = clock()
            try:
                ok = await send(text)
            except Exception:
                ok = False
            if ok:
                into.latencies.append(clock() - sent)
            else:
                into.errors += 1

    await asyncio.gather(*(client(i) for i in range(concurrency)))
    into.seconds += clock() - started


@dataclass(frozen=True)
class Freshness:
    delays: tuple[float, ...]  # seconds from publish to found, for each course found
    missing: tuple[str, ...]  # words whose course was never found within the patience

    @property
    def passed(self) -> bool:
        return not self.missing and bool(self.delays)

    def ms(self, q: float) -> float:
        return percentile(self.delays, q) * 1000


async def measure_freshness(
    publish: Publish,
    found: Found,
    words: Sequence[str],
    *,
    patience: float = 10.0,
    poll: float = 0.02,
    clock: Clock = time.perf_counter,
) -> Freshness:
    """Publish a course per word, one at a time, and time until ``found`` says it is searchable."""
    delays: list[float] = []
    missing: list[str] = []
    for word in words:
        await publish(word)
        published = clock()
        while True:
            if await found(word):
                delays.append(clock() - published)
                break
            if clock() - published > patience:
                missing.append(word)
                break
            await asyncio.sleep(poll)
    return Freshness(tuple(delays), tuple(missing))


async def background(
    send: Send,
    texts: Sequence[str],
    rate: float,
    stop: asyncio.Event,
    into: Throughput,
    clock: Clock = time.perf_counter,
) -> None:
    """Send ``rate`` queries per second, open loop, until ``stop`` is set: the load freshness
    is measured under. Every query's latency (or failure) goes ``into`` the throughput."""
    pending: set[asyncio.Task[None]] = set()
    started = clock()

    async def one(text: str) -> None:
        sent = clock()
        try:
            ok = await send(text)
        except Exception:
            ok = False
        if ok:
            into.latencies.append(clock() - sent)
        else:
            into.errors += 1

    n = 0
    while not stop.is_set():
        task = asyncio.get_running_loop().create_task(one(texts[n % len(texts)]))
        pending.add(task)
        task.add_done_callback(pending.discard)
        n += 1
        try:
            await asyncio.wait_for(stop.wait(), timeout=1.0 / rate)
        except TimeoutError:
            continue
    await asyncio.gather(*pending)
    into.seconds += clock() - started


def comparison_lines(results: Sequence[Throughput]) -> list[str]:
    """A Markdown table of the backends side by side, with the ratio of each to the first."""
    lines = [
        "| backend | queries | errors | queries/s | p50 ms | p95 ms | p99 ms | qps vs first |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    first = results[0].qps if results else 0.0
    for r in results:
        ratio = f"{r.qps / first:.2f}x" if first else "-"
        lines.append(
            f"| {r.backend} | {r.queries} | {r.errors} | {r.qps:.1f} | {r.ms(50):.1f} | "
            f"{r.ms(95):.1f} | {r.ms(99):.1f} | {ratio} |"
        )
    return lines


def freshness_lines(f: Freshness, goal_s: float = FRESHNESS_GOAL_S) -> list[str]:
    met = "met" if f.passed and f.ms(95) <= goal_s * 1000 else "NOT met"
    lines = [
        f"- courses published: {len(f.delays) + len(f.missing)}; found: {len(f.delays)}; "
        f"never found: {len(f.missing)}",
        f"- publish -> searchable: p50 {f.ms(50):.0f} ms, p95 {f.ms(95):.0f} ms, "
        f"max {max(f.delays, default=math.nan) * 1000:.0f} ms (goal p95 <= {goal_s * 1000:.0f} ms:"
        f" {met})",
    ]
    if f.missing:
        lines.append(f"- NEVER FOUND: {', '.join(f.missing[:10])}")
    return lines
