"""The notifications FastAPI app: ``make_app(settings, **overrides)``."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any

from fastapi import FastAPI

from edu.common.health import health_router
from edu.common.http_problems import install_problem_handlers
from edu.notifications.bootstrap import NotificationsContainer, bootstrap
from edu.notifications.entrypoints import notification_routes
from edu.notifications.settings import NotificationsSettings


@contextlib.asynccontextmanager
async def _running(service: NotificationsContainer) -> AsyncIterator[None]:
    """Run the event consumer beside the app (when NATS is configured); close everything after."""
    stop = asyncio.Event()
    consumer = (
        asyncio.create_task(service.consumer.run(stop), name="notifications-consumer")
        if service.consumer
        else None
    )
    try:
        yield
    finally:
        stop.set()
        if consumer is not None:
            await consumer
        await service.close()


def make_app(settings: NotificationsSettings, **overrides: Any) -> FastAPI:
    """Build the app; ``overrides`` replace adapters (see ``bootstrap``)."""
    service = bootstrap(settings, **overrides)

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with _running(service):
            yield

    app = FastAPI(
        title="eduplatform notifications",
        version="0.2.0",
        summary="In-app notifications and emails: welcome, enrolment confirmation, certificate.",
        lifespan=lifespan,
    )
    app.state.notifications = service
    install_problem_handlers(app, max_body_bytes=settings.max_request_body_bytes)
    app.include_router(notification_routes.router)
    app.include_router(health_router)
    return app
