"""``python -m edu.infra.cargo_watch``: a Rust deployable under `just dev`, rebuilt on change.

What cargo-watch does for us, without installing it (``cargo install cargo-watch`` compiles for
minutes on 2 cores): build the crate's binary, run it, poll the watched folders' ``.rs`` and
``Cargo.toml`` files, and on a change rebuild; only a build that succeeds replaces the running
process (SIGTERM, so it drains, then the new binary). A failed build keeps the old one serving
and prints cargo's errors. SIGTERM or SIGINT to the watcher stops its child the same way.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterable, Sequence
from pathlib import Path

WATCHED_SUFFIXES = (".rs", ".toml", ".sql", ".proto")
STOP_GRACE_SECONDS = 10.0


def snapshot(folders: Iterable[Path]) -> dict[Path, int]:
    """Modification time (ns) of every watched file, skipping build output."""
    found: dict[Path, int] = {}
    for folder in folders:
        for path in folder.rglob("*"):
            if "target" in path.parts or not path.name.endswith(WATCHED_SUFFIXES):
                continue
            try:
                found[path] = path.stat().st_mtime_ns
            except OSError:  # removed between listing and reading
                continue
    return found


def binary_path(root: Path, binary: str) -> Path:
    target = Path(os.environ.get("CARGO_TARGET_DIR", root / "target"))
    return target / "debug" / binary


class Watcher:
    def __init__(self, root: Path, package: str, binary: str, folders: Sequence[Path]) -> None:
        self.root = root
        self.package = package
        self.binary = binary_path(root, binary)
        self.folders = list(folders)
        self.child: subprocess.Popen[bytes] | None = None
        self.stopping = False

    def say(self, message: str) -> None:
        sys.stdout.write(f"[cargo-watch {self.package}] {message}\n")
        sys.stdout.flush()

    def build(self) -> bool:
        done = subprocess.run(  # noqa: S603 - fixed argv, the package is a declared crate
            ["cargo", "build", "--quiet", "--package", self.package],  # noqa: S607 - cargo on PATH
            cwd=self.root,
            stdin=subprocess.DEVNULL,
            check=False,
        )
        return done.returncode == 0

    def start(self) -> None:
        self.child = subprocess.Popen(  # noqa: S603 - the binary cargo just built
            [str(self.binary)], cwd=self.root, stdin=subprocess.DEVNULL
        )
        self.say(f"running {self.binary.name} (pid {self.child.pid})")

    def stop_child(self) -> None:
        child, self.child = self.child, None
        if child is None or child.poll() is not None:
            return
        child.send_signal(signal.SIGTERM)
        try:
            child.wait(STOP_GRACE_SECONDS)
        except subprocess.TimeoutExpired:
            self.say(f"pid {child.pid} did not stop within {STOP_GRACE_SECONDS:g} s: killing it")
            child.kill()
            child.wait()

    def handle_stop(self, signum: int, _frame: object) -> None:
        self.stopping = True

    def run(self, interval: float) -> int:
        signal.signal(signal.SIGTERM, self.handle_stop)
        signal.signal(signal.SIGINT, self.handle_stop)
        seen = snapshot(self.folders)
        if self.build():
            self.start()
        else:
            self.say("the first build failed: fix it and save, the watcher keeps waiting")
        try:
            while not self.stopping:
                time.sleep(interval)
                now = snapshot(self.folders)
                if now == seen:
                    continue
                seen = now
                self.say("change seen: rebuilding")
                if not self.build():
                    self.say("build failed: the running version keeps serving")
                    continue
                self.stop_child()
                self.start()
        finally:
            self.stop_child()
        return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m edu.infra.cargo_watch")
    parser.add_argument("--root", type=Path, default=Path.cwd(), help="the Cargo workspace")
    parser.add_argument("--package", required=True)
    parser.add_argument("--bin", default=None, help="the binary's name (default: the package's)")
    parser.add_argument("--watch", type=Path, action="append", required=True)
    parser.add_argument("--interval", type=float, default=0.5)
    options = parser.parse_args(argv)
    watcher = Watcher(options.root, options.package, options.bin or options.package, options.watch)
    return watcher.run(options.interval)


if __name__ == "__main__":
    sys.exit(main())
