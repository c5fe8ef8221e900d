"""The benchmark's loops (edu.search_quality.bench) wired to real services over HTTP.

``postgres`` is the course service's catalogue (``GET /courses?q=&page_size=10``: PostgreSQL
full-text search behind a Python service), ``search`` the Rust search service
(``GET /search?q=&limit=10``); both asked directly, as the gateway would. Freshness publishes
courses through the course service as a teacher made through identity (edu.testing.journeys,
the calls every suite makes).
"""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass
from pathlib import Path

import httpx

from edu.search_quality.bench import (
    Freshness,
    Throughput,
    background,
    comparison_lines,
    freshness_lines,
    measure_freshness,
    run_round,
    schedule,
)
from edu.testing import journeys
from edu.testing.harness_client import AsyncHarnessClient

LIMIT = 10
PASSWORD = "bench-Passw0rd!"  # noqa: S105 - an account of a throwaway stack


@dataclass(frozen=True)
class BenchPlan:
    seconds: float = 10.0
    rounds: int = 3
    concurrency: int = 8
    fresh: int = 40
    rate: float = 50.0  # background searches per second while freshness is measured


@dataclass(frozen=True)
class BenchResult:
    throughput: tuple[Throughput, ...]
    background: Throughput
    freshness: Freshness

    @property
    def passed(self) -> bool:
        clean = all(t.errors == 0 and t.latencies for t in self.throughput)
        return clean and self.background.errors == 0 and self.freshness.passed

    def markdown(self, plan: BenchPlan, catalogue: int) -> str:
        lines = [
            "# Search benchmark",
            "",
            f"Catalogue: {catalogue} published courses. {plan.concurrency} clients, "
            f"{plan.rounds} rounds of {plan.seconds:.0f} s per backend, alternating.",
            "",
            *comparison_lines(self.throughput),
            "",
            f"## Freshness (under {plan.rate:.0f} searches/s in the background)",
            "",
            *freshness_lines(self.freshness),
            f"- background searches: {self.background.queries}, errors "
            f"{self.background.errors}, p95 {self.background.ms(95):.1f} ms",
            "",
            f"Verdict: {'valid' if self.passed else 'INVALID (errors or courses never found)'}",
        ]
        return "\n".join(lines) + "\n"


def _answered(response: httpx.Response, key: str) -> bool:
    return response.status_code == 200 and isinstance(response.json().get(key), list)


async def run_bench(
    course_url: str, search_url: str, identity_url: str, texts: list[str], plan: BenchPlan
) -> BenchResult:
    limits = httpx.Limits(max_connections=plan.concurrency * 2)
    async with httpx.AsyncClient(timeout=10.0, limits=limits) as http:

        async def postgres(text: str) -> bool:
            answer = await http.get(f"{course_url}/courses", params={"q": text, "page_size": LIMIT})
            return _answered(answer, "items")

        async def search(text: str) -> bool:
            answer = await http.get(f"{search_url}/search", params={"q": text, "limit": LIMIT})
            return _answered(answer, "hits")

        senders = {"postgres": postgres, "search": search}
        results = {name: Throughput(name) for name in senders}
        for name in schedule(list(senders), plan.rounds):
            await run_round(senders[name], texts, plan.seconds, plan.concurrency, results[name])

        client = AsyncHarnessClient({"identity": identity_url, "course": course_url}, http)
        tag = uuid.uuid4().hex[:8]
        teacher = await client.run(
            journeys.new_account(f"bench-{tag}@bench.eduplatform.test", PASSWORD, teacher=True)
        )

        async def publish(word: str) -> None:
            draft = {"title": f"Fresh {word}", "summary": f"Freshness probe {word}.", "tags": []}
            lesson = {"title": "Only lesson", "estimated_minutes": 5, "body_markdown": "Read."}
            await client.run(journeys.make_course(teacher.access_token, draft, [lesson]))

        async def found(word: str) -> bool:
            # Typo tolerance finds the probe one character away too: only its own title counts.
            answer = await http.get(f"{search_url}/search", params={"q": word, "limit": 5})
            hits = answer.json().get("hits", []) if answer.status_code == 200 else []
            return any(word in str(hit.get("title", "")).split() for hit in hits)

        stop = asyncio.Event()
        load = Throughput("search (background)")
        running = asyncio.create_task(background(search, texts, plan.rate, stop, load))
        words = [f"zq{tag}{n:03d}" for n in range(plan.fresh)]
        try:
            freshness = await measure_freshness(publish, found, words)
        finally:
            stop.set()
            await running
    return BenchResult((results["postgres"], results["search"]), load, freshness)


def write(result: BenchResult, plan: BenchPlan, catalogue: int, out: Path) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    report = out / "bench.md"
    report.write_text(result.markdown(plan, catalogue))
    return report
