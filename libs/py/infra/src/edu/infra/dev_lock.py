"""The lock that keeps one `edu dev` per checkout: a second one says so instead of fighting
over the dev ports."""

from __future__ import annotations

import fcntl
import os
from pathlib import Path
from typing import IO


class AlreadyRunning(RuntimeError):
    """Another `edu dev` holds the lock."""


class DevLock:
    """An exclusive lock file holding the pid of the `edu dev` that owns the dev ports."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._handle: IO[str] | None = None

    def acquire(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = self.path.open("a+")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            owner = handle.read().strip() or "unknown"
            handle.close()
            raise AlreadyRunning(f"edu dev is already running (pid {owner})") from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"{os.getpid()}\n")
        handle.flush()
        self._handle = handle

    def release(self) -> None:
        # The file stays: removing it could race with the next `edu dev` opening it.
        if self._handle is not None:
            self._handle.truncate(0)
            self._handle.close()  # closing drops the lock; the kernel does it too if we die
            self._handle = None
