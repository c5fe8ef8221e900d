"""`edu openapi export` builds each service's app in a real child process (slow: integration)."""

from pathlib import Path

import pytest

from edu.cli.openapi_gate.export import ExportError, HttpService, SubprocessExporter

APP_MODULE = """
import os
from fastapi import FastAPI

def create_app() -> FastAPI:
    if not os.environ["EDU_DATABASE_URL"]:  # settings of real services insist on it
        raise RuntimeError("no database URL")
    app = FastAPI(title="demo", version=os.environ["EDU_ENVIRONMENT"])

    @app.get("/ping")
    def ping() -> dict[str, str]:
        return {"pong": "yes"}

    return app
"""


class TestSubprocessExporter:
    def test_builds_the_app_in_test_mode_with_placeholder_urls(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        (tmp_path / "demo_service_app.py").write_text(APP_MODULE)
        monkeypatch.setenv("PYTHONPATH", str(tmp_path))
        monkeypatch.delenv("EDU_DATABASE_URL", raising=False)
        spec = SubprocessExporter(tmp_path).export(
            HttpService("demo", "demo_service_app:create_app")
        )
        assert spec["info"] == {"title": "demo", "version": "test"}
        assert "/ping" in spec["paths"]

    def test_reports_an_app_that_does_not_build(self, tmp_path: Path) -> None:
        with pytest.raises(ExportError, match="demo: no_such_module:create_app did not build"):
            SubprocessExporter(tmp_path).export(HttpService("demo", "no_such_module:create_app"))
