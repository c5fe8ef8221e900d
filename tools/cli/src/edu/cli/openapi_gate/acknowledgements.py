"""Intended breaks: ``contracts/openapi/<service>.breaking.toml`` lists them with a version bump.

    version = "2.0.0"        # the spec's info.version that ships the break
    reason = "Lesson titles moved to /lessons/{id}"
    changes = ["removed-response-field: GET /courses/{course_id} response 200 $.lessons[].title"]

An acknowledgement counts only while ``version`` equals the new spec's ``info.version`` and that
version is higher than main's: once merged, main carries the new version, so the next break
needs a new bump and cannot ride on an old acknowledgement.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from edu.cli.openapi_gate.changes import Change


class AcknowledgementError(ValueError):
    """The acknowledgement file is malformed; the message says how."""


@dataclass(frozen=True)
class Acknowledgement:
    version: str
    reason: str
    changes: frozenset[str]


@dataclass(frozen=True)
class Verdict:
    unacknowledged: list[Change]
    acknowledged: list[Change] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    unused: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.unacknowledged


def load(path: Path) -> Acknowledgement | None:
    if not path.is_file():
        return None
    try:
        data = tomllib.loads(path.read_text())
    except tomllib.TOMLDecodeError as exc:
        raise AcknowledgementError(f"{path.name}: not valid TOML: {exc}") from None
    version, reason, changes = data.get("version"), data.get("reason"), data.get("changes")
    if not isinstance(version, str) or not version:
        raise AcknowledgementError(f'{path.name}: needs version = "<the new info.version>"')
    if not isinstance(reason, str) or not reason.strip():
        raise AcknowledgementError(f"{path.name}: needs a reason for the break")
    if not isinstance(changes, list) or not all(isinstance(c, str) for c in changes):
        raise AcknowledgementError(f"{path.name}: changes must be a list of change keys")
    return Acknowledgement(version, reason, frozenset(changes))


def version_tuple(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", version))


def judge(
    breaking: list[Change], ack: Acknowledgement | None, old_version: str, new_version: str
) -> Verdict:
    """Which breaking changes remain unacknowledged, and why an acknowledgement did not count."""
    if ack is None:
        return Verdict(unacknowledged=breaking)
    problems = []
    if ack.version != new_version:
        problems.append(
            f"the acknowledgement is for version {ack.version} but the spec's info.version is "
            f"{new_version}: bump the service's version to {ack.version} (or fix the file)"
        )
    elif version_tuple(new_version) <= version_tuple(old_version):
        problems.append(
            f"info.version {new_version} is not higher than main's {old_version}: a break "
            "needs a version bump (a new major version for a public API)"
        )
    if problems:
        return Verdict(unacknowledged=breaking, problems=problems)
    keys = {change.key for change in breaking}
    return Verdict(
        unacknowledged=[c for c in breaking if c.key not in ack.changes],
        acknowledged=[c for c in breaking if c.key in ack.changes],
        unused=sorted(ack.changes - keys),
    )
