"""web's real HTTP clients against the real services, in-process (httpx ASGI transport), each
service on its own database cloned from its migrated template on the plugin's PostgreSQL.

Nothing is rolled back between tests: four services commit in four databases. Each test makes
its own users and courses (unique emails and titles), so tests stay independent.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from uuid import UUID

import httpx
import pytest
import pytest_asyncio
from fastapi import FastAPI

from edu.auth.keys import SigningKey, jwks_document
from edu.auth.tokens import TokenVerifier
from edu.common.settings import Environment
from edu.course.entrypoints.app import make_app as course_app
from edu.course.settings import CourseSettings
from edu.enrollment.domain.course_outline import CourseOutline
from edu.enrollment.entrypoints.app import make_app as enrollment_app
from edu.enrollment.settings import EnrollmentSettings
from edu.identity.adapters.argon2_hasher import Argon2PasswordHasher
from edu.identity.entrypoints.app import make_app as identity_app
from edu.identity.settings import IdentitySettings
from edu.notifications.bootstrap import NotificationsContainer
from edu.notifications.entrypoints.app import make_app as notifications_app
from edu.notifications.service_layer.event_handling import EventHandling
from edu.notifications.settings import NotificationsSettings
from edu.testing.database_fixtures import PostgresServer
from edu.testing.template_databases import clone_from_template, drop_database
from edu.web.bootstrap import WebContainer, bootstrap
from edu.web.settings import WebSettings

MIGRATIONS = Path(__file__).resolve().parents[5] / "migrations"
SERVICES = ("identity", "course", "enrollment", "notifications")


class AsgiCourseDirectory:
    """enrollment's CourseDirectory port answered by the in-process course app's public API
    (enrollment's own gRPC client is tested by enrollment; here it only has to find courses)."""

    def __init__(self, app: FastAPI) -> None:
        self._client = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://course.test"
        )

    async def fetch_outline(self, course_id: UUID) -> CourseOutline | None:
        answer = await self._client.get(f"/courses/{course_id}")
        if answer.status_code == 404:
            return None
        body = answer.raise_for_status().json()
        return CourseOutline(
            course_id=UUID(body["id"]),
            title=body["title"],
            published=body["status"] == "published",
            version=body["version"],
            lesson_ids=frozenset(UUID(x["id"]) for x in body["lessons"]),
        )


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def databases(postgres_server: PostgresServer) -> AsyncIterator[dict[str, str]]:
    admin = postgres_server.url("postgres")
    names = {svc: f"edu_test_web_{svc}_{uuid.uuid4().hex[:8]}" for svc in SERVICES}
    for svc, name in names.items():
        await clone_from_template(admin, MIGRATIONS / svc, name)
    yield {svc: postgres_server.url(name) for svc, name in names.items()}
    for name in names.values():
        await drop_database(admin, name)


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def services(databases: dict[str, str], redis_url: str) -> AsyncIterator[dict[str, FastAPI]]:
    """The four services' apps by name, in-process, their lifespans entered for the session."""
    key = SigningKey.generate()
    verifier = TokenVerifier.from_keys(jwks_document(key))
    test = Environment.TEST
    identity = identity_app(
        IdentitySettings(
            environment=test,
            database_url=databases["identity"],
            redis_url=redis_url,
            redis_key_prefix=f"web-it-{uuid.uuid4().hex[:8]}:",
        ),
        signing_key=key,
        password_hasher=Argon2PasswordHasher.cheap_for_tests(),
    )
    # grpc_port 0: course's internal gRPC server, where it has one, on a free port (never the
    # dev port); a course without one ignores the key.
    course_settings = CourseSettings.model_validate(
        {"environment": test, "database_url": databases["course"], "grpc_port": 0}
    )
    course = course_app(course_settings, verifier=verifier)
    enrollment = enrollment_app(
        EnrollmentSettings(environment=test, database_url=databases["enrollment"]),
        verifier=verifier,
        directory=AsgiCourseDirectory(course),
    )
    notifications = notifications_app(
        NotificationsSettings(environment=test, database_url=databases["notifications"]),
        verifier=verifier,
    )
    apps = {
        "identity": identity,
        "course": course,
        "enrollment": enrollment,
        "notifications": notifications,
    }
    # httpx's ASGI transport does not run lifespans: they are entered here, around the session
    # (they close each service's engine at the end).
    async with (
        identity.router.lifespan_context(identity),
        course.router.lifespan_context(course),
        enrollment.router.lifespan_context(enrollment),
        notifications.router.lifespan_context(notifications),
    ):
        yield apps


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def web(services: dict[str, FastAPI]) -> AsyncIterator[WebContainer]:
    """web's wiring with its real clients, each routed to an in-process service."""
    wired = bootstrap(
        WebSettings(environment=Environment.TEST),
        transports={n: httpx.ASGITransport(app=a) for n, a in services.items()},
    )
    yield wired
    await wired.close()


@pytest.fixture
def notifications_events(services: dict[str, FastAPI]) -> EventHandling:
    """notifications' event use case: no NATS here, so a test hands it what identity or
    enrollment would publish (``edu.notifications.testing.delivered``)."""
    container: NotificationsContainer = services["notifications"].state.notifications
    return container.events
