"""Who can log in as a seeded user: the manifest for tools that act as seeded users (the load
tests), and the lines a seed run prints for people.

Load tests need real accounts but must not depend on this package's internals; they read this
JSON file instead. Course ids are not in it: clients discover courses through the catalogue.
"""

from __future__ import annotations

import json
from pathlib import Path

from edu.seed.plan import SeedPlan
from edu.seed.specs import SEED_PASSWORD


def manifest(plan: SeedPlan) -> dict[str, object]:
    return {
        "size": plan.size.name,
        "password": SEED_PASSWORD,
        "teachers": [spec.email for spec in plan.teachers],
        "students": [spec.email for spec in plan.students],
    }


def write_manifest(plan: SeedPlan, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(manifest(plan), indent=1) + "\n")


def login_info(plan: SeedPlan, examples: int = 2) -> str:
    """How to log in as a seeded user: the shared password and a few of the addresses."""

    def some(emails: list[str]) -> str:
        return ", ".join(emails[:examples]) + (", ..." if len(emails) > examples else "")

    teachers = [spec.email for spec in plan.teachers]
    students = [spec.email for spec in plan.students]
    return "\n".join(
        [
            f"log in as any seeded user with the password: {SEED_PASSWORD}",
            f"  {len(teachers)} teachers: {some(teachers)}",
            f"  {len(students)} students: {some(students)}",
            "  every address: --manifest FILE writes them all (JSON)",
        ]
    )
