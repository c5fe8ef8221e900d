"""The stack the fuzzer starts, and the links the services declare."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from edu.fuzz.stack import NOT_FUZZED, Backends, Ports, declared_services, service_environment

ROOT = Path(__file__).parents[4]
CONTRACTS = sorted((ROOT / "contracts" / "openapi").glob("*.json"))


class TestWhatIsFuzzed:
    def test_every_declared_service_is_fuzzed_or_excluded_with_a_reason(self) -> None:
        names = {s.name for s in declared_services(ROOT)}
        assert {"identity", "course", "enrollment", "notifications"} <= names
        assert set(NOT_FUZZED) <= names
        assert all(len(reason.split()) >= 5 for reason in NOT_FUZZED.values())

    def test_every_fuzzed_service_has_migrations(self) -> None:
        fuzzed = [s for s in declared_services(ROOT) if s.name not in NOT_FUZZED]
        assert all(s.migrations is not None and (s.migrations / "env.py").is_file() for s in fuzzed)


class TestServiceEnvironment:
    def test_each_service_gets_its_database_and_its_peers(self) -> None:
        backends = Backends(lambda db: f"pg/{db}", "nats://n", "redis://r", "fuzzab:")
        ports = Ports(http={"identity": 1, "course": 2}, grpc={"identity": 3, "course": 4})
        env = service_environment(
            "course", {"PATH": "/bin", "EDU_DATABASE_URL": "dev"}, "pg/c", backends, ports
        )
        assert env["EDU_DATABASE_URL"] == "pg/c"
        assert env["EDU_JWKS_URL"] == "http://127.0.0.1:1/.well-known/jwks.json"
        assert env["EDU_COURSE_GRPC_TARGET"] == "127.0.0.1:4"
        assert env["EDU_GRPC_PORT"] == "4"
        assert env["EDU_ENVIRONMENT"] == "test"
        assert int(env["EDU_LOGIN_FAILURE_LIMIT"]) > 10_000  # runs share one client address
        assert env["PATH"] == "/bin"


def _links(document: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    return [
        (f"{method.upper()} {path} -> {name}", found)
        for path, item in document["paths"].items()
        for method, operation in item.items()
        if isinstance(operation, dict)
        for response in operation.get("responses", {}).values()
        for name, found in response.get("links", {}).items()
    ]


@pytest.mark.parametrize("contract", CONTRACTS, ids=[c.stem for c in CONTRACTS])
def test_every_declared_link_reaches_an_operation_and_its_parameters(contract: Path) -> None:
    document = json.loads(contract.read_text())
    for where, found in _links(document):
        pointer = found["operationRef"].removeprefix("#/paths/").rsplit("/", 1)
        path = pointer[0].replace("~1", "/").replace("~0", "~")
        target = document["paths"].get(path, {}).get(pointer[1])
        assert target is not None, f"{where}: no operation {found['operationRef']}"
        names = {p["name"] for p in target.get("parameters", [])}
        assert set(found.get("parameters", {})) <= names, f"{where}: unknown parameter"
