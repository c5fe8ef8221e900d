"""The load suite's learning events: what a lesson page sends and when (load/scenarios), and the
end-to-end check `edu load` makes after a run (acknowledged ids against what was folded)."""

from __future__ import annotations

import asyncio
import base64
import importlib.util
import json
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from edu.cli.env import repository_root
from edu.cli.load.learning import FoldCheck, acknowledged_ids, settle
from edu.cli.load.locust_csv import EndpointStats, RunStats
from edu.cli.load.results import checks_line, write_slo_report
from edu.cli.load.slo import load_slos
from edu.cli.load.verdict import judge

USER = "0b5c0a64-0000-4000-8000-000000000001"
COURSE = "0b5c0a64-0000-4000-8000-00000000c001"
LESSON = {"id": "0b5c0a64-0000-4000-8000-0000000001e5", "video_url": None, "estimated_minutes": 8}


def lesson_page_module() -> ModuleType:
    """load/scenarios/lesson_page.py as it is (no Locust import; load/ is no package here)."""
    path = repository_root() / "load" / "scenarios" / "lesson_page.py"
    spec = importlib.util.spec_from_file_location("load_lesson_page", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def page_module() -> ModuleType:
    return lesson_page_module()


def open_page(module: ModuleType, clock: Clock, lesson: dict[str, Any] = LESSON) -> Any:
    return module.LessonPage(USER, "enrolment-1", COURSE, lesson, clock)


def kinds(events: Sequence[dict[str, Any]]) -> list[str]:
    return [event["type"] for event in events]


class TestLessonPage:
    def test_the_page_sends_lesson_opened_at_once_with_the_user_course_and_visit(
        self, page_module: ModuleType
    ) -> None:
        page = open_page(page_module, Clock())
        assert page.due()
        [opened] = page.batch()
        assert opened["type"] == "lesson.opened"
        assert opened["lesson_opened"] == {"lesson_id": LESSON["id"]}
        assert (opened["user_id"], opened["course_id"]) == (USER, COURSE)
        assert opened["session_id"] == page.session_id
        assert opened["occurred_at"].endswith("Z")

    def test_heartbeats_every_fifteen_page_seconds_go_in_batches_every_ten(
        self, page_module: ModuleType
    ) -> None:
        clock = Clock()
        page = open_page(page_module, clock)
        page.settle(page.batch())
        clock.now += 1.0  # 5 page seconds: nothing recorded, nothing due
        assert not page.due()
        clock.now += 2.1  # 15.5 page seconds: one heartbeat, and the batch is due
        assert page.due()
        [beat] = page.batch()
        assert beat["lesson_heartbeat"] == {
            "lesson_id": LESSON["id"],
            "position_seconds": 15,
            "duration_seconds": 0,
            "active_seconds": 15,
        }
        page.settle([beat])
        clock.now += 6.0  # 45.5 page seconds: two more heartbeats in one batch
        batch = page.batch() if page.due() else []
        assert [e["lesson_heartbeat"]["position_seconds"] for e in batch] == [30, 45]
        assert len({e["id"] for e in batch}) == 2
        assert all(e["session_id"] == page.session_id for e in batch)

    def test_a_batch_not_settled_is_sent_again_with_the_same_ids(
        self, page_module: ModuleType
    ) -> None:
        clock = Clock()
        page = open_page(page_module, clock)
        first = page.batch()
        clock.now += 2.0
        assert page.due()
        again = page.batch()
        assert [e["id"] for e in again][: len(first)] == [e["id"] for e in first]

    def test_leaving_records_finished_and_where_the_student_got_to(
        self, page_module: ModuleType
    ) -> None:
        clock = Clock()
        page = open_page(page_module, clock)
        page.settle(page.batch())
        clock.now += 4.0  # 20 page seconds
        page.leave()
        batch = page.batch()
        assert kinds(batch) == ["lesson.heartbeat", "lesson.finished", "lesson.heartbeat"]
        assert batch[1]["lesson_finished"] == {"lesson_id": LESSON["id"], "active_seconds": 20}
        assert batch[2]["lesson_heartbeat"]["position_seconds"] == 20
        assert batch[2]["lesson_heartbeat"]["active_seconds"] == 5

    def test_a_video_lesson_reports_the_video_position_within_its_length(
        self, page_module: ModuleType
    ) -> None:
        clock = Clock()
        video = {**LESSON, "video_url": "https://videos.example/1.mp4", "estimated_minutes": 1}
        page = open_page(page_module, clock, video)
        page.settle(page.batch())
        clock.now += 20.0  # 100 page seconds into a 60-second video
        page.leave()
        last = page.batch()[-1]["lesson_heartbeat"]
        assert (last["position_seconds"], last["duration_seconds"]) == (60, 60)

    def test_the_user_is_the_tokens_subject(self, page_module: ModuleType) -> None:
        claims = base64.urlsafe_b64encode(json.dumps({"sub": USER}).encode()).rstrip(b"=")
        token = f"header.{claims.decode()}.signature"
        assert page_module.user_id_of(token) == USER


class TestFoldCheck:
    def test_acknowledged_ids_are_read_from_every_process_once_each(self, tmp_path: Path) -> None:
        (tmp_path / "acked-11.txt").write_text("b\na\n")
        (tmp_path / "acked-12.txt").write_text("a\nc\n\n")
        (tmp_path / "other.txt").write_text("z\n")
        assert acknowledged_ids(tmp_path) == ["a", "b", "c"]
        assert acknowledged_ids(tmp_path / "missing") == []

    def test_waits_until_the_aggregator_folded_every_acknowledged_event(self) -> None:
        answers = [{"a"}, {"a", "b"}, {"a", "b", "c"}]

        async def folded_of(ids: Sequence[str]) -> set[str]:
            return answers.pop(0) if answers else {"a", "b", "c"}

        check = asyncio.run(settle(folded_of, ["a", "b", "c"], patience=5, poll=0))
        assert (check.acknowledged, check.folded, check.lost, check.ok) == (3, 3, 0, True)
        assert answers == []

    def test_what_is_still_not_folded_after_the_patience_is_lost(self) -> None:
        async def folded_of(ids: Sequence[str]) -> set[str]:
            return {"a"}

        check = asyncio.run(settle(folded_of, ["a", "b", "c"], patience=0, poll=0))
        assert (check.folded, check.lost, check.ok) == (1, 2, False)
        assert check.lost_sample == ("b", "c")
        assert "lost 2" in check.render()
        assert "BREACH" in check.render()

    def test_a_lost_event_fails_the_run_and_is_in_its_evidence(self, tmp_path: Path) -> None:
        stats = EndpointStats("POST /v1/events", 40, 0, 1.0, 5, 9, 12, {5.0: 40})
        slo = tmp_path / "slo.toml"
        slo.write_text("[defaults]\np95_ms = 100\np99_ms = 200\nmax_failure_ratio = 0.0\n")
        report = judge(RunStats({stats.name: stats}, stats), load_slos(slo), "smoke")
        lost = FoldCheck(acknowledged=10, folded=9, waited_s=20.0, lost_sample=("x",))
        assert checks_line(report, lost) == "slo checks: 2 passed, 1 failed"
        assert checks_line(report) == "slo checks: 2 passed, 0 failed"
        write_slo_report(tmp_path, "smoke", report, lost)
        summary = json.loads((tmp_path / "summary.json").read_text())
        assert summary["ok"] is False
        assert summary["learning_events"]["lost"] == 1
        assert "9 folded by analytics-aggregator, lost 1" in (tmp_path / "slo.txt").read_text()
