"""Narrowing a pytest layer to part of the tree: `just test-unit services/py/course`.

A path among a layer's extra arguments chooses which of the layer's test folders run, instead
of being added to all of them: a member's folder (``services/py/course``) selects the layer's
folders inside it (``services/py/course/tests/unit``); a folder or file inside one of the
layer's folders (``services/py/course/tests/unit/test_catalogue.py``, with or without a
``::test`` suffix) is run as given. A path that is neither is refused with what the layer
covers, rather than silently running something else.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

# pytest options whose next argument is a value, not a path to select.
_TAKES_VALUE = frozenset(
    {
        "-k",
        "-m",
        "-p",
        "-o",
        "-c",
        "-n",
        "-W",
        "--maxfail",
        "--deselect",
        "--ignore",
        "--ignore-glob",
        "--rootdir",
        "--basetemp",
        "--durations",
        "--junitxml",
        "--override-ini",
        "--splits",
        "--group",
        "--hypothesis-seed",
        "--dist",
        "--tb",
        "-r",
    }
)


class SelectionError(ValueError):
    """A path that is not part of the layer."""


def narrow_to_paths(
    root: Path, layer_paths: Sequence[str], extra: Sequence[str]
) -> tuple[list[str], list[str]]:
    """(the test paths to run, the remaining extra arguments)."""
    chosen: list[str] = []
    rest: list[str] = []
    previous = ""
    for arg in extra:
        candidate = arg.split("::", 1)[0]
        is_value = previous in _TAKES_VALUE
        previous = arg
        if is_value or arg.startswith("-") or not (root / candidate).exists():
            rest.append(arg)
            continue
        chosen.extend(p for p in _select(root, layer_paths, arg) if p not in chosen)
    return (chosen or list(layer_paths)), rest


def _select(root: Path, layer_paths: Sequence[str], arg: str) -> list[str]:
    target = (root / arg.split("::", 1)[0]).resolve()
    inside_target = [p for p in layer_paths if (root / p).resolve().is_relative_to(target)]
    if inside_target:
        return inside_target
    if any(target.is_relative_to((root / p).resolve()) for p in layer_paths):
        return [arg]
    covered = ", ".join(layer_paths) or "nothing"
    raise SelectionError(f"{arg} holds none of this layer's tests (it covers {covered})")
