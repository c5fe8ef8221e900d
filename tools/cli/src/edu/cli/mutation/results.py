"""A package's mutation result: what ``edu mutation`` writes and the report and gate read.

One JSON file per package, ``.edu/results/mutation/<package>.json``. The score is the share of
mutants the unit tests detected: killed (a test failed) or timed out (the mutant looped),
over every mutant that was judged, so a mutant no test even reaches counts against it.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

# The statuses as mutmut 3 records them (``exit_code_by_key`` in its .meta files): the
# pytest exit code of the run with that mutant active, or mutmut's own codes.
KILLED = "killed"
TIMEOUT = "timeout"
SURVIVED = "survived"
NO_TESTS = "no tests"
OTHER = "other"  # suspicious, skipped, not checked, interrupted: not judged
_STATUS_BY_EXIT_CODE: dict[int | None, str] = {
    1: KILLED,
    3: KILLED,  # an internal error in pytest is a kill
    -11: KILLED,  # the mutant crashed the test process
    -9: KILLED,
    37: KILLED,  # caught by mutmut's type check (not configured here)
    0: SURVIVED,
    5: NO_TESTS,
    33: NO_TESTS,
    36: TIMEOUT,
    24: TIMEOUT,
    -24: TIMEOUT,
    152: TIMEOUT,
    255: TIMEOUT,
}


def status_of(exit_code: int | None) -> str:
    return _STATUS_BY_EXIT_CODE.get(exit_code, OTHER)


@dataclass(frozen=True)
class Mutant:
    """One mutant that the tests did not detect, with the change it made."""

    id: str
    status: str  # survived | no tests
    file: str  # relative to the repository root
    line: int  # the mutated function's first line in the real source (0: not found)
    function: str
    diff: str


@dataclass(frozen=True)
class PackageResult:
    package: str
    member: str  # the member's folder, relative to the root: services/py/course
    scope: str  # "full", or "changed": only the files changed since a ref (a pull request)
    files: tuple[str, ...]  # the mutated files, relative to the root
    killed: int
    timeout: int
    survived: int
    no_tests: int
    other: int
    seconds: float  # the member's whole run (its packages are mutated together)
    started_at: str
    tool: str
    survivors: tuple[Mutant, ...] = field(default=())
    changed_since: str | None = None

    @property
    def judged(self) -> int:
        return self.killed + self.timeout + self.survived + self.no_tests

    @property
    def total(self) -> int:
        return self.judged + self.other

    @property
    def score(self) -> float | None:
        """Detected / judged, 0..1; None when no mutant was judged."""
        return (self.killed + self.timeout) / self.judged if self.judged else None

    def to_json(self) -> dict[str, object]:
        data = asdict(self)
        data["score"] = None if self.score is None else round(self.score, 4)
        data["total"] = self.total
        return data

    @classmethod
    def from_json(cls, data: dict[str, object]) -> PackageResult:
        raw_survivors = data.get("survivors", [])
        survivors = tuple(
            Mutant(**item)
            for item in (raw_survivors if isinstance(raw_survivors, list) else [])
            if isinstance(item, dict)
        )
        files = data.get("files", [])
        changed = data.get("changed_since")
        return cls(
            package=str(data["package"]),
            member=str(data["member"]),
            scope=str(data["scope"]),
            files=tuple(str(f) for f in files) if isinstance(files, list) else (),
            killed=_int(data["killed"]),
            timeout=_int(data["timeout"]),
            survived=_int(data["survived"]),
            no_tests=_int(data["no_tests"]),
            other=_int(data.get("other", 0)),
            seconds=float(str(data["seconds"])),
            started_at=str(data["started_at"]),
            tool=str(data.get("tool", "")),
            survivors=survivors,
            changed_since=None if changed is None else str(changed),
        )


def _int(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"not a count: {value!r}")
    return value


def write(results_dir: Path, result: PackageResult) -> Path:
    target = results_dir / f"{result.package}.json"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(result.to_json(), indent=2) + "\n")
    return target


def read_all(results_dir: Path) -> list[PackageResult]:
    """Every package's latest result in ``results_dir``; a torn or foreign file is skipped."""
    found: list[PackageResult] = []
    for path in sorted(results_dir.glob("*.json")):
        try:
            data = json.loads(path.read_text())
            if isinstance(data, dict):
                found.append(PackageResult.from_json(data))
        except (OSError, KeyError, ValueError, TypeError, json.JSONDecodeError):
            continue
    return found


def percent(score: float | None) -> str:
    return "-" if score is None else f"{score:.1%}"
