"""The zero-argument app factory for uvicorn and ``just dev``:
``uvicorn --factory edu.analytics_api.entrypoints.asgi:create_app``."""

from __future__ import annotations

from fastapi import FastAPI

from edu.analytics_api.entrypoints.app import make_app
from edu.analytics_api.settings import AnalyticsApiSettings
from edu.common.log import configure_logging
from edu.common.settings import load_settings


def create_app() -> FastAPI:
    """Read settings from the environment (``EDU_*``), configure logging, build the app."""
    settings = load_settings(AnalyticsApiSettings)
    configure_logging(
        AnalyticsApiSettings.service_name,
        level=settings.log_level,
        fmt=settings.effective_log_format(),
    )
    return make_app(settings)
