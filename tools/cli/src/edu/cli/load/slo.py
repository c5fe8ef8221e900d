"""Service-level objectives as data (load/slo.toml): per endpoint, and a throughput floor.

    [defaults]                       # for every endpoint not listed below
    p95_ms = 250
    p99_ms = 600
    max_failure_ratio = 0.0

    [endpoints."GET /courses"]       # "<METHOD> <request name>", as the scenarios name them
    p95_ms = 50
    p99_ms = 120

    [throughput]                     # aggregated requests/s a profile's run must reach
    smoke = 40

    [knee]                           # the step profile's criteria: p95 limits (ms) per endpoint
    "POST /enrollments" = 100

An endpoint listed here that the run never called is a breach too: an SLO nobody exercised
proves nothing, and a scenario that silently stopped calling it must not pass.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

FIELDS = ("p95_ms", "p99_ms", "max_failure_ratio")


class SloFileError(ValueError):
    """The SLO file is malformed; the message says where."""


@dataclass(frozen=True)
class EndpointSlo:
    p95_ms: float
    p99_ms: float
    max_failure_ratio: float


@dataclass(frozen=True)
class SloBook:
    defaults: EndpointSlo
    endpoints: dict[str, EndpointSlo]
    throughput: dict[str, float]
    knee: dict[str, float]

    def for_endpoint(self, name: str) -> EndpointSlo:
        return self.endpoints.get(name, self.defaults)

    def min_rps(self, profile: str) -> float | None:
        return self.throughput.get(profile)


def load_slos(path: Path) -> SloBook:
    try:
        data = tomllib.loads(path.read_text())
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise SloFileError(f"{path}: {exc}") from None
    defaults = _slo(path, "defaults", data.get("defaults"), None)
    endpoints = data.get("endpoints", {})
    if not isinstance(endpoints, dict):
        raise SloFileError(f"{path}: [endpoints] must be a table of tables")
    return SloBook(
        defaults=defaults,
        endpoints={name: _slo(path, name, raw, defaults) for name, raw in endpoints.items()},
        throughput=_numbers(path, "throughput", data.get("throughput", {})),
        knee=_numbers(path, "knee", data.get("knee", {})),
    )


def _numbers(path: Path, table: str, raw: Any) -> dict[str, float]:
    if not isinstance(raw, dict) or not all(
        isinstance(v, int | float) and not isinstance(v, bool) and v >= 0 for v in raw.values()
    ):
        raise SloFileError(f"{path}: [{table}] maps names to numbers >= 0")
    return {name: float(value) for name, value in raw.items()}


def _slo(path: Path, name: str, raw: Any, defaults: EndpointSlo | None) -> EndpointSlo:
    where = f"{path}: {name!r}"
    if not isinstance(raw, dict):
        raise SloFileError(f"{where} must be a table with {', '.join(FIELDS)}")
    unknown = set(raw) - set(FIELDS)
    if unknown:
        raise SloFileError(f"{where}: unknown field(s) {sorted(unknown)}; known: {FIELDS}")
    values: dict[str, float] = {}
    for field in FIELDS:
        value = raw.get(field, getattr(defaults, field) if defaults else None)
        if not isinstance(value, int | float) or isinstance(value, bool) or value < 0:
            raise SloFileError(f"{where}: {field} must be a number >= 0")
        values[field] = float(value)
    if values["max_failure_ratio"] > 1:
        raise SloFileError(f"{where}: max_failure_ratio is a fraction between 0 and 1")
    return EndpointSlo(**values)
