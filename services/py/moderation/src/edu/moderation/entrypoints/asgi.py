"""The ASGI entry point for servers: ``uvicorn --factory edu.moderation.entrypoints.asgi:create_app``."""

from __future__ import annotations

from fastapi import FastAPI

from edu.common.log import configure_logging
from edu.common.settings import load_settings
from edu.moderation.entrypoints.app import make_app
from edu.moderation.settings import ModerationSettings


def create_app() -> FastAPI:
    """Read the settings from the environment and build the app (the process's one call)."""
    settings = load_settings(ModerationSettings)
    configure_logging("moderation", level=settings.log_level, fmt=settings.effective_log_format())
    return make_app(settings)
