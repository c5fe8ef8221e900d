"""``tests/quarantine.toml``: tests known to be flaky, still run, that cannot fail the PR set.

Each ``[[quarantine]]`` entry names a test (a pytest node id, ``path::Class::test``; a Rust
test by its JUnit id ``crate (target)::module::test`` with ``path`` naming the crate's folder),
its ``owner`` (one of the CODEOWNERS owners of the test's file: the team that must fix it),
the ``reason``, the ``date`` it was quarantined and the ``expires`` date. An entry past its
expiry, with an owner CODEOWNERS does not give the file, or naming no file that exists, is a
problem: `edu quarantine` fails, and so does the unit layer (tests/repo/test_quarantine.py).
"""

from __future__ import annotations

import fnmatch
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

QUARANTINE_FILE = Path("tests") / "quarantine.toml"
CODEOWNERS_FILE = Path(".github") / "CODEOWNERS"
_FIELDS = {"test", "owner", "reason", "date", "expires", "path"}
# Long enough to fix a flaky test, short enough that nobody forgets one.
LONGEST_QUARANTINE_DAYS = 90


class QuarantineError(ValueError):
    """The quarantine file cannot be read at all."""


@dataclass(frozen=True)
class Entry:
    test: str
    owner: str
    reason: str
    since: date
    expires: date
    path: str  # the file (or folder) whose CODEOWNERS owners may own the entry

    def expired(self, today: date) -> bool:
        return today > self.expires


def parse(text: str, source: str = str(QUARANTINE_FILE)) -> list[Entry]:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise QuarantineError(f"{source}: not valid TOML: {exc}") from None
    unknown = set(data) - {"quarantine"}
    if unknown:
        raise QuarantineError(f"{source}: unknown table(s) {', '.join(sorted(unknown))}")
    raw = data.get("quarantine", [])
    if not isinstance(raw, list):
        raise QuarantineError(f"{source}: quarantine must be an array of tables ([[quarantine]])")
    return [_entry(source, index, item) for index, item in enumerate(raw, start=1)]


def _entry(source: str, index: int, item: object) -> Entry:
    where = f"{source}: entry {index}"
    if not isinstance(item, dict):
        raise QuarantineError(f"{where}: must be a table")
    if isinstance(item.get("test"), str):
        where += f" ({item['test']})"
    unknown = set(item) - _FIELDS
    if unknown:
        raise QuarantineError(f"{where}: unknown field(s) {', '.join(sorted(unknown))}")
    for name in ("test", "owner", "reason"):
        if not isinstance(item.get(name), str) or not item[name].strip():
            raise QuarantineError(f"{where}: {name} must be a non-empty string")
    for name in ("date", "expires"):
        if type(item.get(name)) is not date:
            raise QuarantineError(f"{where}: {name} must be a TOML date (2026-01-31)")
    test = item["test"]
    path = item.get("path", test.split("::", 1)[0])
    if not isinstance(path, str) or not path:
        raise QuarantineError(f"{where}: path must name the test's file or crate folder")
    return Entry(test, item["owner"], item["reason"], item["date"], item["expires"], path)


def load(root: Path) -> list[Entry]:
    path = root / QUARANTINE_FILE
    if not path.is_file():
        return []
    return parse(path.read_text(), str(QUARANTINE_FILE))


def parse_codeowners(text: str) -> list[tuple[str, tuple[str, ...]]]:
    """``(pattern, owners)`` rules in file order (the last matching rule wins, as on GitHub)."""
    rules = []
    for raw in text.splitlines():
        line = raw.split("#", 1)[0].strip()
        if line:
            pattern, *owners = line.split()
            rules.append((pattern, tuple(owners)))
    return rules


def owners_of(path: str, rules: Sequence[tuple[str, tuple[str, ...]]]) -> tuple[str, ...]:
    """The owners CODEOWNERS gives ``path`` (a repository-relative file or folder)."""
    found: tuple[str, ...] = ()
    for pattern, owners in rules:
        if _matches(pattern, path.strip("/")):
            found = owners
    return found


def _matches(pattern: str, path: str) -> bool:
    anchored = pattern.startswith("/")
    bare = pattern.strip("/")
    if not bare or bare == "*":
        return True
    candidates = [path] if anchored else [path, *(path.split("/", i)[-1] for i in range(1, 8))]
    for candidate in candidates:
        if fnmatch.fnmatchcase(candidate, bare) or candidate.startswith(bare + "/"):
            return True
        if fnmatch.fnmatchcase(candidate, bare + "/*"):
            return True
    return False


def problems(
    entries: Sequence[Entry],
    today: date,
    rules: Sequence[tuple[str, tuple[str, ...]]],
    exists: Mapping[str, bool],
) -> list[str]:
    """Everything wrong with the entries; ``exists`` maps each entry's path to whether it exists."""
    found: list[str] = []
    seen: set[str] = set()
    for entry in entries:
        name = f"quarantine entry {entry.test!r} (owner {entry.owner})"
        if entry.test in seen:
            found.append(f"{name}: listed twice")
        seen.add(entry.test)
        if entry.expired(today):
            found.append(
                f"{name} expired on {entry.expires.isoformat()}: fix the test and remove the "
                "entry, or have its owner renew it with a new reason"
            )
        if entry.expires < entry.since:
            found.append(f"{name}: expires before the date it was quarantined")
        elif (entry.expires - entry.since).days > LONGEST_QUARANTINE_DAYS:
            found.append(f"{name}: quarantined for more than {LONGEST_QUARANTINE_DAYS} days")
        if not exists.get(entry.path, False):
            found.append(f"{name}: no file or folder {entry.path!r} in the repository")
            continue
        owners = owners_of(entry.path, rules)
        if entry.owner not in owners:
            given = ", ".join(owners) or "nobody"
            found.append(f"{name}: CODEOWNERS gives {entry.path} to {given}, not to {entry.owner}")
    return found


def check(root: Path, today: date) -> list[str]:
    """Problems with the repository's quarantine file (an unreadable file is one problem)."""
    try:
        entries = load(root)
    except QuarantineError as exc:
        return [str(exc)]
    codeowners = root / CODEOWNERS_FILE
    rules = parse_codeowners(codeowners.read_text()) if codeowners.is_file() else []
    exists = {entry.path: (root / entry.path).exists() for entry in entries}
    return problems(entries, today, rules, exists)


def active(entries: Sequence[Entry], today: date) -> set[str]:
    """The test ids whose failures are forgiven today: an expired entry forgives nothing."""
    return {entry.test for entry in entries if not entry.expired(today)}
