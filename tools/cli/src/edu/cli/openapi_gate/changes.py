"""What the diff engine reports: one ``Change`` per difference, breaking or compatible."""

from __future__ import annotations

from dataclasses import dataclass

# Breaking kinds: an existing client of the old spec can fail against the new one.
REMOVED_OPERATION = "removed-operation"
REMOVED_STATUS_CODE = "removed-status-code"
REMOVED_MEDIA_TYPE = "removed-media-type"
REMOVED_RESPONSE_FIELD = "removed-response-field"
OPTIONAL_RESPONSE_FIELD = "optional-response-field"
NEW_REQUIRED_PARAMETER = "new-required-parameter"
NEW_REQUIRED_FIELD = "new-required-field"
CHANGED_TYPE = "changed-type"
NARROWED_ENUM = "narrowed-enum"
REJECTED_FIELD = "rejected-request-field"

# Compatible kinds: reported so a reviewer sees the whole change, never failing.
ADDED_OPERATION = "added-operation"
ADDED_STATUS_CODE = "added-status-code"
ADDED_OPTIONAL_PARAMETER = "added-optional-parameter"
REMOVED_PARAMETER = "removed-parameter"
ADDED_OPTIONAL_FIELD = "added-optional-field"
ADDED_RESPONSE_FIELD = "added-response-field"
REMOVED_REQUEST_FIELD = "removed-request-field"
WIDENED_TYPE = "widened-type"
WIDENED_ENUM = "widened-enum"


@dataclass(frozen=True, order=True)
class Change:
    """One difference between two specs, located precisely enough to act on."""

    operation: str  # "GET /courses/{course_id}"
    where: str  # "response 200 $.lessons[].title", "query parameter page", ""
    kind: str
    detail: str  # a plain sentence for the report
    breaking: bool

    @property
    def location(self) -> str:
        return f"{self.operation} {self.where}".strip()

    @property
    def key(self) -> str:
        """The stable text an acknowledgement file lists to accept this change."""
        return f"{self.kind}: {self.location}"


def render(changes: list[Change]) -> str:
    """A readable report: breaking changes first, each with the key that acknowledges it."""
    breaking = sorted(c for c in changes if c.breaking)
    compatible = sorted(c for c in changes if not c.breaking)
    lines: list[str] = []
    if breaking:
        lines.append(f"{len(breaking)} breaking change(s):")
        for change in breaking:
            lines.append(f"  - {change.location}: {change.detail}")
            lines.append(f"    key: {change.key}")
    if compatible:
        lines.append(f"{len(compatible)} compatible change(s):")
        lines.extend(f"  - {c.location}: {c.detail}" for c in compatible)
    return "\n".join(lines) if lines else "no changes"
