"""The table and the chart from recorded runs."""

import xml.etree.ElementTree as ET
from typing import Any

from edu.buildbench.report import markdown, summaries, svg_chart


def record(tool: str, seconds: float, code: int = 0) -> dict[str, Any]:
    return {
        "tool": tool,
        "scenario": "noop",
        "run": 1,
        "seconds": seconds,
        "exit_code": code,
        "load_before": [2.0, 1.5, 1.0],
        "cached": 1,
        "total": 1,
        "started": "2026-12-05T13:00:00Z",
    }


def results(records: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "generated": "now",
        "commit": "abc",
        "machine": "2 cores",
        "wall_seconds": 1.0,
        "config_lines": {"turbo": 10},
        "affected_agreement": {"turbo": 1},
        "affected_commits": 1,
        "scenarios": [{"name": "noop", "description": "nothing changed"}],
        "runs": records,
        "summary": summaries(records),
        "affected": [],
        "evidence": [],
    }


class TestSummaries:
    def test_failed_runs_are_counted_not_timed(self) -> None:
        table = summaries([record("nx", 2.0), record("nx", 99.0, code=1), record("nx", 4.0)])

        assert table["noop"]["nx"]["median"] == 3.0
        assert table["noop"]["nx"]["failed"] == 1
        assert table["noop"]["nx"]["load_median"] == 2.0


class TestOutputs:
    def test_markdown_has_a_row_per_tool(self) -> None:
        text = markdown(results([record("turbo", 1.5)]))

        assert "| turbo | 1.5 (1 run) | 10 | 1/1 |" in text
        assert "| nx | — |" in text

    def test_chart_is_well_formed_svg_with_a_bar_per_measured_tool(self) -> None:
        chart = svg_chart(results([record("turbo", 1.5), record("moon", 0.5)]))
        svg = ET.fromstring(chart)  # noqa: S314 - the chart this test just rendered, not input

        bars = [e for e in svg.iter("{http://www.w3.org/2000/svg}rect") if e.get("height") == "16"]
        assert len(bars) == 2
