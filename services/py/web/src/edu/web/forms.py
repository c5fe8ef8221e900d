"""Form errors for the templates: our own checks and the services' problem+json ``errors``,
each next to the field of our form it is about, in this site's words (edu.web.validation)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from edu.web.clients.errors import ProblemError
from edu.web.validation import humane


@dataclass
class FormErrors:
    fields: dict[str, list[str]] = field(default_factory=dict)
    general: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.fields or self.general)

    def add(self, name: str, message: str) -> None:
        """Add a message for a field (a message already there is not repeated)."""
        messages = self.fields.setdefault(name, [])
        if message not in messages:
            messages.append(message)

    def of(self, name: str) -> list[str]:
        return self.fields.get(name, [])

    @classmethod
    def from_problem(
        cls,
        problem: ProblemError,
        known: Mapping[str, str],
        *,
        conflict_field: str | None = None,
        items: Mapping[str, Sequence[str]] | None = None,
    ) -> FormErrors:
        """``known`` maps a service's field name to ours (same name: list it to itself); a
        problem about an entry of a list (``tags.1``) goes next to the list's field, naming the
        entry from ``items`` (what was sent, by the service's field name). A problem about any
        other field, or none, is shown above the form. A 409 goes next to ``conflict_field``
        when given (e.g. "this email is taken")."""
        errors = cls()
        for name, messages in problem.field_errors.items():
            head, _, index = name.partition(".")
            ours = known.get(name) or known.get(head)
            item = _entry((items or {}).get(head, ()), index)
            for message in messages:
                if ours is None:
                    if message not in errors.general:
                        errors.general.append(message)
                else:
                    errors.add(ours, humane(ours, message, item))
        if not errors:
            if problem.status == 409 and conflict_field:
                errors.add(conflict_field, problem.message)
            else:
                errors.general.append(problem.message)
        return errors


def _entry(values: Sequence[str], index: str) -> str | None:
    return values[int(index)] if index.isdigit() and int(index) < len(values) else None
