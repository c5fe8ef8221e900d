"""``edu ci``: the steps CI runs around the layers (merging the jobs' results for the report)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from edu.cli.pipelines.merge_results import merge_results

ci_app = typer.Typer(help="Pipeline plumbing: what CI runs around `edu test`.")


@ci_app.command("merge-results")
def merge_results_command(
    target: Annotated[Path, typer.Argument(help="The results folder to build (.edu/results).")],
    sources: Annotated[
        list[Path] | None, typer.Argument(help="Each job's downloaded results folder.")
    ] = None,
) -> None:
    """Merge the results of many CI jobs (and shards) into one folder for `edu report`."""
    merged = merge_results(target, [s for s in sources or [] if s.is_dir()])
    for result in merged:
        typer.echo(
            f"{result.layer:<14} {result.status:<11} {result.duration_seconds:7.1f} s "
            f"{result.counts.total:>5} tests"
        )
    if not merged:
        # Not an error: the report still shows the history, and the failing job says why.
        typer.echo("no layer results in the sources: nothing merged")
