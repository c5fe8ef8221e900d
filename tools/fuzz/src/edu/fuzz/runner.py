"""One schemathesis run (its CLI, ``st run``) against one OpenAPI document, kept on disk.

The CLI is schemathesis's complete engine: all four phases (examples, coverage, fuzzing,
stateful over the links), every check, its reports, and crash files that ``st replay`` replays.
Each run gets a folder under the results directory:

    <folder>/schemathesis.toml   the exact configuration (seed, examples, users, exclusions)
    <folder>/openapi.json        the document fuzzed, when the run was given one (a service's
                                 part of the gateway's composed document)
    <folder>/output.txt          what schemathesis printed: per-operation results, failures
                                 with their curl command and `st replay <id>`
    <folder>/reports/            junit.xml and a VCR cassette of every request and answer
    <folder>/cache/crashes/      one crash file per failure, for `st replay`
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import tomli_w

DOCUMENT = "openapi.json"


@dataclass(frozen=True)
class FuzzRun:
    name: str
    folder: Path
    exit_code: int
    output: str

    @property
    def passed(self) -> bool:
        return self.exit_code == 0

    @property
    def config_path(self) -> Path:
        return self.folder / "schemathesis.toml"

    @property
    def document_path(self) -> Path:
        return self.folder / DOCUMENT


def prepare_folder(folder: Path, config: Mapping[str, Any]) -> Path:
    """A fresh folder holding ``config`` as schemathesis.toml (crash files included)."""
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    settings = {**config, "cache": {"enabled": True, "directory": str(folder / "cache")}}
    path = folder / "schemathesis.toml"
    path.write_text(tomli_w.dumps(settings))
    return path


def st_command(config_path: Path, location: str, base_url: str, *extra: str) -> list[str]:
    reports = config_path.parent / "reports"
    return [
        sys.executable,
        "-m",
        "schemathesis.cli",
        "--config-file",
        str(config_path),
        "--no-color",
        "run",
        location,
        "--url",
        base_url,
        "--report",
        "junit,vcr",
        "--report-dir",
        str(reports),
        *extra,
    ]


def run_schemathesis(
    name: str,
    folder: Path,
    config: Mapping[str, Any],
    schema: str | Mapping[str, Any],
    base_url: str,
    *extra: str,
) -> FuzzRun:
    """Run ``st run`` with ``config`` on ``schema`` (a URL, or a document it then reads from
    ``<folder>/openapi.json``), sending every request to ``base_url``; never raises on
    failures."""
    config_path = prepare_folder(folder, config)
    if isinstance(schema, str):
        location = schema
    else:
        location = str(folder / DOCUMENT)
        (folder / DOCUMENT).write_text(json.dumps(schema, indent=1))
    argv = st_command(config_path, location, base_url, *extra)
    done = subprocess.run(
        argv,
        capture_output=True,
        text=True,
        check=False,
        stdin=subprocess.DEVNULL,
        cwd=folder,
    )
    output = done.stdout + done.stderr
    (folder / "output.txt").write_text(output)
    return FuzzRun(name=name, folder=folder, exit_code=done.returncode, output=output)
