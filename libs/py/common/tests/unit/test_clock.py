from datetime import UTC, datetime, timedelta

import pytest

from edu.common.clock import FakeClock, SystemClock


class TestFakeClock:
    def test_stands_still_until_advanced(self) -> None:
        clock = FakeClock(datetime(2026, 3, 1, tzinfo=UTC))
        assert clock.now() == clock.now() == datetime(2026, 3, 1, tzinfo=UTC)

    def test_advance_moves_wall_and_monotonic_time_together(self) -> None:
        clock = FakeClock()
        before_wall, before_mono = clock.now(), clock.monotonic()
        clock.advance(timedelta(minutes=2))
        clock.advance(0.5)
        assert clock.now() - before_wall == timedelta(seconds=120.5)
        assert clock.monotonic() - before_mono == pytest.approx(120.5)

    def test_refuses_to_go_backwards(self) -> None:
        with pytest.raises(ValueError, match="backwards"):
            FakeClock().advance(-1)

    def test_refuses_a_naive_start(self) -> None:
        with pytest.raises(ValueError, match="aware"):
            FakeClock(datetime(2026, 1, 1))  # noqa: DTZ001 - the point of the test


def test_system_clock_gives_aware_utc_time() -> None:
    assert SystemClock().now().tzinfo is UTC
