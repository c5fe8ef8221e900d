"""Liveness, the same on every HTTP service: ``GET /health`` answers while the process can serve
requests (include ``health_router`` in the app). It checks no dependency on purpose: a
restarting database must not get a healthy process killed."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter
from pydantic import BaseModel


class Health(BaseModel):
    status: Literal["ok"] = "ok"


health_router = APIRouter()


@health_router.get("/health", summary="Liveness", response_model=Health, tags=["health"])
async def health() -> Health:
    """Answers while the process can serve requests."""
    return Health()
