"""Whether Pants, Bazel and Buck2 install here: the registry commands and what they answered."""

from __future__ import annotations

import subprocess
import time
from dataclasses import asdict, dataclass
from pathlib import Path

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
    (
        "buck2",
        "crates.io search (the registry mirror has no search API)",
        ("cargo", "search", "buck2", "--limit", "5"),
    ),
    ("buck2", "crates.io: what the crate named buck2 is", ("cargo", "info", "buck2")),
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


def collect(home: Path, timeout: float = 45.0) -> list[Evidence]:
    found = [_check(tool, what, argv, timeout) for tool, what, argv in CHECKS]
    return found + pants_trial(home)


PANTS_TOML = """[GLOBAL]
pants_version = "2.17.1"
backend_packages = ["pants.backend.python", "pants.backend.experimental.python.lint.ruff"]
[python]
interpreter_constraints = ["==3.11.*"]
[source]
root_patterns = ["/src"]
"""


def pants_trial(home: Path, timeout: float = 300.0) -> list[Evidence]:
    """Pants 2.17.1 (the last on PyPI) under pyenv's Python 3.9, on a one-file project.

    ``--no-pantsd`` throughout: the daemon would outlive the check."""
    pythons = sorted(Path("/root/.pyenv/versions").glob("3.9*/bin/python"))
    if not pythons:
        return []
    venv, scratch = home / "pants-venv", home / "pants-scratch"
    (scratch / "src" / "demo").mkdir(parents=True, exist_ok=True)
    (scratch / "pants.toml").write_text(PANTS_TOML)
    (scratch / "src" / "demo" / "lib.py").write_text(
        "def add(a: int, b: int) -> int:\n    return a + b\n"
    )
    (scratch / "src" / "demo" / "BUILD").write_text("python_sources()\n")
    pants = str(venv / "bin" / "pants")
    steps = [
        (
            "uv venv (Python 3.9)",
            ("uv", "venv", "--allow-existing", "-q", "-p", str(pythons[-1]), str(venv)),
            home,
        ),
        (
            "pip install the last PyPI release",
            (
                "uv",
                "pip",
                "install",
                "--python",
                str(venv / "bin" / "python"),
                "pantsbuild.pants==2.17.1",
            ),
            home,
        ),
        ("pants runs", (pants, "--no-pantsd", "--version"), scratch),
        ("pants lints one file", (pants, "--no-pantsd", "lint", "::"), scratch),
    ]
    return [_check("pants", what, argv, timeout, cwd) for what, argv, cwd in steps]


def _check(
    tool: str, what: str, argv: tuple[str, ...], timeout: float, cwd: Path | None = None
) -> Evidence:
    begin = time.perf_counter()
    try:
        done = subprocess.run(
            list(argv), capture_output=True, text=True, timeout=timeout, check=False, cwd=cwd
        )
        code, output = done.returncode, (done.stdout + done.stderr).strip()
    except (subprocess.TimeoutExpired, FileNotFoundError) as error:
        code, output = -1, f"{type(error).__name__}: {error}"
    return Evidence(
        tool=tool,
        checks=what,
        command=" ".join(argv),
        exit_code=code,
        output=_shorten(output),
        seconds=round(time.perf_counter() - begin, 1),
    )


def _shorten(text: str, limit: int = 1200) -> str:
    lines = [line for line in text.splitlines() if "npm notice" not in line]
    joined = "\n".join(lines[:25])
    return joined if len(joined) <= limit else joined[:limit] + " …"


def to_json(found: list[Evidence]) -> list[dict[str, object]]:
    return [asdict(e) for e in found]
