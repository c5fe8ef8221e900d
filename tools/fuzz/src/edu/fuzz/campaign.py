"""One fuzzing campaign: a schemathesis run per service plus the cross-service journey, run side
by side against one stack, every request through the api-gateway.

Each service's run fuzzes its part of the gateway's composed document (the paths the gateway
routes to it, with the gateway's own answers documented: edu.fuzz.composed); the journey fuzzes
course's and enrollment's parts together; the gateway's run fuzzes its own document. All of
them send their requests to the gateway, and their users log in through it.

Each run is a request-answer ping-pong between one schemathesis process and the stack, so a
run keeps about one core busy; three at once fill both cores of a CI machine without starving
the services (measured: the layer's wall time roughly halves against running them in turn).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from edu.fuzz.auth_document import write_auth_document
from edu.fuzz.composed import OWN_PATH, fetch_document, part_of
from edu.fuzz.configuration import ServicePlan, schemathesis_config
from edu.fuzz.journey import JOURNEY_SERVICES, journey_document
from edu.fuzz.plans import JOURNEY, JOURNEY_OPERATIONS, service_plan
from edu.fuzz.profiles import Profile
from edu.fuzz.runner import FuzzRun, run_schemathesis
from edu.fuzz.stack import GATEWAY, Stack
from edu.testing.journeys import Account, Course

PARALLEL_RUNS = 3


@dataclass(frozen=True)
class Campaign:
    stack: Stack
    accounts: Mapping[str, Account]
    profile: Profile
    results_dir: Path
    published: Sequence[Course]
    # Verification codes of the fuzzing student's rendered certificates (certificate-generator)
    certificates: Sequence[str] = ()
    # Words of the published courses search has indexed (search's `q`)
    searchable: Sequence[str] = ()
    # Ids of items moderation held from the fuzzing teacher's own course
    held_items: Sequence[str] = ()
    # messaging: the course the fuzzing student takes part in, and its visible question
    # ("course_ids", "question_ids")
    qa: Mapping[str, Sequence[str]] = field(default_factory=dict)
    # video-processor: the fuzzing teacher's course, its lesson and a completed upload of theirs
    # ("course_ids", "lesson_ids", "video_ids")
    videos: Mapping[str, Sequence[str]] = field(default_factory=dict)

    def _config(self, plan: ServicePlan) -> dict[str, object]:
        auth = None
        if plan.users:
            auth = write_auth_document(
                self.results_dir / "auth" / f"{plan.name}.json",
                self.stack.gateway,
                [(user, self.accounts[user]) for user in plan.users],
            )
        return schemathesis_config(self.profile, plan, auth)

    def fuzz_service(self, name: str, composed: Mapping[str, Any]) -> FuzzRun:
        """Every phase over the service's part of the composed document, through the gateway
        (the gateway's own document for the gateway)."""
        plan = service_plan(
            name,
            self.published,
            self.certificates,
            self.searchable,
            self.held_items,
            self.qa,
            self.videos,
        )
        config = self._config(plan)
        gateway = self.stack.gateway
        # The gateway's own document as a document, not its URL: loaded from a URL,
        # schemathesis leaves the operation serving the schema (GET /openapi.json) untested.
        schema = fetch_document(gateway, OWN_PATH) if name == GATEWAY else part_of(composed, [name])
        return run_schemathesis(name, self.results_dir / name, config, schema, gateway)

    def fuzz_journey(self, composed: Mapping[str, Any]) -> FuzzRun:
        """The stateful phase over course's and enrollment's parts, linked, through the gateway."""
        only = [arg for operation in JOURNEY_OPERATIONS for arg in ("--include-name", operation)]
        return run_schemathesis(
            JOURNEY.name,
            self.results_dir / JOURNEY.name,
            self._config(JOURNEY),
            journey_document(composed),
            self.stack.gateway,
            *only,
        )

    def run_all(self, services: Sequence[str], *, journey: bool = True) -> dict[str, FuzzRun]:
        """Every service and the journey (when its services run and ``journey``),
        ``PARALLEL_RUNS`` at a time."""
        composed = fetch_document(self.stack.gateway)
        jobs: dict[str, Callable[[], FuzzRun]] = {}
        if journey and all(name in self.stack.services for name in JOURNEY_SERVICES):
            jobs[JOURNEY.name] = functools.partial(self.fuzz_journey, composed)  # the longest
        for name in services:
            jobs[name] = functools.partial(self.fuzz_service, name, composed)
        with ThreadPoolExecutor(max_workers=PARALLEL_RUNS) as pool:
            futures = {name: pool.submit(job) for name, job in jobs.items()}
            return {name: future.result() for name, future in futures.items()}
