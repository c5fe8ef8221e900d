"""The zero-argument app factory for uvicorn and ``just dev``:
``uvicorn --factory edu.identity.entrypoints.asgi:create_app``."""

from __future__ import annotations

from fastapi import FastAPI

from edu.common.log import configure_logging
from edu.common.settings import load_settings
from edu.identity.entrypoints.app import make_app
from edu.identity.settings import IdentitySettings


def create_app() -> FastAPI:
    """Read settings from the environment (``EDU_*``), configure logging, build the app."""
    settings = load_settings(IdentitySettings)
    configure_logging(
        IdentitySettings.service_name,
        level=settings.log_level,
        fmt=settings.effective_log_format(),
    )
    return make_app(settings)
