"""Charts drawn on the server as SVG: no script, readable without styles, and a table beside
each with the same numbers (the chart is ``role="img"`` with a title and a description)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

DASH = "\u2013"  # an en dash: a figure not known yet, or a range (2:00-3:00 with it)
WIDTH, HEIGHT = 720, 240
LEFT, RIGHT, TOP, BOTTOM = 40, 8, 16, 28  # room for the axis labels
PLOT_WIDTH, PLOT_HEIGHT = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM


@dataclass(frozen=True)
class Bar:
    day: date
    value: int
    x: float
    y: float
    width: float
    height: float
    labelled: bool  # the day is written under the bar (every 7th, and the last)


@dataclass(frozen=True)
class Tick:
    value: int
    y: float


@dataclass(frozen=True)
class BarChart:
    width: int
    height: int
    left: int
    bottom: float  # the baseline's y
    right: float
    bars: tuple[Bar, ...]
    ticks: tuple[Tick, ...]
    peak: int
    total: int


def scale_top(peak: int) -> int:
    """The axis's top: the smallest of 1, 2, 5 x 10^k at or above ``peak`` (at least 1)."""
    step = 1
    while True:
        for factor in (1, 2, 5):
            if step * factor >= peak:
                return step * factor
        step *= 10


def daily_bars(days: Sequence[tuple[date, int]]) -> BarChart:
    """One bar per day, oldest on the left, each as high as its value on a common scale."""
    peak = max((value for _, value in days), default=0)
    top = scale_top(peak)
    slot = PLOT_WIDTH / max(1, len(days))
    gap = min(4.0, slot * 0.2)
    baseline = TOP + PLOT_HEIGHT
    bars = []
    for n, (day, value) in enumerate(days):
        height = PLOT_HEIGHT * value / top
        bars.append(
            Bar(
                day=day,
                value=value,
                x=round(LEFT + n * slot + gap / 2, 2),
                y=round(baseline - height, 2),
                width=round(slot - gap, 2),
                height=round(height, 2),
                labelled=(len(days) - 1 - n) % 7 == 0,
            )
        )
    marked = sorted({0, top, *([top // 2] if top % 2 == 0 else [])})
    ticks = tuple(Tick(value=v, y=round(baseline - PLOT_HEIGHT * v / top, 2)) for v in marked)
    return BarChart(
        width=WIDTH,
        height=HEIGHT,
        left=LEFT,
        bottom=baseline,
        right=WIDTH - RIGHT,
        bars=tuple(bars),
        ticks=ticks,
        peak=peak,
        total=sum(value for _, value in days),
    )


def duration(seconds: float | None) -> str:
    """``95`` -> ``1:35``; ``3725`` -> ``1:02:05``; None -> an en dash (no figure)."""
    if seconds is None:
        return DASH
    whole = round(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"
