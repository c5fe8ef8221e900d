"""Tolerances for the hypothesis probes (chaostoolkit's ``"type": "probe"`` tolerance)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def holds(value: Mapping[str, Any] | None = None) -> bool:
    """The probe's own verdict, its ``ok``; a probe that returned nothing does not hold."""
    return value is not None and value.get("ok") is True
