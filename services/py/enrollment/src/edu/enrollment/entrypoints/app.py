"""The enrollment FastAPI app: ``make_app(settings, **overrides)``."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import Any

from fastapi import FastAPI

from edu.common.health import health_router
from edu.common.http_problems import install_problem_handlers
from edu.db.outbox import relay_lifespan
from edu.enrollment.bootstrap import EnrollmentContainer, bootstrap
from edu.enrollment.entrypoints import enrollment_routes
from edu.enrollment.entrypoints.course_events import course_events_consumer
from edu.enrollment.entrypoints.payment_events import payment_events_consumer
from edu.enrollment.settings import EnrollmentSettings


@contextlib.asynccontextmanager
async def _running(service: EnrollmentContainer, nats_url: str | None) -> AsyncIterator[None]:
    """Beside the app, when NATS is configured: the outbox relay, the course-events consumer
    feeding the read model and the payment-events consumer enrolling and revoking. Everything
    is stopped and closed afterwards."""
    consumers = (
        [
            course_events_consumer(nats_url, service.courses),
            payment_events_consumer(nats_url, service.payments),
        ]
        if nats_url
        else []
    )
    try:
        async with relay_lifespan(service.relay, *(consumer.run for consumer in consumers)):
            yield
    finally:
        await service.close()


def make_app(settings: EnrollmentSettings, **overrides: Any) -> FastAPI:
    """Build the app; ``overrides`` replace adapters (see ``bootstrap``)."""
    service = bootstrap(settings, **overrides)

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with _running(service, settings.nats_url):
            yield

    app = FastAPI(
        title="eduplatform enrollment",
        version="0.2.0",
        summary="Students enrol in published courses (bought ones through their payment), "
        "complete lessons and earn certificates.",
        lifespan=lifespan,
    )
    app.state.enrollment = service
    install_problem_handlers(app, max_body_bytes=settings.max_request_body_bytes)
    app.include_router(enrollment_routes.router)
    app.include_router(health_router)
    return app
