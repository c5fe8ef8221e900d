"""Request records for the load verdict's tests (edu.chaos.verdict), made by hand.

The timeline every verdict test shares: one fault from t=20 s to t=30 s (``fault``); the load
runs from 0 to 60 s, one request a second unless a test asks for more. The record builders are
handed out as fixtures (test modules cannot import each other).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from edu.chaos.target import Window

Record = dict[str, Any]


def record(
    op: str,
    t0: float,
    ms: float = 50.0,
    status: int = 200,
    ok: bool | None = None,
    error: str = "",
    ref: str = "",
) -> Record:
    return {
        "op": op,
        "t0": t0,
        "t1": t0 + ms / 1000,
        "status": status,
        "ok": (200 <= status < 300) if ok is None else ok,
        "error": error,
        "ref": ref,
    }


def steady(
    op: str, start: float, stop: float, ms: float = 50.0, per_second: int = 1
) -> list[Record]:
    """``per_second`` successful ``op``s a second, starting at ``start`` and before ``stop``."""
    ticks = range(int(start) * per_second, int(stop) * per_second)
    return [record(op, t / per_second, ms) for t in ticks]


def failing(op: str, start: float, stop: float, status: int = 503) -> list[Record]:
    return [
        record(op, float(t), status=status, error="HTTPStatusError: 503 Service Unavailable")
        for t in range(int(start), int(stop))
    ]


@pytest.fixture
def fault() -> Window:
    """One fault from t=20 s to t=30 s."""
    return Window("postgres-down", 20.0, 30.0)


@pytest.fixture(name="record")
def record_fixture() -> Callable[..., Record]:
    """``record(op, t0, ms=50.0, status=200, ok=None, error="", ref="")``: one request that
    started at ``t0`` and took ``ms``; ``ok`` follows the status unless given."""
    return record


@pytest.fixture(name="steady")
def steady_fixture() -> Callable[..., list[Record]]:
    """``steady(op, start, stop, ms=50.0, per_second=1)``: ``per_second`` successful ``op``s a
    second, starting at ``start`` and before ``stop``."""
    return steady


@pytest.fixture(name="failing")
def failing_fixture() -> Callable[..., list[Record]]:
    """``failing(op, start, stop, status=503)``: one failed ``op`` a second, from ``start`` to
    before ``stop``."""
    return failing
