"""The teacher-tools FastAPI app: ``make_app(settings, **overrides)``."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import Any

from fastapi import FastAPI

from edu.common.health import health_router
from edu.common.http_problems import install_problem_handlers
from edu.teacher_tools.bootstrap import bootstrap
from edu.teacher_tools.entrypoints import dashboard_routes
from edu.teacher_tools.settings import TeacherToolsSettings


def make_app(settings: TeacherToolsSettings, **overrides: Any) -> FastAPI:
    """Build the app; ``overrides`` replace adapters (see ``bootstrap``)."""
    service = bootstrap(settings, **overrides)

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        try:
            yield
        finally:
            await service.close()

    app = FastAPI(
        title="eduplatform teacher-tools",
        version="0.1.0",
        summary="The teacher dashboard backend: per course, the unanswered questions (messaging) "
        "and the items moderation holds, each section marked unavailable when its upstream "
        "does not answer.",
        lifespan=lifespan,
    )
    app.state.teacher_tools = service
    install_problem_handlers(app, max_body_bytes=settings.max_request_body_bytes)
    app.include_router(dashboard_routes.router)
    app.include_router(health_router)
    return app
