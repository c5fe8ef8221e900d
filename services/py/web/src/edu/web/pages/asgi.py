"""The zero-argument app factory for uvicorn and ``just dev``:
``uvicorn --factory edu.web.pages.asgi:create_app``."""

from __future__ import annotations

from fastapi import FastAPI

from edu.common.log import configure_logging
from edu.common.settings import load_settings
from edu.web.pages.app import make_app
from edu.web.settings import WebSettings


def create_app() -> FastAPI:
    """Read settings from the environment (``EDU_*``), configure logging, build the app."""
    settings = load_settings(WebSettings)
    configure_logging(
        WebSettings.service_name, level=settings.log_level, fmt=settings.effective_log_format()
    )
    return make_app(settings)
