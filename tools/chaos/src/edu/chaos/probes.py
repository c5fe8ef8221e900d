"""The experiments' probes: what the steady-state hypotheses measure.

Hypothesis probes return a dict with ``ok`` and the counts behind it, judged by the
``edu.chaos.tolerances.holds`` tolerance, so a journal shows the numbers, not only a verdict.
"""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

import asyncpg
import httpx
import psutil

from edu.chaos import ledger as ledgers
from edu.chaos.target import Target, fault_windows, run_dir, timeline
from edu.chaos.verdict import judge
from edu.infra.probes import wait_until


def process_alive(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


async def measure_round_trip_ms(database_url: str, samples: int = 3) -> float:
    """The median of ``samples`` ``SELECT 1`` round trips on one connection (ms)."""
    conn = await asyncpg.connect(ledgers.plain(database_url), timeout=15)
    try:
        times = []
        for _ in range(samples):
            started = time.perf_counter()
            await conn.fetchval("SELECT 1")
            times.append((time.perf_counter() - started) * 1000)
    finally:
        await conn.close()
    return sorted(times)[len(times) // 2]


def services_answer(timeout_s: float = 30.0) -> dict[str, Any]:
    """Every service of the stack answers HTTP (any status below 500) within ``timeout_s``."""
    target = Target.load()
    started = time.monotonic()
    answered: dict[str, float | None] = {}
    with httpx.Client(timeout=2.0) as client:
        for name, url in sorted(target.service_urls.items()):

            def answers(url: str = url) -> bool:
                try:
                    return client.get(f"{url}/openapi.json").status_code < 500
                except httpx.HTTPError:
                    return False

            ok = wait_until(answers, max(0.0, timeout_s - (time.monotonic() - started)), 0.2)
            answered[name] = round(time.monotonic() - started, 2) if ok else None
    down = [name for name, seconds in answered.items() if seconds is None]
    return {"ok": not down, "down": down, "answered_after_s": answered}


def _ledger_databases(target: Target) -> dict[str, str]:
    return {name: target.database_url(name) for name in (*ledgers.PRODUCERS, "notifications")}


def ledger(patience_s: float = 30.0) -> dict[str, Any]:
    """Every event stored by a producer was published and processed once: lost = 0,
    duplicated = 0 (waiting up to ``patience_s`` for the platform to catch up)."""
    databases = _ledger_databases(Target.load())
    return asyncio.run(ledgers.settle(databases, patience_s))


def outbox_backlog() -> dict[str, Any]:
    """Events waiting in the producers' outboxes now (during a NATS outage: the kept events)."""
    databases = _ledger_databases(Target.load())
    counted = asyncio.run(ledgers.count(databases))
    return {"unpublished": counted["unpublished"], "events": counted["events"]}


def load_verdict(
    grace_s: float = 0.0,
    keep_succeeding: list[str] | None = None,
    errors_allowed_in_window: bool = True,
    max_p95_ratio: float | None = None,
    p95_ops: list[str] | None = None,
    settle_s: float = 2.0,
    may_fail: list[str] | None = None,
    failure_statuses: list[int] | None = None,
    failures_are_problems: bool = False,
    refused_during: list[str] | None = None,
    uncounted_during: list[str] | None = None,
    keep_succeeding_within_ms: float | None = None,
) -> dict[str, Any]:
    """The background load of this run judged against its fault windows (edu.chaos.verdict),
    and every enrolment the load was told exists is in enrollment's database.

    Before the method has run (the hypothesis is checked first) this run has no finished load
    yet: the verdict then says so and holds; after the method it judges the load.
    """
    events = timeline()
    if not any(e["event"] == "load-stopped" for e in events):
        return {"ok": True, "phase": "before the method: no load finished in this run yet"}
    path = run_dir() / "load" / "requests.jsonl"
    records = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    report = judge(
        records,
        fault_windows(events),
        grace_s=grace_s,
        keep_succeeding=keep_succeeding or (),
        settle_s=settle_s,
        errors_allowed_in_window=errors_allowed_in_window,
        max_p95_ratio=max_p95_ratio,
        p95_ops=p95_ops,
        may_fail=may_fail,
        failure_statuses=failure_statuses,
        failures_are_problems=failures_are_problems,
        refused_during=refused_during or (),
        uncounted_during=uncounted_during or (),
        keep_succeeding_within_ms=keep_succeeding_within_ms,
    )
    enrolled = [str(r["ref"]) for r in records if r["op"] == "enrol" and r["ok"]]
    missing = asyncio.run(
        ledgers.missing_enrollments(Target.load().database_url("enrollment"), enrolled)
    )
    report["enrolments_missing"] = len(missing)
    if missing:
        report["ok"] = False
        report["violations"].append(
            f"{len(missing)} enrolment(s) answered 2xx are not in the database: {missing[:3]}"
        )
    report["phase"] = "after the method"
    (run_dir() / "verdict.json").write_text(json.dumps(report, indent=2))
    return report


def learning_ledger(patience_s: float = 30.0, min_retried: int = 0) -> dict[str, Any]:
    """Every learning event event-ingestion acknowledged (202) is folded into the rollups
    exactly once: lost = 0, duplicated = 0, and every batch the load sent ended acknowledged
    (it retries on 503 and no answer), none refused otherwise, never a 500. ``min_retried``:
    at least that many batches had to be retried (the fault reached the learning path).

    Before the method has run there is no learning load in this run: it holds.
    """
    path = run_dir() / "load" / "learning.jsonl"
    if not any(e["event"] == "load-stopped" for e in timeline()) or not path.is_file():
        return {"ok": True, "phase": "before the method: no learning load in this run yet"}
    attempts = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    batches: dict[str, dict[str, Any]] = {}
    for attempt in attempts:
        batch = batches.setdefault(attempt["ids"][0], {"ids": attempt["ids"], "statuses": []})
        batch["statuses"].append(int(attempt["status"]))
    sent = [i for b in batches.values() for i in b["ids"]]
    acknowledged = [i for b in batches.values() if 202 in b["statuses"] for i in b["ids"]]
    courses = json.loads((run_dir() / "load" / "ready").read_text())["courses"]
    database = Target.load().database_url("analytics-api")
    counted = asyncio.run(
        ledgers.settle_learning(database, sent, acknowledged, courses, patience_s)
    )
    statuses: dict[str, int] = {}
    for attempt in attempts:
        statuses[str(attempt["status"])] = statuses.get(str(attempt["status"]), 0) + 1
    retried = sum(1 for b in batches.values() if len(b["statuses"]) > 1)
    unacknowledged = sum(1 for b in batches.values() if 202 not in b["statuses"])
    violations = []
    if not acknowledged:
        violations.append("no learning event was acknowledged: the learning load did not run")
    if counted["lost"] or counted["duplicated"] or counted["missing_views"]:
        violations.append(
            f"lost {counted['lost']}, duplicated {counted['duplicated']}, "
            f"views missing {counted['missing_views']} (of {len(acknowledged)} acknowledged)"
        )
    if unacknowledged:
        violations.append(f"{unacknowledged} batch(es) never acknowledged")
    if statuses.get("500"):
        violations.append(f"{statuses['500']} answer(s) were 500")
    if retried < min_retried:
        violations.append(
            f"only {retried} batch(es) were retried (at least {min_retried}): "
            "the fault never reached the learning path"
        )
    report = {
        **counted,
        "ok": not violations,
        "violations": violations,
        "batches": len(batches),
        "retried_batches": retried,
        "unacknowledged_batches": unacknowledged,
        "attempt_statuses": statuses,
        "phase": "after the method",
    }
    (run_dir() / "learning-ledger.json").write_text(json.dumps(report, indent=2))
    return report
