"""The moderation FastAPI app: ``make_app(settings, **overrides)``."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import Any

from fastapi import FastAPI

from edu.common.health import health_router
from edu.common.http_problems import install_problem_handlers
from edu.db.outbox import relay_lifespan
from edu.moderation.bootstrap import ModerationContainer, bootstrap
from edu.moderation.entrypoints import review_routes
from edu.moderation.entrypoints.content_events import content_events_consumer
from edu.moderation.settings import ModerationSettings


@contextlib.asynccontextmanager
async def _running(service: ModerationContainer, nats_url: str | None) -> AsyncIterator[None]:
    """Beside the app, when NATS is configured: the outbox relay and the content-events
    consumer. Everything is stopped and closed afterwards."""
    consumers = [content_events_consumer(nats_url, service.submissions)] if nats_url else []
    try:
        async with relay_lifespan(service.relay, *(consumer.run for consumer in consumers)):
            yield
    finally:
        await service.close()


def make_app(settings: ModerationSettings, **overrides: Any) -> FastAPI:
    """Build the app; ``overrides`` replace adapters (see ``bootstrap``)."""
    service = bootstrap(settings, **overrides)

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with _running(service, settings.nats_url):
            yield

    app = FastAPI(
        title="eduplatform moderation",
        version="0.1.0",
        summary="Rule-based moderation of Q&A posts and course titles; the review queue of "
        "held items for teachers and admins.",
        lifespan=lifespan,
    )
    app.state.moderation = service
    install_problem_handlers(app, max_body_bytes=settings.max_request_body_bytes)
    app.include_router(review_routes.router)
    app.include_router(health_router)
    return app
