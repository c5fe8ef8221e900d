"""The teacher-tools FastAPI app: ``make_app(settings, **overrides)``."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import Any

from fastapi import FastAPI

from edu.common.health import health_router
from edu.common.http_problems import install_problem_handlers
from edu.db.outbox import relay_lifespan
from edu.teacher_tools.bootstrap import TeacherToolsContainer, bootstrap
from edu.teacher_tools.entrypoints import dashboard_routes
from edu.teacher_tools.entrypoints.enrolment_events import enrolment_events_consumer
from edu.teacher_tools.settings import TeacherToolsSettings


@contextlib.asynccontextmanager
async def _running(service: TeacherToolsContainer, nats_url: str | None) -> AsyncIterator[None]:
    """Beside the app, when NATS is configured: the enrolment events' consumer. Everything is
    stopped and closed afterwards (teacher-tools has no outbox: nothing to relay)."""
    consumers = [enrolment_events_consumer(nats_url, service.enrolments)] if nats_url else []
    try:
        async with relay_lifespan(None, *(consumer.run for consumer in consumers)):
            yield
    finally:
        await service.close()


def make_app(settings: TeacherToolsSettings, **overrides: Any) -> FastAPI:
    """Build the app; ``overrides`` replace adapters (see ``bootstrap``)."""
    service = bootstrap(settings, **overrides)

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with _running(service, settings.nats_url):
            yield

    app = FastAPI(
        title="eduplatform teacher-tools",
        version="0.1.0",
        summary="The teacher dashboard backend: per course, the unanswered questions (messaging), "
        "the items moderation holds and the enrolment and completion figures (from "
        "enrollment's events), each section marked unavailable when its source does not answer.",
        lifespan=lifespan,
    )
    app.state.teacher_tools = service
    install_problem_handlers(app, max_body_bytes=settings.max_request_body_bytes)
    app.include_router(dashboard_routes.router)
    app.include_router(health_router)
    return app
