"""The raw evidence behind each endpoint's percentiles: Locust's response-time histograms.

Locust's CSV gives one number per percentile; judging an objective on its confidence bound
(`edu load`, edu.common.percentiles) needs the samples themselves. When the run ends, the
process that holds the aggregated statistics (the only process, or the master) writes
``<--csv prefix>_response_times.json``: per endpoint ("<METHOD> <name>", as the CSV names it)
the request count and a histogram of response times in ms (Locust rounds them: exact below
100 ms, to 10 ms below 1 s, to 100 ms above).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from locust import events
from locust.env import Environment
from locust.runners import WorkerRunner

SUFFIX = "_response_times.json"
_environment: list[Environment] = []


def _remember(environment: Environment, **_: Any) -> None:
    _environment[:] = [environment]


def _write_histograms(**_: Any) -> None:
    if not _environment:
        return
    environment = _environment[0]
    prefix = getattr(environment.parsed_options, "csv_prefix", None)
    if not prefix or isinstance(environment.runner, WorkerRunner) or environment.runner is None:
        return
    endpoints = {
        f"{method} {name}": {
            "requests": entry.num_requests,
            "failures": entry.num_failures,
            "response_times_ms": {
                str(ms): count for ms, count in sorted(entry.response_times.items())
            },
        }
        for (name, method), entry in environment.runner.stats.entries.items()
    }
    Path(f"{prefix}{SUFFIX}").write_text(json.dumps({"endpoints": endpoints}, indent=1) + "\n")


# Registered by call, not as decorators: Locust's hooks are untyped, and a decorator would make
# the functions untyped too (mypy --strict, the typecheck gate's load suite).
events.init.add_listener(_remember)  # type: ignore[no-untyped-call]  # Locust's hook
events.quit.add_listener(_write_histograms)  # type: ignore[no-untyped-call]  # Locust's hook
