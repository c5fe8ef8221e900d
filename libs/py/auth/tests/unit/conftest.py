from __future__ import annotations

import pytest

from edu.common.clock import FakeClock


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()
