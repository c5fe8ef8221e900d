"""Every service's OpenAPI fuzzed through the api-gateway on the running stack, every operation:
examples, coverage (boundaries, wrong types, missing fields, unsupported methods), fuzzing and
stateful sequences over the declared links, positive and negative data, every check — each
service over its part of the gateway's composed document (its own answers and the gateway's),
the gateway over its own document. And the learning journey across course and enrollment.
A failure leaves REPRODUCE.md in its run's results folder."""

from __future__ import annotations

from pathlib import Path

import pytest

from edu.cli.dev import workspace_members
from edu.fuzz.profiles import Profile
from edu.fuzz.reproduction import failures_of, write_reproduction
from edu.fuzz.runner import FuzzRun
from edu.fuzz.stack import GATEWAY, Stack, fuzzed_services, fuzzed_workers
from edu.fuzz.visits import answered
from edu.infra.dev_services import declared_services, rust_service_crates
from edu.infra.dev_workers import declared_workers

ROOT = Path(__file__).parents[4]
# The Python services and the Rust ones (the gateway fuzzes its own document).
DECLARED = declared_services(ROOT, [*workspace_members(ROOT), *rust_service_crates(ROOT)])
# And the workers with an HTTP API of their own (certificate-generator), routed by the gateway.
SERVICES = [s.name for s in fuzzed_services(DECLARED)] + [
    w.name for w in fuzzed_workers(declared_workers(workspace_members(ROOT)))
]


def verdict(run: FuzzRun, stack: Stack, profile: Profile, services: list[str]) -> None:
    if run.passed:
        return
    logs = {name: stack.log_text(name) for name in dict.fromkeys([GATEWAY, *services])}
    written = write_reproduction(run, profile, logs)
    pytest.fail(f"{failures_of(run.output)}\n\nReproduction: {written}", pytrace=False)


@pytest.mark.parametrize("service", SERVICES)
def test_the_api_holds_its_contract_under_fuzzing(
    service: str, fuzz_runs: dict[str, FuzzRun], stack: Stack, profile: Profile
) -> None:
    verdict(fuzz_runs[service], stack, profile, [service])


def test_the_learning_journey_holds_across_services(
    fuzz_runs: dict[str, FuzzRun], stack: Stack, profile: Profile
) -> None:
    run = fuzz_runs["journey"]
    verdict(run, stack, profile, ["course", "enrollment"])
    # The sequences walked the whole chain, not only its first steps.
    assert answered(run, "GET", "/certificates/", 200), (
        "no sequence reached a verified certificate (create course, add lesson, publish, "
        f"enrol, complete, verify); see {run.folder / 'output.txt'}"
    )
