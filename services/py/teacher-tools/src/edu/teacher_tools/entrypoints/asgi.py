"""The ASGI entry point for servers: ``uvicorn --factory edu.teacher_tools.entrypoints.asgi:create_app``."""

from __future__ import annotations

from fastapi import FastAPI

from edu.common.log import configure_logging
from edu.common.settings import load_settings
from edu.teacher_tools.entrypoints.app import make_app
from edu.teacher_tools.settings import TeacherToolsSettings


def create_app() -> FastAPI:
    """Read the settings from the environment and build the app (the process's one call)."""
    settings = load_settings(TeacherToolsSettings)
    configure_logging(
        "teacher-tools", level=settings.log_level, fmt=settings.effective_log_format()
    )
    return make_app(settings)
