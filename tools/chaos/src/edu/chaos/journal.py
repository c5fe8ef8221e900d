"""What a chaostoolkit journal says, in the figures the layer reports and the tests assert."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def _outputs(probes: list[Mapping[str, Any]]) -> dict[str, Any]:
    return {str(p["activity"]["name"]): p.get("output") for p in probes}


def summarize(journal: Mapping[str, Any]) -> dict[str, Any]:
    """Status, deviation, each method step's outcome and proof, and the after-hypothesis's
    figures (ledger counts and load verdict) of one experiment run."""
    steps = [
        {
            "name": run["activity"]["name"],
            "status": run["status"],
            "output": run.get("output"),
            "error": run.get("exception"),
        }
        for run in journal.get("run") or []
    ]
    states = journal.get("steady_states") or {}
    after = states.get("after") or {}
    figures = _outputs(after.get("probes") or [])
    ledger = figures.get("every-event-processed-once") or {}
    verdict = figures.get("the-load-verdict") or {}
    checkouts = figures.get("every-checkout-counted-once") or {}
    index = figures.get("every-published-course-searchable") or {}
    qa = figures.get("every-post-received-once-by-every-client") or {}
    videos = figures.get("every-uploaded-video-transcoded-once") or {}
    feeds = figures.get("every-enrolment-in-its-students-feed-once") or {}
    failed_steps = [s["name"] for s in steps if s["status"] != "succeeded"]
    rollbacks = [r["status"] for r in journal.get("rollbacks") or []]
    return {
        "title": journal.get("experiment", {}).get("title", ""),
        "status": journal.get("status"),
        "deviated": bool(journal.get("deviated")),
        "duration_s": round(float(journal.get("duration") or 0), 1),
        "steady_state_before": (states.get("before") or {}).get("steady_state_met"),
        "steady_state_after": after.get("steady_state_met"),
        "failed_steps": failed_steps,
        "rollbacks": rollbacks,
        "faults": [
            s["output"]
            for s in steps
            if isinstance(s["output"], Mapping)
            and s["output"].get("event")
            in ("fault-start", "fault-end", "outbox-backlog", "log-proof")
        ],
        "events": ledger.get("events"),
        "lost": ledger.get("lost"),
        "duplicated": ledger.get("duplicated"),
        "unpublished": ledger.get("unpublished"),
        "settled_in_s": ledger.get("settled_in_s"),
        "requests": verdict.get("requests"),
        "failed_requests": verdict.get("failed"),
        "failed_outside_window": verdict.get("failed_outside_window"),
        "status_500": verdict.get("status_500"),
        "enrolments": verdict.get("enrolments"),
        "enrolments_missing": verdict.get("enrolments_missing"),
        "p95_ms": verdict.get("p95_ms"),
        "recovered_in_s": verdict.get("recovered_in_s"),
        "checkouts": {
            k: checkouts.get(k)
            for k in (
                "payments",
                "succeeded",
                "charge_movements",
                "enrolments",
                "duplicates",
                "lost",
            )
        }
        if "payments" in checkouts
        else None,
        "index": {k: index.get(k) for k in ("published", "indexed", "lost", "duplicates")}
        if "published" in index
        else None,
        "qa": {k: qa.get(k) for k in ("posted", "placed", "head", "lost", "duplicated")}
        if "posted" in qa
        else None,
        "videos": {k: videos.get(k) for k in ("videos", "ready", "lost", "duplicated", "figures")}
        if "videos" in videos
        else None,
        "feeds": {k: feeds.get(k) for k in ("enrolled", "in_feeds", "lost", "duplicated")}
        if "enrolled" in feeds
        else None,
        "ok_during_fault": verdict.get("ok_during_fault"),
        "refused_while_held": verdict.get("refused_while_held"),
        "uncounted_while_held": verdict.get("uncounted_while_held"),
        "violations": verdict.get("violations", [])
        + ([] if ledger.get("ok", True) else [f"ledger: {ledger}"])
        + [f"checkouts: {v}" for v in checkouts.get("violations", [])]
        + [f"index: {v}" for v in index.get("violations", [])]
        + [f"qa: {v}" for v in qa.get("violations", [])]
        + [f"videos: {v}" for v in videos.get("violations", [])]
        + [f"feeds: {v}" for v in feeds.get("violations", [])],
    }


def passed(summary: Mapping[str, Any]) -> bool:
    return (
        summary["status"] == "completed"
        and not summary["deviated"]
        and summary["steady_state_after"] is True
        and not summary["failed_steps"]
        and all(status == "succeeded" for status in summary["rollbacks"])
        and summary["lost"] == 0
        and summary["duplicated"] == 0
        and (summary["requests"] or 0) > 0
        and _index_whole(summary.get("index"))
        and _qa_whole(summary.get("qa"))
        and _videos_whole(summary.get("videos"))
        and _feeds_whole(summary.get("feeds"))
    )


def _feeds_whole(feeds: Mapping[str, Any] | None) -> bool:
    """No feed figures (the experiment enrols nobody it counts), or every enrolment in its
    student's feed once."""
    if feeds is None:
        return True
    return (
        feeds.get("lost") == 0
        and feeds.get("duplicated") == 0
        and feeds.get("in_feeds") == feeds.get("enrolled")
    )


def _videos_whole(videos: Mapping[str, Any] | None) -> bool:
    """No video figures (the experiment uploads nothing), or every video transcoded once."""
    if videos is None:
        return True
    return (
        videos.get("lost") == 0
        and videos.get("duplicated") == 0
        and videos.get("ready") == videos.get("videos")
    )


def _qa_whole(qa: Mapping[str, Any] | None) -> bool:
    """No Q&A figures (the experiment has no Q&A clients), or every post placed and received
    by every client once."""
    if qa is None:
        return True
    return (
        qa.get("lost") == 0 and qa.get("duplicated") == 0 and qa.get("posted") == qa.get("placed")
    )


def _index_whole(index: Mapping[str, Any] | None) -> bool:
    """No index figures (the experiment publishes nothing), or every course found once."""
    if index is None:
        return True
    return index.get("lost") == 0 and index.get("duplicates") == 0


def table(summaries: Mapping[str, Mapping[str, Any]]) -> str:
    """One line per experiment: the figures the closing notes quote."""
    head = f"{'experiment':34} {'result':9} {'time':>6} {'events':>6} {'lost':>4} {'dup':>4} {'reqs':>5} {'failed':>6} {'500s':>4}  p95 before/during/after ms"
    lines = [head]
    for name, s in sorted(summaries.items()):
        p95 = s.get("p95_ms") or {}
        phases = "/".join(
            "-" if p95.get(k) is None else f"{p95[k]:.0f}" for k in ("before", "during", "after")
        )
        lines.append(
            f"{name:34} {'passed' if passed(s) else 'FAILED':9} {s['duration_s']:>5.0f}s "
            f"{s['events'] if s['events'] is not None else '-':>6} {s['lost'] if s['lost'] is not None else '-':>4} "
            f"{s['duplicated'] if s['duplicated'] is not None else '-':>4} {s['requests'] or 0:>5} "
            f"{s['failed_requests'] or 0:>6} {s['status_500'] or 0:>4}  {phases}"
        )
    return "\n".join(lines)
