"""The catalogue's search under chaos (issue 23): search killed -9 while teachers publish.

``publish_courses`` has a teacher (made once per run) publish ``count`` courses through the
gateway, each titled with this run's word and its own, and records them in the run's
``published.json``. ``search_index_complete`` (hypothesis) asks the search service for the run's
word until it finds every recorded course exactly once: published vs indexed, lost = published
courses search never found, duplicates = a course answered more than once. Before the method
there is nothing to count.

The search service keeps its place in stream EVENTS with a durable consumer acked after the
index commit (ADR 0025): what was published while it was down is delivered when it is back.
"""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
from chaoslib.exceptions import InterruptExecution

from edu.chaos.load import PASSWORD
from edu.chaos.target import Target, mark, run_dir
from edu.testing import journeys
from edu.testing.harness_client import AsyncHarnessClient

SEARCH = "search"
LESSON = {"title": "Only lesson", "estimated_minutes": 5, "body_markdown": "Read."}


def _published_path() -> Path:
    return run_dir() / "published.json"


def _run_word() -> str:
    """This run's word (one per run folder): in every title it publishes, found by no other."""
    path = run_dir() / "run-word"
    if not path.is_file():
        path.write_text(f"zr{uuid.uuid4().hex[:10]}")
    return path.read_text().strip()


async def _publish(count: int, phase: str) -> list[dict[str, str]]:
    target = Target.load()
    word = _run_word()
    async with httpx.AsyncClient(timeout=15.0) as http:
        client = AsyncHarnessClient(target.api_urls, http)
        teacher = await client.run(
            journeys.new_account(
                f"chaos-publisher-{phase}-{word}@chaos.eduplatform.test", PASSWORD, teacher=True
            )
        )
        made = []
        for n in range(count):
            draft = {
                "title": f"Chaos index {word} {phase} {n}",
                "summary": "Published while the search service was under chaos.",
                "tags": ["chaos"],
            }
            course = await client.run(journeys.make_course(teacher.access_token, draft, [LESSON]))
            made.append({"id": course.id, "phase": phase})
    return made


def publish_courses(count: int = 8, phase: str = "up") -> dict[str, Any]:
    """A teacher publishes ``count`` courses through the gateway; recorded for the probe."""
    made = asyncio.run(_publish(count, phase))
    path = _published_path()
    recorded = json.loads(path.read_text()) if path.is_file() else []
    path.write_text(json.dumps(recorded + made, indent=2))
    if len(made) != count:
        raise InterruptExecution(f"only {len(made)} of {count} courses were published")
    return mark("courses-published", phase=phase, count=count, total=len(recorded) + count)


def _indexed(search_url: str, word: str) -> list[str]:
    """Course ids search answers for the run's word (every page), repeats kept."""
    ids: list[str] = []
    with httpx.Client(timeout=5.0) as http:
        offset = 0
        while True:
            answer = http.get(
                f"{search_url}/search", params={"q": word, "limit": 100, "offset": offset}
            )
            answer.raise_for_status()
            hits = answer.json()["hits"]
            ids += [str(h["course_id"]) for h in hits if word in str(h["title"]).split()]
            if len(hits) < 100:
                return ids
            offset += 100


def search_index_complete(patience_s: float = 30.0) -> dict[str, Any]:
    """Every course this run published is found by search exactly once (waiting up to
    ``patience_s`` for search to catch up after its restart)."""
    path = _published_path()
    if not path.is_file():
        return {"ok": True, "phase": "before the method: nothing published in this run yet"}
    published = [str(c["id"]) for c in json.loads(path.read_text())]
    search_url = Target.load().service_urls[SEARCH]
    word = _run_word()
    started = time.monotonic()
    ids: list[str] = []
    error = None
    while True:
        try:
            ids = _indexed(search_url, word)
            error = None
        except (httpx.HTTPError, KeyError, ValueError) as exc:
            error = f"{type(exc).__name__}: {exc}"
        if set(published) <= set(ids) or time.monotonic() - started > patience_s:
            break
        time.sleep(0.25)
    lost = sorted(set(published) - set(ids))
    duplicates = len(ids) - len(set(ids))
    unexpected = sorted(set(ids) - set(published))
    violations = []
    if lost:
        violations.append(f"{len(lost)} published courses never found: {lost[:5]}")
    if duplicates:
        violations.append(f"{duplicates} courses answered more than once")
    if unexpected:
        violations.append(f"search answered courses this run never published: {unexpected[:5]}")
    if error:
        violations.append(f"search did not answer: {error}")
    report = {
        "ok": not violations,
        "violations": violations,
        "published": len(published),
        "indexed": len(set(ids) & set(published)),
        "lost": len(lost),
        "duplicates": duplicates,
        "settled_in_s": round(time.monotonic() - started, 2),
        "phase": "after the method",
    }
    (run_dir() / "index-ledger.json").write_text(json.dumps(report, indent=2))
    return report
