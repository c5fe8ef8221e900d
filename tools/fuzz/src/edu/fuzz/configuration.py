"""The schemathesis configuration of one service's fuzzing: every check, the profile's budget,
the users, and the few exclusions, each carrying the reason it is there.

Built as the dict a ``schemathesis.toml`` would parse to, so anyone who knows schemathesis can
read it (and ``uv run st run`` with the same options reproduces a run by hand).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from edu.fuzz.profiles import Profile

ALL_CHECKS = (
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_schema_conformance",
    "response_headers_conformance",
    "positive_data_acceptance",
    "negative_data_rejection",
    "use_after_free",
    "ensure_resource_availability",
    "missing_required_header",
    "ignored_auth",
    "object_level_authorization",
    "unsupported_method",
    "allow_header_conformance",
    "max_response_time",
)
# A hang detector, not a performance test: far above any answer on a loaded 2-core machine.
MAX_RESPONSE_SECONDS = 10.0


# schemathesis 4.32's defaults for the checks that take expected statuses; a tolerance adds to them.
EXPECTED_BY_DEFAULT = {
    "positive_data_acceptance": ("2xx", "3xx", "401", "403", "404", "409", "429", "5xx"),
    "negative_data_rejection": (
        "400",
        "401",
        "403",
        "404",
        "405",
        "406",
        "409",
        "415",
        "422",
        "428",
        "429",
        "5xx",
    ),
}


class InvalidExclusion(ValueError):
    """An exclusion names an unknown check or gives no reason."""


@dataclass(frozen=True)
class Exclusion:
    """One check relaxed for one operation (``"POST /auth/signup"``), and why.

    Without ``also_expected`` the check is off for the operation; with it, the check stays on
    and also accepts those statuses.
    """

    operation: str
    check: str
    reason: str
    also_expected: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.check not in ALL_CHECKS:
            raise InvalidExclusion(f"{self.operation}: no check named {self.check!r}")
        if self.also_expected and self.check not in EXPECTED_BY_DEFAULT:
            raise InvalidExclusion(f"{self.operation}: {self.check} takes no expected statuses")
        if len(self.reason.split()) < 5:
            raise InvalidExclusion(
                f"{self.operation}: relaxing {self.check} needs a written reason, "
                f"not {self.reason!r}"
            )

    def as_operation_config(self) -> dict[str, Any]:
        if self.also_expected:
            statuses = [*EXPECTED_BY_DEFAULT[self.check], *self.also_expected]
            setting: dict[str, Any] = {"expected-statuses": statuses}
        else:
            setting = {"enabled": False}
        return {"include-name": self.operation, "checks": {self.check: setting}}


@dataclass(frozen=True)
class ServicePlan:
    """What fuzzing one service needs beyond its OpenAPI."""

    name: str
    # Auth document entries, in the order schemathesis tries them; none: no auth document.
    users: tuple[str, ...]
    exclusions: tuple[Exclusion, ...] = ()
    # Values from other services (seeded ids): dictionary name -> values, and which
    # parameters draw from which dictionary ("body.course_id" -> "published_courses").
    dictionaries: Mapping[str, Sequence[str]] = field(default_factory=dict)
    parameters: Mapping[str, str] = field(default_factory=dict)
    stateful_only: bool = False  # the journey: sequences over links, nothing else
    stateful_weight: int = 1  # times the profile's sequences and steps (a long chain needs more)


def schemathesis_config(
    profile: Profile, plan: ServicePlan, auth_document: Path | None
) -> dict[str, Any]:
    """The configuration (schemathesis.toml as a dict) for fuzzing ``plan``'s service (with
    ``auth_document``'s users when it has any: the gateway's own endpoints need none)."""
    config: dict[str, Any] = {
        "seed": profile.seed,
        "generation": {
            "mode": "all",
            "max-examples": profile.max_examples,
            "deterministic": profile.deterministic,
            # No example database: a pr run must not depend on what earlier runs found.
            "database": "none",
        },
        "checks": {"enabled": True, "max_response_time": MAX_RESPONSE_SECONDS},
        "phases": {
            "stateful": {
                "max-steps": profile.stateful_steps * plan.stateful_weight,
                "generation": {
                    "max-examples": profile.stateful_examples * plan.stateful_weight,
                    # A journey walks the happy path; the services' own runs send bad data.
                    "mode": "positive" if plan.stateful_only else "all",
                },
                # Declared links only in pr, so its sequences prove the links; nightly also
                # infers dependencies to wander further.
                "inference": {
                    "algorithms": [] if profile.deterministic else ["dependency-analysis"]
                },
            },
        },
        "operations": [e.as_operation_config() for e in plan.exclusions],
    }
    if auth_document is not None:
        config["auth"] = {"wfc": {"path": str(auth_document), "peers": list(plan.users)}}
    if plan.stateful_only:
        for phase in ("examples", "coverage", "fuzzing"):
            config["phases"][phase] = {"enabled": False}
    if plan.dictionaries:
        config["dictionaries"] = {
            name: {"values": list(values)} for name, values in plan.dictionaries.items()
        }
        config["parameters"] = {
            parameter: {"dictionary": name, "probability": 0.5}
            for parameter, name in plan.parameters.items()
        }
    return config
