"""Sending learning events and reading analytics (issue 21), through Locust's client.

Students' lesson pages (scenarios.lesson_page: what the web front end's script records and when)
are sent by ``send_batch``. A page only acts when its student does (``Student`` ticks it before
each task), as a background tab's timers are throttled: a batch may leave a tick late.

A batch answered 202 is stored (its ``accepted`` and ``duplicates`` ids are written to
``$EDU_LOAD_ACKED_EVENTS/acked-<pid>.txt``, one id a line: `edu load` holds them against what
analytics-aggregator folded); one refused for a reason that may pass (no answer, 429, 5xx) is
kept and sent again with the same ids, as the script does; any event ``rejected`` in a 202 and
any other answer fail the request in Locust's statistics.

The requests themselves are ``edu.testing.api_calls``' (``record_events``, ``course_figures``,
``daily_activity``), as every harness's are.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import IO

from locust import FastHttpUser

from edu.testing.api_calls import record_events
from scenarios.lesson_page import LessonPage
from scenarios.platform import platform

RETRIED = {0, 429, 502, 503, 504}
ACKED_EVENTS = "EDU_LOAD_ACKED_EVENTS"


def send_batch(user: FastHttpUser, token: str | None, page: LessonPage) -> bool:
    """The page's next batch through Locust's client; True when it is done with (202, or
    refused for good). A 202 that rejected any event is a failure in Locust's statistics."""
    batch = page.batch()
    if not batch:
        return True
    call = record_events(token, batch)
    with user.client.request(
        call.method,
        call.url(platform().urls),
        json=call.body,
        headers=call.headers,
        name=call.name,
        catch_response=True,
    ) as response:
        status = int(response.status_code or 0)
        if status == 202:
            report = response.json()
            _acked([*report.get("accepted", []), *report.get("duplicates", [])])
            rejected = report.get("rejected") or []
            if rejected:
                response.failure(f"{len(rejected)} of {len(batch)} events rejected: {rejected[0]}")
            else:
                response.success()
        else:
            response.failure(f"{status}: {str(response.text)[:200]}")
    if status == 202 or status not in RETRIED:
        page.settle(batch)
        return True
    return False


_acked_file: list[IO[str]] = []


def _acked(ids: list[str]) -> None:
    """Append stored ids to this process's file (when `edu load` asked for one)."""
    folder = os.environ.get(ACKED_EVENTS)
    if not folder or not ids:
        return
    if not _acked_file:
        path = Path(folder) / f"acked-{os.getpid()}.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        _acked_file.append(path.open("a", buffering=1))
    _acked_file[0].write("".join(f"{event_id}\n" for event_id in ids))
