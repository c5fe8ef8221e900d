"""The course FastAPI app: ``make_app(settings, **overrides)``."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import Any

from fastapi import FastAPI

from edu.common.health import health_router
from edu.common.http_problems import install_problem_handlers
from edu.course.bootstrap import CourseContainer, bootstrap
from edu.course.entrypoints import authoring_routes, catalogue_routes
from edu.course.entrypoints.grpc_server import serving_grpc
from edu.course.entrypoints.grpc_service import GrpcCourseService
from edu.course.settings import CourseSettings
from edu.db.outbox import relay_lifespan


@contextlib.asynccontextmanager
async def _running(service: CourseContainer, grpc_port: int, grpc_host: str) -> AsyncIterator[int]:
    """Beside the app: the outbox relay (when NATS is configured) and the internal gRPC server
    (yielding its port). Everything is stopped and closed afterwards."""
    try:
        async with (
            relay_lifespan(service.relay),
            serving_grpc(GrpcCourseService(service.reads), grpc_port, host=grpc_host) as bound,
        ):
            yield bound
    finally:
        await service.close()


def make_app(settings: CourseSettings, **overrides: Any) -> FastAPI:
    """Build the app; ``overrides`` replace adapters (see ``bootstrap``)."""
    service = bootstrap(settings, **overrides)

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        bind = str(settings.bind_address)
        async with _running(service, settings.grpc_port, bind) as grpc_port:
            app.state.grpc_port = grpc_port
            yield

    app = FastAPI(
        title="eduplatform course",
        version="0.1.0",
        summary="Teachers author courses and lessons; anyone browses the published catalogue.",
        lifespan=lifespan,
    )
    app.state.course = service
    install_problem_handlers(app, max_body_bytes=settings.max_request_body_bytes)
    app.include_router(catalogue_routes.router)
    app.include_router(authoring_routes.router)
    app.include_router(health_router)
    return app
