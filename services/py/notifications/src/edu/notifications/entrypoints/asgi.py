"""The zero-argument app factory for uvicorn and ``just dev``:
``uvicorn --factory edu.notifications.entrypoints.asgi:create_app``."""

from __future__ import annotations

from fastapi import FastAPI

from edu.common.log import configure_logging
from edu.common.settings import load_settings
from edu.notifications.entrypoints.app import make_app
from edu.notifications.settings import NotificationsSettings


def create_app() -> FastAPI:
    """Read settings from the environment (``EDU_*``), configure logging, build the app."""
    settings = load_settings(NotificationsSettings)
    configure_logging(
        NotificationsSettings.service_name,
        level=settings.log_level,
        fmt=settings.effective_log_format(),
    )
    return make_app(settings)
