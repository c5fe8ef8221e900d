"""The identity FastAPI app: ``make_app(settings, **overrides)``."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import Any

from fastapi import FastAPI

from edu.common.health import health_router
from edu.common.http_problems import install_problem_handlers
from edu.db.outbox import relay_lifespan
from edu.identity.bootstrap import IdentityContainer, bootstrap
from edu.identity.entrypoints import account_routes, auth_routes
from edu.identity.settings import IdentitySettings


@contextlib.asynccontextmanager
async def _running(identity: IdentityContainer) -> AsyncIterator[None]:
    """Run the outbox relay beside the app (when NATS is configured); close everything after."""
    try:
        async with relay_lifespan(identity.relay):
            yield
    finally:
        await identity.close()


def make_app(settings: IdentitySettings, **overrides: Any) -> FastAPI:
    """Build the app; ``overrides`` replace adapters (see ``bootstrap``)."""
    identity = bootstrap(settings, **overrides)

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with _running(identity):
            yield

    app = FastAPI(
        title="eduplatform identity",
        version="0.1.0",
        summary="Accounts, sign-in, access and refresh tokens, roles.",
        lifespan=lifespan,
    )
    app.state.identity = identity
    install_problem_handlers(app, max_body_bytes=settings.max_request_body_bytes)
    app.include_router(auth_routes.router)
    app.include_router(account_routes.router)
    app.include_router(health_router)
    return app
