"""End to end for the learning events a run sent: every event event-ingestion acknowledged (202)
must end up folded by analytics-aggregator (issue 21, ADR 0019).

The students' lesson pages (load/scenarios/learning.py) write each stored id (a 202's
``accepted`` and ``duplicates``) to ``<folder>/acked-<pid>.txt``, one file per Locust process.
After Locust stops, `edu load` waits until the aggregator's processed-event record
(``processed_learning_events``, committed in the same transaction as the rollups it changed)
holds every one of them, or ``patience`` runs out: what is still missing then is lost, and a
run that lost any event fails. The check's line is part of the SLO table's evidence
(``learning.txt`` and ``summary.json``).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

# Where the scenarios write the stored ids (load/scenarios/learning.py reads the same name).
ACKED_EVENTS_VARIABLE = "EDU_LOAD_ACKED_EVENTS"
ACKED_GLOB = "acked-*.txt"
PATIENCE_S = 20.0


@dataclass(frozen=True)
class FoldCheck:
    acknowledged: int
    folded: int
    waited_s: float
    lost_sample: tuple[str, ...] = ()

    @property
    def lost(self) -> int:
        return self.acknowledged - self.folded

    @property
    def ok(self) -> bool:
        return self.lost == 0

    def render(self) -> str:
        verdict = "ok" if self.ok else "BREACH: acknowledged events never folded"
        line = (
            f"learning events: {self.acknowledged} acknowledged (202), {self.folded} folded by "
            f"analytics-aggregator, lost {self.lost} (after {self.waited_s:.1f} s): {verdict}"
        )
        if self.lost_sample:
            line += f"\n  lost, e.g.: {', '.join(self.lost_sample)}"
        return line


def acknowledged_ids(folder: Path) -> list[str]:
    """Every id the run's processes wrote, once each, in a stable order."""
    ids: set[str] = set()
    for path in sorted(folder.glob(ACKED_GLOB)) if folder.is_dir() else []:
        ids.update(line.strip() for line in path.read_text().splitlines() if line.strip())
    return sorted(ids)


async def folded_ids(database_url: str, ids: Sequence[str]) -> set[str]:
    """Those of ``ids`` the aggregator has recorded as processed."""
    from sqlalchemy import text
    from sqlalchemy.ext.asyncio import create_async_engine

    if not ids:
        return set()
    engine = create_async_engine(database_url)
    try:
        async with engine.connect() as conn:
            rows = await conn.execute(
                text(
                    "SELECT event_id::text FROM processed_learning_events"
                    " WHERE event_id = ANY(CAST(:ids AS uuid[]))"
                ),
                {"ids": list(ids)},
            )
            return {str(row[0]) for row in rows}
    finally:
        await engine.dispose()


Folded = Callable[[Sequence[str]], Awaitable[set[str]]]


async def settle(
    folded_of: Folded, ids: Sequence[str], patience: float = PATIENCE_S, poll: float = 0.25
) -> FoldCheck:
    """Count (``folded_of``: which of the ids are folded) until every id is folded, or
    ``patience`` seconds ran out."""
    started = time.monotonic()
    while True:
        folded = await folded_of(ids)
        waited = time.monotonic() - started
        if len(folded) >= len(ids) or waited >= patience:
            lost = tuple(sorted(set(ids) - folded)[:5])
            return FoldCheck(len(ids), len(folded & set(ids)), waited, lost)
        await asyncio.sleep(poll)


def check_folded(database_url: str, folder: Path, patience: float = PATIENCE_S) -> FoldCheck:
    """The ids the run's processes wrote to ``folder`` against the analytics database."""

    async def folded_of(ids: Sequence[str]) -> set[str]:
        return await folded_ids(database_url, ids)

    return asyncio.run(settle(folded_of, acknowledged_ids(folder), patience))
