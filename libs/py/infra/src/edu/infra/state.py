"""What `edu env up` started, kept in .edu/env/state.json so `down` stops exactly that."""

from __future__ import annotations

import json
import os
from pathlib import Path

from edu.infra.launched import LaunchedServer

STATE_VERSION = 1


class StateFile:
    def __init__(self, path: Path) -> None:
        self.path = path

    def load(self) -> dict[str, LaunchedServer]:
        try:
            data = json.loads(self.path.read_text())
        except FileNotFoundError:
            return {}
        except (OSError, ValueError) as exc:
            raise StateError(
                f"{self.path} is unreadable ({exc}); delete it after stopping the servers it names"
            ) from None
        if not isinstance(data, dict) or data.get("version") != STATE_VERSION:
            raise StateError(
                f"{self.path} has an unknown format; delete it after stopping the servers it names"
            )
        servers = data.get("servers", {})
        return {name: LaunchedServer.from_json(raw) for name, raw in servers.items()}

    def save(self, servers: dict[str, LaunchedServer]) -> None:
        if not servers:
            self.path.unlink(missing_ok=True)
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        payload = {
            "version": STATE_VERSION,
            "servers": {name: server.to_json() for name, server in sorted(servers.items())},
        }
        # Write then rename: a crash never leaves half a file behind.
        partial = self.path.with_suffix(f".{os.getpid()}.tmp")
        partial.write_text(json.dumps(payload, indent=2) + "\n")
        partial.replace(self.path)


class StateError(RuntimeError):
    """The state file cannot be used."""
