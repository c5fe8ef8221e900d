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

    [judged_by.smoke]                # which percentile objectives a profile judges (a profile
    p95_ms = ["GET /courses"]        # not listed judges them all); "*" is every endpoint
    [judged_by.soak]
    p95_ms = ["*"]
    p99_ms = ["*"]

An endpoint listed here that the run never called is a breach too: an SLO nobody exercised
proves nothing, and a scenario that silently stopped calling it must not pass. A percentile is
judged on its confidence bound (edu.common.percentiles): too few samples is reported as such,
and only a breach the data prove fails the run. Failure ratios are judged in every profile.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from pathlib import Path
from typing import Any

FIELDS = ("p95_ms", "p99_ms", "max_failure_ratio")
# Each percentile objective and the quantile it bounds.
PERCENTILES = {"p95_ms": 0.95, "p99_ms": 0.99}
EVERY_ENDPOINT = "*"


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
    # profile -> percentile field -> the endpoints whose objective that profile judges
    judged_by: dict[str, dict[str, frozenset[str]]] = dataclass_field(default_factory=dict)

    def for_endpoint(self, name: str) -> EndpointSlo:
        return self.endpoints.get(name, self.defaults)

    def judges(self, profile: str, endpoint: str, percentile: str) -> bool:
        """Does ``profile`` judge ``endpoint``'s ``percentile`` objective? A profile without a
        [judged_by] table judges every one."""
        if profile not in self.judged_by:
            return True
        chosen = self.judged_by[profile].get(percentile, frozenset())
        return EVERY_ENDPOINT in chosen or endpoint in chosen

    def judges_elsewhere(self, profile: str, endpoint: str, percentile: str) -> tuple[str, ...]:
        """The other profiles that judge it (named in the table where this one does not)."""
        return tuple(
            other
            for other in sorted(self.judged_by)
            if other != profile and self.judges(other, endpoint, percentile)
        )

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
        judged_by=_judged_by(path, data.get("judged_by", {})),
    )


def _judged_by(path: Path, raw: Any) -> dict[str, dict[str, frozenset[str]]]:
    where = f"{path}: [judged_by]"
    if not isinstance(raw, dict):
        raise SloFileError(f"{where} maps profiles to tables of percentile -> endpoints")
    result: dict[str, dict[str, frozenset[str]]] = {}
    for profile, table in raw.items():
        if not isinstance(table, dict):
            raise SloFileError(f"{where}.{profile} must be a table of percentile -> endpoints")
        unknown = set(table) - set(PERCENTILES)
        if unknown:
            known = tuple(PERCENTILES)
            raise SloFileError(f"{where}.{profile}: unknown {sorted(unknown)}; known: {known}")
        for field_name, names in table.items():
            if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
                raise SloFileError(f"{where}.{profile}.{field_name} must list endpoint names")
        result[profile] = {name: frozenset(endpoints) for name, endpoints in table.items()}
    return result


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
