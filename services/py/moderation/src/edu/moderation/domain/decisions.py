"""What the rules find and what follows from it: allow, hold for review, or reject."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum


class Outcome(StrEnum):
    ALLOW = "allow"
    HOLD = "hold"
    REJECT = "reject"


@dataclass(frozen=True, order=True)
class Finding:
    """One thing a rule found: a stable ``code``, plain words in ``detail``, and what it asks
    for on its own (``HOLD`` for something a person should look at, ``REJECT`` for what is
    never shown)."""

    code: str
    detail: str
    severity: Outcome


@dataclass(frozen=True)
class Decision:
    outcome: Outcome
    reasons: tuple[Finding, ...]


# Several doubtful signs in one text (capitals, a phone number and "buy now") are spam even
# when none of them alone would be.
HOLDS_THAT_REJECT = 3


def decide(findings: Iterable[Finding]) -> Decision:
    """The policy: any finding asking to reject rejects; ``HOLDS_THAT_REJECT`` distinct kinds
    of doubt reject too; one or two hold; none allows. The reasons are every finding, sorted, so
    the same findings always give the same decision."""
    reasons = tuple(sorted(set(findings)))
    if any(finding.severity is Outcome.REJECT for finding in reasons):
        return Decision(Outcome.REJECT, reasons)
    doubts = {finding.code for finding in reasons if finding.severity is Outcome.HOLD}
    if len(doubts) >= HOLDS_THAT_REJECT:
        return Decision(Outcome.REJECT, reasons)
    if doubts:
        return Decision(Outcome.HOLD, reasons)
    return Decision(Outcome.ALLOW, reasons)
