"""Whether Pants, Bazel and Buck2 install here: the registry commands and what they answered."""

from __future__ import annotations

import subprocess
import time
from dataclasses import asdict, dataclass

# (tool, what the command checks, argv): registries only, one look-up each.
CHECKS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    (
        "pants",
        "PyPI versions installable for this Python (3.11)",
        ("python3", "-m", "pip", "index", "versions", "pantsbuild.pants"),
    ),
    (
        "pants",
        "PyPI versions installable for Python 3.9 (Pants 2.x wheels are cp39 only)",
        (
            "python3",
            "-m",
            "pip",
            "index",
            "versions",
            "pantsbuild.pants",
            "--python-version",
            "3.9",
            "--only-binary=:all:",
        ),
    ),
    (
        "pants",
        "the 2.x launcher (scie-pants) on npm",
        ("npm", "view", "scie-pants", "version"),
    ),
    ("bazel", "Debian's bazel packages", ("apt-cache", "policy", "bazel", "bazel-bootstrap")),
    ("bazel", "bazelisk on npm (a launcher)", ("npm", "view", "@bazel/bazelisk", "version")),
    (
        "bazel",
        "bazelisk fetching a Bazel release (from releases.bazel.build / GitHub)",
        ("npx", "--yes", "@bazel/bazelisk", "version"),
    ),
    ("buck2", "crates.io", ("cargo", "search", "buck2", "--limit", "5")),
    ("buck2", "npm", ("npm", "view", "buck2", "version")),
    ("buck2", "PyPI", ("python3", "-m", "pip", "index", "versions", "buck2")),
    ("buck2", "Debian", ("apt-cache", "policy", "buck2")),
)


@dataclass(frozen=True)
class Evidence:
    tool: str
    checks: str
    command: str
    exit_code: int
    output: str
    seconds: float


def collect(timeout: float = 60.0) -> list[Evidence]:
    found = []
    for tool, what, argv in CHECKS:
        begin = time.perf_counter()
        try:
            done = subprocess.run(
                list(argv), capture_output=True, text=True, timeout=timeout, check=False
            )
            code, output = done.returncode, (done.stdout + done.stderr).strip()
        except (subprocess.TimeoutExpired, FileNotFoundError) as error:
            code, output = -1, f"{type(error).__name__}: {error}"
        found.append(
            Evidence(
                tool=tool,
                checks=what,
                command=" ".join(argv),
                exit_code=code,
                output=_shorten(output),
                seconds=round(time.perf_counter() - begin, 1),
            )
        )
    return found


def _shorten(text: str, limit: int = 1200) -> str:
    lines = [line for line in text.splitlines() if "npm notice" not in line]
    joined = "\n".join(lines[:25])
    return joined if len(joined) <= limit else joined[:limit] + " …"


def to_json(found: list[Evidence]) -> list[dict[str, object]]:
    return [asdict(e) for e in found]
