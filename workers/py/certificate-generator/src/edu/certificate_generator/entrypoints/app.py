"""The worker's small read API: ``make_app(container)`` (the process's consumer shares it)."""

from __future__ import annotations

from fastapi import FastAPI

from edu.certificate_generator.bootstrap import CertificateGeneratorContainer
from edu.certificate_generator.entrypoints import document_routes
from edu.common.health import health_router
from edu.common.http_problems import install_problem_handlers


def make_app(container: CertificateGeneratorContainer, *, max_body_bytes: int) -> FastAPI:
    """The download API over ``container``; closing the container is the caller's."""
    app = FastAPI(
        title="eduplatform certificate-generator",
        version="0.1.0",
        summary="Certificates of completion as PDF, for the student they were issued to.",
    )
    app.state.certificates = container
    install_problem_handlers(app, max_body_bytes=max_body_bytes)
    app.include_router(document_routes.router)
    app.include_router(health_router)
    return app
