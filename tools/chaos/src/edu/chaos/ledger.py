"""Counting, not assuming: every event the producers stored against what notifications did.

The producers' outboxes (identity, course, enrollment) hold every event they ever emitted,
each with a unique id; notifications records each event it handled in ``processed_events``
(in the same transaction as its effects) and its effects carry the event's id
(``source_event_id`` on inbox notifications and queued emails). So:

- unpublished: outbox rows the relay has not published (yet);
- lost: events notifications subscribes to that it never processed;
- duplicated: effects beyond one per (event, recipient, kind) — a redelivered event handled
  twice would show here, even though ``processed_events`` itself cannot hold a duplicate.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Mapping, Sequence
from typing import Any

import asyncpg

PRODUCERS = ("identity", "course", "enrollment")
SUBSCRIBED = ("user.registered", "course.published", "enrollment.created", "certificate.issued")


def plain(url: str) -> str:
    """asyncpg speaks libpq URLs: drop SQLAlchemy's ``+driver``."""
    scheme, _, rest = url.partition("://")
    return f"{scheme.split('+')[0]}://{rest}"


async def _rows(url: str, query: str, *args: Any) -> list[asyncpg.Record]:
    [rows] = await _fetch(url, (query, *args))
    return rows


async def _fetch(url: str, *queries: tuple[Any, ...]) -> list[list[asyncpg.Record]]:
    """Each ``(query, *args)`` on one connection to ``url``."""
    conn = await asyncpg.connect(plain(url), timeout=5)
    try:
        return [list(await conn.fetch(query, *args)) for query, *args in queries]
    finally:
        await conn.close()


async def count(
    databases: Mapping[str, str], subscribed: Sequence[str] = SUBSCRIBED
) -> dict[str, Any]:
    emitted: set[str] = set()
    unpublished = 0
    by_type: dict[str, int] = {}
    for producer in PRODUCERS:
        rows = await _rows(
            databases[producer],
            "SELECT id::text AS id, type, published_at IS NULL AS pending FROM outbox",
        )
        for row in rows:
            unpublished += int(row["pending"])
            if row["type"] in subscribed:
                emitted.add(row["id"])
                by_type[row["type"]] = by_type.get(row["type"], 0) + 1
    extra = "SELECT count(*) - 1 AS extra FROM {} GROUP BY source_event_id, user_id, kind HAVING count(*) > 1"
    processed_rows, *duplicates = await _fetch(
        databases["notifications"],
        ("SELECT event_id::text AS id FROM processed_events",),
        *((extra.format(table),) for table in ("notifications", "email_queue")),
    )
    processed = {r["id"] for r in processed_rows}
    duplicated = sum(int(r["extra"]) for rows in duplicates for r in rows)
    lost = emitted - processed
    return {
        "events": len(emitted),
        "by_type": by_type,
        "unpublished": unpublished,
        "processed": len(processed & emitted),
        "lost": len(lost),
        "lost_sample": sorted(lost)[:5],
        "duplicated": duplicated,
    }


async def settle(databases: Mapping[str, str], patience_s: float) -> dict[str, Any]:
    """Count until nothing is unpublished or lost, or ``patience_s`` ran out; the last count
    (with how long it took) is the answer, so a real loss shows after the patience."""
    started = time.monotonic()
    while True:
        counted = await count(databases)
        balanced = counted["unpublished"] == 0 and counted["lost"] == 0
        if balanced or time.monotonic() - started > patience_s:
            counted["settled_in_s"] = round(time.monotonic() - started, 2)
            counted["ok"] = balanced and counted["duplicated"] == 0
            return counted
        await asyncio.sleep(0.5)


async def missing_enrollments(database: str, ids: Sequence[str]) -> list[str]:
    """Enrolments the load was told exist (200/201) that enrollment's database does not hold."""
    if not ids:
        return []
    rows = await _rows(
        database,
        "SELECT id::text AS id FROM enrollments WHERE id::text = ANY($1::text[])",
        list(ids),
    )
    found = {r["id"] for r in rows}
    return [i for i in ids if i not in found]


async def count_learning(
    database: str, sent: Sequence[str], acknowledged: Sequence[str], courses: Sequence[str]
) -> dict[str, Any]:
    """The learning events the load sent and event-ingestion acknowledged (202) against what
    analytics-aggregator folded: its processed-event record and the views of the load's courses
    (every event the load sends is one ``lesson.opened``, so one view each).

    - lost: acknowledged events the aggregator never recorded;
    - duplicated: views beyond one per recorded event (an event folded twice: the claim gone,
      or a commit acknowledged before it happened and redone);
    - unexpected: recorded events the load never sent.
    """
    processed_rows, views_rows = await _fetch(
        database,
        (
            "SELECT event_id::text AS id FROM processed_learning_events"
            " WHERE event_id::text = ANY($1::text[])",
            list(sent),
        ),
        (
            "SELECT coalesce(sum(views), 0) AS views FROM lesson_views"
            " WHERE course_id = ANY($1::text[])",
            list(courses),
        ),
    )
    processed = {r["id"] for r in processed_rows}
    views = int(views_rows[0]["views"])
    lost = set(acknowledged) - processed
    return {
        "sent": len(sent),
        "acknowledged": len(acknowledged),
        "processed": len(processed),
        "views": views,
        "lost": len(lost),
        "lost_sample": sorted(lost)[:5],
        "duplicated": max(0, views - len(processed)),
        "missing_views": max(0, len(processed) - views),
    }


async def settle_learning(
    database: str,
    sent: Sequence[str],
    acknowledged: Sequence[str],
    courses: Sequence[str],
    patience_s: float,
) -> dict[str, Any]:
    """Count until every acknowledged event is folded (or ``patience_s`` ran out)."""
    started = time.monotonic()
    while True:
        counted = await count_learning(database, sent, acknowledged, courses)
        if counted["lost"] == 0 or time.monotonic() - started > patience_s:
            counted["settled_in_s"] = round(time.monotonic() - started, 2)
            return counted
        await asyncio.sleep(0.5)
