"""Liveness is the same route on every service."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.testclient import TestClient

from edu.common.health import health_router


def test_health_answers_ok_while_the_process_serves() -> None:
    app = FastAPI()
    app.include_router(health_router)
    with TestClient(app) as client:
        answer = client.get("/health")
    assert (answer.status_code, answer.json()) == (200, {"status": "ok"})
    assert app.openapi()["paths"]["/health"]["get"]["summary"] == "Liveness"
