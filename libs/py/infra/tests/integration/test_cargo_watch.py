"""`edu.infra.cargo_watch` on a real (tiny, dependency-free) crate: rebuild and restart on a
change, keep the running version when a build fails, stop the child on SIGTERM."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

MAIN = """\
use std::io::Write;
fn main() {{
    let mut out = std::fs::OpenOptions::new().append(true).create(true)
        .open("started.txt").unwrap();
    writeln!(out, "{version} {{}}", std::process::id()).unwrap();
    loop {{ std::thread::sleep(std::time::Duration::from_millis(50)); }}
}}
"""


def write_crate(folder: Path, version: str) -> None:
    (folder / "src").mkdir(parents=True, exist_ok=True)
    (folder / "Cargo.toml").write_text(
        '[package]\nname = "tiny"\nversion = "0.1.0"\nedition = "2021"\n\n[workspace]\n'
    )
    (folder / "src" / "main.rs").write_text(MAIN.format(version=version))


def eventually(check: Callable[[], bool], seconds: float = 60.0) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError("the condition never held")
        time.sleep(0.1)


def started(folder: Path) -> list[tuple[str, int]]:
    path = folder / "started.txt"
    if not path.is_file():
        return []
    return [(v, int(pid)) for v, pid in (line.split() for line in path.read_text().splitlines())]


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return Path(f"/proc/{pid}").exists() and "Z" not in Path(f"/proc/{pid}/stat").read_text()


@pytest.fixture
def watched(tmp_path: Path) -> Iterator[tuple[Path, subprocess.Popen[bytes]]]:
    write_crate(tmp_path, "v1")
    env = {**os.environ, "CARGO_TARGET_DIR": str(tmp_path / "target")}
    watcher = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "edu.infra.cargo_watch",
            f"--root={tmp_path}",
            "--package=tiny",
            f"--watch={tmp_path}",
            "--interval=0.2",
        ],
        cwd=tmp_path,
        env=env,
        stdin=subprocess.DEVNULL,
    )
    try:
        yield tmp_path, watcher
    finally:
        if watcher.poll() is None:
            watcher.kill()
            watcher.wait()


class TestCargoWatch:
    def test_a_change_rebuilds_and_replaces_the_running_binary(
        self, watched: tuple[Path, subprocess.Popen[bytes]]
    ) -> None:
        folder, _ = watched
        eventually(lambda: len(started(folder)) == 1)
        first_pid = started(folder)[0][1]
        write_crate(folder, "v2")
        eventually(lambda: len(started(folder)) == 2)
        assert started(folder)[1][0] == "v2"
        eventually(lambda: not alive(first_pid), seconds=15)

    def test_a_failed_build_keeps_the_old_version_serving(
        self, watched: tuple[Path, subprocess.Popen[bytes]]
    ) -> None:
        folder, _ = watched
        eventually(lambda: len(started(folder)) == 1)
        first_pid = started(folder)[0][1]
        (folder / "src" / "main.rs").write_text("fn main() { this is not rust }\n")
        time.sleep(4)
        assert len(started(folder)) == 1
        assert alive(first_pid)
        write_crate(folder, "v3")
        eventually(lambda: len(started(folder)) == 2)
        assert started(folder)[1][0] == "v3"

    def test_sigterm_stops_the_watcher_and_its_child(
        self, watched: tuple[Path, subprocess.Popen[bytes]]
    ) -> None:
        folder, watcher = watched
        eventually(lambda: len(started(folder)) == 1)
        child = started(folder)[0][1]
        watcher.send_signal(signal.SIGTERM)
        assert watcher.wait(20) == 0
        eventually(lambda: not alive(child), seconds=15)
