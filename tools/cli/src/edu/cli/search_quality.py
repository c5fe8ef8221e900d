"""``edu search-quality``: the judged query set (tools/search-quality) against a stack seeded M.

It starts the course service on free ports with its own PostgreSQL (the isolated stack every
suite uses), seeds M through the services' use cases (accounts, courses, enrolments; the
learning-event history is left out: nothing searched reads it), then runs
``python -m edu.search_quality evaluate`` against the course service: nDCG@10 and MRR per
query and category in .edu/results/search-quality/{report.md,results.json}. ``--gate`` fails
when nDCG@10 fell below tools/search-quality/baselines/<backend>.json by more than the margin
(tools/search-quality/README.md says how it was chosen).

Backends: ``postgres`` (the catalogue's full-text search, ``GET /courses?q=``) or
``http:<url>`` (any ``GET <url>/search?q=&limit=`` answering ``{"hits": [{"course_id"}]}``).
``--course-url`` skips the stack and uses a running course service (`just dev` + `just seed M`).
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Annotated

import typer

from edu.cli.dev import start_isolated_stack
from edu.cli.env import repository_root
from edu.cli.seed import prepare_databases, seed_argv, seeded_services

COURSE = "course"
SEED_SIZE = "M"  # the judgments are about seed M's catalogue
# The databases the seed writes accounts, courses and enrolments to; without analytics' the
# seed skips the learning-event history (~40,000 events for M), which search never reads.
SEEDED = ("identity", "course", "enrollment")


def search_quality_command(
    backend: Annotated[
        str, typer.Option(help="postgres (the course service's full-text search) or http:<url>.")
    ] = "postgres",
    gate: Annotated[
        bool, typer.Option("--gate", help="Fail when nDCG@10 fell below the committed baseline.")
    ] = False,
    write_baseline: Annotated[
        bool, typer.Option("--write-baseline", help="Record this run as the backend's baseline.")
    ] = False,
    course_url: Annotated[
        str | None,
        typer.Option(help="A running course service seeded M: no stack is started."),
    ] = None,
) -> None:
    """Search relevance measured: nDCG@10 and MRR of a backend on the judged queries (issue 23)."""
    root = repository_root()
    out = root / ".edu" / "results" / "search-quality"
    argv = [sys.executable, "-m", "edu.search_quality", "evaluate", "--backend", backend]
    argv += ["--out", str(out), *(["--gate"] if gate else [])]
    argv += ["--write-baseline"] if write_baseline else []
    if course_url:
        raise typer.Exit(_run([*argv, "--course-url", course_url]))
    started = time.monotonic()
    with (
        tempfile.TemporaryDirectory(prefix="edu-search-quality-") as scratch,
        start_isolated_stack(Path(scratch) / "stack", only={COURSE}, say=typer.echo) as stack,
    ):
        typer.echo(f"stack up in {time.monotonic() - started:.1f} s: {stack.service_urls}")
        postgres = stack.infrastructure["postgres"]
        prepare_databases(postgres, [s for s in seeded_services(root) if s.name in SEEDED])
        seeding = time.monotonic()
        done = subprocess.run(
            seed_argv(SEED_SIZE, postgres),
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            typer.secho(f"seeding failed:\n{done.stdout}{done.stderr}", fg="red", err=True)
            raise typer.Exit(2)
        typer.echo(f"seeded {SEED_SIZE} in {time.monotonic() - seeding:.1f} s")
        code = _run([*argv, "--course-url", stack.service_urls[COURSE]])
    typer.echo(f"edu search-quality took {time.monotonic() - started:.1f} s")
    raise typer.Exit(code)


def _run(argv: list[str]) -> int:
    return subprocess.run(argv, stdin=subprocess.DEVNULL, check=False).returncode
