"""The seed against real, migrated databases: what it writes, and that it writes it once."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from edu.identity.adapters.argon2_hasher import Argon2PasswordHasher
from edu.seed import learning
from edu.seed.learning import learning_history
from edu.seed.plan import plan_for
from edu.seed.run import seed
from edu.seed.sizes import SeedSize
from edu.seed.specs import SEED_PASSWORD
from edu.seed.wiring import DatabaseUrls, seed_targets

TINY = SeedSize("tiny", courses=6, students=10, history_every=2)
UNTIL = datetime(2026, 12, 5, tzinfo=UTC)
TABLES = {
    "identity": ("users", "outbox"),
    "course": ("courses", "lessons", "outbox"),
    "enrollment": (
        "enrollments",
        "lesson_completions",
        "certificates",
        "course_outlines",
        "outbox",
    ),
    "analytics": ("processed_learning_events", "lesson_viewers", "session_progress"),
}


async def row_counts(urls: DatabaseUrls) -> dict[str, int]:
    counts: dict[str, int] = {}
    for service, tables in TABLES.items():
        engine = create_async_engine(getattr(urls, service))
        async with engine.connect() as conn:
            for table in tables:
                found = await conn.scalar(text(f"SELECT count(*) FROM {table}"))  # noqa: S608 - fixed names
                counts[f"{service}.{table}"] = int(found or 0)
        await engine.dispose()
    engine = create_async_engine(str(urls.analytics))
    async with engine.connect() as conn:
        views = await conn.scalar(text("SELECT coalesce(sum(views), 0) FROM lesson_views"))
        counts["analytics.views"] = int(views or 0)
    await engine.dispose()
    return counts


async def any_password_hash(urls: DatabaseUrls) -> str:
    engine = create_async_engine(urls.identity)
    async with engine.connect() as conn:
        stored = await conn.scalar(text("SELECT password_hash FROM users LIMIT 1"))
    await engine.dispose()
    return str(stored)


class TestSeedOnRealDatabases:
    async def test_writes_the_plan_through_the_use_cases_and_a_second_run_adds_nothing(
        self, seed_databases: DatabaseUrls
    ) -> None:
        plan = plan_for(TINY)
        history = learning_history(plan, UNTIL)
        async with seed_targets(seed_databases, pool_size=4) as targets:
            first = await seed(targets, plan, concurrency=4, history_until=UNTIL)
        after_first = await row_counts(seed_databases)
        assert after_first["identity.users"] == len(plan.teachers) + len(plan.students)
        assert after_first["course.courses"] == len(plan.courses)
        assert after_first["enrollment.enrollments"] == len(plan.enrollments)
        assert after_first["enrollment.certificates"] == first.certificates.created > 0
        # Every change went through a use case, so every one announced itself in an outbox.
        assert after_first["identity.outbox"] == after_first["identity.users"]
        assert after_first["enrollment.outbox"] > after_first["enrollment.enrollments"]
        # The learning history, folded by the aggregator's use case: each planned event once.
        assert after_first["analytics.processed_learning_events"] == len(history) > 0
        assert first.learning_events.created == len(history)
        assert after_first["analytics.views"] == sum(e.type == learning.OPENED for e in history)
        assert after_first["analytics.lesson_viewers"] > 0
        assert after_first["analytics.session_progress"] == len(
            {e.session for e in history if e.type != learning.SEARCHED}
        )

        async with seed_targets(seed_databases, pool_size=4) as targets:
            second = await seed(targets, plan, concurrency=4, history_until=UNTIL)
        assert await row_counts(seed_databases) == after_first
        assert not second.created_anything
        assert second.learning_events.existing == len(history)

    async def test_leaves_the_history_out_where_the_server_has_no_analytics_database(
        self, seed_databases: DatabaseUrls
    ) -> None:
        without = replace(seed_databases, analytics=f"{seed_databases.analytics}_missing")
        async with seed_targets(without, pool_size=4) as targets:
            report = await seed(targets, plan_for(SeedSize("one", courses=1, students=1)))
        assert report.learning_skipped is not None
        assert report.learning_events.total == 0

    async def test_seeded_accounts_log_in_with_the_seed_password_through_real_argon2id(
        self, seed_databases: DatabaseUrls
    ) -> None:
        async with seed_targets(seed_databases, pool_size=4) as targets:
            await seed(targets, plan_for(SeedSize("one", courses=1, students=1)))
        stored = await any_password_hash(seed_databases)
        hasher = Argon2PasswordHasher()
        assert stored.startswith("$argon2id$")
        assert not hasher.needs_rehash(stored)
        assert await hasher.verify(stored, SEED_PASSWORD)
