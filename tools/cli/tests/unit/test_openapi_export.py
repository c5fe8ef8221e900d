"""`edu openapi export`: finds the services and writes specs (the child-process build is an
integration test: tools/cli/tests/integration/test_openapi_export_subprocess.py)."""

from pathlib import Path
from typing import Any

import pytest

from edu.cli.openapi_gate.export import (
    ExportError,
    HttpService,
    SubprocessExporter,
    discover,
    write_specs,
)
from edu.cli.workspace import Workspace


def member(root: Path, name: str, service_table: str = "") -> None:
    folder = root / "services" / "py" / name
    folder.mkdir(parents=True)
    (folder / "pyproject.toml").write_text(
        f'[project]\nname = "edu-{name}"\n\n[tool.uv.build-backend]\nmodule-name = "edu.{name}"\n'
        + service_table
    )


class FakeExporter:
    def __init__(self, failing: set[str] | None = None) -> None:
        self.failing = failing or set()

    def export(self, service: HttpService) -> dict[str, Any]:
        if service.name in self.failing:
            raise ExportError(f"{service.name}: broken")
        return {"openapi": "3.1.0", "info": {"title": service.name, "version": "1"}}


class TestDiscovery:
    def test_finds_members_with_a_service_table_only(self, tmp_path: Path) -> None:
        (tmp_path / "pyproject.toml").write_text(
            '[tool.uv.workspace]\nmembers = ["services/py/*"]\n'
        )
        member(tmp_path, "course", '\n[tool.edu.service]\nport = 8002\napp = "edu.course.a:make"\n')
        member(tmp_path, "helper")
        assert discover(Workspace(tmp_path)) == [HttpService("course", "edu.course.a:make")]

    def test_finds_a_worker_that_names_the_app_of_its_http_api(self, tmp_path: Path) -> None:
        (tmp_path / "pyproject.toml").write_text(
            '[tool.uv.workspace]\nmembers = ["services/py/*"]\n'
        )
        api = 'app = "edu.certificate_generator.entrypoints.asgi:create_app"\n'
        member(tmp_path, "certificate-generator", f"\n[tool.edu.worker]\nport = 8006\n{api}")
        member(tmp_path, "email-sender", '\n[tool.edu.worker]\ncommand = ["python"]\n')
        assert discover(Workspace(tmp_path)) == [
            HttpService("certificate-generator", api.split('"')[1])
        ]

    def test_finds_rust_services_by_their_cargo_metadata(self, tmp_path: Path) -> None:
        (tmp_path / "pyproject.toml").write_text("[tool.uv.workspace]\nmembers = []\n")
        for name, table in [
            ("api-gateway", "\n[package.metadata.edu.service]\nport = 8080\n"),
            ("a-library", ""),
        ]:
            crate = tmp_path / "services" / "rs" / name
            crate.mkdir(parents=True)
            (crate / "Cargo.toml").write_text(f'[package]\nname = "{name}"\n{table}')
        assert discover(Workspace(tmp_path)) == [
            HttpService("api-gateway", "", crate="api-gateway")
        ]

    def test_the_check_reads_a_rust_services_committed_document_without_compiling(
        self, tmp_path: Path
    ) -> None:
        service = HttpService("api-gateway", "", crate="api-gateway")
        exporter = SubprocessExporter(tmp_path)
        with pytest.raises(ExportError, match="run `just openapi`"):
            exporter.export(service)
        (tmp_path / "contracts" / "openapi").mkdir(parents=True)
        (tmp_path / service.spec_path).write_text('{"openapi": "3.1.0", "paths": {}}')
        assert exporter.export(service) == {"openapi": "3.1.0", "paths": {}}


class TestWriting:
    def test_writes_each_spec_and_deletes_specs_of_vanished_services(self, tmp_path: Path) -> None:
        specs = tmp_path / "contracts" / "openapi"
        specs.mkdir(parents=True)
        (specs / "legacy.json").write_text("{}\n")
        (specs / "course.breaking.toml").write_text('version = "2"\n')
        written = write_specs(tmp_path, [HttpService("course", "m:f")], FakeExporter())
        assert written == [
            "contracts/openapi/course.json",
            "contracts/openapi/legacy.json (deleted: no such service)",
        ]
        assert sorted(p.name for p in specs.iterdir()) == ["course.breaking.toml", "course.json"]

    def test_writes_the_others_before_reporting_a_broken_app(self, tmp_path: Path) -> None:
        services = [HttpService("course", "m:f"), HttpService("identity", "m:f")]
        with pytest.raises(ExportError, match="identity: broken"):
            write_specs(tmp_path, services, FakeExporter(failing={"identity"}))
        assert (tmp_path / "contracts/openapi/course.json").is_file()
