"""Many CI jobs' results folders become one, shards of a layer combined."""

import json
import xml.etree.ElementTree as ET
from pathlib import Path

from edu.cli.pipelines.merge_results import merge_results
from edu.cli.results import CaseCounts, LayerResult, LayerStatus, write_summary


def shard(root: Path, layer: str, status: str, seconds: float, tests: int) -> Path:
    result = LayerResult(
        layer=layer,
        status=LayerStatus(status),
        exit_code=0 if status == "passed" else 1,
        duration_seconds=seconds,
        budget_seconds=30.0,
        goal_seconds=None,
        started_at="2026-11-27T02:17:00+00:00",
        command=["pytest"],
        counts=CaseCounts(total=tests),
        failed_tests=("t::x",) if status == "failed" else (),
    )
    write_summary(root, result)
    cases = "".join(
        f'<testcase classname="{root.name}" name="t{i}" time="0.1"/>' for i in range(tests)
    )
    (root / layer / "junit.xml").write_text(
        f'<testsuites><testsuite name="{layer}" tests="{tests}">{cases}</testsuite></testsuites>'
    )
    return root


class TestMergingShards:
    def test_takes_the_longest_shard_the_summed_counts_and_the_worst_status(
        self, tmp_path: Path
    ) -> None:
        one = shard(tmp_path / "results-unit-1", "unit", "passed", 8.0, 3)
        two = shard(tmp_path / "results-unit-2", "unit", "failed", 11.0, 2)
        [merged] = merge_results(tmp_path / "out", [one, two])
        assert merged.status == "failed"
        assert merged.duration_seconds == 11.0
        assert merged.counts.total == 5
        assert merged.failed_tests == ("t::x",)

    def test_keeps_every_shards_junit_cases_and_writes_one_history_line(
        self, tmp_path: Path
    ) -> None:
        one = shard(tmp_path / "a", "unit", "passed", 8.0, 3)
        two = shard(tmp_path / "b", "unit", "passed", 9.0, 2)
        merge_results(tmp_path / "out", [one, two])
        junit = ET.parse(tmp_path / "out" / "unit" / "junit.xml")  # noqa: S314 - written just above
        cases = list(junit.getroot().iter("testcase"))
        assert len(cases) == 5
        history = (tmp_path / "out" / "history.jsonl").read_text().splitlines()
        assert [json.loads(line)["layer"] for line in history] == ["unit"]

    def test_an_empty_shard_does_not_turn_the_layer_into_no_tests(self, tmp_path: Path) -> None:
        one = shard(tmp_path / "a", "integration", "passed", 20.0, 4)
        two = shard(tmp_path / "b", "integration", "no-tests", 2.0, 0)
        [merged] = merge_results(tmp_path / "out", [one, two])
        assert (merged.status, merged.counts.total) == ("passed", 4)

    def test_different_layers_from_different_jobs_sit_side_by_side(self, tmp_path: Path) -> None:
        gates = shard(tmp_path / "gates", "lint", "passed", 1.0, 1)
        unit = shard(tmp_path / "unit", "unit", "warning", 25.0, 9)
        merged = merge_results(tmp_path / "out", [gates, unit])
        assert [(m.layer, m.status) for m in merged] == [("lint", "passed"), ("unit", "warning")]
