"""One fuzzing campaign: a schemathesis run per service plus the cross-service journey, run side
by side against one stack.

Each run is a request-answer ping-pong between one schemathesis process and one service, so a
run keeps about one core busy; three at once fill both cores of a CI machine without starving
the services (measured: the layer's wall time roughly halves against running them in turn).
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import httpx

from edu.fuzz.auth_document import write_auth_document
from edu.fuzz.configuration import ServicePlan, schemathesis_config
from edu.fuzz.document_server import serving_document
from edu.fuzz.journey import journey_document
from edu.fuzz.plans import JOURNEY, JOURNEY_OPERATIONS, service_plan
from edu.fuzz.profiles import Profile
from edu.fuzz.runner import FuzzRun, run_schemathesis
from edu.fuzz.stack import Stack
from edu.testing.journeys import Account, Course

PARALLEL_RUNS = 3
JOURNEY_SERVICES = ("course", "enrollment")


@dataclass(frozen=True)
class Campaign:
    stack: Stack
    accounts: Mapping[str, Account]
    profile: Profile
    results_dir: Path
    published: Sequence[Course]

    def _config(self, plan: ServicePlan) -> dict[str, object]:
        auth = write_auth_document(
            self.results_dir / "auth" / f"{plan.name}.json",
            self.stack.url("identity"),
            [(user, self.accounts[user]) for user in plan.users],
        )
        return schemathesis_config(self.profile, plan, auth)

    def fuzz_service(self, name: str) -> FuzzRun:
        """Every phase over the OpenAPI document the service serves."""
        config = self._config(service_plan(name, self.published))
        location = f"{self.stack.url(name)}/openapi.json"
        return run_schemathesis(name, self.results_dir / name, config, location)

    def fuzz_journey(self) -> FuzzRun:
        """The stateful phase over course and enrollment merged into one document."""
        documents = {
            name: httpx.get(f"{self.stack.url(name)}/openapi.json", timeout=10).json()
            for name in JOURNEY_SERVICES
        }
        merged = journey_document(documents, {n: self.stack.url(n) for n in JOURNEY_SERVICES})
        folder = self.results_dir / JOURNEY.name
        only = [arg for operation in JOURNEY_OPERATIONS for arg in ("--include-name", operation)]
        with serving_document(merged) as location:
            run = run_schemathesis(JOURNEY.name, folder, self._config(JOURNEY), location, *only)
        (folder / "openapi.json").write_text(json.dumps(merged, indent=1))
        return run

    def run_all(self, services: Sequence[str], *, journey: bool = True) -> dict[str, FuzzRun]:
        """Every service and the journey (when its services run and ``journey``),
        ``PARALLEL_RUNS`` at a time."""
        jobs: dict[str, Callable[[], FuzzRun]] = {}
        if journey and all(name in self.stack.services for name in JOURNEY_SERVICES):
            jobs[JOURNEY.name] = self.fuzz_journey  # the longest: start it first
        for name in services:
            jobs[name] = functools.partial(self.fuzz_service, name)
        with ThreadPoolExecutor(max_workers=PARALLEL_RUNS) as pool:
            futures = {name: pool.submit(job) for name, job in jobs.items()}
            return {name: future.result() for name, future in futures.items()}
