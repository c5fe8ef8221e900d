"""Running a command with its output both shown and saved (a port, so tests can fake it)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Protocol


class ProcessRunner(Protocol):
    def run(self, argv: Sequence[str], *, cwd: Path, env: Mapping[str, str], log_path: Path) -> int:
        """Run ``argv`` to completion, echoing and saving its output; return the exit code."""
        ...


class TeeProcessRunner:
    """Streams a child's combined output to our stdout and to a log file."""

    def __init__(self, echo: bool = True) -> None:
        self.echo = echo
        # User + system CPU seconds of the last command's process tree (its own rusage from
        # wait4, so right even while another lane's commands run beside it).
        self.last_cpu_seconds: float | None = None

    def run(self, argv: Sequence[str], *, cwd: Path, env: Mapping[str, str], log_path: Path) -> int:
        log_path.parent.mkdir(parents=True, exist_ok=True)
        try:
            process = subprocess.Popen(
                list(argv),
                cwd=cwd,
                env=dict(env),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
            )
        except FileNotFoundError:
            message = f"command not found: {argv[0]}\n"
            log_path.write_text(message)
            sys.stdout.write(message)
            return 127
        stdout = process.stdout
        if stdout is None:  # pragma: no cover - stdout=PIPE always gives one
            raise RuntimeError("no pipe to the child process")
        with log_path.open("wb") as log:
            for chunk in iter(stdout.readline, b""):
                log.write(chunk)
                if self.echo:
                    sys.stdout.buffer.write(chunk)
                    sys.stdout.flush()
        _, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
        self.last_cpu_seconds = usage.ru_utime + usage.ru_stime
        return process.returncode
