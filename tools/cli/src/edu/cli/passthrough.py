"""Everything after ``--`` goes to the layer's own command, untouched.

Click hands the tokens after ``--`` to the command's positional arguments, so a variadic
``LAYERS...`` argument would swallow ``edu test unit -- --splits 2 --group 1`` whole and
report ``--splits`` as an unknown layer. This command class cuts them off before parsing.
"""

from __future__ import annotations

from typing import Any

import typer
from typer.core import TyperCommand

_KEY = "edu.passthrough"


class PassthroughCommand(TyperCommand):
    # ``ctx`` is typer's vendored click Context, which typer does not export under a public
    # name; Any keeps the override compatible without importing a private module.
    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        if "--" in args:
            cut = args.index("--")
            ctx.meta[_KEY] = args[cut + 1 :]
            args = args[:cut]
        result: list[str] = super().parse_args(ctx, args)
        return result


def passthrough_args(ctx: typer.Context) -> list[str]:
    """The tokens after ``--`` (plus any unknown options Click let through)."""
    return [*ctx.args, *ctx.meta.get(_KEY, [])]
