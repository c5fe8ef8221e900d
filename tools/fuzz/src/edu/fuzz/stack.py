"""The stack the fuzzer runs against: the platform started the one way every suite starts it
(``start_isolated_stack``: its own embedded PostgreSQL, NATS and Redis, each service's database
made from its migrations, every process on a free port), with only the services it fuzzes and
the api-gateway in front of them: every fuzzing request goes through the gateway.

The gateway checks tokens against identity's JWKS and limits rates in Redis; course, enrollment
and notifications verify tokens with identity's JWKS over HTTP too; enrollment asks course over
gRPC (ADR 0004); events travel over NATS — wired as `just dev` wires them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

from edu.infra.dev_services import DeclaredService
from edu.infra.dev_workers import DeclaredWorker

# Declared services the fuzzer leaves out, each with the reason. A new declared service is
# fuzzed unless it is listed here (tests/unit check that every declared one is accounted for).
NOT_FUZZED: dict[str, str] = {
    # Its /openapi.json is FastAPI's default listing of HTML pages and CSRF-protected form posts
    # (redirects and forms undocumented), not a contract any client codes against; fuzzing it
    # would test the listing. Every call web makes goes to the service APIs fuzzed here.
    "web": "server-rendered HTML pages and form posts; no designed OpenAPI surface to fuzz",
    # A stand-in for a third-party payment provider (payment-engine's companion binary): not
    # the platform's API. What it sends the engine (signed webhooks) is fuzzed through the
    # engine's own POST /provider/webhooks.
    "payment-provider-sandbox": "a test double of the payment provider, not a platform API",
}

# The front door every fuzzing request goes through (services/rs/api-gateway, ADR 0016).
GATEWAY = "api-gateway"

# Settings for every process of the fuzzed stack.
FUZZ_ENVIRONMENT: dict[str, str] = {
    # Every client of this stack is 127.0.0.1, the fuzzers' own log-ins included: identity's
    # fuzzing sends hundreds of wrong passwords (nightly), and after 100 the per-address throttle
    # would refuse every other run's log-in (429). identity's integration tests cover the
    # throttle (the 101st failure); here it must not couple the runs.
    "EDU_LOGIN_FAILURE_LIMIT": "1000000",
    # The gateway's per-user limit (600 a minute): four users serve every run, three runs at a
    # time, each sending far more than 10 requests a second as one of them, so the limit would
    # answer most of a run 429 (documented, so no check fails) and the sequences would stop
    # reaching the services. The gateway's rust-integration tests prove the limit (1,000
    # requests from one user: the excess 429, none reaching the upstream).
    "EDU_RATE_PER_USER_PER_MINUTE": "1000000",
    # (Sign-ups and the gateway's per-address limits are lifted for every test stack:
    # TEST_STACK_ENV.)
}


def fuzzed_services(declared: Iterable[DeclaredService]) -> list[DeclaredService]:
    return [s for s in declared if s.name not in NOT_FUZZED]


def fuzzed_workers(declared: Iterable[DeclaredWorker]) -> list[DeclaredWorker]:
    """Workers with an HTTP API of their own (certificate-generator's downloads, ADR 0024):
    routed by the gateway, so fuzzed through it like a service (and the gateway's composed
    document needs them running)."""
    return [w for w in declared if w.port is not None and w.name not in NOT_FUZZED]


class Stack:
    """The running services the campaign drives: their URLs and their logs, by name; the
    gateway's URL is where every request goes."""

    def __init__(self, urls: Mapping[str, str], log_path: Callable[[str], Path | None]) -> None:
        self._urls = dict(urls)
        self._log_path = log_path

    @property
    def services(self) -> list[str]:
        return list(self._urls)

    def url(self, name: str) -> str:
        return self._urls[name]

    @property
    def gateway(self) -> str:
        return self._urls[GATEWAY]

    def log_text(self, name: str) -> str:
        """The service's log so far ("" when it has none yet)."""
        path = self._log_path(name)
        try:
            return path.read_text(errors="replace") if path else ""
        except OSError:
            return ""
