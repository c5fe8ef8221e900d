"""The course FastAPI app: ``make_app(settings, **overrides)``."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any

from fastapi import FastAPI

from edu.common.http_problems import install_problem_handlers
from edu.course.bootstrap import CourseService, bootstrap
from edu.course.entrypoints import authoring_routes, catalogue_routes
from edu.course.settings import CourseSettings


@contextlib.asynccontextmanager
async def _running(service: CourseService) -> AsyncIterator[None]:
    """Run the outbox relay beside the app (when NATS is configured); close everything after."""
    stop = asyncio.Event()
    relay = (
        asyncio.create_task(service.relay.run(stop), name="outbox-relay") if service.relay else None
    )
    try:
        yield
    finally:
        stop.set()
        if relay is not None:
            await relay
        await service.close()


def make_app(settings: CourseSettings, **overrides: Any) -> FastAPI:
    """Build the app; ``overrides`` replace adapters (see ``bootstrap``)."""
    service = bootstrap(settings, **overrides)

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with _running(service):
            yield

    app = FastAPI(
        title="eduplatform course",
        version="0.1.0",
        summary="Teachers author courses and lessons; anyone browses the published catalogue.",
        lifespan=lifespan,
    )
    app.state.course = service
    install_problem_handlers(app)
    app.include_router(catalogue_routes.router)
    app.include_router(authoring_routes.router)
    return app
