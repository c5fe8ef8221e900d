"""The planted faults: one textual change each, in a file of any area of the repository."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

FAULTS_FILE = Path("tests/selection-audit/faults.toml")


class FaultError(Exception):
    """A fault that cannot be planted as written (its text is missing or ambiguous)."""


@dataclass(frozen=True)
class Fault:
    id: str
    area: str
    file: str
    find: str
    replace: str
    why: str

    def plant(self, text: str) -> str:
        """``text`` with the fault in it; refuses unless ``find`` occurs exactly once."""
        count = text.count(self.find)
        if count != 1:
            where = "does not occur" if count == 0 else f"occurs {count} times"
            raise FaultError(f"{self.id}: the text to change {where} in {self.file}")
        return text.replace(self.find, self.replace, 1)


def load_faults(path: Path) -> list[Fault]:
    """Reads ``[[fault]]`` tables; every id unique, every field present."""
    data = tomllib.loads(path.read_text())
    faults: list[Fault] = []
    seen: set[str] = set()
    for n, entry in enumerate(data.get("fault", []), start=1):
        missing = [k for k in ("id", "area", "file", "find", "replace", "why") if k not in entry]
        if missing:
            raise FaultError(f"fault #{n} in {path} lacks {', '.join(missing)}")
        fault = Fault(
            **{k: str(entry[k]) for k in ("id", "area", "file", "find", "replace", "why")}
        )
        if fault.id in seen:
            raise FaultError(f"fault id {fault.id} appears twice in {path}")
        if fault.find == fault.replace:
            raise FaultError(f"{fault.id}: find and replace are the same")
        seen.add(fault.id)
        faults.append(fault)
    return faults


def check_plantable(root: Path, faults: list[Fault]) -> list[str]:
    """Every fault's problem against the tree at ``root`` (empty: all can be planted)."""
    problems: list[str] = []
    for fault in faults:
        target = root / fault.file
        if not target.is_file():
            problems.append(f"{fault.id}: {fault.file} does not exist")
            continue
        try:
            fault.plant(target.read_text())
        except FaultError as exc:
            problems.append(str(exc))
    return problems
