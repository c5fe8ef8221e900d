"""The zero-argument app factory of the download API alone (no consumer): what
`edu openapi export` builds for contracts/openapi/certificate-generator.json. The process that
serves it for real is ``python -m edu.certificate_generator`` (consumer and API together)."""

from __future__ import annotations

from fastapi import FastAPI

from edu.certificate_generator.bootstrap import bootstrap
from edu.certificate_generator.entrypoints.app import make_app
from edu.certificate_generator.settings import CertificateGeneratorSettings
from edu.common.settings import load_settings


def create_app() -> FastAPI:
    """Read settings from the environment (``EDU_*``), build the API; connects to nothing."""
    settings = load_settings(CertificateGeneratorSettings)
    return make_app(bootstrap(settings), max_body_bytes=settings.max_request_body_bytes)
