"""What a failed fuzzing run leaves behind: ``<run folder>/REPRODUCE.md``.

It holds every failure as schemathesis reported it (the request as a curl command, the answer,
the `st replay` id), the way to run the same requests again (profile and seed), the way to
replay a failure through a local stack's gateway, and the gateway's and the service's log
records of the failing requests (a 500's traceback, found by the request id its answer quotes:
the gateway passes the id on).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

from edu.fuzz.composed import COMPOSED_PATH
from edu.fuzz.profiles import PROFILE_VARIABLE, SEED_VARIABLE, Profile
from edu.fuzz.runner import FuzzRun

FAILURES_HEADING = " FAILURES "
SECTIONS_AFTER = (" WARNINGS ", " SUMMARY ")
# Every problem answer names its request id; the service logs its traceback under the same id.
REQUEST_ID = re.compile(r'"request_id":\s*"([A-Za-z0-9._-]{1,128})"')
# A new log record starts with a time stamp (edu.common's format) or uvicorn's level prefix.
RECORD_START = re.compile(r"^(\d\d:\d\d:\d\d|INFO:|WARNING:|ERROR:)")
EXCERPT_LINES = 120
DEV_GATEWAY = "http://127.0.0.1:8080"  # `just dev`'s api-gateway (its Cargo.toml's port)


def failures_of(output: str) -> str:
    """The FAILURES section of schemathesis's output (all of it if there is none)."""
    lines = output.splitlines()
    start = next((i for i, line in enumerate(lines) if FAILURES_HEADING in line), None)
    if start is None:
        return output.strip()
    end = next(
        (i for i in range(start + 1, len(lines)) if any(s in lines[i] for s in SECTIONS_AFTER)),
        len(lines),
    )
    return "\n".join(lines[start:end]).strip()


def log_excerpt(log: str, output: str, tail: int = 40) -> str:
    """The log records of the failing requests (by request id), else the log's last lines."""
    lines = log.splitlines()
    wanted = set(REQUEST_ID.findall(failures_of(output)))
    picked: list[str] = []
    for start, line in enumerate(lines):
        if any(request_id in line for request_id in wanted):
            record = [line]
            for following in lines[start + 1 : start + EXCERPT_LINES]:
                if RECORD_START.match(following):
                    break
                record.append(following)
            picked += [*record, ""]
    return "\n".join(picked).strip() or "\n".join(lines[-tail:])


def reproduction(run: FuzzRun, profile: Profile, logs: Mapping[str, str]) -> str:
    results = run.folder.parent
    rerun = f"{PROFILE_VARIABLE}={profile.name} {SEED_VARIABLE}={profile.seed} just test-fuzz"
    parts = [
        f"# Reproducing the {run.name} fuzzing failure",
        "",
        f"Profile: {profile.describe()}",
        "",
        "## Run the same requests again",
        "",
        f"    {rerun}",
        "",
        "## Replay one failure against a running stack (`just dev`)",
        "",
        "Every request went through the api-gateway (`just dev` serves it on 127.0.0.1:8080).",
        "Each failure below has a curl command (add your own `Authorization: Bearer ...`) and a",
        "case id; its crash file is in `cache/crashes/`:",
        "",
        f"    uv run st --config-file {run.config_path} replay <case id> \\",
        f'        --url {DEV_GATEWAY} -H "Authorization: Bearer $TOKEN"',
        "",
        f"The document fuzzed: `{run.document_path}` (the run's part of the gateway's",
        f"`{COMPOSED_PATH}`). Every request and answer: `{run.folder / 'reports'}` (VCR",
        "cassette, JUnit).",
        "",
        "## Failures",
        "",
        "```",
        failures_of(run.output),
        "```",
    ]
    for name, log in logs.items():
        where = results / "logs" / f"{name}.log"
        parts += ["", f"## {name}'s log for these requests (all of it: {where})", "", "```"]
        parts += [log_excerpt(log, run.output), "```"]
    return "\n".join(parts) + "\n"


def write_reproduction(run: FuzzRun, profile: Profile, logs: Mapping[str, str]) -> Path:
    path = run.folder / "REPRODUCE.md"
    path.write_text(reproduction(run, profile, logs))
    return path
