"""What a deploy gate reports: one finding per broken rule, with where it was found."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Finding:
    gate: str
    where: str
    rule: str
    message: str

    def __str__(self) -> str:
        return f"{self.gate}: {self.where}: [{self.rule}] {self.message}"
