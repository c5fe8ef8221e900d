"""The proxy's fault model: the toxics in force, how they are validated, and its counters."""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, fields, replace
from typing import Any, Final, Literal

LOOPBACK: Final = "127.0.0.1"
Direction = Literal["upstream", "downstream", "both"]
DIRECTIONS: Final[tuple[Direction, ...]] = ("upstream", "downstream", "both")
Way = Literal["upstream", "downstream"]


class ToxicsError(ValueError):
    """Toxics a person asked for that make no sense; the message says why."""


def _number(key: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ToxicsError(f"{key} must be a number, got {json.dumps(value)}")
    return float(value)


@dataclass(frozen=True)
class Toxics:
    """The faults in force. All zero (the default) is a plain pass-through."""

    latency_ms: float = 0.0
    jitter_ms: float = 0.0
    loss: float = 0.0
    rto_ms: float = 200.0
    reset: float = 0.0
    direction: Direction = "both"

    def __post_init__(self) -> None:
        for key in ("latency_ms", "jitter_ms", "rto_ms", "loss", "reset"):
            value = _number(key, getattr(self, key))
            if not math.isfinite(value):
                raise ToxicsError(f"{key} must be a finite number, got {value}")
            if key.endswith("_ms") and value < 0:
                raise ToxicsError(
                    f"{key} is a duration in milliseconds and cannot be negative, got {value:g}"
                )
            if not key.endswith("_ms") and not 0 <= value <= 1:
                raise ToxicsError(f"{key} is a probability between 0 and 1, got {value:g}")
        if self.direction not in DIRECTIONS:
            raise ToxicsError(
                f"direction must be one of {', '.join(DIRECTIONS)}, got {json.dumps(self.direction)}"
            )

    @property
    def active(self) -> bool:
        return bool(self.latency_ms or self.jitter_ms or self.loss or self.reset)

    def affects(self, way: Way) -> bool:
        """Whether latency, jitter and loss apply to bytes going ``way``."""
        return self.direction in ("both", way)

    def to_json(self) -> dict[str, float | str]:
        return asdict(self)

    @classmethod
    def from_json(cls, body: object, *, base: Toxics | None = None) -> Toxics:
        """Toxics from a JSON object; keys left out keep ``base``'s values (default: defaults)."""
        if not isinstance(body, dict):
            raise ToxicsError(
                f'the body must be a JSON object such as {{"latency_ms": 150}}, got {json.dumps(body)}'
            )
        known = [f.name for f in fields(cls)]
        unknown = sorted(str(key) for key in body if key not in known)
        if unknown:
            raise ToxicsError(f"unknown toxic {', '.join(unknown)}; known: {', '.join(known)}")
        values: dict[str, Any] = {}
        for key, value in body.items():
            values[key] = value if key == "direction" else _number(key, value)
        return replace(base or cls(), **values)


@dataclass
class ProxyStats:
    """Counters since the proxy started. ``open`` is connections with an upstream right now."""

    accepted: int = 0
    open: int = 0
    reset_by_toxic: int = 0
    upstream_unreachable: int = 0
    bytes_upstream: int = 0
    bytes_downstream: int = 0
    chunks_delayed: int = 0
    chunks_lost: int = 0
