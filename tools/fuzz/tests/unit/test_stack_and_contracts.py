"""The stack the fuzzer starts, and the links the services declare."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from edu.fuzz.plans import service_plan
from edu.fuzz.stack import (
    FUZZ_ENVIRONMENT,
    GATEWAY,
    NOT_FUZZED,
    Stack,
    fuzzed_services,
    fuzzed_workers,
)
from edu.infra.dev_services import declared_services, rust_service_crates
from edu.infra.dev_workers import declared_workers

ROOT = Path(__file__).parents[4]
CONTRACTS = sorted((ROOT / "contracts" / "openapi").glob("*.json"))
MEMBERS = [
    *sorted(p.parent for p in ROOT.glob("services/py/*/pyproject.toml")),
    *rust_service_crates(ROOT),
]
WORKERS = sorted(p.parent for p in ROOT.glob("workers/py/*/pyproject.toml"))


class TestWhatIsFuzzed:
    def test_every_declared_service_is_fuzzed_or_excluded_with_a_reason(self) -> None:
        names = {s.name for s in declared_services(ROOT, MEMBERS)}
        assert {"identity", "course", "enrollment", "notifications", GATEWAY} <= names
        assert set(NOT_FUZZED) <= names
        assert all(len(reason.split()) >= 5 for reason in NOT_FUZZED.values())
        fuzzed = {s.name for s in fuzzed_services(declared_services(ROOT, MEMBERS))}
        assert fuzzed == names - set(NOT_FUZZED)

    def test_every_worker_with_an_http_api_is_fuzzed_with_a_plan(self) -> None:
        workers = fuzzed_workers(declared_workers(WORKERS))
        assert "certificate-generator" in {w.name for w in workers}
        for worker in workers:
            assert service_plan(worker.name).name == worker.name

    def test_a_rendered_certificate_seeds_half_the_codes_of_the_download(self) -> None:
        code = "Zx9-Q1w2E3r4T5y6U7i8aB"
        plan = service_plan("certificate-generator", certificates=[code])
        assert plan.dictionaries == {"rendered_certificates": [code]}
        assert plan.parameters == {"path.code": "rendered_certificates"}
        assert not service_plan("certificate-generator").dictionaries

    def test_search_and_moderation_are_fuzzed_through_the_gateway(self) -> None:
        fuzzed = {s.name for s in fuzzed_services(declared_services(ROOT, MEMBERS))}
        assert {"search", "moderation"} <= fuzzed

    def test_teacher_tools_is_fuzzed_by_teachers_through_the_gateway(self) -> None:
        fuzzed = {s.name for s in fuzzed_services(declared_services(ROOT, MEMBERS))}
        assert "teacher-tools" in fuzzed
        assert service_plan("teacher-tools").users == ("teacher", "teacher-peer")

    def test_search_is_fuzzed_as_a_visitor_with_seeded_words(self) -> None:
        plan = service_plan("search", searchable=["Fuzzing", "seed"])
        assert plan.users == ()
        assert plan.dictionaries == {"searchable_words": ["Fuzzing", "seed"]}
        assert plan.parameters == {"query.q": "searchable_words"}
        assert not service_plan("search").dictionaries

    def test_moderation_is_fuzzed_by_teachers_with_a_held_item(self) -> None:
        item = "6f1c0d8e-6a4b-4c55-9a57-0e3c2d1b2a10"
        plan = service_plan("moderation", held_items=[item])
        assert plan.users == ("teacher", "teacher-peer")
        assert plan.dictionaries == {"held_items": [item]}
        assert plan.parameters == {"path.item_id": "held_items"}
        assert not service_plan("moderation").dictionaries

    def test_every_fuzzed_service_has_a_plan(self) -> None:
        for service in fuzzed_services(declared_services(ROOT, MEMBERS)):
            assert service_plan(service.name).name == service.name

    def test_every_fuzzed_python_service_has_migrations(self) -> None:
        fuzzed = [s for s in fuzzed_services(declared_services(ROOT, MEMBERS)) if not s.is_rust]
        assert fuzzed
        assert all(s.migrations is not None and (s.migrations / "env.py").is_file() for s in fuzzed)

    def test_the_runs_share_one_client_address_so_the_log_in_throttle_is_lifted(self) -> None:
        assert int(FUZZ_ENVIRONMENT["EDU_LOGIN_FAILURE_LIMIT"]) > 10_000

    def test_the_gateways_per_user_limit_is_lifted_for_users_shared_by_the_runs(self) -> None:
        assert int(FUZZ_ENVIRONMENT["EDU_RATE_PER_USER_PER_MINUTE"]) > 100_000


class TestStack:
    def test_names_urls_and_logs_of_the_running_services(self, tmp_path: Path) -> None:
        log = tmp_path / "course.log"
        log.write_text("started\n")
        stack = Stack(
            {"course": "http://127.0.0.1:1", GATEWAY: "http://127.0.0.1:2"}, {"course": log}.get
        )
        assert stack.services == ["course", GATEWAY]
        assert stack.url("course") == "http://127.0.0.1:1"
        assert stack.gateway == "http://127.0.0.1:2"
        assert stack.log_text("course") == "started\n"
        assert Stack({"x": "u"}, lambda name: None).log_text("x") == ""


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
