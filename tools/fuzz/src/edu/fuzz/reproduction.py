"""What a failed fuzzing run leaves behind: ``<run folder>/REPRODUCE.md``.

It holds every failure as schemathesis reported it (the request as a curl command, the answer,
the `st replay` id), the way to run the same requests again (profile and seed), the way to
replay a failure against a local stack, and the end of each service's log (the traceback of a
500 is there, under the request id the answer quotes).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from edu.fuzz.profiles import PROFILE_VARIABLE, SEED_VARIABLE, Profile
from edu.fuzz.runner import FuzzRun

FAILURES_HEADING = " FAILURES "
SECTIONS_AFTER = (" WARNINGS ", " SUMMARY ")


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
        "Each failure below has a curl command (add your own `Authorization: Bearer ...`) and a",
        "case id; its crash file is in `cache/crashes/`:",
        "",
        f"    uv run st --config-file {run.config_path} replay <case id> \\",
        '        --url http://127.0.0.1:<port> -H "Authorization: Bearer $TOKEN"',
        "",
        f"Every request and answer: `{run.folder / 'reports'}` (VCR cassette, JUnit).",
        "",
        "## Failures",
        "",
        "```",
        failures_of(run.output),
        "```",
    ]
    for name, tail in logs.items():
        parts += ["", f"## {name} log (last lines; full log: {results / 'logs'})", "", "```"]
        parts += [tail, "```"]
    return "\n".join(parts) + "\n"


def write_reproduction(run: FuzzRun, profile: Profile, logs: Mapping[str, str]) -> Path:
    path = run.folder / "REPRODUCE.md"
    path.write_text(reproduction(run, profile, logs))
    return path
