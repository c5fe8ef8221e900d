"""The fault model of the mini toxiproxy: toxics validate themselves and merge over a base."""

from __future__ import annotations

import pytest

from edu.chaos.proxy import Toxics, ToxicsError


def test_toxics_validate_themselves() -> None:
    with pytest.raises(ToxicsError, match=r"jitter_ms .* cannot be negative"):
        Toxics(jitter_ms=-1)
    assert Toxics.from_json({"loss": 0.5}, base=Toxics(latency_ms=3)) == Toxics(
        latency_ms=3, loss=0.5
    )
