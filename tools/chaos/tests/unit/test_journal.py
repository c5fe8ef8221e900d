"""Reading a chaostoolkit journal (edu.chaos.journal): the summary's figures, when an
experiment counts as passed, and the end-of-run table."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest

from edu.chaos.journal import passed, summarize, table

Journal = dict[str, Any]

FAULT_START = {"event": "fault-start", "at": 1000.0, "fault": "notifications-down", "pid": 41}
FAULT_END = {"event": "fault-end", "at": 1008.5, "fault": "notifications-down", "pid": 57}
VERDICT = {
    "ok": True,
    "requests": 812,
    "failed": 0,
    "failed_outside_window": 0,
    "status_500": 0,
    "enrolments": 150,
    "enrolments_missing": 0,
    "p95_ms": {"before": 41.2, "during": 88.4, "after": 43.6},
    "recovered_in_s": {},
    "violations": [],
}
BACKLOG = {"event": "outbox-backlog", "unpublished": 3}
LEDGER = {
    "ok": True,
    "events": 431,
    "lost": 0,
    "duplicated": 0,
    "unpublished": 0,
    "settled_in_s": 1.4,
}


def probe(name: str, output: Any, status: str = "succeeded") -> dict[str, Any]:
    return {"activity": {"name": name, "type": "probe"}, "output": output, "status": status}


def step(
    name: str, output: Any = None, status: str = "succeeded", exception: Any = None
) -> dict[str, Any]:
    return {
        "activity": {"name": name, "type": "action"},
        "status": status,
        "output": output,
        "exception": exception,
    }


def good_journal() -> Journal:
    """A journal of an experiment that went as it should."""
    before = [
        probe("every-service-answers", {"ok": True, "down": []}),
        probe("every-event-processed-once", dict(LEDGER, events=280)),
        probe("the-load-verdict", {"ok": True, "phase": "before the method"}),
    ]
    after = [
        probe("every-service-answers", {"ok": True, "down": []}),
        probe("every-event-processed-once", dict(LEDGER)),
        probe("the-load-verdict", copy.deepcopy(VERDICT)),
    ]
    return {
        "status": "completed",
        "deviated": False,
        "duration": 42.34,
        "experiment": {"title": "kill -9 the notifications consumer"},
        "steady_states": {
            "before": {"steady_state_met": True, "probes": before},
            "after": {"steady_state_met": True, "probes": after},
            "during": [],
        },
        "run": [
            step("start-background-load", {"event": "load-started", "pid": 3048}),
            step("kill-9-notifications", dict(FAULT_START)),
            step("events-waiting-for-notifications", dict(BACKLOG)),
            step("start-notifications-again", dict(FAULT_END)),
            step("stop-background-load", {"event": "load-stopped", "requests": 812}),
        ],
        "rollbacks": [step("notifications-running", {}), step("background-load-stopped", {})],
    }


def set_after_output(journal: Journal, name: str, **changes: Any) -> None:
    for p in journal["steady_states"]["after"]["probes"]:
        if p["activity"]["name"] == name:
            p["output"].update(changes)


def test_a_good_journal_is_summarized_and_passes() -> None:
    summary = summarize(good_journal())
    assert summary["title"] == "kill -9 the notifications consumer"
    assert summary["status"] == "completed"
    assert summary["deviated"] is False
    assert summary["duration_s"] == 42.3
    assert summary["steady_state_before"] is True
    assert summary["steady_state_after"] is True
    assert summary["failed_steps"] == []
    assert summary["rollbacks"] == ["succeeded", "succeeded"]
    # the proof of injection, not every step's output (load-started/-stopped are no fault)
    assert summary["faults"] == [
        FAULT_START,
        BACKLOG,
        FAULT_END,
    ]
    # the after-hypothesis's figures, not the before one's (events 280)
    assert (summary["events"], summary["lost"], summary["duplicated"]) == (431, 0, 0)
    assert (summary["unpublished"], summary["settled_in_s"]) == (0, 1.4)
    assert summary["requests"] == 812
    assert summary["failed_requests"] == 0
    assert summary["failed_outside_window"] == 0
    assert summary["status_500"] == 0
    assert summary["enrolments"] == 150
    assert summary["enrolments_missing"] == 0
    assert summary["p95_ms"] == {"before": 41.2, "during": 88.4, "after": 43.6}
    assert summary["recovered_in_s"] == {}
    assert summary["violations"] == []
    assert passed(summary) is True


def deviated(j: Journal) -> None:
    j["deviated"] = True


def hypothesis_not_met_after(j: Journal) -> None:
    j["steady_states"]["after"]["steady_state_met"] = False


def hypothesis_never_checked_after(j: Journal) -> None:
    j["steady_states"]["after"] = None


def interrupted(j: Journal) -> None:
    j["status"] = "interrupted"


def aborted(j: Journal) -> None:
    j["status"] = "aborted"


def method_step_failed(j: Journal) -> None:
    j["run"][1].update(status="failed", output=None, exception=["InterruptExecution: alive"])


def rollback_failed(j: Journal) -> None:
    j["rollbacks"][1]["status"] = "failed"


def one_event_lost(j: Journal) -> None:
    set_after_output(j, "every-event-processed-once", lost=1, ok=False)


def one_event_duplicated(j: Journal) -> None:
    set_after_output(j, "every-event-processed-once", duplicated=1, ok=False)


def no_ledger(j: Journal) -> None:
    probes = j["steady_states"]["after"]["probes"]
    j["steady_states"]["after"]["probes"] = [
        p for p in probes if p["activity"]["name"] != "every-event-processed-once"
    ]


def no_requests(j: Journal) -> None:
    set_after_output(j, "the-load-verdict", requests=0)


def no_verdict(j: Journal) -> None:
    set_after_output(j, "the-load-verdict", requests=None)


@pytest.mark.parametrize(
    "spoil",
    [
        deviated,
        hypothesis_not_met_after,
        hypothesis_never_checked_after,
        interrupted,
        aborted,
        method_step_failed,
        rollback_failed,
        one_event_lost,
        one_event_duplicated,
        no_ledger,
        no_requests,
        no_verdict,
    ],
)
def test_a_spoiled_journal_fails(spoil: Callable[[Journal], None]) -> None:
    journal = good_journal()
    spoil(journal)
    assert passed(summarize(journal)) is False


def test_a_failed_method_step_is_named() -> None:
    journal = good_journal()
    method_step_failed(journal)
    summary = summarize(journal)
    assert summary["failed_steps"] == ["kill-9-notifications"]
    assert summary["faults"] == [BACKLOG, FAULT_END]


def test_the_violations_of_the_verdict_and_the_ledger_are_reported() -> None:
    journal = good_journal()
    set_after_output(journal, "the-load-verdict", ok=False, violations=["enrol -> 500"])
    one_event_lost(journal)
    violations = summarize(journal)["violations"]
    assert violations[0] == "enrol -> 500"
    assert violations[1].startswith("ledger: {")
    assert "'lost': 1" in violations[1]
    assert len(violations) == 2


INDEX = {"ok": True, "violations": [], "published": 13, "indexed": 13, "lost": 0, "duplicates": 0}


def with_index(journal: Journal, **changes: Any) -> Journal:
    probes = journal["steady_states"]["after"]["probes"]
    probes.append(probe("every-published-course-searchable", dict(INDEX, **changes)))
    return journal


def test_the_search_index_figures_are_summarized() -> None:
    summary = summarize(with_index(good_journal()))
    assert summary["index"] == {"published": 13, "indexed": 13, "lost": 0, "duplicates": 0}
    assert passed(summary) is True
    assert summarize(good_journal())["index"] is None


@pytest.mark.parametrize("changes", [{"lost": 1, "indexed": 12}, {"duplicates": 2}])
def test_a_course_missing_from_or_repeated_in_the_index_fails(changes: dict[str, int]) -> None:
    journal = with_index(good_journal(), ok=False, violations=["1 published course never found"])
    set_after_output(journal, "every-published-course-searchable", **changes)
    summary = summarize(journal)
    assert passed(summary) is False
    assert summary["violations"] == ["index: 1 published course never found"]


QA = {
    "ok": True,
    "violations": [],
    "posted": 37,
    "placed": 37,
    "head": 37,
    "lost": 0,
    "duplicated": 0,
}


def with_qa(journal: Journal, **changes: Any) -> Journal:
    probes = journal["steady_states"]["after"]["probes"]
    probes.append(probe("every-post-received-once-by-every-client", dict(QA, **changes)))
    return journal


def test_the_q_and_a_ledger_figures_are_summarized() -> None:
    summary = summarize(with_qa(good_journal()))
    assert summary["qa"] == {"posted": 37, "placed": 37, "head": 37, "lost": 0, "duplicated": 0}
    assert passed(summary) is True
    assert summarize(good_journal())["qa"] is None


@pytest.mark.parametrize("changes", [{"lost": 3}, {"duplicated": 1}, {"placed": 36}])
def test_a_post_lost_repeated_or_never_placed_fails(changes: dict[str, int]) -> None:
    journal = with_qa(good_journal(), ok=False, violations=["client-0 lost 3 places: [4, 5, 6]"])
    set_after_output(journal, "every-post-received-once-by-every-client", **changes)
    summary = summarize(journal)
    assert passed(summary) is False
    assert summary["violations"] == ["qa: client-0 lost 3 places: [4, 5, 6]"]


VIDEOS = {
    "ok": True,
    "violations": [],
    "videos": 1,
    "ready": 1,
    "lost": 0,
    "duplicated": 0,
    "figures": [{"video": "v-1", "renditions": [240, 480, 720], "segments": 9}],
}


def with_videos(journal: Journal, **changes: Any) -> Journal:
    probes = journal["steady_states"]["after"]["probes"]
    probes.append(probe("every-uploaded-video-transcoded-once", dict(VIDEOS, **changes)))
    return journal


def test_the_video_ledger_figures_are_summarized() -> None:
    summary = summarize(with_videos(good_journal()))
    assert summary["videos"] == {
        k: VIDEOS[k] for k in ("videos", "ready", "lost", "duplicated", "figures")
    }
    assert passed(summary) is True
    assert summarize(good_journal())["videos"] is None


@pytest.mark.parametrize("changes", [{"lost": 1, "ready": 0}, {"duplicated": 1}, {"ready": 0}])
def test_a_video_never_ready_or_transcoded_twice_fails(changes: dict[str, int]) -> None:
    journal = with_videos(good_journal(), ok=False, violations=["v-1: processing, not ready"])
    set_after_output(journal, "every-uploaded-video-transcoded-once", **changes)
    summary = summarize(journal)
    assert passed(summary) is False
    assert summary["violations"] == ["videos: v-1: processing, not ready"]


FEEDS = {"ok": True, "violations": [], "enrolled": 10, "in_feeds": 10, "lost": 0, "duplicated": 0}


def with_feeds(journal: Journal, **changes: Any) -> Journal:
    probes = journal["steady_states"]["after"]["probes"]
    probes.append(probe("every-enrolment-in-its-students-feed-once", dict(FEEDS, **changes)))
    return journal


def test_the_feed_ledger_figures_are_summarized() -> None:
    summary = summarize(with_feeds(good_journal()))
    assert summary["feeds"] == {"enrolled": 10, "in_feeds": 10, "lost": 0, "duplicated": 0}
    assert passed(summary) is True
    assert summarize(good_journal())["feeds"] is None


@pytest.mark.parametrize(
    "changes", [{"lost": 2, "in_feeds": 8}, {"duplicated": 1}, {"in_feeds": 9}]
)
def test_an_enrolment_missing_from_or_repeated_in_a_feed_fails(changes: dict[str, int]) -> None:
    journal = with_feeds(good_journal(), ok=False, violations=["2 enrolments in no feed"])
    set_after_output(journal, "every-enrolment-in-its-students-feed-once", **changes)
    summary = summarize(journal)
    assert passed(summary) is False
    assert summary["violations"] == ["feeds: 2 enrolments in no feed"]


def test_an_empty_journal_is_summarized_and_fails() -> None:
    summary = summarize({})
    assert summary["title"] == ""
    assert summary["duration_s"] == 0.0
    assert summary["failed_steps"] == []
    assert summary["faults"] == []
    assert summary["lost"] is None
    assert summary["violations"] == []
    assert passed(summary) is False


def test_the_table_has_one_line_per_experiment_with_its_result() -> None:
    bad = good_journal()
    one_event_lost(bad)
    set_after_output(bad, "the-load-verdict", failed=7, status_500=2)
    summaries = {
        "02-nats-down-30s": summarize(bad),
        "01-kill-notifications-consumer": summarize(good_journal()),
        "03-postgres-restart": summarize({}),
    }
    lines = table(summaries).splitlines()
    assert len(lines) == 4
    assert lines[0].split()[:3] == ["experiment", "result", "time"]
    assert lines[0].endswith("p95 before/during/after ms")
    assert lines[1].split() == [
        "01-kill-notifications-consumer",
        "passed",
        "42s",
        "431",
        "0",
        "0",
        "812",
        "0",
        "0",
        "41/88/44",
    ]
    assert lines[2].split() == [
        "02-nats-down-30s",
        "FAILED",
        "42s",
        "431",
        "1",
        "0",
        "812",
        "7",
        "2",
        "41/88/44",
    ]
    assert lines[3].split() == [
        "03-postgres-restart",
        "FAILED",
        "0s",
        "-",
        "-",
        "-",
        "0",
        "0",
        "0",
        "-/-/-",
    ]
    # the columns line up under the header
    assert {len(line.split("  p95")[0]) for line in lines[:1]} == {
        len(line.rsplit("  ", 1)[0]) for line in lines[1:]
    }
