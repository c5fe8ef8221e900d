"""The analytics-api FastAPI app: ``make_app(settings, **overrides)``."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import Any

from fastapi import FastAPI

from edu.analytics_api.bootstrap import bootstrap
from edu.analytics_api.entrypoints import analytics_routes
from edu.analytics_api.settings import AnalyticsApiSettings
from edu.common.health import health_router
from edu.common.http_problems import install_problem_handlers


def make_app(settings: AnalyticsApiSettings, **overrides: Any) -> FastAPI:
    """Build the app; ``overrides`` replace adapters (see ``bootstrap``)."""
    service = bootstrap(settings, **overrides)

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        try:
            yield
        finally:
            await service.close()

    app = FastAPI(
        title="eduplatform analytics-api",
        version="0.1.0",
        summary="A teacher's figures for their own courses, from the learning-event rollups.",
        lifespan=lifespan,
    )
    app.state.analytics = service
    install_problem_handlers(app, max_body_bytes=settings.max_request_body_bytes)
    app.include_router(analytics_routes.router)
    app.include_router(health_router)
    return app
