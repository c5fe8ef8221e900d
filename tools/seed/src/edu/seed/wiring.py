"""The three services' use cases (and analytics-aggregator's) wired to their real databases.

Each service's own ``bootstrap`` does the wiring, so the seed writes through exactly the
repositories, unit of work and outbox the running services use. Only two adapters differ, each
through a port the service already has: the password hasher (one real hash for the shared seed
password) and enrollment's course directory (course's catalogue, in-process). No relay runs
here: events wait in each outbox until the services' relays publish them. The learning-event
history goes through analytics-aggregator's ``bootstrap`` too (its rollups use case, on the
analytics database), when that database exists and is migrated; no consumer starts.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from uuid import UUID

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import create_async_engine

from edu.analytics_aggregator.bootstrap import AggregatorContainer
from edu.analytics_aggregator.bootstrap import bootstrap as aggregator_bootstrap
from edu.analytics_aggregator.settings import AggregatorSettings
from edu.auth.keys import SigningKey
from edu.common.settings import Environment
from edu.course.bootstrap import bootstrap as course_bootstrap
from edu.course.settings import CourseSettings
from edu.db.engine import create_engine, session_factory
from edu.enrollment.bootstrap import bootstrap as enrollment_bootstrap
from edu.enrollment.settings import EnrollmentSettings
from edu.identity.adapters.argon2_hasher import Argon2PasswordHasher
from edu.identity.adapters.unit_of_work import SqlAlchemyIdentityUnitOfWork
from edu.identity.bootstrap import bootstrap as identity_bootstrap
from edu.identity.domain.email import EmailAddress
from edu.identity.settings import IdentitySettings
from edu.seed.course_directory import CatalogueCourseDirectory
from edu.seed.password_hashing import OneHashPerPassword
from edu.seed.specs import SEED_PASSWORD
from edu.seed.targets import SeedTargets

DEV = Environment.DEVELOPMENT
# identity wants a Redis URL for log-in throttling; seeding never logs in, and the client
# connects only on first use, so this address is never dialled.
UNUSED_REDIS = "redis://127.0.0.1:16379/0"
# Likewise the aggregator's NATS: the seed calls its use case; its consumers never start.
UNUSED_NATS = "nats://127.0.0.1:14222"


@dataclass(frozen=True)
class DatabaseUrls:
    identity: str
    course: str
    enrollment: str
    analytics: str | None = None

    @classmethod
    def on_server(cls, server_url: str) -> DatabaseUrls:
        """Each service's database (named after it, as `edu dev` makes them) on one server."""
        url = make_url(server_url)
        named = {
            n: url.set(database=n).render_as_string(hide_password=False)
            for n in ("identity", "course", "enrollment", "analytics")
        }
        return cls(**named)


@asynccontextmanager
async def seed_targets(urls: DatabaseUrls, pool_size: int = 10) -> AsyncIterator[SeedTargets]:
    identity_engine = create_engine(urls.identity, pool_size=pool_size)
    identity_sessions = session_factory(identity_engine)
    identity = identity_bootstrap(
        IdentitySettings(database_url=urls.identity, redis_url=UNUSED_REDIS, environment=DEV),
        sessions=identity_sessions,
        password_hasher=OneHashPerPassword(Argon2PasswordHasher(), SEED_PASSWORD),
        signing_key=SigningKey.generate(),  # never signs: seeding issues no tokens
    )
    course = course_bootstrap(
        CourseSettings(database_url=urls.course, database_pool_size=pool_size, environment=DEV)
    )
    enrollment = enrollment_bootstrap(
        EnrollmentSettings(
            database_url=urls.enrollment, database_pool_size=pool_size, environment=DEV
        ),
        directory=CatalogueCourseDirectory(course.catalogue),
    )

    aggregator = await _aggregator(urls.analytics, pool_size)

    async def find_account(email: str) -> UUID | None:
        async with SqlAlchemyIdentityUnitOfWork(identity_sessions) as uow:
            user = await uow.users.get_by_email(EmailAddress.parse(email))
        return user.id if user else None

    try:
        yield SeedTargets(
            registration=identity.registration,
            find_account=find_account,
            authoring=course.authoring,
            enrollments=enrollment.enrollments,
            learning=aggregator.rollups if aggregator else None,
        )
    finally:
        if aggregator is not None:
            await aggregator.close()
        await enrollment.close()
        await course.close()
        await identity.close()
        await identity_engine.dispose()


async def _aggregator(url: str | None, pool_size: int) -> AggregatorContainer | None:
    """analytics-aggregator wired to ``url``; None when that database is missing or unmigrated."""
    if url is None or not await _has_rollups(url):
        return None
    # One transaction per event, as the aggregator folds them; waiting for each commit's WAL
    # flush made that ~4x slower. A crash may lose the last commits, which the next run (finding
    # their ids unclaimed) simply folds again: the seed is idempotent, so it need not wait.
    engine = create_async_engine(
        url,
        pool_size=pool_size,
        max_overflow=0,
        connect_args={"server_settings": {"synchronous_commit": "off"}},
    )
    container = aggregator_bootstrap(
        AggregatorSettings(
            database_url=url, database_pool_size=pool_size, nats_url=UNUSED_NATS, environment=DEV
        ),
        sessions=session_factory(engine),
    )
    container.engine = engine  # closed with the container
    return container


async def _has_rollups(url: str) -> bool:
    engine = create_engine(url, pool_size=1)
    try:
        async with engine.connect() as conn:
            found = await conn.scalar(text("SELECT to_regclass('processed_learning_events')"))
    except (DBAPIError, OSError):
        return False  # no such database (or no server): nothing to write into
    finally:
        await engine.dispose()
    return found is not None
