"""Form errors for the templates: the services' problem+json ``errors`` mapped to the fields
of our forms, in the services' own plain words."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from edu.web.clients.errors import ProblemError


@dataclass
class FormErrors:
    fields: dict[str, list[str]] = field(default_factory=dict)
    general: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.fields or self.general)

    def add(self, name: str, message: str) -> None:
        self.fields.setdefault(name, []).append(message)

    def of(self, name: str) -> list[str]:
        return self.fields.get(name, [])

    @classmethod
    def from_problem(
        cls,
        problem: ProblemError,
        known: Mapping[str, str],
        *,
        conflict_field: str | None = None,
    ) -> FormErrors:
        """``known`` maps a service's field name to ours (same name: list it to itself); a
        problem about any other field, or none, is shown above the form. A 409 goes next to
        ``conflict_field`` when given (e.g. "this email is taken")."""
        errors = cls()
        for name, messages in problem.field_errors.items():
            for message in messages:
                if name in known:
                    errors.add(known[name], message)
                else:
                    errors.general.append(message)
        if not errors:
            if problem.status == 409 and conflict_field:
                errors.add(conflict_field, problem.message)
            else:
                errors.general.append(problem.message)
        return errors
