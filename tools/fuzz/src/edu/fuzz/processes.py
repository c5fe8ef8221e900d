"""One service as a real uvicorn process on a free 127.0.0.1 port, its output kept in a log.

The fuzzer talks to the services the way clients and the other services do: over HTTP, through
uvicorn's own request parsing, each in its own process (so a crash in one shows as that
service's 500 and its traceback lands in its log, which the reproduction quotes).
"""

from __future__ import annotations

import contextlib
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path


class ServiceDidNotStart(RuntimeError):
    """The process exited, or never answered its OpenAPI document in time."""


@dataclass
class ServiceProcess:
    name: str
    app: str  # "module:factory", a zero-argument factory reading EDU_* settings
    port: int
    environment: Mapping[str, str]
    log_path: Path
    _process: subprocess.Popen[bytes] | None = field(default=None, init=False, repr=False)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        """Spawn uvicorn; returns at once (``wait_until_ready`` waits)."""
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        argv = [
            sys.executable,
            "-m",
            "uvicorn",
            self.app,
            "--factory",
            "--host",
            "127.0.0.1",
            "--port",
            str(self.port),
            "--no-access-log",
            "--timeout-graceful-shutdown",
            "5",
        ]
        with self.log_path.open("ab") as log:
            self._process = subprocess.Popen(
                argv,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                env=dict(self.environment),
                start_new_session=True,
            )

    def wait_until_ready(self, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._process is None or self._process.poll() is not None:
                raise ServiceDidNotStart(f"{self.name} exited at start-up:\n{self.log_tail()}")
            if _answers(f"{self.url}/openapi.json"):
                return
            time.sleep(0.05)
        raise ServiceDidNotStart(
            f"{self.name} did not answer within {timeout:g} s:\n{self.log_tail()}"
        )

    def stop(self) -> None:
        if self._process is None:
            return
        process, self._process = self._process, None
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=5)

    def log_text(self) -> str:
        with contextlib.suppress(OSError):
            return self.log_path.read_text(errors="replace")
        return "(no log)"

    def log_tail(self, lines: int = 40) -> str:
        return "\n".join(self.log_text().splitlines()[-lines:])


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=1) as response:  # noqa: S310 - our own http URL
            return int(response.status) == 200
    except (urllib.error.URLError, OSError):
        return False
