"""Just enough of the justfile to expand ``just <recipe> args`` into the commands it runs.

The workflows call recipes, and recipes call ``edu``; checking the workflows against the
layer registry needs the ``edu`` command lines at the end of that chain.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass

_VARIABLE = re.compile(r'^([A-Za-z_][A-Za-z0-9_-]*)\s*:=\s*"(.*)"\s*$')
_RECIPE = re.compile(r"^([a-z][a-z0-9-]*)((?:\s+[^:]+?)?)\s*:(?!=)(.*)$")
_INTERPOLATION = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_-]*)\s*\}\}")


@dataclass(frozen=True)
class Recipe:
    name: str
    parameters: tuple[str, ...]  # names; a leading * or + marks the variadic last one
    body: tuple[str, ...]


@dataclass(frozen=True)
class Justfile:
    variables: dict[str, str]
    recipes: dict[str, Recipe]

    def expand(self, name: str, args: list[str]) -> list[str]:
        """The body lines of ``just name args`` with every ``{{...}}`` filled in."""
        recipe = self.recipes[name]
        values = dict(self.variables)
        remaining = list(args)
        for parameter in recipe.parameters:
            bare, _, default = parameter.lstrip("*+$").partition("=")
            if parameter.startswith(("*", "+")):
                values[bare] = shlex.join(remaining)
                remaining = []
            else:
                values[bare] = shlex.quote(remaining.pop(0)) if remaining else default.strip("'\"")
        return [
            _INTERPOLATION.sub(lambda m: values.get(m.group(1), m.group(0)), line)
            for line in recipe.body
        ]


def parse_justfile(text: str) -> Justfile:
    variables: dict[str, str] = {}
    recipes: dict[str, Recipe] = {}
    current: tuple[str, tuple[str, ...], list[str]] | None = None
    for line in text.splitlines():
        if current and line.startswith((" ", "\t")):
            if line.strip():
                current[2].append(line.strip().lstrip("@-"))
            continue
        if current:
            recipes[current[0]] = Recipe(current[0], current[1], tuple(current[2]))
            current = None
        variable = _VARIABLE.match(line)
        recipe = _RECIPE.match(line)
        if variable:
            variables[variable.group(1)] = variable.group(2)
        elif recipe and not line.startswith("set "):
            current = (recipe.group(1), tuple(recipe.group(2).split()), [])
    if current:
        recipes[current[0]] = Recipe(current[0], current[1], tuple(current[2]))
    return Justfile(variables, recipes)
