"""The stack the fuzzer runs against: the platform started the one way every suite starts it
(``start_isolated_stack``: its own embedded PostgreSQL, NATS and Redis, each service's database
made from its migrations, every process on a free port), with only the services it fuzzes.

Course, enrollment and notifications verify tokens with identity's JWKS over HTTP; enrollment
asks course over gRPC (ADR 0004); events travel over NATS — wired as `just dev` wires them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

from edu.infra.dev_services import DeclaredService

# Declared services the fuzzer leaves out, each with the reason. A new declared service is
# fuzzed unless it is listed here (tests/unit check that every declared one is accounted for).
NOT_FUZZED: dict[str, str] = {
    # Its /openapi.json is FastAPI's default listing of HTML pages and CSRF-protected form posts
    # (redirects and forms undocumented), not a contract any client codes against; fuzzing it
    # would test the listing. Every call web makes goes to the service APIs fuzzed here.
    "web": "server-rendered HTML pages and form posts; no designed OpenAPI surface to fuzz",
}

# Settings for every process of the fuzzed stack. Every client of this stack is 127.0.0.1, the
# fuzzers' own log-ins included: identity's fuzzing sends hundreds of wrong passwords (nightly),
# and after 100 the per-address throttle would refuse every other run's log-in (429).
# identity's integration tests cover the throttle (the 101st failure); here it must not couple
# the runs.
# (Sign-ups, limited per address too, are lifted for every test stack: TEST_STACK_ENV.)
FUZZ_ENVIRONMENT: dict[str, str] = {"EDU_LOGIN_FAILURE_LIMIT": "1000000"}


def fuzzed_services(declared: Iterable[DeclaredService]) -> list[DeclaredService]:
    return [s for s in declared if s.name not in NOT_FUZZED]


class Stack:
    """The running services the campaign drives: their URLs and their logs, by name."""

    def __init__(self, urls: Mapping[str, str], log_path: Callable[[str], Path | None]) -> None:
        self._urls = dict(urls)
        self._log_path = log_path

    @property
    def services(self) -> list[str]:
        return list(self._urls)

    def url(self, name: str) -> str:
        return self._urls[name]

    def log_text(self, name: str) -> str:
        """The service's log so far ("" when it has none yet)."""
        path = self._log_path(name)
        try:
            return path.read_text(errors="replace") if path else ""
        except OSError:
            return ""
